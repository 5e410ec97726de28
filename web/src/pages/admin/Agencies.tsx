// Agencies (whoever may manage users): the organisations whose staff use the instance. Each has a
// unique name (ignoring case); a user works for one agency or none (set on the Users page); a
// survivor's consent may name an agency, and then covers whoever works for it. Adding and
// renaming need no password: an agency gives nobody access by itself. A rename carries the
// agency's version, and a 409 offers a reload; consents keep the name the agency had when given.

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Agency, type UserAdmin } from '../../api';
import { ErrorNotice, Loading, PageTitle } from '../../components';
import { Dialog, DialogForm, focusFirstInvalid, placeErrors, TextField, type FieldErrors } from '../../dialog';
import { formatNumber, t } from '../../i18n';
import { href } from '../../router';

function byName(list: Agency[]): Agency[] {
  return [...list].sort((a, b) => a.name.localeCompare(b.name));
}

export function AgenciesPage() {
  const [agencies, setAgencies] = useState<Agency[] | null>(null);
  const [users, setUsers] = useState<UserAdmin[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [editing, setEditing] = useState<Agency | 'new' | null>(null);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([api.agencies(), api.users()])
      .then(([agencyList, userList]) => {
        if (!live) return;
        setAgencies(byName(agencyList));
        setUsers(userList);
      })
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [attempt]);

  const done = (message: string) => {
    setEditing(null);
    setNotice(message);
    setAttempt((n) => n + 1);
  };

  const staff = (agency: Agency) => (users ?? []).filter((u) => u.agency?.id === agency.id).length;

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('agencies.title')} />
        <button type="button" class="button primary" id="agency-create-open" onClick={() => setEditing('new')}>
          + {t('agencies.create')}
        </button>
      </div>
      <p class="muted">
        {t('agencies.intro')} <a href={href({ name: 'users' })}>{t('agencies.introUsers')}</a>
      </p>
      <div role="status" aria-live="polite">
        {notice && <p class="notice success">{notice}</p>}
      </div>
      {error ? (
        <ErrorNotice error={error} action onRetry={() => setAttempt((n) => n + 1)} />
      ) : !agencies || !users ? (
        <Loading />
      ) : agencies.length === 0 ? (
        <p class="empty card">{t('agencies.none')}</p>
      ) : (
        <table class="cases data-table" id="agencies-table">
          <caption class="sr-only">{t('agencies.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('agencies.name')}</th>
              <th scope="col">{t('agencies.staff')}</th>
              <th scope="col">
                <span class="sr-only">{t('users.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agencies.map((agency) => (
              <tr key={agency.id}>
                <th scope="row" data-label={t('agencies.name')}>
                  <bdi>{agency.name}</bdi>
                </th>
                <td data-label={t('agencies.staff')}>{formatNumber(staff(agency))}</td>
                <td data-label={t('users.actions')}>
                  <button type="button" class="button secondary small" onClick={() => setEditing(agency)}>
                    {t('agencies.rename')}
                    <span class="sr-only"> {agency.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <AgencyDialog
          key={editing === 'new' ? 'new' : editing.id}
          agency={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onDone={(agency) => done(editing === 'new' ? t('agencies.created', { name: agency.name }) : t('agencies.renamed', { name: agency.name }))}
          onReload={async () => {
            const list = byName(await api.agencies());
            setAgencies(list);
            return editing === 'new' ? null : list.find((a) => a.id === editing.id) ?? null;
          }}
        />
      )}
    </>
  );
}

/** The server's refusal of a name, in the UI language where its code is known. */
function nameMessage(caught: unknown): string | null {
  if (!(caught instanceof ApiError) || caught.status !== 422) return null;
  const problem = caught.errors.find((e) => e.field === 'name');
  if (!problem) return null;
  if (problem.code === 'taken') return t('agencies.nameTaken');
  if (problem.code === 'invalid') return t('agencies.nameInvalid');
  return problem.message;
}

/** Add an agency (`agency` null), or rename one. */
function AgencyDialog({
  agency,
  onClose,
  onDone,
  onReload,
}: {
  agency: Agency | null;
  onClose: () => void;
  onDone: (agency: Agency) => void;
  /** Fetch the agency afresh after a conflict. */
  onReload: () => Promise<Agency | null>;
}) {
  const [base, setBase] = useState(agency);
  const [name, setName] = useState(agency?.name ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const wanted = name.trim();
    if (!wanted) {
      setErrors({ 'agency-name': t('agencies.nameRequired') });
      focusFirstInvalid('agency-dialog');
      return;
    }
    if (base && wanted === base.name) {
      onClose();
      return;
    }
    setErrors({});
    setBusy(true);
    setFailure(null);
    try {
      onDone(base ? await api.renameAgency(base.id, { name: wanted, version: base.version }) : await api.createAgency({ name: wanted }));
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && caught.status === 409) {
        setConflict(true);
        requestAnimationFrame(() => document.getElementById('agency-reload')?.focus());
        return;
      }
      const named = nameMessage(caught);
      const placed = named ? { 'agency-name': named } : placeErrors(caught, { name: 'agency-name' });
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('agency-dialog');
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
        setName(fresh.name);
      }
      setConflict(false);
      document.getElementById('agency-name')?.focus();
    } catch (caught) {
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog id="agency-dialog" title={base ? t('agencies.renameTitle', { name: base.name }) : t('agencies.createTitle')} onClose={onClose}>
      {conflict && (
        <div class="notice warning conflict" role="alert">
          <p>
            <strong>{t('agencies.conflict')}</strong>
          </p>
          <p>{t('agencies.conflictDetail')}</p>
          <button type="button" id="agency-reload" class="button primary" onClick={reload} aria-disabled={busy}>
            {t('agencies.reload')}
          </button>
        </div>
      )}
      <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={base ? t('agencies.renameSubmit') : t('agencies.createSubmit')}>
        <TextField
          id="agency-name"
          label={t('agencies.name')}
          hint={base ? t('agencies.renameHint') : t('agencies.nameHint')}
          required
          value={name}
          onInput={setName}
          error={errors['agency-name']}
        />
      </DialogForm>
    </Dialog>
  );
}
