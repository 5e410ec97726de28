// Users (whoever may manage users: system administrators and programme managers): the list,
// creating a user, and changing a user's display name, role, agency or disabled state. The roles on
// offer are the configuration's (built-in and custom), less those holding account or system
// permissions the acting person lacks; each shows what it allows. Each change re-asks the
// acting person's password; an edit carries the user's version, and a 409 offers a reload.

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Agency, type AgencyRef, type Config, type RoleDefinition, type User, type UserAdmin } from '../../api';
import { ErrorNotice, Loading, PageTitle } from '../../components';
import {
  ConfirmPasswordField,
  confirmationMissingMessage,
  confirmationValue,
  Dialog,
  DialogForm,
  focusFirstInvalid,
  HintAndError,
  placeErrors,
  Required,
  TextField,
  type FieldErrors,
} from '../../dialog';
import { t } from '../../i18n';
import { describePermissions, mayConfer, roleChoices, roleName } from '../../roles';

/** The configuration's roles; null until it is loaded (then only built-in roles are offered). */
type Roles = readonly RoleDefinition[] | null;

export function UsersPage({ me, config }: { me: User; config: Config | null }) {
  const roles: Roles = config?.roles ?? null;
  const [users, setUsers] = useState<UserAdmin[] | null>(null);
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserAdmin | null>(null);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([api.users(), api.agencies()])
      .then(([list, agencyList]) => {
        if (!live) return;
        setAgencies([...agencyList].sort((a, b) => a.name.localeCompare(b.name)));
        setUsers([...list].sort((a, b) => a.username.localeCompare(b.username)));
      })
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [attempt]);

  const done = (message: string) => {
    setCreating(false);
    setEditing(null);
    setNotice(message);
    setAttempt((n) => n + 1);
  };

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('users.title')} />
        <button type="button" class="button primary" id="user-create-open" onClick={() => setCreating(true)}>
          + {t('users.create')}
        </button>
      </div>
      <p class="muted">{t('users.intro')}</p>
      <div role="status" aria-live="polite">
        {notice && <p class="notice success">{notice}</p>}
      </div>
      {error ? (
        <ErrorNotice error={error} action onRetry={() => setAttempt((n) => n + 1)} />
      ) : !users ? (
        <Loading />
      ) : (
        <table class="cases data-table" id="users-table">
          <caption class="sr-only">{t('users.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('users.username')}</th>
              <th scope="col">{t('users.displayName')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.agency')}</th>
              <th scope="col">{t('users.status')}</th>
              <th scope="col">{t('users.mfa')}</th>
              <th scope="col">{t('users.teams')}</th>
              <th scope="col">
                <span class="sr-only">{t('users.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} class={u.disabled ? 'disabled-row' : undefined}>
                <th scope="row" data-label={t('users.username')}>
                  <span dir="ltr">{u.username}</span>
                </th>
                <td data-label={t('users.displayName')}>
                  <bdi>{u.display_name}</bdi>
                </td>
                <td data-label={t('users.role')}>{roleName(u.role, roles)}</td>
                <td data-label={t('users.agency')}>{u.agency ? <bdi>{u.agency.name}</bdi> : t('common.none')}</td>
                <td data-label={t('users.status')}>
                  <span class={`badge ${u.disabled ? 'badge-muted' : 'badge-ok'}`}>{u.disabled ? t('users.disabled') : t('users.active')}</span>
                </td>
                <td data-label={t('users.mfa')}>{u.mfa_enabled ? t('users.mfaOn') : t('users.mfaOff')}</td>
                <td data-label={t('users.teams')}>{u.teams.length ? u.teams.map((team) => team.name).join(', ') : t('common.none')}</td>
                <td data-label={t('users.actions')}>
                  <button type="button" class="button secondary small" onClick={() => setEditing(u)}>
                    {t('users.edit')}
                    <span class="sr-only"> {u.username}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateUserDialog me={me} roles={roles} agencies={agencies} onClose={() => setCreating(false)} onDone={(u) => done(t('users.created', { name: u.username }))} />}
      {editing && (
        <EditUserDialog
          key={editing.id}
          user={editing}
          me={me}
          roles={roles}
          agencies={agencies}
          self={editing.id === me.id}
          onClose={() => setEditing(null)}
          onDone={(u) => done(t('users.saved', { name: u.username }))}
          onReload={async () => {
            const list = await api.users();
            setUsers([...list].sort((a, b) => a.username.localeCompare(b.username)));
            return list.find((u) => u.id === editing.id) ?? null;
          }}
        />
      )}
    </>
  );
}

/** The role: its choices, and what the chosen one allows (read with the select). */
function RoleSelect({
  id,
  value,
  onChange,
  me,
  roles,
  error,
  disabled,
  hint,
}: {
  id: string;
  value: string;
  onChange: (role: string) => void;
  me: User;
  roles: Roles;
  error?: string | undefined;
  disabled?: boolean;
  hint?: string | undefined;
}) {
  const definition = (role: string) => roles?.find((r) => r.id === role);
  // The catalogue's order; the current role stays listed even where it could not be given.
  const choices = roleChoices(roles).filter((r) => {
    const found = definition(r);
    return r === value || !found || mayConfer(me, found);
  });
  if (!choices.includes(value)) choices.unshift(value);
  const selected = definition(value);
  const describedBy = [hint ? `${id}--help` : '', error ? `${id}--error` : '', selected ? `${id}--permissions` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {t('users.role')}
        <Required />
      </label>
      <HintAndError id={id} hint={hint} error={error} />
      <select
        id={id}
        value={value}
        disabled={disabled}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(e) => {
          const picked = choices.find((r) => r === (e.currentTarget as HTMLSelectElement).value);
          if (picked) onChange(picked);
        }}
      >
        {choices.map((r) => (
          <option key={r} value={r}>
            {roleName(r, roles)}
          </option>
        ))}
      </select>
      {selected && (
        <p class="hint" id={`${id}--permissions`}>
          {describePermissions(selected.permissions)}
        </p>
      )}
    </div>
  );
}

/** The agency a user works for, or none; an agency no longer listed stays on offer while it is the
 * user's own. */
function AgencySelect({
  id,
  value,
  onChange,
  agencies,
  current,
  error,
}: {
  id: string;
  value: string;
  onChange: (agencyId: string) => void;
  agencies: readonly Agency[];
  current?: AgencyRef | null | undefined;
  error?: string | undefined;
}) {
  const choices: AgencyRef[] = [...agencies];
  if (current && !choices.some((a) => a.id === current.id)) choices.push(current);
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{t('users.agency')}</label>
      <p class="hint" id={`${id}--help`}>
        {agencies.length === 0 ? t('users.agencyNone') : t('users.agencyHint')}
      </p>
      {error && (
        <p class="field-error" id={`${id}--error`}>
          <span class="sr-only">{t('form.errorPrefix')} </span>
          {error}
        </p>
      )}
      <select
        id={id}
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={`${id}--help${error ? ` ${id}--error` : ''}`}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">{t('users.noAgency')}</option>
        {choices.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function CreateUserDialog({
  me,
  roles,
  agencies,
  onClose,
  onDone,
}: {
  me: User;
  roles: Roles;
  agencies: readonly Agency[];
  onClose: () => void;
  onDone: (u: UserAdmin) => void;
}) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState('case_worker');
  const [agencyId, setAgencyId] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const missing: FieldErrors = {};
    if (!username.trim()) missing['new-username'] = t('users.usernameRequired');
    if (!displayName.trim()) missing['new-display-name'] = t('users.displayNameRequired');
    if (password.length < 10) missing['new-password'] = t('users.passwordShort');
    if (!confirm) missing['new-confirm'] = confirmationMissingMessage();
    setErrors(missing);
    if (Object.keys(missing).length) {
      focusFirstInvalid('user-create-dialog');
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      onDone(
        await api.createUser({
          username: username.trim(),
          display_name: displayName.trim(),
          role,
          ...(agencyId ? { agency_id: agencyId } : {}),
          password,
          confirm_password: confirmationValue(confirm),
        }),
      );
    } catch (caught) {
      setConfirm('');
      const placed = placeErrors(
        caught,
        { username: 'new-username', display_name: 'new-display-name', role: 'new-role', agency_id: 'new-agency', password: 'new-password', confirm_password: 'new-confirm' },
        'new-confirm',
      );
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('user-create-dialog');
      } else {
        setFailure(caught);
      }
      setBusy(false);
    }
  };

  return (
    <Dialog id="user-create-dialog" title={t('users.createTitle')} onClose={onClose}>
      <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={t('users.createSubmit')}>
        <TextField id="new-username" label={t('users.username')} hint={t('users.usernameHint')} required dir="ltr" value={username} onInput={setUsername} error={errors['new-username']} />
        <TextField id="new-display-name" label={t('users.displayName')} required value={displayName} onInput={setDisplayName} error={errors['new-display-name']} />
        <RoleSelect id="new-role" value={role} onChange={setRole} me={me} roles={roles} error={errors['new-role']} />
        <AgencySelect id="new-agency" value={agencyId} onChange={setAgencyId} agencies={agencies} error={errors['new-agency']} />
        <TextField
          id="new-password"
          label={t('users.newPassword')}
          hint={t('users.newPasswordHint')}
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onInput={setPassword}
          error={errors['new-password']}
        />
        <ConfirmPasswordField id="new-confirm" value={confirm} onInput={setConfirm} error={errors['new-confirm']} />
      </DialogForm>
    </Dialog>
  );
}

function EditUserDialog({
  user,
  me,
  roles,
  agencies,
  self,
  onClose,
  onDone,
  onReload,
}: {
  user: UserAdmin;
  me: User;
  roles: Roles;
  agencies: readonly Agency[];
  self: boolean;
  onClose: () => void;
  onDone: (u: UserAdmin) => void;
  /** Fetch the user afresh after a conflict. */
  onReload: () => Promise<UserAdmin | null>;
}) {
  const [base, setBase] = useState(user);
  const [displayName, setDisplayName] = useState(user.display_name);
  const [role, setRole] = useState(user.role);
  const [agencyId, setAgencyId] = useState(user.agency?.id ?? '');
  const [disabled, setDisabled] = useState(user.disabled);
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const missing: FieldErrors = {};
    if (!displayName.trim()) missing['edit-display-name'] = t('users.displayNameRequired');
    if (!confirm) missing['edit-confirm'] = confirmationMissingMessage();
    setErrors(missing);
    if (Object.keys(missing).length) {
      focusFirstInvalid('user-edit-dialog');
      return;
    }
    // Only what changed, like a case.
    const changes = {
      ...(displayName.trim() !== base.display_name ? { display_name: displayName.trim() } : {}),
      ...(!self && role !== base.role ? { role } : {}),
      // `null` takes the user out of their agency.
      ...(agencyId !== (base.agency?.id ?? '') ? { agency_id: agencyId || null } : {}),
      ...(disabled !== base.disabled ? { disabled } : {}),
    };
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      onDone(await api.updateUser(base.id, { version: base.version, ...changes, confirm_password: confirmationValue(confirm) }));
    } catch (caught) {
      setConfirm('');
      setBusy(false);
      if (caught instanceof ApiError && caught.status === 409) {
        setConflict(true);
        requestAnimationFrame(() => document.getElementById('user-reload')?.focus());
        return;
      }
      const placed = placeErrors(
        caught,
        { display_name: 'edit-display-name', role: 'edit-role', agency_id: 'edit-agency', disabled: 'edit-disabled', confirm_password: 'edit-confirm' },
        'edit-confirm',
      );
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('user-edit-dialog');
      } else {
        setFailure(caught);
      }
    }
  };

  const reload = async () => {
    setBusy(true);
    try {
      const fresh = await onReload();
      if (fresh) {
        setBase(fresh);
        setDisplayName(fresh.display_name);
        setRole(fresh.role);
        setAgencyId(fresh.agency?.id ?? '');
        setDisabled(fresh.disabled);
      }
      setConflict(false);
      document.getElementById('edit-display-name')?.focus();
    } catch (caught) {
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog id="user-edit-dialog" title={t('users.editTitle', { name: base.username })} onClose={onClose}>
      {conflict && (
        <div class="notice warning conflict" role="alert">
          <p>
            <strong>{t('users.conflict')}</strong>
          </p>
          <p>{t('users.conflictDetail')}</p>
          <button type="button" id="user-reload" class="button primary" onClick={reload} aria-disabled={busy}>
            {t('users.reload')}
          </button>
        </div>
      )}
      <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={t('users.save')}>
        <TextField id="edit-display-name" label={t('users.displayName')} required value={displayName} onInput={setDisplayName} error={errors['edit-display-name']} />
        <RoleSelect
          id="edit-role"
          value={role}
          onChange={setRole}
          me={me}
          roles={roles}
          error={errors['edit-role']}
          disabled={self}
          hint={self ? t('users.ownRole') : undefined}
        />
        <AgencySelect id="edit-agency" value={agencyId} onChange={setAgencyId} agencies={agencies} current={base.agency} error={errors['edit-agency']} />
        <div class="field">
          <div class="choice">
            <input type="checkbox" id="edit-disabled" checked={disabled} disabled={self} aria-describedby="edit-disabled--help" onChange={(e) => setDisabled((e.currentTarget as HTMLInputElement).checked)} />
            <label for="edit-disabled">{t('users.disableLabel')}</label>
          </div>
          <p class="hint" id="edit-disabled--help">
            {t('users.disableHint')}
          </p>
        </div>
        <ConfirmPasswordField id="edit-confirm" value={confirm} onInput={setConfirm} error={errors['edit-confirm']} />
      </DialogForm>
    </Dialog>
  );
}
