// The case page's "Access and sharing" panel, for the assigned worker and the team supervisor
// (GET /cases/{id}/access): who the case is shared with, who may see which restricted field,
// and the dialogs that change it. Every change asks for a reason; giving access also asks for
// the person's own password. The assigned worker may also hand the case over to someone it is
// shared with (HandOverDialog); the case then leaves their list, which the page goes to.

import { useState } from 'preact/hooks';
import { api, ApiError, type Case, type CaseType, type Config, type FieldGrant, type Share, type User, type UserRef } from '../api';
import { ErrorNotice, Loading, SuccessNotice } from '../components';
import { ConfirmPasswordField, confirmationMissingMessage, confirmationValue, Dialog, DialogForm, focusFirstInvalid, placeErrors, TextField, type FieldErrors } from '../dialog';
import { formatDateTime, isolate, label, t } from '../i18n';
import { survivorControlled } from './access';
import { personName, UserPicker } from '../UserPicker';
import { navigate } from '../router';
import { rememberListNotice } from '../state';
import { ReasonDialog, useDirectory } from './common';
import { Disclosure, DisclosureResults, useDisclosure } from './disclosure';
import { HandOverDialog } from './HandOverDialog';

type Open =
  | { kind: 'share' }
  | { kind: 'revoke-share'; share: Share }
  | { kind: 'grant' }
  | { kind: 'revoke-grant'; grant: FieldGrant }
  | { kind: 'handover' }
  | null;

/** Top-level fields classified `restricted`: the ones a field grant can open. */
function grantableFields(caseType: CaseType) {
  return caseType.sections.flatMap((s) => s.fields).filter((f) => f.classification === 'restricted');
}

/** The grant id that opens the case's restricted documents (no field may have this id). */
const ATTACHMENTS_GRANT = 'attachments';

export function AccessPanel({ config, caseType, item, me }: { config: Config; caseType: CaseType; item: Case; me: User }) {
  const access = item.access;
  const panel = useDisclosure(() => api.caseAccess(item.id), [item.id, item.assigned_to?.id]);
  const data = panel.data;
  const [dialog, setDialog] = useState<Open>(null);
  const [notice, setNotice] = useState('');

  const refresh = (message: string) => {
    setDialog(null);
    setNotice(message);
    panel.reload();
  };

  const fieldName = (id: string) => {
    if (id === ATTACHMENTS_GRANT) return t('grant.attachments');
    const field = caseType.sections.flatMap((s) => s.fields).find((f) => f.id === id);
    return field ? label(field.label) : id;
  };

  const shared = new Set((data?.shares ?? []).map((s) => s.user.id));
  const assignee = data?.assigned_to ?? item.assigned_to;

  return (
    <Disclosure
      id="access-panel"
      state={panel}
      title={t('access.title')}
      summary={t('access.summary')}
      outside={
        <>
          {dialog?.kind === 'share' && (
            <ShareDialog
              item={item}
              exclude={new Set([...shared, assignee?.id ?? '', me.id])}
              survivor={survivorControlled(caseType)}
              onClose={() => setDialog(null)}
              onDone={(share) => refresh(t(share.consent_override_reason ? 'share.doneOverride' : 'share.done', { name: share.user.display_name }))}
            />
          )}
          {dialog?.kind === 'handover' && data && (
            <HandOverDialog
              item={item}
              shares={data.shares}
              survivor={survivorControlled(caseType)}
              me={me}
              onClose={() => setDialog(null)}
              onDone={(result) => {
                // The case is no longer this worker's: say so on their list, where it no longer is.
                const name = result.assigned_to.display_name;
                rememberListNotice(t('handover.done', { number: isolate(item.case_number), name }), result.caseload, name);
                setDialog(null);
                navigate({ name: 'list', params: new URLSearchParams() });
              }}
            />
          )}
          {dialog?.kind === 'revoke-share' && (
            <ReasonDialog
              id="revoke-share-dialog"
              title={t('access.revokeShareTitle', { name: dialog.share.user.display_name })}
              explanation={t('access.revokeShareText')}
              submitLabel={t('access.revokeSubmit')}
              onClose={() => setDialog(null)}
              run={async (reason) => {
                await api.revokeShare(item.id, dialog.share.user.id, { reason });
                refresh(t('access.revokedShare', { name: dialog.share.user.display_name }));
              }}
            />
          )}
          {dialog?.kind === 'grant' && (
            <GrantDialog
              config={config}
              caseType={caseType}
              item={item}
              exclude={new Set([assignee?.id ?? ''])}
              onClose={() => setDialog(null)}
              onDone={(grant) => refresh(t('grant.done', { name: grant.user.display_name, field: fieldName(grant.field_id) }))}
            />
          )}
          {dialog?.kind === 'revoke-grant' && (
            <ReasonDialog
              id="revoke-grant-dialog"
              title={t('access.revokeGrantTitle', { name: dialog.grant.user.display_name, field: fieldName(dialog.grant.field_id) })}
              explanation={t('access.revokeGrantText')}
              submitLabel={t('access.revokeSubmit')}
              onClose={() => setDialog(null)}
              run={async (reason) => {
                await api.revokeFieldGrant(item.id, dialog.grant.user.id, dialog.grant.field_id, { reason });
                refresh(t('access.revokedGrant', { name: dialog.grant.user.display_name }));
              }}
            />
          )}
        </>
      }
    >
      <SuccessNotice text={notice} />
      <DisclosureResults state={panel} plain>
        {(data) => (
          <>
            <p>
              {t('access.assignedTo')} <strong>{assignee ? personName(assignee) : t('case.unassigned')}</strong>
            </p>

            <h3>{t('access.sharesTitle')}</h3>
            {data.shares.length === 0 ? (
              <p class="muted">{t('access.noShares')}</p>
            ) : (
              <ul class="access-list" id="share-list">
                {data.shares.map((share) => (
                  <li key={share.user.id} class={share.consent_override_reason ? 'overridden' : undefined}>
                    <div class="access-who">
                      <strong>{share.user.display_name}</strong>{' '}
                      <span class="muted" dir="ltr">
                        {share.user.username}
                      </span>
                    </div>
                    {share.consent_override_reason && (
                      <p class="access-override">
                        <span class="warning-mark" aria-hidden="true">
                          ⚠
                        </span>{' '}
                        <strong>{t('access.sharedWithoutConsent')}</strong> <bdi>{share.consent_override_reason}</bdi>
                      </p>
                    )}
                    <p class="access-why">
                      <bdi>{share.reason}</bdi>
                    </p>
                    <p class="muted access-when">
                      {t('access.grantedBy', { name: share.granted_by.display_name, when: formatDateTime(share.granted_at) })}
                    </p>
                    {access.may_share && (
                      <button type="button" class="button link danger" onClick={() => setDialog({ kind: 'revoke-share', share })}>
                        {t('access.revokeShare', { name: share.user.display_name })}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {access.may_share && (
              <p>
                <button type="button" class="button secondary" id="share-open" onClick={() => setDialog({ kind: 'share' })}>
                  {t('share.open')}
                </button>
              </p>
            )}

            {access.relationship === 'assigned' && (
              <>
                <h3>{t('handover.sectionTitle')}</h3>
                <p class="hint" id="handover-hint">
                  {data.shares.length > 0 ? t('handover.hint') : t('handover.needShare')}
                </p>
                {data.shares.length > 0 && (
                  <p>
                    <button
                      type="button"
                      class="button secondary"
                      id="handover-open"
                      aria-describedby="handover-hint"
                      onClick={() => setDialog({ kind: 'handover' })}
                    >
                      {t('handover.open')}
                    </button>
                  </p>
                )}
              </>
            )}

            <h3>{t('access.grantsTitle')}</h3>
            <p class="hint">{t('access.grantsHint')}</p>
            {data.field_grants.length === 0 ? (
              <p class="muted">{t('access.noGrants')}</p>
            ) : (
              <ul class="access-list" id="grant-list">
                {data.field_grants.map((grant) => (
                  <li key={`${grant.user.id}/${grant.field_id}`}>
                    <div class="access-who">
                      <strong>{grant.user.display_name}</strong> · {fieldName(grant.field_id)}
                    </div>
                    <p class="access-why">
                      <bdi>{grant.reason}</bdi>
                    </p>
                    <p class="muted access-when">
                      {t('access.grantedBy', { name: grant.granted_by.display_name, when: formatDateTime(grant.granted_at) })}
                    </p>
                    {access.may_grant_fields && (
                      <button type="button" class="button link danger" onClick={() => setDialog({ kind: 'revoke-grant', grant })}>
                        {t('access.revokeGrant', { name: grant.user.display_name, field: fieldName(grant.field_id) })}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {/* The case's restricted documents can always be opened, whatever its form. */}
            {access.may_grant_fields && (
              <p>
                <button type="button" class="button secondary" id="grant-open" onClick={() => setDialog({ kind: 'grant' })}>
                  {t('grant.open')}
                </button>
              </p>
            )}
          </>
        )}
      </DisclosureResults>
    </Disclosure>
  );
}

function ShareDialog({
  item,
  exclude,
  survivor,
  onClose,
  onDone,
}: {
  item: Case;
  exclude: Set<string>;
  survivor: boolean;
  onClose: () => void;
  onDone: (share: Share) => void;
}) {
  const directory = useDirectory();
  const [user, setUser] = useState<UserRef | null>(null);
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  /** The person the server refused for want of the survivor's consent (a GBV case only). */
  const [noConsent, setNoConsent] = useState<UserRef | null>(null);
  const [overriding, setOverriding] = useState(false);
  const [override, setOverride] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  // The override answers the refusal for one person; choosing someone else asks afresh.
  const refused = noConsent !== null && user !== null && noConsent.id === user.id;
  const emergency = refused && overriding;

  const submit = async () => {
    const missing: FieldErrors = {};
    if (!user) missing['share-user'] = t('picker.required');
    if (!reason.trim()) missing['share-reason'] = t('dialog.reasonRequired');
    if (emergency && !override.trim()) missing['share-override'] = t('share.overrideRequired');
    if (!password) missing['share-password'] = confirmationMissingMessage();
    setErrors(missing);
    if (Object.keys(missing).length || !user) {
      focusFirstInvalid('share-dialog');
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      onDone(
        await api.share(item.id, {
          user_id: user.id,
          reason: reason.trim(),
          confirm_password: confirmationValue(password),
          ...(emergency ? { consent_override_reason: override.trim() } : {}),
        }),
      );
    } catch (caught) {
      setPassword('');
      setBusy(false);
      if (survivor && caught instanceof ApiError && caught.consentMissing && !emergency) {
        setNoConsent(user);
        requestAnimationFrame(() => document.getElementById('share-override-on')?.focus());
        return;
      }
      const placed = placeErrors(
        caught,
        { user_id: 'share-user', reason: 'share-reason', consent_override_reason: 'share-override', confirm_password: 'share-password' },
        'share-password',
      );
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('share-dialog');
      } else {
        setFailure(caught);
      }
    }
  };

  return (
    <Dialog id="share-dialog" title={t('share.title', { number: isolate(item.case_number) })} onClose={onClose}>
      {survivor && <p class="notice info">{t('share.survivorNote')}</p>}
      {directory.error ? (
        <ErrorNotice error={directory.error} onRetry={directory.retry} />
      ) : !directory.users ? (
        <Loading />
      ) : (
        <DialogForm
          onSubmit={submit}
          onCancel={onClose}
          busy={busy}
          error={failure}
          submitLabel={emergency ? t('share.submitOverride') : t('share.submit')}
        >
          <p class="hint">{t('share.explain')}</p>
          <UserPicker
            id="share-user"
            label={t('share.user')}
            users={directory.users.filter((u) => !exclude.has(u.id))}
            value={user}
            onChange={setUser}
            required
            error={errors['share-user']}
          />
          <TextField id="share-reason" label={t('dialog.reason')} hint={t('share.reasonHint')} multiline required value={reason} onInput={setReason} error={errors['share-reason']} />
          {refused && noConsent && (
            <div class="notice error" role="alert" id="share-refused">
              <p>
                <strong>{t('share.noConsentTitle', { name: noConsent.display_name })}</strong>
              </p>
              <p>{t('share.noConsentText')}</p>
            </div>
          )}
          {refused && (
            <div class="field emergency-choice">
              <div class="choice">
                <input
                  type="checkbox"
                  id="share-override-on"
                  checked={overriding}
                  aria-describedby="share-override-on--help"
                  aria-controls={overriding ? 'share-override' : undefined}
                  onChange={(e) => setOverriding((e.currentTarget as HTMLInputElement).checked)}
                />
                <label for="share-override-on">{t('share.overrideChoice')}</label>
              </div>
              <p class="hint" id="share-override-on--help">
                {t('share.overrideHint')}
              </p>
            </div>
          )}
          {emergency && (
            <TextField
              id="share-override"
              label={t('share.override')}
              multiline
              required
              value={override}
              onInput={setOverride}
              error={errors['share-override']}
            />
          )}
          <ConfirmPasswordField id="share-password" value={password} onInput={setPassword} error={errors['share-password']} />
        </DialogForm>
      )}
    </Dialog>
  );
}

function GrantDialog({
  caseType,
  item,
  exclude,
  onClose,
  onDone,
}: {
  config: Config;
  caseType: CaseType;
  item: Case;
  exclude: Set<string>;
  onClose: () => void;
  onDone: (grant: FieldGrant) => void;
}) {
  const directory = useDirectory();
  const fields = grantableFields(caseType);
  const [fieldId, setFieldId] = useState('');
  const [user, setUser] = useState<UserRef | null>(null);
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const missing: FieldErrors = {};
    if (!fieldId) missing['grant-field'] = t('grant.fieldRequired');
    if (!user) missing['grant-user'] = t('picker.required');
    if (!reason.trim()) missing['grant-reason'] = t('dialog.reasonRequired');
    if (!password) missing['grant-password'] = confirmationMissingMessage();
    setErrors(missing);
    if (Object.keys(missing).length || !user) {
      focusFirstInvalid('grant-dialog');
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      onDone(await api.grantField(item.id, { user_id: user.id, field_id: fieldId, reason: reason.trim(), confirm_password: confirmationValue(password) }));
    } catch (caught) {
      setPassword('');
      const placed = placeErrors(
        caught,
        { user_id: 'grant-user', field_id: 'grant-field', reason: 'grant-reason', confirm_password: 'grant-password' },
        'grant-password',
      );
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('grant-dialog');
      } else {
        setFailure(caught);
      }
      setBusy(false);
    }
  };

  const fieldError = errors['grant-field'];
  return (
    <Dialog id="grant-dialog" title={t('grant.title')} onClose={onClose}>
      {directory.error ? (
        <ErrorNotice error={directory.error} onRetry={directory.retry} />
      ) : !directory.users ? (
        <Loading />
      ) : (
        <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={t('grant.submit')}>
          <p class="hint">{t('grant.explain')}</p>
          <div class={`field${fieldError ? ' invalid' : ''}`}>
            <label for="grant-field">
              {t('grant.field')}
              <span class="req" aria-hidden="true">
                {' *'}
              </span>
              <span class="sr-only"> ({t('common.required')})</span>
            </label>
            <p class="hint" id="grant-field--help">
              {t('grant.attachmentsHint')}
            </p>
            {fieldError && (
              <p class="field-error" id="grant-field--error">
                <span class="sr-only">{t('form.errorPrefix')} </span>
                {fieldError}
              </p>
            )}
            <select
              id="grant-field"
              required
              value={fieldId}
              aria-invalid={fieldError ? 'true' : undefined}
              aria-describedby={fieldError ? 'grant-field--help grant-field--error' : 'grant-field--help'}
              onChange={(e) => setFieldId((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="">{t('common.choose')}</option>
              {fields.map((f) => (
                <option key={f.id} value={f.id}>
                  {label(f.label)}
                </option>
              ))}
              <option value={ATTACHMENTS_GRANT}>{t('grant.attachments')}</option>
            </select>
          </div>
          <UserPicker
            id="grant-user"
            label={t('grant.user')}
            hint={t('grant.userHint')}
            users={directory.users.filter((u) => !exclude.has(u.id))}
            value={user}
            onChange={setUser}
            required
            error={errors['grant-user']}
          />
          <TextField id="grant-reason" label={t('dialog.reason')} hint={t('grant.reasonHint')} multiline required value={reason} onInput={setReason} error={errors['grant-reason']} />
          <ConfirmPasswordField id="grant-password" value={password} onInput={setPassword} error={errors['grant-password']} />
        </DialogForm>
      )}
    </Dialog>
  );
}
