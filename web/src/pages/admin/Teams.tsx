// Teams (whoever may manage teams, such as system administrators): a team's name, supervisor
// and the case types it handles, and its members. A supervisor (a role that may see its team's
// cases) reaches the cases of the members (roles that hold cases) for those case types;
// removing a member ends their live sessions.

import { useEffect, useState } from 'preact/hooks';
import { api, type Config, type Team, type UserAdmin, type UserRef } from '../../api';
import { ErrorNotice, Loading, PageTitle } from '../../components';
import { Dialog, DialogForm, focusFirstInvalid, placeErrors, TextField, type FieldErrors } from '../../dialog';
import { label, t } from '../../i18n';
import { can } from '../../roles';
import { UserPicker } from '../../UserPicker';

function caseTypeName(config: Config | null, id: string): string {
  return label(config?.case_types.find((c) => c.id === id)?.name) || id;
}

export function TeamsPage({ config }: { config: Config | null }) {
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [users, setUsers] = useState<UserAdmin[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const [removing, setRemoving] = useState<{ team: Team; member: UserRef } | null>(null);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([api.teams(), api.users()])
      .then(([teamList, userList]) => {
        if (!live) return;
        setTeams([...teamList].sort((a, b) => a.name.localeCompare(b.name)));
        setUsers(userList);
      })
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [attempt]);

  const done = (message: string) => {
    setEditing(null);
    setRemoving(null);
    setNotice(message);
    setAttempt((n) => n + 1);
  };

  /** A team changed by a member being added or removed: show the server's version of it. */
  const replace = (team: Team) => setTeams((list) => (list ?? []).map((x) => (x.id === team.id ? team : x)));

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('teams.title')} />
        <button type="button" class="button primary" id="team-create-open" onClick={() => setEditing('new')}>
          + {t('teams.create')}
        </button>
      </div>
      <p class="muted">{t('teams.intro')}</p>
      <div role="status" aria-live="polite">
        {notice && <p class="notice success">{notice}</p>}
      </div>
      {error ? (
        <ErrorNotice error={error} action onRetry={() => setAttempt((n) => n + 1)} />
      ) : !teams || !users ? (
        <Loading />
      ) : teams.length === 0 ? (
        <p class="empty card">{t('teams.none')}</p>
      ) : (
        <div class="team-list">
          {teams.map((team) => (
            <TeamCard
              key={team.id}
              team={team}
              config={config}
              users={users}
              onEdit={() => setEditing(team)}
              onRemove={(member) => setRemoving({ team, member })}
              onChanged={(fresh, message) => {
                replace(fresh);
                setNotice(message);
              }}
            />
          ))}
        </div>
      )}
      {editing && users && (
        <TeamDialog
          team={editing === 'new' ? null : editing}
          config={config}
          users={users}
          onClose={() => setEditing(null)}
          onDone={(team) => done(editing === 'new' ? t('teams.created', { name: team.name }) : t('teams.saved', { name: team.name }))}
        />
      )}
      {removing && (
        <RemoveMemberDialog
          team={removing.team}
          member={removing.member}
          onClose={() => setRemoving(null)}
          onDone={(team) => {
            replace(team);
            setRemoving(null);
            setNotice(t('teams.removed', { name: removing.member.display_name, team: team.name }));
          }}
        />
      )}
    </>
  );
}

function TeamCard({
  team,
  config,
  users,
  onEdit,
  onRemove,
  onChanged,
}: {
  team: Team;
  config: Config | null;
  users: UserAdmin[];
  onEdit: () => void;
  onRemove: (member: UserRef) => void;
  onChanged: (team: Team, message: string) => void;
}) {
  const [adding, setAdding] = useState<UserRef | null>(null);
  const [pickerKey, setPickerKey] = useState(0);
  const [error, setError] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const headingId = `team-${team.id}`;
  const pickerId = `team-${team.id}-add`;
  const members = new Set(team.members.map((m) => m.id));
  // Members hold cases; whether through a built-in role or a custom one is the role's business.
  const candidates = users.filter((u) => !u.disabled && can(u, 'hold_cases') && !members.has(u.id));

  const add = async (e: Event) => {
    e.preventDefault();
    if (!adding) {
      setError(t('picker.required'));
      document.getElementById(pickerId)?.focus();
      return;
    }
    setBusy(true);
    setError('');
    setFailure(null);
    try {
      const fresh = await api.addTeamMember(team.id, adding.id);
      onChanged(fresh, t('teams.added', { name: adding.display_name, team: fresh.name }));
      setAdding(null);
      setPickerKey((n) => n + 1);
    } catch (caught) {
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card team-card" aria-labelledby={headingId}>
      <div class="team-head">
        <h2 id={headingId}>
          <bdi>{team.name}</bdi>
        </h2>
        <button type="button" class="button secondary small" onClick={onEdit}>
          {t('teams.edit')}
          <span class="sr-only"> {team.name}</span>
        </button>
      </div>
      <dl class="facts">
        <div>
          <dt>{t('teams.supervisor')}</dt>
          <dd>{team.supervisor ? team.supervisor.display_name : t('teams.noSupervisor')}</dd>
        </div>
        <div>
          <dt>{t('teams.caseTypes')}</dt>
          <dd>{team.case_types.length ? team.case_types.map((id) => caseTypeName(config, id)).join(', ') : t('teams.allCaseTypes')}</dd>
        </div>
      </dl>
      <h3>{t('teams.members', { n: team.members.length })}</h3>
      {team.members.length === 0 ? (
        <p class="muted">{t('teams.noMembers')}</p>
      ) : (
        <ul class="member-list">
          {team.members.map((m) => (
            <li key={m.id}>
              <span>
                {m.display_name}{' '}
                <span class="muted" dir="ltr">
                  {m.username}
                </span>
              </span>
              <button type="button" class="button link danger" onClick={() => onRemove(m)}>
                {t('teams.remove', { name: m.display_name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {failure ? <ErrorNotice error={failure} action /> : null}
      <form class="member-add" onSubmit={add} noValidate>
        <UserPicker key={pickerKey} id={pickerId} label={t('teams.addMember')} users={candidates} value={adding} onChange={setAdding} error={error || undefined} />
        <button type="submit" class="button secondary" aria-disabled={busy}>
          {t('teams.addSubmit')}
        </button>
      </form>
    </section>
  );
}

function TeamDialog({
  team,
  config,
  users,
  onClose,
  onDone,
}: {
  team: Team | null;
  config: Config | null;
  users: UserAdmin[];
  onClose: () => void;
  onDone: (team: Team) => void;
}) {
  const [name, setName] = useState(team?.name ?? '');
  const [supervisor, setSupervisor] = useState(team?.supervisor?.id ?? '');
  const [caseTypes, setCaseTypes] = useState<string[]>(team?.case_types ?? []);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const supervisors = users.filter((u) => can(u, 'view_team_cases') && (!u.disabled || u.id === supervisor));
  const knownTypes = config?.case_types.map((c) => c.id) ?? [];
  const typeIds = [...knownTypes, ...caseTypes.filter((id) => !knownTypes.includes(id))];

  const submit = async () => {
    if (!name.trim()) {
      setErrors({ 'team-name': t('teams.nameRequired') });
      focusFirstInvalid('team-dialog');
      return;
    }
    setErrors({});
    setBusy(true);
    setFailure(null);
    try {
      const body = { name: name.trim(), supervisor_id: supervisor || null, case_types: caseTypes };
      // An edit carries the version it was based on; a concurrent edit answers 409.
      onDone(team ? await api.updateTeam(team.id, { ...body, version: team.version }) : await api.createTeam(body));
    } catch (caught) {
      const placed = placeErrors(caught, { name: 'team-name', supervisor_id: 'team-supervisor', case_types: 'team-case-types' });
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('team-dialog');
      } else {
        setFailure(caught);
      }
      setBusy(false);
    }
  };

  return (
    <Dialog id="team-dialog" title={team ? t('teams.editTitle', { name: team.name }) : t('teams.createTitle')} onClose={onClose}>
      <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={team ? t('teams.save') : t('teams.createSubmit')}>
        <TextField id="team-name" label={t('teams.name')} required value={name} onInput={setName} error={errors['team-name']} />
        <div class={`field${errors['team-supervisor'] ? ' invalid' : ''}`}>
          <label for="team-supervisor">{t('teams.supervisor')}</label>
          <p class="hint" id="team-supervisor--help">
            {t('teams.supervisorHint')}
          </p>
          <select
            id="team-supervisor"
            value={supervisor}
            aria-describedby="team-supervisor--help"
            onChange={(e) => setSupervisor((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{t('teams.noSupervisor')}</option>
            {supervisors.map((u) => (
              <option key={u.id} value={u.id}>
                {u.display_name} ({u.username})
              </option>
            ))}
          </select>
          {errors['team-supervisor'] && <p class="field-error">{errors['team-supervisor']}</p>}
        </div>
        <fieldset class="field group" id="team-case-types" aria-describedby="team-case-types--help">
          <legend>{t('teams.caseTypes')}</legend>
          <p class="hint" id="team-case-types--help">
            {t('teams.caseTypesHint')}
          </p>
          <div class="choices">
            {typeIds.map((id) => (
              <div class="choice" key={id}>
                <input
                  type="checkbox"
                  id={`team-type-${id}`}
                  checked={caseTypes.includes(id)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    setCaseTypes((list) => (on ? [...list, id] : list.filter((x) => x !== id)));
                  }}
                />
                <label for={`team-type-${id}`}>{caseTypeName(config, id)}</label>
              </div>
            ))}
          </div>
          {errors['team-case-types'] && <p class="field-error">{errors['team-case-types']}</p>}
        </fieldset>
      </DialogForm>
    </Dialog>
  );
}

function RemoveMemberDialog({ team, member, onClose, onDone }: { team: Team; member: UserRef; onClose: () => void; onDone: (team: Team) => void }) {
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setFailure(null);
    try {
      onDone(await api.removeTeamMember(team.id, member.id));
    } catch (caught) {
      setFailure(caught);
      setBusy(false);
    }
  };
  return (
    <Dialog id="remove-member-dialog" title={t('teams.removeTitle', { name: member.display_name, team: team.name })} onClose={onClose}>
      <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={t('teams.removeSubmit')} danger>
        <p>{t('teams.removeText')}</p>
      </DialogForm>
    </Dialog>
  );
}
