// The Dashboard page (roles with `view_team_workload`), after the seed's Figure 4: over the
// teams the person supervises, (1) each worker's active and new cases and their weighted
// caseload against the case types' recommended and maximum caseloads, a row above target
// marked in words; (2) the deadlines passed now, by kind (overdue follow-ups, cases beyond their
// stage's limit by stage, reviews due, care plans waiting for approval, escalations) and the
// cases needing attention; (3) the open cases by stage; (4) the quality metrics of the last six
// months. Charts are small SVG images named by their figures, which are also written out. Counts
// and case numbers only; the server records each reading of the dashboard.

import { useState } from 'preact/hooks';
import {
  api,
  type AlertCounts,
  type AttentionCase,
  type Config,
  type MonthMetrics,
  type StageCount,
  type User,
  type WorkerLoad,
} from '../api';
import { Columns, HBar } from '../charts';
import { CaseNumberCell } from '../caseTable';
import { ErrorNotice, Loading, PageTitle, RefreshButton } from '../components';
import { deadlineKindName } from '../deadlines';
import { formatDateTime, formatDecimal, formatMonth, formatNumber, formatPercent, t, type MessageKey } from '../i18n';
import { stageLabel, typeName } from '../labels';
import { useLoad } from '../load';
import { approvesCarePlans } from '../roles';
import { href } from '../router';

export function DashboardPage({ config, me }: { config: Config; me: User }) {
  const [loadedAt, setLoadedAt] = useState('');
  const dashboard = useLoad(() => api.dashboard(), [], { onLoaded: () => setLoadedAt(new Date().toISOString()) });
  const { data: board, error, loading } = dashboard;

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('dashboard.title')} />
        {!error && board && (
          <RefreshButton id="dashboard-reload" busy={loading} onRefresh={dashboard.reload}>
            {t('dashboard.reload')}
          </RefreshButton>
        )}
      </div>
      <p class="muted" id="dashboard-intro">
        {t('dashboard.intro')}
      </p>
      {error ? (
        <ErrorNotice error={error} onRetry={dashboard.reload} />
      ) : loading && !board ? (
        <Loading />
      ) : board ? (
        <div class={`results dashboard${loading ? ' stale' : ''}`} aria-busy={loading}>
          <p class="muted count" role="status" id="dashboard-as-of">
            {t('dashboard.asOf', { time: formatDateTime(loadedAt) })}
          </p>
          <Workload config={config} workers={board.workers} />
          <Alerts config={config} counts={board.alerts} attention={board.attention} approvals={approvesCarePlans(me)} />
          <Stages config={config} stages={board.stages} />
          <Quality months={board.metrics} />
        </div>
      ) : null}
    </>
  );
}

/** A worker's name, or their username, for a worker the server could not name. */
function workerName(worker: WorkerLoad['worker']): string {
  return worker.display_name || worker.username || t('common.none');
}

// ---------------------------------------------------------------------------------------------
// (1) Team workload

function Workload({ config, workers }: { config: Config; workers: WorkerLoad[] }) {
  return (
    <section class="card dashboard-section" aria-labelledby="workload-title" id="dashboard-workload">
      <h2 id="workload-title">{t('dashboard.workload')}</h2>
      {workers.length === 0 ? (
        <p class="empty" id="workload-empty">
          {t('dashboard.noWorkers')}
        </p>
      ) : (
        <>
          <p class="hint" id="workload-hint">
            {t('dashboard.workloadHint')}
          </p>
          <table class="cases workload-table" id="workload-table" aria-describedby="workload-hint">
            <caption class="sr-only">{t('dashboard.workloadCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.col.worker')}</th>
                <th scope="col">{t('dashboard.col.active')}</th>
                <th scope="col">{t('dashboard.col.new')}</th>
                <th scope="col">{t('dashboard.col.load')}</th>
                <th scope="col">{t('dashboard.col.target')}</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.worker.id} class={w.above_target ? 'above-target' : undefined}>
                  <th scope="row" data-label={t('dashboard.col.worker')}>
                    <bdi>{workerName(w.worker)}</bdi>
                  </th>
                  <td data-label={t('dashboard.col.active')} class="num">
                    {formatNumber(w.active)}
                  </td>
                  <td data-label={t('dashboard.col.new')} class="num">
                    {formatNumber(w.new)}
                  </td>
                  <td data-label={t('dashboard.col.load')} class="loads">
                    {w.by_case_type.length === 0 ? (
                      <span class="muted">{t('dashboard.noOpenCases')}</span>
                    ) : (
                      <ul class="type-loads">
                        {w.by_case_type.map((l) => {
                          const figures = {
                            type: typeName(config, l.case_type),
                            load: formatDecimal(l.load),
                            recommended: formatNumber(l.recommended),
                            maximum: formatNumber(l.maximum),
                          };
                          return (
                            <li key={l.case_type} class={`type-load ${l.status}`}>
                              <span class="type-load-text">
                                {t('dashboard.typeLoad', figures)}
                                {l.status !== 'within' && (
                                  <strong class="caseload-flag">
                                    {' '}
                                    {l.status === 'above_maximum' ? t('caseload.overMaximum') : t('caseload.overRecommended')}
                                  </strong>
                                )}
                              </span>
                              <HBar
                                value={l.load}
                                scale={Math.max(l.maximum * 1.2, l.load * 1.05, 1)}
                                tone={l.status}
                                label={t('dashboard.loadBar', figures)}
                                marks={[
                                  { at: l.recommended, kind: 'recommended' },
                                  { at: l.maximum, kind: 'maximum' },
                                ]}
                              />
                            </li>
                          );
                        })}
                      </ul>
                    )}
                  </td>
                  <td data-label={t('dashboard.col.target')}>
                    <span class={`badge ${w.above_target ? 'badge-warning' : 'badge-ok'}`}>
                      {w.above_target ? t('dashboard.aboveTarget') : t('dashboard.withinTarget')}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint chart-legend">
            <span class="legend-swatch recommended" aria-hidden="true" /> {t('dashboard.legendRecommended')}{' '}
            <span class="legend-swatch maximum" aria-hidden="true" /> {t('dashboard.legendMaximum')}
          </p>
        </>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// (2) Alerts: deadlines passed now, and the cases needing attention

/** One count: its label (a link where it leads somewhere) and the figure. */
function Stat({ id, label, value, link }: { id: string; label: string; value: number; link?: string }) {
  return (
    <div class={`stat${value > 0 ? ' stat-due' : ''}`} id={id}>
      <dt>{link ? <a href={link}>{label}</a> : label}</dt>
      <dd>{formatNumber(value)}</dd>
    </div>
  );
}

function Alerts({
  config,
  counts,
  attention,
  approvals,
}: {
  config: Config;
  counts: AlertCounts;
  attention: AttentionCase[];
  approvals: boolean;
}) {
  return (
    <section class="card dashboard-section" aria-labelledby="dashboard-alerts-title" id="dashboard-alerts">
      <h2 id="dashboard-alerts-title">{t('dashboard.alerts')}</h2>
      <dl class="stats" id="dashboard-counts">
        <Stat id="dashboard-follow-ups" label={t('dashboard.followUpsOverdue')} value={counts.follow_ups_overdue} />
        {counts.stages_overdue.length === 0 ? (
          <Stat id="dashboard-stages-overdue" label={t('dashboard.stagesOverdue')} value={0} />
        ) : (
          counts.stages_overdue.map((s) => (
            <Stat
              key={s.stage}
              id={`dashboard-overdue-${s.stage}`}
              label={t('dashboard.stageOverdue', { stage: stageLabel(config, s.stage) })}
              value={s.cases}
            />
          ))
        )}
        <Stat id="dashboard-reviews" label={t('dashboard.reviewsDue')} value={counts.reviews_due} />
        <Stat
          id="dashboard-pending"
          label={t('dashboard.carePlansPending')}
          value={counts.care_plans_pending}
          link={approvals ? href({ name: 'approvals' }) : undefined}
        />
        <Stat id="dashboard-escalated" label={t('dashboard.escalated')} value={counts.escalated} />
      </dl>
      <h3 id="attention-title">{t('dashboard.attention')}</h3>
      {attention.length === 0 ? (
        <p class="empty" id="attention-empty">
          {t('dashboard.attentionNone')}
        </p>
      ) : (
        <table class="cases attention-table" id="attention-table" aria-labelledby="attention-title">
          <caption class="sr-only">{t('dashboard.attentionCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('list.col.number')}</th>
              <th scope="col">{t('list.col.assigned')}</th>
              <th scope="col">{t('list.col.stage')}</th>
              <th scope="col">{t('dashboard.col.overdue')}</th>
              <th scope="col">{t('dashboard.col.escalated')}</th>
            </tr>
          </thead>
          <tbody>
            {attention.map((c) => (
              <tr key={c.case_id} class={c.escalated ? 'escalated' : undefined}>
                <CaseNumberCell id={c.case_id} number={c.case_number} />
                <td data-label={t('list.col.assigned')}>
                  <bdi>{workerName(c.worker)}</bdi>
                </td>
                <td data-label={t('list.col.stage')}>
                  <span class="badge">{stageLabel(config, c.stage)}</span>
                </td>
                <td data-label={t('dashboard.col.overdue')}>
                  <ul class="kind-list">
                    {c.kinds.map((kind) => (
                      <li key={kind}>
                        <span class="badge badge-warning">{deadlineKindName(kind)}</span>
                      </li>
                    ))}
                  </ul>
                </td>
                <td data-label={t('dashboard.col.escalated')}>
                  {c.escalated ? <span class="badge badge-denied">{t('dashboard.escalatedBadge')}</span> : t('common.no')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// (3) Cases by stage

function Stages({ config, stages }: { config: Config; stages: StageCount[] }) {
  const total = stages.reduce((sum, s) => sum + s.cases, 0);
  const most = Math.max(1, ...stages.map((s) => s.cases));
  return (
    <section class="card dashboard-section" aria-labelledby="stages-title" id="dashboard-stages">
      <h2 id="stages-title">{t('dashboard.stages')}</h2>
      {total === 0 ? (
        <p class="empty" id="stages-empty">
          {t('dashboard.stagesNone')}
        </p>
      ) : (
        <>
          <p class="muted" id="stages-total">
            {total === 1 ? t('dashboard.stagesTotalOne') : t('dashboard.stagesTotal', { n: formatNumber(total) })}
          </p>
          <table class="chart-table" id="stages-chart" aria-describedby="stages-total">
            <caption class="sr-only">{t('dashboard.stagesCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.col.stage')}</th>
                <th scope="col" class="num">
                  {t('dashboard.col.cases')}
                </th>
                <th scope="col" class="bar-cell">
                  <span class="sr-only">{t('dashboard.col.share')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {stages.map((s) => (
                <tr key={s.stage} id={`stage-row-${s.stage}`}>
                  <th scope="row">{stageLabel(config, s.stage)}</th>
                  <td class="num">{formatNumber(s.cases)}</td>
                  <td class="bar-cell">
                    <HBar
                      value={s.cases}
                      scale={most}
                      label={t('dashboard.stageShare', { n: formatNumber(s.cases), total: formatNumber(total) })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// (4) Quality metrics by month

interface Metric {
  key: string;
  name: MessageKey;
  hint: MessageKey;
  /** The month's figure, null when there was nothing to count. */
  value: (m: MonthMetrics) => number | null;
  /** The figure in words. */
  format: (value: number) => string;
  /** What the figure was counted from ("13 of 15"), said with it and, unless `quiet`, shown
   * under it. */
  detail?: (m: MonthMetrics) => string | null;
  quiet?: boolean;
  /** A share (0 to 1, drawn against 100 %) rather than a quantity drawn against the largest. */
  share: boolean;
}

const shareDetail = (s: { met: number; of: number }) =>
  s.of > 0 ? t('metric.shareOf', { met: formatNumber(s.met), of: formatNumber(s.of) }) : null;

const METRICS: readonly Metric[] = [
  {
    key: 'days-to-assessment',
    name: 'metric.daysToAssessment',
    hint: 'metric.daysToAssessmentHint',
    value: (m) => m.average_days_to_assessment ?? null,
    format: (v) => t('metric.days', { n: formatDecimal(v) }),
    share: false,
  },
  {
    key: 'plans',
    name: 'metric.plans',
    hint: 'metric.plansHint',
    value: (m) => m.plans_with_objectives_and_timelines.ratio ?? null,
    format: formatPercent,
    detail: (m) => shareDetail(m.plans_with_objectives_and_timelines),
    share: true,
  },
  {
    key: 'follow-ups',
    name: 'metric.followUps',
    hint: 'metric.followUpsHint',
    value: (m) => m.follow_ups_within_interval.ratio ?? null,
    format: formatPercent,
    detail: (m) => shareDetail(m.follow_ups_within_interval),
    share: true,
  },
  {
    key: 'closures',
    name: 'metric.closures',
    hint: 'metric.closuresHint',
    value: (m) => m.closures_with_outcome.ratio ?? null,
    format: formatPercent,
    detail: (m) => shareDetail(m.closures_with_outcome),
    share: true,
  },
  {
    key: 'reopen-rate',
    name: 'metric.reopenRate',
    hint: 'metric.reopenRateHint',
    value: (m) => m.reopen_rate ?? null,
    format: formatPercent,
    detail: (m) => (m.reopenings > 0 ? t('metric.reopenings', { n: formatNumber(m.reopenings) }) : null),
    quiet: true,
    share: true,
  },
];

function Quality({ months }: { months: MonthMetrics[] }) {
  return (
    <section class="card dashboard-section" aria-labelledby="quality-title" id="dashboard-quality">
      <h2 id="quality-title">{t('dashboard.quality')}</h2>
      {months.length === 0 ? (
        <p class="empty" id="quality-empty">
          {t('dashboard.qualityNone')}
        </p>
      ) : (
        <>
          <p class="hint">{t('dashboard.qualityIntro')}</p>
          <div class="metrics" id="metrics">
            {METRICS.map((metric) => (
              <MetricChart key={metric.key} metric={metric} months={months} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function MetricChart({ metric, months }: { metric: Metric; months: MonthMetrics[] }) {
  const values = months.map(metric.value);
  const details = months.map((m) => metric.detail?.(m) ?? null);
  const known = values.filter((v): v is number => v !== null);
  const scale = Math.max(1, ...known);
  const text = (v: number | null) => (v === null ? t('common.none') : metric.format(v));
  const said = (i: number) => {
    const value = text(values[i] ?? null);
    const detail = details[i];
    return detail ? t('metric.valueWithDetail', { value, detail }) : value;
  };
  const id = `metric-${metric.key}`;
  const latest = months.length - 1;
  const summary = months
    .map((m, i) => t('metric.monthValue', { month: formatMonth(m.month, 'long'), value: said(i) }))
    .join('; ');
  return (
    <figure class="metric" id={id} aria-labelledby={`${id}-title`}>
      <figcaption>
        <h3 class="metric-title" id={`${id}-title`}>
          {t(metric.name)}
        </h3>
        <p class="hint">{t(metric.hint)}</p>
      </figcaption>
      <p class="metric-latest" id={`${id}-latest`}>
        {t('metric.latest', { month: formatMonth(months[latest]?.month ?? '', 'long') })}{' '}
        <strong>{said(latest)}</strong>
      </p>
      {known.length === 0 ? (
        <p class="muted metric-none">{t('metric.none')}</p>
      ) : (
        <Columns values={values.map((v) => (v === null ? null : v / scale))} label={t('metric.chart', { metric: t(metric.name), values: summary })} />
      )}
      <ol class="metric-months" style={{ gridTemplateColumns: `repeat(${months.length}, minmax(0, 1fr))` }}>
        {months.map((m, i) => (
          <li key={m.month} class={i === latest ? 'latest' : undefined}>
            <span class="metric-month">
              <span aria-hidden="true">{formatMonth(m.month, 'short')}</span>
              <span class="sr-only">{formatMonth(m.month, 'long')}</span>
            </span>
            <span class="metric-value">{text(values[i] ?? null)}</span>
            {details[i] && !metric.quiet && <span class="metric-detail">{details[i]}</span>}
          </li>
        ))}
      </ol>
    </figure>
  );
}
