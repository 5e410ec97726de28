// The case page's "Panel decisions" panel: what an inter-agency panel decided about the case's
// moves (oldest first: the move, endorsed or not, the day the panel sat, its notes, who recorded
// it and when), for whoever reaches the case; and, for whoever may change the case, a form to
// record one. A move that needs the panel (`panel_review` in the case type's workflow) is refused
// (422, `panel_decision`) until the newest decision about it since the case entered its stage
// endorses it. The form offers the moves from the case's stage that need one (the case view's
// offered moves say so; the Move dialog's refusal leads here with that move chosen). A disclosure that loads when first opened, like the other panels (reading is recorded).

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Case, type Config, type PanelDecision } from '../api';
import { describeActionError, ErrorNotice, Loading } from '../components';
import { focusFirstInvalid, HintAndError, placeErrors, Required, type FieldErrors } from '../dialog';
import { todayLocal } from '../form/model';
import { formatDate, formatDateTime, formatNumber, isolate, label, t } from '../i18n';
import { stageLabel } from '../labels';

/** The longest notes the server takes, in characters. */
const MAX_NOTES = 5_000;

/** A request from the Move dialog: record the panel's decision about moving to `to` (`n` counts
 * the requests, so the same move asked twice opens the form again). */
export interface PanelRequest {
  to: string;
  n: number;
}

export function PanelDecisionsPanel({ config, item, request }: { config: Config; item: Case; request: PanelRequest | null }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const [opened, setOpened] = useState(false);
  const [decisions, setDecisions] = useState<PanelDecision[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [loading, setLoading] = useState(false);
  const [notice, setNotice] = useState('');
  const focusNotice = useRef(false);

  useEffect(() => {
    if (!focusNotice.current || !notice) return;
    focusNotice.current = false;
    document.getElementById('panel-notice')?.focus();
  }, [notice]);

  // The Move dialog asked for the panel's decision: open the panel, and put the keyboard in the
  // form once it is there (after the decisions are read).
  const focusForm = useRef(false);
  useEffect(() => {
    if (!request) return;
    if (ref.current) ref.current.open = true;
    setOpened(true);
    setNotice('');
    focusForm.current = true;
  }, [request?.n]);

  useEffect(() => {
    if (!opened) return;
    let live = true;
    setError(null);
    setLoading(true);
    api
      .panelDecisions(item.id)
      .then((answer) => live && setDecisions(answer))
      .catch((e) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // A move changes the stage, and what the form offers: read the decisions again if open.
  }, [opened, attempt, item.id, item.stage]);

  useEffect(() => {
    if (!focusForm.current || !decisions) return;
    focusForm.current = false;
    requestAnimationFrame(() => document.getElementById('panel-to')?.focus());
  }, [decisions, request?.n]);

  // The moves from the case's stage that need a panel, among those the person may ask for now.
  const offered = item.access.transitions ?? [];
  const targets = offered.filter((o) => o.panel_review);
  const moveName = (to: string) => label(offered.find((o) => o.to === to)?.label) || stageLabel(config, to);

  return (
    <details ref={ref} class="card panel" id="panel-decisions" onToggle={(e) => setOpened((e.currentTarget as HTMLDetailsElement).open || opened)}>
      <summary>
        <h2 class="panel-title">{t('panel.title')}</h2>
        <span class="summary-meta">{t('panel.summary')}</span>
      </summary>
      <div class="panel-body">
        <p class="hint" id="panel-intro">
          {t('panel.intro')}
        </p>
        <div role="status" aria-live="polite">
          {notice && (
            <p class="notice success" id="panel-notice" tabIndex={-1}>
              {notice}
            </p>
          )}
        </div>
        {error ? (
          <ErrorNotice error={error} action onRetry={() => setAttempt((n) => n + 1)} />
        ) : !decisions ? (
          opened && <Loading />
        ) : (
          <div class={`results${loading ? ' stale' : ''}`} aria-busy={loading}>
            {decisions.length === 0 ? (
              <p class="muted" id="panel-empty">
                {t('panel.none')}
              </p>
            ) : (
              <ol class="note-list" id="panel-list" aria-label={t('panel.listLabel', { number: isolate(item.case_number) })}>
                {decisions.map((d) => (
                  <li key={d.id} id={`panel-decision-${d.id}`} class="note-item panel-decision">
                    <p class="note-head">
                      <strong>{t('panel.about', { stage: isolate(stageLabel(config, d.to)) })}</strong>
                      <span class={`badge ${d.endorsed ? 'badge-ok' : 'badge-denied'} panel-outcome`}>
                        {d.endorsed ? t('panel.endorsedBadge') : t('panel.notEndorsedBadge')}
                      </span>
                    </p>
                    <p class="muted panel-when">
                      {t('panel.satOn', { date: formatDate(d.decided_on) })}{' '}
                      {t('panel.recordedByAt', { name: isolate(d.recorded_by.display_name), at: formatDateTime(d.recorded_at) })}
                    </p>
                    <p class="note-body" dir="auto">
                      {d.notes}
                    </p>
                  </li>
                ))}
              </ol>
            )}
            {item.access.may_update && targets.length === 0 && (
              <p class="hint" id="panel-how">
                {t('panel.how')}
              </p>
            )}
          </div>
        )}
        {item.access.may_update && opened && decisions && targets.length > 0 && (
          <PanelForm
            key={`${item.stage}:${request?.n ?? 0}`}
            caseId={item.id}
            targets={targets.map((o) => ({ to: o.to, name: moveName(o.to) }))}
            initial={request && targets.some((o) => o.to === request.to) ? request.to : (targets[0]?.to ?? '')}
            onStart={() => setNotice('')}
            onRecorded={(d) => {
              focusNotice.current = true;
              const stage = isolate(stageLabel(config, d.to));
              setNotice(d.endorsed ? t('panel.recordedEndorsed', { stage }) : t('panel.recordedNotEndorsed', { stage }));
              setAttempt((n) => n + 1);
            }}
          />
        )}
      </div>
    </details>
  );
}

/** The form's controls, by the request member a problem names. */
const CONTROL: Record<string, string> = {
  to: 'panel-to',
  endorsed: 'panel-endorsed',
  decided_on: 'panel-decided-on',
  notes: 'panel-notes',
};

function PanelForm({
  caseId,
  targets,
  initial,
  onStart,
  onRecorded,
}: {
  caseId: string;
  targets: Array<{ to: string; name: string }>;
  initial: string;
  onStart: () => void;
  onRecorded: (decision: PanelDecision) => void;
}) {
  const [to, setTo] = useState(initial);
  const [endorsed, setEndorsed] = useState<boolean | null>(null);
  const [decidedOn, setDecidedOn] = useState(todayLocal());
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (busy) return;
    const local: FieldErrors = {};
    if (!to) local['panel-to'] = t('panel.toRequired');
    if (endorsed === null) local['panel-endorsed'] = t('panel.endorsedRequired');
    if (!decidedOn) local['panel-decided-on'] = t('panel.dateRequired');
    else if (decidedOn > todayLocal()) local['panel-decided-on'] = t('validation.in_future');
    if (!notes.trim()) local['panel-notes'] = t('panel.notesRequired');
    setErrors(local);
    setFailure(null);
    if (endorsed === null || Object.keys(local).length) {
      focusFirstInvalid('panel-form');
      return;
    }
    onStart();
    setBusy(true);
    try {
      const recorded = await api.recordPanelDecision(caseId, { to, endorsed, decided_on: decidedOn, notes: notes.trim() });
      setEndorsed(null);
      setNotes('');
      onRecorded(recorded);
    } catch (caught) {
      const placed = placeErrors(caught, CONTROL);
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('panel-form');
      } else {
        setFailure(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  const clear = (id: string) => setErrors(({ [id]: _, ...rest }) => rest);
  const toError = errors['panel-to'];
  const endorsedError = errors['panel-endorsed'];
  const dateError = errors['panel-decided-on'];
  const notesError = errors['panel-notes'];
  const radio = (value: boolean, text: string) => {
    const id = `panel-endorsed-${value ? 'yes' : 'no'}`;
    return (
      <div class="choice">
        <input
          type="radio"
          name="panel-endorsed"
          id={id}
          checked={endorsed === value}
          aria-invalid={endorsedError ? 'true' : undefined}
          onChange={() => {
            setEndorsed(value);
            clear('panel-endorsed');
          }}
        />
        <label for={id}>{text}</label>
      </div>
    );
  };

  return (
    <form
      id="panel-form"
      class="note-form"
      noValidate
      aria-labelledby="panel-form-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id="panel-form-title">{t('panel.formTitle')}</h3>
      {failure ? (
        <div class="notice error" role="alert" id="panel-error">
          <p>{describeActionError(failure)}</p>
        </div>
      ) : null}
      <div class={`field${toError ? ' invalid' : ''}`}>
        <label for="panel-to">
          {t('panel.to')}
          <Required />
        </label>
        <HintAndError id="panel-to" hint={t('panel.toHint')} error={toError} />
        <select
          id="panel-to"
          required
          value={to}
          aria-invalid={toError ? 'true' : undefined}
          aria-describedby={`panel-to--help${toError ? ' panel-to--error' : ''}`}
          onChange={(e) => {
            setTo((e.currentTarget as HTMLSelectElement).value);
            clear('panel-to');
          }}
        >
          {targets.map((target) => (
            <option key={target.to} value={target.to}>
              {target.name}
            </option>
          ))}
        </select>
      </div>
      <fieldset
        class={`field group${endorsedError ? ' invalid' : ''}`}
        id="panel-endorsed"
        aria-describedby={endorsedError ? 'panel-endorsed--error' : undefined}
      >
        <legend>
          {t('panel.endorsed')}
          <Required />
        </legend>
        <HintAndError id="panel-endorsed" error={endorsedError} />
        <div class="choices">
          {radio(true, t('panel.endorsedYes'))}
          {radio(false, t('panel.endorsedNo'))}
        </div>
      </fieldset>
      <div class={`field${dateError ? ' invalid' : ''}`}>
        <label for="panel-decided-on">
          {t('panel.decidedOn')}
          <Required />
        </label>
        <HintAndError id="panel-decided-on" hint={t('panel.decidedOnHint')} error={dateError} />
        <input
          type="date"
          id="panel-decided-on"
          class="narrow"
          required
          max={todayLocal()}
          value={decidedOn}
          aria-invalid={dateError ? 'true' : undefined}
          aria-describedby={`panel-decided-on--help${dateError ? ' panel-decided-on--error' : ''}`}
          onInput={(e) => {
            setDecidedOn((e.currentTarget as HTMLInputElement).value);
            clear('panel-decided-on');
          }}
        />
      </div>
      <div class={`field${notesError ? ' invalid' : ''}`}>
        <label for="panel-notes">
          {t('panel.notes')}
          <Required />
        </label>
        <HintAndError id="panel-notes" hint={t('panel.notesHint', { max: formatNumber(MAX_NOTES) })} error={notesError} />
        <textarea
          id="panel-notes"
          rows={4}
          dir="auto"
          required
          maxLength={MAX_NOTES}
          value={notes}
          aria-invalid={notesError ? 'true' : undefined}
          aria-describedby={`panel-notes--help${notesError ? ' panel-notes--error' : ''}`}
          onInput={(e) => {
            setNotes((e.currentTarget as HTMLTextAreaElement).value);
            clear('panel-notes');
          }}
        />
      </div>
      <p class="button-row">
        <button type="submit" class="button primary" id="panel-submit" aria-disabled={busy} aria-busy={busy}>
          {busy ? t('common.working') : t('panel.submit')}
        </button>
      </p>
    </form>
  );
}
