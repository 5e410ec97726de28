// Moving a case through its workflow: the moves the user may ask for from the case's stage
// (`Case.access.transitions`), each confirmed in a dialog (POST /cases/{id}/transitions), and the
// case's history of moves (GET /cases/{id}/transitions), a disclosure loaded when first opened
// (reading it is recorded). A refused move lists every unmet guard in the server's words, with
// field ids in words from the configuration (and, for a care plan not yet approved, where to
// submit it; for a move an inter-agency panel must endorse first, a way to record its decision).

import { useState } from 'preact/hooks';
import { api, ApiError, type Case, type CaseType, type Config, type FieldProblem, type TransitionOption } from '../api';
import { Dialog, DialogForm, focusFirstInvalid, HintAndError, Required, TextField, type FieldErrors } from '../dialog';
import { formatDateTime, isolate, label, t } from '../i18n';
import { stageLabel } from '../labels';
import { fieldLabel } from './AccessLog';
import { Disclosure, DisclosureResults, useDisclosure } from './disclosure';

/** The move buttons, next to the stage; nothing when the user may not move the case. */
export function MoveControl({
  config,
  caseType,
  item,
  confirmLeave,
  onMoved,
  onReload,
  onPanelRefused,
  onPanelDecision,
}: {
  config: Config;
  caseType: CaseType;
  item: Case;
  /** Whether unsaved changes on the page may be discarded (a move reloads the form). */
  confirmLeave: () => boolean;
  onMoved: (moved: Case, option: TransitionOption) => void;
  onReload: () => Promise<void>;
  /** A move was refused for want of a panel's decision: the panel decisions panel opens with it. */
  onPanelRefused: (to: string) => void;
  /** The person chose to record the panel's decision about a refused move. */
  onPanelDecision: (to: string) => void;
}) {
  const [moving, setMoving] = useState<TransitionOption | null>(null);
  const options = item.access.transitions ?? [];
  if (options.length === 0) return null;
  return (
    <div class="moves" role="group" aria-labelledby="moves-label" id="moves">
      <span id="moves-label" class="moves-label">
        {t('move.to')}
      </span>
      {options.map((option) => (
        <button
          key={option.to}
          type="button"
          class="button secondary"
          id={`move-${option.to}`}
          data-to={option.to}
          onClick={() => confirmLeave() && setMoving(option)}
        >
          {label(option.label) || stageLabel(config, option.to)}
        </button>
      ))}
      {moving && (
        <MoveDialog
          config={config}
          caseType={caseType}
          item={item}
          option={moving}
          onClose={() => setMoving(null)}
          onMoved={(moved) => {
            setMoving(null);
            onMoved(moved, moving);
          }}
          onReload={async () => {
            await onReload();
            setMoving(null);
          }}
          onPanelRefused={onPanelRefused}
          onPanelDecision={() => {
            setMoving(null);
            onPanelDecision(moving.to);
          }}
        />
      )}
    </div>
  );
}

/** A guard's message with the field ids it names in words (`fields.<id>`, or the fields of an
 * incomplete stage named in `fields`). */
function guardText(caseType: CaseType, problem: FieldProblem): string {
  const named = problem.field.startsWith('fields.') ? [problem.field.slice('fields.'.length)] : [];
  const ids =
    problem.field === 'fields' ? caseType.sections.flatMap((s) => s.fields.map((f) => f.id)) : named;
  let text = problem.message;
  for (const id of ids) {
    const name = fieldLabel(caseType, id);
    if (name === id) continue;
    const pattern = new RegExp(`(^|[^\\w.])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`, 'g');
    const replaced = text.replace(pattern, (_, before: string) => `${before}${isolate(name)}`);
    text = replaced !== text || problem.field === 'fields' ? replaced : `${name}: ${text}`;
  }
  return text;
}

function MoveDialog({
  config,
  caseType,
  item,
  option,
  onClose,
  onMoved,
  onReload,
  onPanelRefused,
  onPanelDecision,
}: {
  config: Config;
  caseType: CaseType;
  item: Case;
  option: TransitionOption;
  onClose: () => void;
  onMoved: (moved: Case) => void;
  onReload: () => Promise<void>;
  onPanelRefused: (to: string) => void;
  onPanelDecision: () => void;
}) {
  const [reason, setReason] = useState('');
  const [survivor, setSurvivor] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [guards, setGuards] = useState<FieldProblem[]>([]);
  const [conflict, setConflict] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = 'move-dialog';
  const to = stageLabel(config, option.to);

  const submit = async () => {
    const local: FieldErrors = {};
    if (option.reason && !reason.trim()) local['move-reason'] = t('dialog.reasonRequired');
    if (option.survivor_decision && !survivor) local['move-survivor'] = t('move.survivorRequired');
    setErrors(local);
    if (Object.keys(local).length) {
      focusFirstInvalid(id);
      return;
    }
    setBusy(true);
    setGuards([]);
    setConflict(false);
    setFailure(null);
    try {
      const moved = await api.transitionCase(item.id, {
        to: option.to,
        version: item.version,
        ...(option.reason ? { reason: reason.trim() } : {}),
        ...(option.survivor_decision ? { survivor_decision: true } : {}),
      });
      onMoved(moved);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && caught.status === 422 && caught.errors.length > 0) {
        setGuards(caught.errors);
        const onReason = caught.errors.filter((e) => e.field === 'reason').map((e) => e.message);
        if (onReason.length) setErrors({ 'move-reason': onReason.join('; ') });
        if (caught.errors.some((e) => e.field === 'panel_decision')) onPanelRefused(option.to);
        requestAnimationFrame(() => document.getElementById('move-guards')?.focus());
      } else if (caught instanceof ApiError && caught.status === 409) {
        setConflict(true);
        requestAnimationFrame(() => document.getElementById('move-reload')?.focus());
      } else setFailure(caught);
    }
  };

  const reload = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await onReload();
    } catch (caught) {
      setBusy(false);
      setFailure(caught);
    }
  };

  return (
    <Dialog id={id} title={t('move.title', { stage: to })} onClose={onClose}>
      <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={label(option.label) || t('move.submit')}>
        <p id="move-explanation">
          {t('move.explanation', { from: isolate(stageLabel(config, item.stage)), to: isolate(to) })}
        </p>
        {guards.length > 0 && (
          <div class="notice error" role="alert" id="move-guards" tabIndex={-1}>
            <p>
              <strong>{t('move.refused')}</strong>
            </p>
            <ul class="guard-list">
              {guards.map((g, i) => (
                <li key={`${g.field}-${i}`} data-field={g.field}>
                  {guardText(caseType, g)}
                </li>
              ))}
            </ul>
            {/* An unapproved care plan: where to get it approved. */}
            {guards.some((g) => g.field === 'care_plan') && (
              <p class="move-hint" id="move-care-plan-hint">
                {t('move.carePlanHint')}
              </p>
            )}
            {/* A move the inter-agency panel must endorse: record its decision, then move. */}
            {guards.some((g) => g.field === 'panel_decision') && (
              <>
                <p class="move-hint" id="move-panel-hint">
                  {t('move.panelHint')}
                </p>
                <p class="button-row">
                  <button type="button" class="button secondary" id="move-panel-record" onClick={onPanelDecision}>
                    {t('move.panelRecord')}
                  </button>
                </p>
              </>
            )}
          </div>
        )}
        {conflict && (
          <div class="notice warning" role="alert" id="move-conflict">
            <p>
              <strong>{t('case.conflict')}</strong>
            </p>
            <p>{t('move.conflictDetail')}</p>
            <button type="button" id="move-reload" class="button primary" onClick={reload} aria-disabled={busy}>
              {t('case.reload')}
            </button>
          </div>
        )}
        {option.survivor_decision && (
          <div class={`field${errors['move-survivor'] ? ' invalid' : ''}`}>
            <p class="notice info" id="move-survivor-statement">
              {t('move.survivorStatement')}
            </p>
            <HintAndError id="move-survivor" error={errors['move-survivor']} />
            <div class="choice">
              <input
                type="checkbox"
                id="move-survivor"
                checked={survivor}
                required
                aria-invalid={errors['move-survivor'] ? 'true' : undefined}
                aria-describedby={`move-survivor-statement${errors['move-survivor'] ? ' move-survivor--error' : ''}`}
                onChange={(e) => setSurvivor((e.currentTarget as HTMLInputElement).checked)}
              />
              <label for="move-survivor">
                {t('move.survivorChoice')}
                <Required />
              </label>
            </div>
          </div>
        )}
        {option.reason && (
          <TextField
            id="move-reason"
            label={t('dialog.reason')}
            hint={t('move.reasonHint')}
            multiline
            required
            value={reason}
            onInput={setReason}
            error={errors['move-reason']}
          />
        )}
      </DialogForm>
    </Dialog>
  );
}

/** The case's moves, oldest first: from → to, who, when, why, and a survivor's own decision. */
export function StageHistory({ config, item }: { config: Config; item: Case }) {
  // A move changes the stage: read the history again if it is open.
  const history = useDisclosure(() => api.caseTransitions(item.id), [item.id, item.stage]);

  return (
    <Disclosure id="stage-history" state={history} title={t('history.title')} summary={t('history.summary')}>
      <DisclosureResults state={history} plain>
        {(moves) =>
          moves.length === 0 ? (
            <p class="muted" id="stage-history-empty">
              {t('history.none')}
            </p>
          ) : (
            <ol class="stage-history" id="stage-history-list">
              {moves.map((move) => (
                <li key={move.id} class="move-item">
                  <p class="move-stages">
                    <span class="badge">{stageLabel(config, move.from)}</span>
                    <span aria-hidden="true" class="arrow-forward">
                      {' → '}
                    </span>
                    <span class="sr-only"> {t('history.to')} </span>
                    <span class="badge">{stageLabel(config, move.to)}</span>
                    {move.survivor_decision && <span class="badge badge-ok survivor-badge">{t('history.survivorDecision')}</span>}
                  </p>
                  <p class="muted">
                    {t('history.byAt', { name: isolate(move.by.display_name), at: formatDateTime(move.at) })}
                  </p>
                  {move.reason && (
                    <p class="move-reason">
                      <span class="muted">{t('history.reason')} </span>
                      <bdi>{move.reason}</bdi>
                    </p>
                  )}
                </li>
              ))}
            </ol>
          )
        }
      </DisclosureResults>
    </Disclosure>
  );
}
