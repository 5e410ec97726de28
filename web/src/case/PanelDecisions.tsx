// The case page's "Panel decisions" panel: what an inter-agency panel decided about the case's
// moves (oldest first: the move, endorsed or not, the day the panel sat, its notes, who recorded
// it and when), for whoever reaches the case; and, for whoever may change the case, a form to
// record one. A move that needs the panel (`panel_review` in the case type's workflow) is refused
// (422, `panel_decision`) until the newest decision about it since the case entered its stage
// endorses it. The form offers the moves from the case's stage that need one (the case view's
// offered moves say so; the Move dialog's refusal leads here with that move chosen). A disclosure that loads when first opened, like the other panels (reading is recorded).

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Case, type Config, type PanelDecision } from '../api';
import { SuccessNotice, useNotice } from '../components';
import { HintAndError, placeErrors, Required, SelectField, TextField, type FieldErrors } from '../dialog';
import { todayLocal } from '../form/model';
import { formatDate, formatDateTime, formatNumber, isolate, label, t } from '../i18n';
import { stageLabel } from '../labels';
import { SubmissionForm, useSubmission } from '../submission';
import { Disclosure, DisclosureResults, useDisclosure } from './disclosure';

/** The longest notes the server takes, in characters. */
const MAX_NOTES = 5_000;

/** A request from the Move dialog: record the panel's decision about moving to `to` (`n` counts
 * the requests, so the same move asked twice opens the form again). */
export interface PanelRequest {
  to: string;
  n: number;
}

export function PanelDecisionsPanel({ config, item, request }: { config: Config; item: Case; request: PanelRequest | null }) {
  // A move changes the stage, and what the form offers: read the decisions again if open.
  const panel = useDisclosure(() => api.panelDecisions(item.id), [item.id, item.stage]);
  const decisions = panel.data;
  const notice = useNotice('panel-notice');

  // The Move dialog asked for the panel's decision: open the panel, and put the keyboard in the
  // form once it is there (after the decisions are read).
  const focusForm = useRef(false);
  useEffect(() => {
    if (!request) return;
    panel.open();
    notice.clear();
    focusForm.current = true;
  }, [request?.n]);

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
    <Disclosure id="panel-decisions" state={panel} title={t('panel.title')} summary={t('panel.summary')}>
      <p class="hint" id="panel-intro">
        {t('panel.intro')}
      </p>
      <SuccessNotice id="panel-notice" text={notice.text} focusable />
      <DisclosureResults state={panel}>
        {(list) => (
          <>
            {list.length === 0 ? (
              <p class="muted" id="panel-empty">
                {t('panel.none')}
              </p>
            ) : (
              <ol class="note-list" id="panel-list" aria-label={t('panel.listLabel', { number: isolate(item.case_number) })}>
                {list.map((d) => (
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
          </>
        )}
      </DisclosureResults>
      {item.access.may_update && panel.opened && decisions && targets.length > 0 && (
        <PanelForm
          key={`${item.stage}:${request?.n ?? 0}`}
          caseId={item.id}
          targets={targets.map((o) => ({ to: o.to, name: moveName(o.to) }))}
          initial={request && targets.some((o) => o.to === request.to) ? request.to : (targets[0]?.to ?? '')}
          onStart={notice.clear}
          onRecorded={(d) => {
            const stage = isolate(stageLabel(config, d.to));
            notice.show(d.endorsed ? t('panel.recordedEndorsed', { stage }) : t('panel.recordedNotEndorsed', { stage }), true);
            panel.reload();
          }}
        />
      )}
    </Disclosure>
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
  const form = useSubmission('panel-form', (caught) => placeErrors(caught, CONTROL));

  const submit = async () => {
    const local: FieldErrors = {};
    if (!to) local['panel-to'] = t('panel.toRequired');
    if (endorsed === null) local['panel-endorsed'] = t('panel.endorsedRequired');
    if (!decidedOn) local['panel-decided-on'] = t('panel.dateRequired');
    else if (decidedOn > todayLocal()) local['panel-decided-on'] = t('validation.in_future');
    if (!notes.trim()) local['panel-notes'] = t('panel.notesRequired');
    if (!form.ready(local) || endorsed === null) return;
    onStart();
    await form.send(async () => {
      const recorded = await api.recordPanelDecision(caseId, { to, endorsed, decided_on: decidedOn, notes: notes.trim() });
      setEndorsed(null);
      setNotes('');
      onRecorded(recorded);
    });
  };

  const { errors, clear } = form;
  const endorsedError = errors['panel-endorsed'];
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
    <SubmissionForm
      id="panel-form"
      class="note-form"
      title={t('panel.formTitle')}
      submission={form}
      errorId="panel-error"
      submitId="panel-submit"
      submitLabel={t('panel.submit')}
      busyLabel={t('common.working')}
      onSubmit={submit}
    >
      <SelectField
        id="panel-to"
        label={t('panel.to')}
        hint={t('panel.toHint')}
        required
        value={to}
        onChange={(value) => {
          setTo(value);
          clear('panel-to');
        }}
        error={errors['panel-to']}
      >
        {targets.map((target) => (
          <option key={target.to} value={target.to}>
            {target.name}
          </option>
        ))}
      </SelectField>
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
      <TextField
        id="panel-decided-on"
        label={t('panel.decidedOn')}
        hint={t('panel.decidedOnHint')}
        type="date"
        narrow
        required
        max={todayLocal()}
        value={decidedOn}
        onInput={(value) => {
          setDecidedOn(value);
          clear('panel-decided-on');
        }}
        error={errors['panel-decided-on']}
      />
      <TextField
        id="panel-notes"
        label={t('panel.notes')}
        hint={t('panel.notesHint', { max: formatNumber(MAX_NOTES) })}
        multiline
        rows={4}
        maxLength={MAX_NOTES}
        required
        value={notes}
        onInput={(value) => {
          setNotes(value);
          clear('panel-notes');
        }}
        error={errors['panel-notes']}
      />
    </SubmissionForm>
  );
}
