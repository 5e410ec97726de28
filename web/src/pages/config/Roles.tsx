// Custom roles: named permission sets beside the built-in roles (which cannot be changed here).
// A role users hold cannot be removed: the server says so.

import { useState } from 'preact/hooks';
import type { Labels, Permission, RoleEntity } from '../../api';
import { Dialog } from '../../dialog';
import { t } from '../../i18n';
import { describePermissions } from '../../roles';
import { useEditing } from './context';
import { CheckGroup, IdInput, LabelsInput } from './inputs';
import { cleanLabels, collector, idProblem, keyInput, labelProblems, named, type Problems } from './model';
import { RemoveDialog } from './RemoveDialog';
import { changesAction, EditorForm, useChecker } from './Review';

const PERMISSIONS: readonly Permission[] = [
  'hold_cases',
  'view_team_cases',
  'reassign_within_team',
  'override_caseload',
  'view_team_workload',
  'view_aggregate_reports',
  'configure_workflow',
  'manage_users',
  'manage_teams',
  'operate_system',
  'read_audit_trail',
  'approve_care_plans',
];

const BUILT_IN = ['case_worker', 'supervisor', 'programme_manager', 'system_administrator', 'auditor'];

type Open = { kind: 'role'; id: string | null } | { kind: 'remove'; id: string };

export function RolesPart() {
  const { entities } = useEditing();
  const [open, setOpen] = useState<Open | null>(null);
  const close = () => setOpen(null);
  return (
    <section class="card" aria-labelledby="roles-title">
      <div class="team-head">
        <h2 id="roles-title">{t('config.roles.title')}</h2>
        <button type="button" class="button primary" id="role-add" onClick={() => setOpen({ kind: 'role', id: null })}>
          + {t('config.roles.add')}
        </button>
      </div>
      <p class="muted">{t('config.roles.intro')}</p>
      {entities.roles.length === 0 ? (
        <p class="muted">{t('config.roles.none')}</p>
      ) : (
        <ul class="member-list" id="custom-roles">
          {entities.roles.map((role) => {
            const name = named(role.label, role.id);
            return (
              <li key={role.id}>
                <span>
                  <strong>{name}</strong> <span class="muted config-id">({role.id})</span>
                  <br />
                  <span class="muted">{describePermissions(role.permissions)}</span>
                </span>
                <span class="button-row">
                  <button type="button" class="button secondary small" onClick={() => setOpen({ kind: 'role', id: role.id })}>
                    {t('config.edit')}
                    <span class="sr-only"> {name}</span>
                  </button>
                  <button type="button" class="button link danger" onClick={() => setOpen({ kind: 'remove', id: role.id })}>
                    {t('config.remove')}
                    <span class="sr-only"> {name}</span>
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {open?.kind === 'role' && <RoleDialog roleId={open.id} onClose={close} />}
      {open?.kind === 'remove' && (
        <RemoveDialog
          title={t('config.roles.removeTitle', { role: named(entities.roles.find((r) => r.id === open.id)?.label, open.id) })}
          warning={t('config.roles.removeWarning')}
          changes={[{ op: 'remove', entity: { kind: 'role', id: open.id } }]}
          onClose={close}
        />
      )}
    </section>
  );
}

const FORM = 'role-editor';

function RoleDialog({ roleId, onClose }: { roleId: string | null; onClose: () => void }) {
  const { entities, languages } = useEditing();
  const original = entities.roles.find((r) => r.id === roleId) ?? null;
  const [id, setId] = useState(original?.id ?? '');
  const [labels, setLabels] = useState<Labels>({ ...(original?.label ?? {}) });
  const [permissions, setPermissions] = useState<string[]>(original?.permissions ?? []);
  const [problems, setProblems] = useState<Problems>({});
  const index = original ? entities.roles.indexOf(original) : entities.roles.length;
  const place = (path: string) => {
    const match = /^role\[(\d+)\]\.(.+)$/.exec(path);
    return match?.[2] && Number(match[1]) === index ? keyInput('ro', match[2], languages) : null;
  };
  const checker = useChecker({ place, container: FORM, onSaved: onClose });
  const touched = () => {
    checker.reset();
    if (Object.keys(problems).length) setProblems({});
  };

  const check = () => {
    const { problems: found, add } = collector();
    if (!original) add('ro-id', idProblem(id, [...BUILT_IN, ...entities.roles.map((r) => r.id)]));
    Object.assign(found, labelProblems(labels, languages, 'ro-label'));
    if (permissions.length === 0) add('ro-permissions', t('config.roles.permissionsRequired'));
    setProblems(found);
    if (Object.keys(found).length) {
      checker.reset();
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`#${FORM} [aria-invalid="true"]`)?.focus());
      return;
    }
    const value: RoleEntity = { id, label: cleanLabels(labels), permissions: permissions as Permission[] };
    void checker.check(changesAction([{ op: 'put', entity: { kind: 'role', id }, value }]));
  };

  const shown = { ...checker.placed, ...problems };
  return (
    <Dialog
      id="role-dialog"
      title={original ? t('config.roles.editTitle', { role: named(original.label, original.id) }) : t('config.roles.addTitle')}
      onClose={onClose}
      wide
    >
      <EditorForm id={FORM} checker={checker} sticky onCheck={check} onCancel={onClose}>
        <IdInput
          id="ro-id"
          value={id}
          existing={Boolean(original)}
          onInput={(value) => {
            setId(value);
            touched();
          }}
          error={shown['ro-id']}
        />
        <LabelsInput
          id="ro-label"
          legend={t('config.roles.label')}
          value={labels}
          onChange={(value) => {
            setLabels(value);
            touched();
          }}
          languages={languages}
          problems={shown}
        />
        <CheckGroup
          id="ro-permissions"
          legend={t('config.roles.permissions')}
          hint={t('config.roles.permissionsHint')}
          choices={PERMISSIONS.map((p) => ({ value: p, label: `${t(`permission.${p}`)} (${p})` }))}
          chosen={permissions}
          onChange={(next) => {
            setPermissions(next);
            touched();
          }}
          error={shown['ro-permissions']}
        />
      </EditorForm>
    </Dialog>
  );
}
