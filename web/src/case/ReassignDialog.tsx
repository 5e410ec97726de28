// Reassign a case within the supervisor's team (shown only when `access.may_reassign`). Each
// member comes with their caseload; above the maximum the server refuses with 409
// `caseload-exceeded` and its figures, and the supervisor may override with a reason.

import { useState } from 'preact/hooks';
import { api, ApiError, type Case, type ReassignResponse } from '../api';
import { CaseloadBar } from '../caseload';
import { ErrorNotice, Loading } from '../components';
import { Dialog, DialogForm, focusFirstInvalid, placeErrors, TextField, type FieldErrors } from '../dialog';
import { isolate, t } from '../i18n';
import { useLoad } from '../load';

export function ReassignDialog({
  item,
  onClose,
  onDone,
}: {
  item: Case;
  onClose: () => void;
  onDone: (result: ReassignResponse, name: string) => void;
}) {
  const assignable = useLoad(() => api.assignable(item.id), [item.id]);
  const { data: people, error: loadError } = assignable;
  const [chosen, setChosen] = useState<string>('');
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState('');
  /** The server's words when the chosen worker would go above their maximum caseload. */
  const [exceeded, setExceeded] = useState<{ userId: string; detail: string } | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const current = item.assigned_to?.id;
  const person = people?.find((p) => p.user.id === chosen) ?? null;
  const overriding = exceeded !== null && exceeded.userId === chosen;

  const submit = async () => {
    const missing: FieldErrors = {};
    if (!chosen) missing['reassign-user'] = t('reassign.chooseRequired');
    if (!reason.trim()) missing['reassign-reason'] = t('dialog.reasonRequired');
    if (overriding && !override.trim()) missing['reassign-override'] = t('reassign.overrideRequired');
    setErrors(missing);
    if (Object.keys(missing).length || !person) {
      focusFirstInvalid('reassign-dialog');
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const result = await api.reassign(item.id, {
        user_id: person.user.id,
        reason: reason.trim(),
        ...(overriding ? { override_reason: override.trim() } : {}),
      });
      onDone(result, person.user.display_name);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && caught.status === 409 && caught.problem === 'caseload-exceeded') {
        setExceeded({ userId: person.user.id, detail: caught.detail ?? '' });
        requestAnimationFrame(() => document.getElementById('reassign-override')?.focus());
        return;
      }
      const placed = placeErrors(caught, { user_id: 'reassign-user', reason: 'reassign-reason', override_reason: 'reassign-override' });
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('reassign-dialog');
      } else {
        setFailure(caught);
      }
    }
  };

  const choiceError = errors['reassign-user'];
  return (
    <Dialog id="reassign-dialog" title={t('reassign.title', { number: isolate(item.case_number) })} onClose={onClose} wide>
      {loadError ? (
        <ErrorNotice error={loadError} action onRetry={assignable.reload} />
      ) : !people ? (
        <Loading />
      ) : (
        <DialogForm
          onSubmit={submit}
          onCancel={onClose}
          busy={busy}
          error={failure}
          submitLabel={overriding ? t('reassign.submitOverride') : t('reassign.submit')}
        >
          <fieldset class={`field group${choiceError ? ' invalid' : ''}`} id="reassign-user" aria-describedby={choiceError ? 'reassign-user--error' : undefined}>
            <legend>
              {t('reassign.choose')}
              <span class="req" aria-hidden="true">
                {' *'}
              </span>
              <span class="sr-only"> ({t('common.required')})</span>
            </legend>
            <p class="hint">{t('reassign.caseloadHint')}</p>
            {choiceError && (
              <p class="field-error" id="reassign-user--error">
                <span class="sr-only">{t('form.errorPrefix')} </span>
                {choiceError}
              </p>
            )}
            {people.length === 0 ? (
              <p class="muted">{t('reassign.nobody')}</p>
            ) : (
              <ul class="assignable">
                {people.map((p, index) => {
                  const id = `reassign-user-${index}`;
                  const isCurrent = p.user.id === current;
                  return (
                    <li key={p.user.id} class={`assignable-item${chosen === p.user.id ? ' chosen' : ''}`}>
                      <input
                        type="radio"
                        name="reassign-user"
                        id={id}
                        value={p.user.id}
                        disabled={isCurrent}
                        checked={chosen === p.user.id}
                        aria-invalid={choiceError ? 'true' : undefined}
                        aria-describedby={`${id}-load`}
                        onChange={() => setChosen(p.user.id)}
                      />
                      <label for={id}>
                        <span class="assignable-name">
                          {p.user.display_name}{' '}
                          <span class="muted" dir="ltr">
                            {p.user.username}
                          </span>
                          {isCurrent && <span class="badge"> {t('reassign.current')}</span>}
                        </span>
                      </label>
                      <CaseloadBar caseload={p} id={`${id}-load`} />
                    </li>
                  );
                })}
              </ul>
            )}
          </fieldset>
          <TextField
            id="reassign-reason"
            label={t('dialog.reason')}
            hint={t('reassign.reasonHint')}
            multiline
            required
            value={reason}
            onInput={setReason}
            error={errors['reassign-reason']}
          />
          {overriding && person && exceeded && (
            <div class="notice error" role="alert" id="reassign-exceeded">
              <p>
                <strong>{t('reassign.exceededTitle', { name: person.user.display_name })}</strong>
              </p>
              {exceeded.detail && (
                <p>
                  <bdi>{exceeded.detail}</bdi>
                </p>
              )}
              <CaseloadBar caseload={person} />
              <p>{t('reassign.exceededText')}</p>
            </div>
          )}
          {overriding && (
            <TextField
              id="reassign-override"
              label={t('reassign.override')}
              hint={t('reassign.overrideHint')}
              multiline
              required
              value={override}
              onInput={setOverride}
              error={errors['reassign-override']}
            />
          )}
        </DialogForm>
      )}
    </Dialog>
  );
}
