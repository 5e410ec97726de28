// The case page's "Care plan" panel: the plan in force (the newest version) with its status,
// what it should achieve, its interventions (type from the option list the server names, the
// objective, who is responsible, a target date and how far it has come), who wrote it and who
// approved or returned it with what comment; the versions before it, collapsed.
//
// Whoever may write the plan (`may_write`) edits it in place: the narrative, and interventions
// added and removed as rows. Each save keeps a new version, based on the newest (a 409 when
// someone saved meanwhile), as a draft or submitted for approval; changing only the statuses
// of interventions of an approved plan saves a progress update that stays approved. The server's
// 422 names the member of each problem (`narrative`, `interventions[0].type`), shown at its
// control and listed on top. The case's team supervisor (`may_decide`) approves the newest
// submitted version or returns it with a comment; the case moves on from the care plan stage
// only with an approved plan. A disclosure that loads when first opened, like the other panels
// (reading the plan is recorded), or at once when the case was opened from the Approvals page.

import { useState } from 'preact/hooks';
import { api, ApiError, type Case, type CarePlan, type Config, type FieldProblem, type Intervention, type InterventionStatus } from '../api';
import { describeActionError, ErrorNotice, SuccessNotice, useNotice } from '../components';
import { HintAndError, SelectField, TextField } from '../dialog';
import { optionsOf } from '../form/model';
import { formatDate, formatDateTime, hasMessage, isolate, label, t } from '../i18n';
import { takeCarePlanReview } from '../state';
import { TextDialog } from './common';
import { Disclosure, DisclosureResults, useDisclosure } from './disclosure';

const STATUSES: readonly InterventionStatus[] = ['planned', 'in_progress', 'completed', 'delayed', 'declined'];

/** A plan's status in words; one this app does not name, as the server sent it. */
function planStatusName(status: string): string {
  const key = `carePlan.status.${status}`;
  return hasMessage(key) ? t(key) : status;
}

/** An intervention's status in words (`planned` when none is given). */
function interventionStatusName(status: string | null | undefined): string {
  const key = `carePlan.interventionStatus.${status || 'planned'}`;
  return hasMessage(key) ? t(key) : (status ?? '');
}

/** The type of an intervention in words, from the configuration's option list. */
function typeName(config: Config, listId: string, id: string): string {
  return label(optionsOf(config, listId).find((o) => o.id === id)?.label) || id;
}

/** An intervention as edited: every member a string ('' when empty), with a key for its row. */
interface Row {
  key: number;
  type: string;
  objective: string;
  responsible: string;
  target_date: string;
  status: InterventionStatus;
}

let nextRowKey = 1;

function toRow(intervention?: Intervention): Row {
  return {
    key: nextRowKey++,
    type: intervention?.type ?? '',
    objective: intervention?.objective ?? '',
    responsible: intervention?.responsible ?? '',
    target_date: intervention?.target_date ?? '',
    status: intervention?.status ?? 'planned',
  };
}

function toIntervention(row: Row): Intervention {
  return {
    type: row.type,
    objective: row.objective.trim(),
    responsible: row.responsible.trim(),
    target_date: row.target_date || null,
    status: row.status,
  };
}

/** The members of a row, as the server names them in `interventions[i].<member>`. */
const MEMBERS = ['type', 'objective', 'responsible', 'target_date', 'status'] as const;
type Member = (typeof MEMBERS)[number];

function memberLabel(member: Member): string {
  switch (member) {
    case 'type':
      return t('carePlan.type');
    case 'objective':
      return t('carePlan.objective');
    case 'responsible':
      return t('carePlan.responsible');
    case 'target_date':
      return t('carePlan.targetDate');
    case 'status':
      return t('carePlan.status');
  }
}

const controlId = (index: number, member: Member) => `care-plan-${index}-${member}`;

/** Where a problem the server names goes: the id of its control and what to call it in the
 * summary. A problem with a member this form has no control for goes on top only. */
function placeProblem(problem: FieldProblem): { id: string | null; name: string } {
  if (problem.field === 'narrative') return { id: 'care-plan-narrative', name: t('carePlan.narrative') };
  if (problem.field === 'interventions') return { id: 'care-plan-interventions', name: t('carePlan.interventions') };
  const match = /^interventions\[(\d+)\]\.(\w+)$/.exec(problem.field);
  const member = MEMBERS.find((m) => m === match?.[2]);
  if (match && member) {
    const index = Number(match[1]);
    return { id: controlId(index, member), name: `${t('carePlan.intervention', { n: index + 1 })}: ${memberLabel(member)}` };
  }
  return { id: null, name: problem.field };
}

/** Whether two lists of interventions are the same, statuses aside or not. */
function sameInterventions(a: Intervention[], b: Intervention[], withStatus: boolean): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i];
      return (
        y !== undefined &&
        x.type === y.type &&
        (x.objective ?? '') === (y.objective ?? '') &&
        (x.responsible ?? '') === (y.responsible ?? '') &&
        (x.target_date ?? null) === (y.target_date ?? null) &&
        (!withStatus || (x.status ?? 'planned') === (y.status ?? 'planned'))
      );
    })
  );
}

export function CarePlanPanel({ config, item, onChanged }: { config: Config; item: Case; onChanged: () => void }) {
  // Opened from the Approvals page: the plan is what the supervisor came for.
  const [startOpen] = useState(() => takeCarePlanReview(item.id));
  const panel = useDisclosure(() => api.carePlans(item.id), [item.id], { startOpen });
  const { data: plans, loading } = panel;
  const [editing, setEditing] = useState(false);
  const [returning, setReturning] = useState<CarePlan | null>(null);
  const [approving, setApproving] = useState(false);
  const [decisionError, setDecisionError] = useState<unknown>(null);
  /** After a save or a decision, the keyboard goes to the notice saying so: the form or the
   * buttons it came from are gone. */
  const notice = useNotice('care-plan-notice');

  /** A new version or a decision: say so, read the plan again, and the case (its moves). */
  const done = (message: string) => {
    setEditing(false);
    setReturning(null);
    setDecisionError(null);
    notice.show(message, true);
    panel.reload();
    onChanged();
  };

  const versions = plans?.versions ?? [];
  const newest = versions[versions.length - 1] ?? null;
  const earlier = versions.slice(0, -1).reverse();
  const listId = plans?.intervention_types ?? '';
  const mayDecide = Boolean(plans?.may_decide && newest?.status === 'submitted');

  const approve = async () => {
    if (approving || loading || !newest) return;
    setApproving(true);
    setDecisionError(null);
    notice.clear();
    try {
      const decided = await api.decideCarePlan(item.id, newest.version, { decision: 'approve' });
      done(t('carePlan.approved', { n: decided.version }));
    } catch (caught) {
      setDecisionError(caught);
    } finally {
      setApproving(false);
    }
  };

  return (
    <Disclosure
      id="care-plan-panel"
      state={panel}
      title={t('carePlan.title')}
      summary={t('carePlan.summary')}
      outside={
        returning && (
          <ReturnDialog
            caseId={item.id}
            plan={returning}
            onClose={() => setReturning(null)}
            onReturned={(decided) => done(t('carePlan.returned', { n: decided.version }))}
          />
        )
      }
    >
      <p class="hint" id="care-plan-intro">
        {t('carePlan.intro')}
      </p>
      <SuccessNotice id="care-plan-notice" text={notice.text} focusable />
      <DisclosureResults state={panel}>
        {(list) => (
          <>
            {!newest ? (
              <p class="muted" id="care-plan-empty">
                {t('carePlan.none')}
              </p>
            ) : (
              <section class="care-plan-current" aria-labelledby="care-plan-current-title">
                <h3 id="care-plan-current-title">
                  {t('carePlan.inForce', { n: newest.version })}{' '}
                  <span class={`badge plan-status plan-${newest.status}`} id="care-plan-status">
                    {planStatusName(newest.status)}
                  </span>
                </h3>
                {newest.status === 'returned' && (
                  <div class="notice warning" id="care-plan-returned">
                    <p>
                      <strong>{t('carePlan.returnedNotice')}</strong>
                    </p>
                    {newest.comment && (
                      <p class="care-plan-comment" dir="auto">
                        {newest.comment}
                      </p>
                    )}
                  </div>
                )}
                {newest.status === 'submitted' && (
                  <p class="notice info" id="care-plan-waiting">
                    {list.may_decide ? t('carePlan.waitingDecide') : t('carePlan.waiting')}
                  </p>
                )}
                <PlanVersion config={config} listId={listId} plan={newest} nested={false} />
              </section>
            )}
            {decisionError ? (
              <div class="notice error" role="alert" id="care-plan-decision-error">
                <p>{describeActionError(decisionError)}</p>
                <button
                  type="button"
                  class="button secondary"
                  onClick={() => {
                    setDecisionError(null);
                    panel.reload();
                  }}
                >
                  {t('carePlan.reload')}
                </button>
              </div>
            ) : null}
            {mayDecide && newest && (
              <div class="button-row care-plan-decision" role="group" aria-label={t('carePlan.decisionActions')}>
                <button type="button" class="button primary" id="care-plan-approve" aria-disabled={approving} aria-busy={approving} onClick={approve}>
                  {approving ? t('common.working') : t('carePlan.approve')}
                </button>
                <button
                  type="button"
                  class="button secondary"
                  id="care-plan-return"
                  onClick={() => {
                    notice.clear();
                    setDecisionError(null);
                    setReturning(newest);
                  }}
                >
                  {t('carePlan.return')}
                </button>
              </div>
            )}
            {list.may_write && !editing && (
              <p class="button-row">
                <button
                  type="button"
                  class="button secondary"
                  id="care-plan-edit"
                  aria-disabled={loading}
                  onClick={() => {
                    // An edit starts from the newest version: not before it has been read.
                    if (loading) return;
                    notice.clear();
                    setEditing(true);
                  }}
                >
                  {newest ? t('carePlan.edit') : t('carePlan.write')}
                </button>
              </p>
            )}
            {list.may_write && editing && (
              <PlanForm
                config={config}
                listId={listId}
                caseId={item.id}
                newest={newest}
                onCancel={() => setEditing(false)}
                onReload={() => {
                  setEditing(false);
                  panel.reload();
                }}
                onSaved={(saved) =>
                  done(
                    saved.status === 'submitted'
                      ? t('carePlan.submitted', { n: saved.version })
                      : saved.status === 'approved'
                        ? t('carePlan.savedProgress', { n: saved.version })
                        : t('carePlan.savedDraft', { n: saved.version }),
                  )
                }
              />
            )}
            {earlier.length > 0 && (
              <details class="care-plan-history" id="care-plan-history">
                <summary>{t('carePlan.earlier', { n: earlier.length })}</summary>
                <ol class="care-plan-versions">
                  {earlier.map((plan) => (
                    <li key={plan.id} class="care-plan-version" aria-labelledby={`care-plan-v${plan.version}-title`}>
                      <h4 id={`care-plan-v${plan.version}-title`}>
                        {t('carePlan.version', { n: plan.version })}{' '}
                        <span class={`badge plan-status plan-${plan.status}`}>{planStatusName(plan.status)}</span>
                      </h4>
                      <PlanVersion config={config} listId={listId} plan={plan} nested />
                    </li>
                  ))}
                </ol>
              </details>
            )}
          </>
        )}
      </DisclosureResults>
    </Disclosure>
  );
}

/** One version: who wrote and decided it, what it should achieve, and its interventions. */
function PlanVersion({ config, listId, plan, nested }: { config: Config; listId: string; plan: CarePlan; nested: boolean }) {
  const Heading = nested ? 'h5' : 'h4';
  const decider = plan.status === 'returned' ? t('carePlan.returnedBy') : t('carePlan.approvedBy');
  return (
    <div class="care-plan-body">
      <dl class="ro-list compact">
        <div class="ro-row">
          <dt>{t('carePlan.writtenBy')}</dt>
          <dd>{t('carePlan.byAt', { name: isolate(plan.written_by.display_name), at: formatDateTime(plan.written_at) })}</dd>
        </div>
        {plan.decided_by && (
          <div class="ro-row">
            <dt>{decider}</dt>
            <dd>
              {t('carePlan.byAt', {
                name: isolate(plan.decided_by.display_name),
                at: plan.decided_at ? formatDateTime(plan.decided_at) : t('common.none'),
              })}
            </dd>
          </div>
        )}
        {plan.comment && (nested || plan.status !== 'returned') && (
          <div class="ro-row">
            <dt>{t('carePlan.comment')}</dt>
            <dd class="care-plan-comment" dir="auto">
              {plan.comment}
            </dd>
          </div>
        )}
      </dl>
      <Heading class="care-plan-subtitle">{t('carePlan.narrative')}</Heading>
      {plan.narrative ? (
        <p class="care-plan-narrative" dir="auto">
          {plan.narrative}
        </p>
      ) : (
        <p class="muted">{t('carePlan.noNarrative')}</p>
      )}
      <Heading class="care-plan-subtitle">{t('carePlan.interventions')}</Heading>
      {plan.interventions.length === 0 ? (
        <p class="muted">{t('carePlan.noInterventions')}</p>
      ) : (
        <>
          <table class="cases data-table care-plan-table" id={nested ? undefined : 'care-plan-interventions-table'}>
            <caption class="sr-only">{t('carePlan.caption', { n: plan.version })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('carePlan.col.type')}</th>
                <th scope="col">{t('carePlan.col.objective')}</th>
                <th scope="col">{t('carePlan.col.responsible')}</th>
                <th scope="col">{t('carePlan.col.targetDate')}</th>
                <th scope="col">{t('carePlan.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {plan.interventions.map((intervention, index) => (
                <tr key={index}>
                  <th scope="row" data-label={t('carePlan.col.type')}>
                    {typeName(config, listId, intervention.type)}
                  </th>
                  <td data-label={t('carePlan.col.objective')}>
                    <bdi>{intervention.objective || t('common.none')}</bdi>
                  </td>
                  <td data-label={t('carePlan.col.responsible')}>
                    <bdi>{intervention.responsible || t('common.none')}</bdi>
                  </td>
                  <td data-label={t('carePlan.col.targetDate')} class="nowrap">
                    {intervention.target_date ? (
                      <time dateTime={intervention.target_date}>{formatDate(intervention.target_date)}</time>
                    ) : (
                      t('common.none')
                    )}
                  </td>
                  <td data-label={t('carePlan.col.status')}>
                    <span class={`badge intervention-${intervention.status || 'planned'}`}>{interventionStatusName(intervention.status)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint">{plan.objectives_and_timelines ? t('carePlan.complete') : t('carePlan.incomplete')}</p>
        </>
      )}
    </div>
  );
}

/** Writing a new version: the narrative and the interventions, from the newest version. */
function PlanForm({
  config,
  listId,
  caseId,
  newest,
  onCancel,
  onReload,
  onSaved,
}: {
  config: Config;
  listId: string;
  caseId: string;
  newest: CarePlan | null;
  onCancel: () => void;
  onReload: () => void;
  onSaved: (saved: CarePlan) => void;
}) {
  const [narrative, setNarrative] = useState(newest?.narrative ?? '');
  const [rows, setRows] = useState<Row[]>(() => (newest?.interventions ?? []).map(toRow));
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const options = optionsOf(config, listId);

  const interventions = rows.map(toIntervention);
  const base = newest?.interventions ?? [];
  const sameText = narrative.trim() === (newest?.narrative ?? '') && sameInterventions(interventions, base, false);
  const unchanged = sameText && sameInterventions(interventions, base, true);
  // Only statuses changed on an approved plan: a progress update, which stays approved.
  const progressOnly = newest?.status === 'approved' && sameText && !unchanged;

  // Problems by control, in the server's words; those without a control go on top only.
  const placed = problems.map((p) => ({ ...placeProblem(p), message: p.message }));
  const errorOf = (id: string): string | undefined => {
    const messages = [...new Set(placed.filter((p) => p.id === id).map((p) => p.message))];
    return messages.length ? messages.join('; ') : undefined;
  };

  const focusProblems = () =>
    requestAnimationFrame(() => {
      const first = document.querySelector<HTMLElement>('#care-plan-form [aria-invalid="true"]');
      (first ?? document.getElementById('care-plan-errors'))?.focus();
    });

  const save = async (submit: boolean) => {
    if (busy) return;
    if (unchanged && (!submit || newest?.status === 'submitted' || newest?.status === 'approved')) {
      setProblems([]);
      setStatus(t('carePlan.noChanges'));
      return;
    }
    setBusy(true);
    setProblems([]);
    setFailure(null);
    setConflict(false);
    setStatus('');
    try {
      const saved = await api.saveCarePlan(caseId, {
        based_on: newest?.version ?? 0,
        narrative: narrative.trim(),
        interventions,
        submit,
      });
      onSaved(saved);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        setConflict(true);
        requestAnimationFrame(() => document.getElementById('care-plan-reload')?.focus());
      } else if (caught instanceof ApiError && (caught.status === 422 || caught.status === 403) && caught.errors.length > 0) {
        setProblems(caught.errors);
        focusProblems();
      } else {
        setFailure(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  /** A changed control's problems go; the others stay until the next attempt. */
  const clear = (id: string) => setProblems((list) => list.filter((p) => placeProblem(p).id !== id));

  const change = (key: number, index: number, member: Member, value: string) => {
    setStatus('');
    clear(controlId(index, member));
    setRows((list) => list.map((r) => (r.key === key ? { ...r, [member]: value } : r)));
  };

  const add = () => {
    const index = rows.length;
    setStatus('');
    clear('care-plan-interventions');
    setRows((list) => [...list, toRow()]);
    // Put the keyboard in the new intervention once it exists.
    requestAnimationFrame(() => document.getElementById(controlId(index, 'type'))?.focus());
  };

  const remove = (key: number) => {
    setStatus('');
    // Problems name rows by position: after a removal they would point at the wrong one.
    setProblems([]);
    setRows((list) => list.filter((r) => r.key !== key));
    requestAnimationFrame(() => document.getElementById('care-plan-add')?.focus());
  };

  const cancel = () => {
    if (!unchanged && !window.confirm(t('carePlan.unsaved'))) return;
    onCancel();
  };

  const listError = errorOf('care-plan-interventions');

  return (
    <form
      id="care-plan-form"
      class="care-plan-form"
      noValidate
      aria-labelledby="care-plan-form-title"
      onSubmit={(e) => {
        e.preventDefault();
        // Enter in an input never submits for approval: it saves (a draft, or a progress update).
        void save(false);
      }}
    >
      <h3 id="care-plan-form-title">{newest ? t('carePlan.editTitle') : t('carePlan.write')}</h3>
      <p class="hint">{t('carePlan.editIntro')}</p>
      {newest?.status === 'approved' && (
        <p class="notice info" id="care-plan-progress-hint">
          {t('carePlan.progressHint')}
        </p>
      )}
      {placed.length > 0 && (
        <div class="notice error error-summary" role="alert" id="care-plan-errors" tabIndex={-1} aria-labelledby="care-plan-errors-title">
          <p id="care-plan-errors-title">
            <strong>{t('carePlan.errorsTitle')}</strong>
          </p>
          <ul>
            {placed.map((p, i) => (
              <li key={`${p.name}-${i}`}>
                {p.id ? (
                  <a
                    href={`#${p.id}`}
                    onClick={(e) => {
                      e.preventDefault();
                      const target = p.id === 'care-plan-interventions' ? 'care-plan-add' : p.id;
                      if (target) document.getElementById(target)?.focus();
                    }}
                  >
                    {t('form.summaryItem', { label: p.name, message: p.message })}
                  </a>
                ) : (
                  t('form.summaryItem', { label: p.name, message: p.message })
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {conflict && (
        <div class="notice warning" role="alert" id="care-plan-conflict">
          <p>
            <strong>{t('carePlan.conflict')}</strong>
          </p>
          <p>{t('carePlan.conflictDetail')}</p>
          <button type="button" id="care-plan-reload" class="button primary" onClick={onReload}>
            {t('carePlan.reload')}
          </button>
        </div>
      )}
      {failure ? <ErrorNotice id="care-plan-save-error" error={failure} action /> : null}
      <TextField
        id="care-plan-narrative"
        label={t('carePlan.narrative')}
        hint={t('carePlan.narrativeHint')}
        multiline
        rows={5}
        value={narrative}
        onInput={(value) => {
          setStatus('');
          clear('care-plan-narrative');
          setNarrative(value);
        }}
        error={errorOf('care-plan-narrative')}
      />
      <h4 id="care-plan-rows-title">{t('carePlan.interventions')}</h4>
      {rows.length === 0 && <p class="muted">{t('carePlan.noInterventions')}</p>}
      <ol class="entries care-plan-rows" aria-labelledby="care-plan-rows-title">
        {rows.map((row, index) => {
          const headingId = `care-plan-${index}-title`;
          /** The props every control of the row takes, for one member. */
          const field = (member: Member) => ({
            id: controlId(index, member),
            label: memberLabel(member),
            value: row[member],
            error: errorOf(controlId(index, member)),
          });
          const set = (member: Member) => (value: string) => change(row.key, index, member, value);
          return (
            <li class="entry" key={row.key} id={`care-plan-row-${index}`} aria-labelledby={headingId}>
              <div class="entry-head">
                <h5 id={headingId}>{t('carePlan.intervention', { n: index + 1 })}</h5>
                <button type="button" class="button link danger" onClick={() => remove(row.key)}>
                  {t('carePlan.remove', { n: index + 1 })}
                </button>
              </div>
              <div class="care-plan-fields">
                <SelectField {...field('type')} onChange={set('type')}>
                  <option value="">{t('common.choose')}</option>
                  {options.map((o) => (
                    <option key={o.id} value={o.id}>
                      {label(o.label)}
                    </option>
                  ))}
                  {row.type && !options.some((o) => o.id === row.type) && <option value={row.type}>{row.type}</option>}
                </SelectField>
                <TextField {...field('objective')} hint={t('carePlan.objectiveHint')} onInput={set('objective')} />
                <TextField {...field('responsible')} hint={t('carePlan.responsibleHint')} onInput={set('responsible')} />
                <TextField {...field('target_date')} type="date" narrow onInput={set('target_date')} />
                <SelectField {...field('status')} class="narrow" onChange={set('status')}>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {interventionStatusName(s)}
                    </option>
                  ))}
                </SelectField>
              </div>
            </li>
          );
        })}
      </ol>
      <div class={`field${listError ? ' invalid' : ''}`}>
        <HintAndError id="care-plan-interventions" error={listError} />
        <button
          type="button"
          class="button secondary"
          id="care-plan-add"
          aria-describedby={listError ? 'care-plan-interventions--error' : undefined}
          onClick={add}
        >
          + {t('carePlan.add')}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {status && <p class="notice info">{status}</p>}
      </div>
      <div class="form-actions">
        {progressOnly ? (
          <button type="submit" class="button primary" id="care-plan-save-progress" aria-disabled={busy} aria-busy={busy}>
            {busy ? t('carePlan.saving') : t('carePlan.saveProgress')}
          </button>
        ) : (
          <>
            <button type="button" class="button primary" id="care-plan-submit" aria-disabled={busy} aria-busy={busy} onClick={() => void save(true)}>
              {busy ? t('carePlan.saving') : t('carePlan.submit')}
            </button>
            <button type="submit" class="button secondary" id="care-plan-save-draft" aria-disabled={busy}>
              {t('carePlan.saveDraft')}
            </button>
          </>
        )}
        <button type="button" class="button link" id="care-plan-cancel" onClick={cancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Returning the newest, submitted version to the case worker, with what should change. */
function ReturnDialog({
  caseId,
  plan,
  onClose,
  onReturned,
}: {
  caseId: string;
  plan: CarePlan;
  onClose: () => void;
  onReturned: (decided: CarePlan) => void;
}) {
  const text = {
    id: 'care-plan-return-comment',
    member: 'comment',
    label: t('carePlan.commentLabel'),
    hint: t('carePlan.commentHint'),
    required: t('carePlan.commentRequired'),
  };
  return (
    <TextDialog
      id="care-plan-return-dialog"
      title={t('carePlan.returnTitle', { n: plan.version })}
      explanation={t('carePlan.returnText')}
      text={text}
      submitLabel={t('carePlan.returnSubmit')}
      onClose={onClose}
      run={async (comment) => onReturned(await api.decideCarePlan(caseId, plan.version, { decision: 'return', comment }))}
    />
  );
}
