// The Reports page (roles with `view_aggregate_reports`): anonymised aggregate reports, the
// seed's "cases by stage, by protection concern, by age group and sex, by area, opened by
// period". The person picks what the rows and columns count along and which cases (case type,
// open or closed, months opened); the server counts from its running tallies and suppresses any
// count below the instance's minimum cell count, with the counts that would give one away.
// Suppressed counts are said in words, never shown as a number. Counts only, never a case; the
// server records each reading. The choices live in the address, so a report can be bookmarked.

import { useEffect, useState } from 'preact/hooks';
import { api, type CaseReport, type Config, type ReportQuery } from '../api';
import { ErrorNotice, Loading, PageTitle } from '../components';
import { placeErrors, SelectField, TextField, type FieldErrors } from '../dialog';
import { locationByCode, optionsOf } from '../form/model';
import { formatMonth, formatNumber, label, t } from '../i18n';
import { stageLabel, typeName } from '../labels';
import { useLoad } from '../load';
import { navigate } from '../router';

/** The axes every instance has, then its report dimensions (an age field is the age group). */
const FIXED_AXES = ['case_type', 'stage', 'opened_month', 'age_group'] as const;

interface Draft {
  rows: string;
  columns: string;
  case_type: string;
  status: string;
  opened_from: string;
  opened_to: string;
}

const DEFAULTS: Draft = { rows: 'stage', columns: 'case_type', case_type: '', status: 'open', opened_from: '', opened_to: '' };

/** The report the address asks for; the first report (open cases by stage and case type)
 * when it asks for none. A missing parameter is otherwise empty: no columns, every case type. */
function draftOf(params: URLSearchParams): Draft {
  if (!params.has('rows')) return { ...DEFAULTS };
  const draft = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof Draft)[]) {
    draft[key] = params.get(key) ?? (key === 'status' ? 'open' : '');
  }
  return draft;
}

function queryOf(draft: Draft): ReportQuery {
  return {
    rows: draft.rows,
    columns: draft.columns || undefined,
    case_type: draft.case_type || undefined,
    status: draft.status,
    opened_from: draft.opened_from.trim() || undefined,
    opened_to: draft.opened_to.trim() || undefined,
  };
}

/** A report dimension field (the first case type's that has it), by id. */
function dimensionField(config: Config, id: string) {
  for (const caseType of config.case_types) {
    for (const section of caseType.sections) {
      const field = section.fields.find((f) => f.id === id && f.report_dimension);
      if (field) return field;
    }
  }
  return undefined;
}

/** The report dimensions a report can count along, besides the fixed axes: every dimension
 * field but those stored as an age group (the "Age group" axis reads them). */
function dimensionAxes(config: Config): { id: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const caseType of config.case_types) {
    for (const section of caseType.sections) {
      for (const field of section.fields) {
        if (field.report_dimension && field.report_as !== 'age_group' && !seen.has(field.id)) {
          seen.set(field.id, label(field.label) || field.id);
        }
      }
    }
  }
  return [...seen].map(([id, name]) => ({ id, name }));
}

function axisName(config: Config, axis: string): string {
  if ((FIXED_AXES as readonly string[]).includes(axis)) return t(`reports.axis.${axis as (typeof FIXED_AXES)[number]}`);
  return label(dimensionField(config, axis)?.label) || axis;
}

/** A row's or column's key in words: a case type, stage, month, or a dimension's value. */
function keyName(config: Config, axis: string, key: string | null | undefined): string {
  if (key === null || key === undefined) return t('reports.notRecorded');
  if (axis === 'case_type') return typeName(config, key);
  if (axis === 'stage') return stageLabel(config, key);
  if (axis === 'opened_month') return formatMonth(key, 'long');
  if (axis === 'age_group') return t('reports.ageGroup', { group: key });
  const field = dimensionField(config, axis);
  if (!field) return key;
  if (field.type === 'single_select' || field.type === 'multi_select') {
    return label(optionsOf(config, field.option_list).find((o) => o.id === key)?.label) || key;
  }
  if (field.type === 'yes_no') return key === 'yes' ? t('common.yes') : key === 'no' ? t('common.no') : key;
  if (field.type === 'location') return label(locationByCode(config, key)?.name) || key;
  if (field.report_as === 'month') return formatMonth(key, 'long');
  return key;
}

const PARAMETER_IDS: Record<string, string> = {
  rows: 'report-rows',
  columns: 'report-columns',
  case_type: 'report-case-type',
  status: 'report-status',
  opened_from: 'report-from',
  opened_to: 'report-to',
};

export function ReportsPage({ config, params }: { config: Config; params: URLSearchParams }) {
  const applied = draftOf(params);
  const [draft, setDraft] = useState<Draft>(applied);
  const key = params.toString();
  useEffect(() => setDraft(draftOf(params)), [key]);
  const report = useLoad(() => api.caseReport(queryOf(applied)), [key]);
  const errors: FieldErrors = (report.error ? placeErrors(report.error, PARAMETER_IDS) : null) ?? {};
  const axes = [...FIXED_AXES.map((id) => ({ id, name: axisName(config, id) })), ...dimensionAxes(config)];
  const axisOptions = axes.map((a) => (
    <option key={a.id} value={a.id}>
      {a.name}
    </option>
  ));

  const show = (e: Event) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(queryOf(draft))) if (value) next.set(name, value);
    navigate({ name: 'reports', params: next });
  };

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('reports.title')} />
      </div>
      <p class="muted" id="reports-intro">
        {t('reports.intro')}
      </p>
      <form class="filters report-filters card" id="report-filters" aria-label={t('reports.choose')} noValidate onSubmit={show}>
        <SelectField id="report-rows" label={t('reports.rows')} value={draft.rows} error={errors['report-rows']} onChange={(rows) => setDraft({ ...draft, rows })}>
          {axisOptions}
        </SelectField>
        <SelectField
          id="report-columns"
          label={t('reports.columns')}
          value={draft.columns}
          error={errors['report-columns']}
          onChange={(columns) => setDraft({ ...draft, columns })}
        >
          <option value="">{t('reports.noColumns')}</option>
          {axisOptions}
        </SelectField>
        <SelectField
          id="report-case-type"
          label={t('reports.caseType')}
          value={draft.case_type}
          error={errors['report-case-type']}
          onChange={(case_type) => setDraft({ ...draft, case_type })}
        >
          <option value="">{t('reports.allCaseTypes')}</option>
          {config.case_types.map((c) => (
            <option key={c.id} value={c.id}>
              {typeName(config, c.id)}
            </option>
          ))}
        </SelectField>
        <SelectField id="report-status" label={t('reports.status')} value={draft.status} error={errors['report-status']} onChange={(status) => setDraft({ ...draft, status })}>
          <option value="open">{t('reports.status.open')}</option>
          <option value="closed">{t('reports.status.closed')}</option>
          <option value="all">{t('reports.status.all')}</option>
        </SelectField>
        <TextField
          id="report-from"
          label={t('reports.from')}
          hint={t('reports.monthHint')}
          dir="ltr"
          narrow
          value={draft.opened_from}
          error={errors['report-from']}
          onInput={(opened_from) => setDraft({ ...draft, opened_from })}
        />
        <TextField
          id="report-to"
          label={t('reports.to')}
          hint={t('reports.monthHint')}
          dir="ltr"
          narrow
          value={draft.opened_to}
          error={errors['report-to']}
          onInput={(opened_to) => setDraft({ ...draft, opened_to })}
        />
        <div class="report-filter-actions">
          <button type="submit" class="button primary" id="report-show">
            {t('reports.show')}
          </button>
        </div>
      </form>
      {report.error && Object.keys(errors).length === 0 ? (
        <ErrorNotice error={report.error} onRetry={report.reload} />
      ) : report.loading && !report.data ? (
        <Loading />
      ) : report.data && !report.error ? (
        <ReportTable config={config} report={report.data} stale={report.loading} />
      ) : null}
    </>
  );
}

/** A count, or the word for a suppressed one. */
function Count({ value }: { value: number | null | undefined }) {
  return value === null || value === undefined ? <span class="suppressed">{t('reports.suppressed')}</span> : <>{formatNumber(value)}</>;
}

function ReportTable({ config, report, stale }: { config: Config; report: CaseReport; stale: boolean }) {
  const rowsAxis = report.rows_axis;
  const columnsAxis = report.columns_axis ?? null;
  const caption = columnsAxis
    ? t('reports.captionBy', { rows: axisName(config, rowsAxis), columns: axisName(config, columnsAxis) })
    : t('reports.caption', { rows: axisName(config, rowsAxis) });
  const anySuppressed = report.total === null || report.cells.some((r) => r.some((c) => c === null));
  return (
    <section class={`card report${stale ? ' stale' : ''}`} aria-busy={stale} id="report">
      <p class="muted" id="report-scope">
        {t('reports.scope', {
          types: report.case_types.map((c) => typeName(config, c)).join(', '),
          status: t(`reports.status.${report.status === 'closed' ? 'closed' : report.status === 'all' ? 'all' : 'open'}`),
        })}
      </p>
      <div class="report-table-scroll">
        <table class="cases report-table" id="report-table" aria-describedby="report-scope report-note">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{axisName(config, rowsAxis)}</th>
              {columnsAxis &&
                report.columns.map((c, i) => (
                  <th scope="col" class="num" key={i}>
                    {keyName(config, columnsAxis, c)}
                  </th>
                ))}
              <th scope="col" class="num">
                {t('reports.total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r, i) => (
              <tr key={i}>
                <th scope="row">{keyName(config, rowsAxis, r)}</th>
                {columnsAxis &&
                  report.cells[i]?.map((cell, j) => (
                    <td class="num" key={j}>
                      <Count value={cell} />
                    </td>
                  ))}
                <td class="num">
                  <Count value={report.row_totals[i]} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('reports.total')}</th>
              {columnsAxis &&
                report.column_totals.map((c, j) => (
                  <td class="num" key={j}>
                    <Count value={c} />
                  </td>
                ))}
              <td class="num" id="report-total">
                <Count value={report.total} />
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p class="muted" id="report-note">
        {anySuppressed
          ? t('reports.suppressedNote', { n: formatNumber(report.minimum_cell_count) })
          : t('reports.minimumNote', { n: formatNumber(report.minimum_cell_count) })}
        {report.multiple ? ` ${t('reports.multipleNote')}` : ''}
      </p>
    </section>
  );
}
