// Hand a case over ("share to own"): the assigned worker passes the case to one of the people it
// is shared with, who becomes its case worker; the worker who hands it over no longer reaches
// it. The server checks that it is shared with them, that a survivor's standing consent names
// them (GBV), and their caseload: above the maximum it refuses (409 `caseload-exceeded`, with
// the figures), and only a role that may override caseloads can go on with a reason. The
// person's own password is asked again.

import { useState } from 'preact/hooks';
import { api, ApiError, type Case, type HandedOver, type Share, type User } from '../api';
import {
  ConfirmPasswordField,
  confirmationMissingMessage,
  confirmationValue,
  Dialog,
  DialogForm,
  focusFirstInvalid,
  placeErrors,
  Required,
  TextField,
  type FieldErrors,
} from '../dialog';
import { formatNumber, isolate, t } from '../i18n';
import { can } from '../roles';

interface Exceeded {
  userId: string;
  load: number | undefined;
  maximum: number | undefined;
}

export function HandOverDialog({
  item,
  shares,
  survivor,
  me,
  onClose,
  onDone,
}: {
  item: Case;
  /** The people the case is shared with: the only ones it can be handed to. */
  shares: Share[];
  /** A survivor's case (GBV): a standing consent must name the new worker. */
  survivor: boolean;
  me: User;
  onClose: () => void;
  onDone: (result: HandedOver) => void;
}) {
  const [chosen, setChosen] = useState(shares.length === 1 ? shares[0]?.user.id ?? '' : '');
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [override, setOverride] = useState('');
  /** The refusal for the chosen person's caseload (409), with the server's figures. */
  const [exceeded, setExceeded] = useState<Exceeded | null>(null);
  /** The person no standing consent of the survivor names (403 `consent-required`). */
  const [noConsent, setNoConsent] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const mayOverride = can(me, 'override_caseload');
  const person = shares.find((s) => s.user.id === chosen)?.user ?? null;
  // A refusal answers one person; choosing someone else asks afresh.
  const overLimit = exceeded !== null && exceeded.userId === chosen;
  const overriding = overLimit && mayOverride;
  const refusedConsent = noConsent !== null && noConsent === chosen;

  const submit = async () => {
    const missing: FieldErrors = {};
    if (!person) missing['handover-user'] = t('handover.chooseRequired');
    if (!reason.trim()) missing['handover-reason'] = t('dialog.reasonRequired');
    if (overriding && !override.trim()) missing['handover-override'] = t('reassign.overrideRequired');
    if (!password) missing['handover-password'] = confirmationMissingMessage();
    setErrors(missing);
    if (Object.keys(missing).length || !person) {
      focusFirstInvalid('handover-dialog');
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      onDone(
        await api.handOver(item.id, {
          user_id: person.id,
          reason: reason.trim(),
          confirm_password: confirmationValue(password),
          ...(overriding ? { override_reason: override.trim() } : {}),
        }),
      );
    } catch (caught) {
      setPassword('');
      setBusy(false);
      if (caught instanceof ApiError && caught.caseloadExceeded) {
        setExceeded({ userId: person.id, load: caught.load, maximum: caught.maximum });
        setNoConsent(null);
        requestAnimationFrame(() => document.getElementById(mayOverride ? 'handover-override' : 'handover-exceeded')?.focus());
        return;
      }
      if (caught instanceof ApiError && caught.consentMissing) {
        setNoConsent(person.id);
        setExceeded(null);
        requestAnimationFrame(() => document.getElementById('handover-no-consent')?.focus());
        return;
      }
      const placed = placeErrors(
        caught,
        { user_id: 'handover-user', reason: 'handover-reason', override_reason: 'handover-override', confirm_password: 'handover-password' },
        'handover-password',
      );
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('handover-dialog');
      } else {
        setFailure(caught);
      }
    }
  };

  const choiceError = errors['handover-user'];
  return (
    <Dialog id="handover-dialog" title={t('handover.title', { number: isolate(item.case_number) })} onClose={onClose} wide>
      <DialogForm
        onSubmit={submit}
        onCancel={onClose}
        busy={busy}
        error={failure}
        submitLabel={overriding ? t('handover.submitOverride') : t('handover.submit')}
      >
        <p class="notice info" id="handover-explain">
          {t('handover.explain')}
          {survivor && <> {t('handover.survivorNote')}</>}
        </p>
        <fieldset
          class={`field group${choiceError ? ' invalid' : ''}`}
          id="handover-user"
          aria-describedby={`handover-user--help${choiceError ? ' handover-user--error' : ''}`}
        >
          <legend>
            {t('handover.choose')}
            <Required />
          </legend>
          <p class="hint" id="handover-user--help">
            {t('handover.chooseHint')}
          </p>
          {choiceError && (
            <p class="field-error" id="handover-user--error">
              <span class="sr-only">{t('form.errorPrefix')} </span>
              {choiceError}
            </p>
          )}
          <ul class="assignable">
            {shares.map((share, index) => {
              const id = `handover-user-${index}`;
              return (
                <li key={share.user.id} class={`assignable-item${chosen === share.user.id ? ' chosen' : ''}`}>
                  <input
                    type="radio"
                    name="handover-user"
                    id={id}
                    value={share.user.id}
                    checked={chosen === share.user.id}
                    aria-invalid={choiceError ? 'true' : undefined}
                    onChange={() => setChosen(share.user.id)}
                  />
                  <label for={id}>
                    <span class="assignable-name">
                      {share.user.display_name}{' '}
                      <span class="muted" dir="ltr">
                        {share.user.username}
                      </span>
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
        {overLimit && person && exceeded && (
          <div class="notice error" role="alert" id="handover-exceeded" tabIndex={-1}>
            <p>
              <strong>{t('handover.exceededTitle', { name: person.display_name })}</strong>
            </p>
            {exceeded.load !== undefined && exceeded.maximum !== undefined && (
              <p>{t('handover.exceededFigures', { load: formatNumber(exceeded.load), maximum: formatNumber(exceeded.maximum) })}</p>
            )}
            <p>{mayOverride ? t('handover.exceededOverride') : t('handover.exceededWorker')}</p>
          </div>
        )}
        {refusedConsent && person && (
          <div class="notice error" role="alert" id="handover-no-consent" tabIndex={-1}>
            <p>
              <strong>{t('handover.noConsentTitle', { name: person.display_name })}</strong>
            </p>
            <p>{t('handover.noConsentText')}</p>
          </div>
        )}
        <TextField
          id="handover-reason"
          label={t('dialog.reason')}
          hint={t('handover.reasonHint')}
          multiline
          required
          value={reason}
          onInput={setReason}
          error={errors['handover-reason']}
        />
        {overriding && (
          <TextField
            id="handover-override"
            label={t('reassign.override')}
            hint={t('reassign.overrideHint')}
            multiline
            required
            value={override}
            onInput={setOverride}
            error={errors['handover-override']}
          />
        )}
        <ConfirmPasswordField id="handover-password" value={password} onInput={setPassword} error={errors['handover-password']} />
      </DialogForm>
    </Dialog>
  );
}
