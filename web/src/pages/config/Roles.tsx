// Custom roles: named permission sets beside the built-in roles (which cannot be changed here).
// A role users hold cannot be removed: the server says so.

import { useState } from 'preact/hooks';
import type { Labels, Permission, RoleEntity } from '../../api';
import { Dialog } from '../../dialog';
import { t } from '../../i18n';
import { BUILT_IN, describePermissions, PERMISSIONS } from '../../roles';
import { useEditing } from './context';
import { CheckGroup, IdAndLabels } from './inputs';
import { cleanLabels, collector, entityInput, named, namedProblems } from './model';
import { PartCard, RowActions } from './parts';
import { RemoveDialog } from './RemoveDialog';
import { EditorForm } from './Review';
import { useConfigSave } from './useConfigSave';

type Open = { kind: 'role'; id: string | null } | { kind: 'remove'; id: string };

export function RolesPart() {
  const { entities } = useEditing();
  const [open, setOpen] = useState<Open | null>(null);
  const close = () => setOpen(null);
  return (
    <PartCard
      id="roles"
      title={t('config.roles.title')}
      addId="role-add"
      addLabel={t('config.roles.add')}
      onAdd={() => setOpen({ kind: 'role', id: null })}
    >
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
                <RowActions
                  name={name}
                  onEdit={() => setOpen({ kind: 'role', id: role.id })}
                  onRemove={() => setOpen({ kind: 'remove', id: role.id })}
                />
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
    </PartCard>
  );
}

const FORM = 'role-editor';

function RoleDialog({ roleId, onClose }: { roleId: string | null; onClose: () => void }) {
  const { entities, languages } = useEditing();
  const original = entities.roles.find((r) => r.id === roleId) ?? null;
  const [id, setId] = useState(original?.id ?? '');
  const [labels, setLabels] = useState<Labels>({ ...(original?.label ?? {}) });
  const [permissions, setPermissions] = useState<string[]>(original?.permissions ?? []);
  const index = original ? entities.roles.indexOf(original) : entities.roles.length;
  const save = useConfigSave({ form: FORM, place: entityInput('role', index, 'ro', languages), onSaved: onClose });

  const check = () => {
    const taken = original ? null : [...BUILT_IN, ...entities.roles.map((r) => r.id)];
    const { problems: found, add } = collector(namedProblems('ro', id, taken, labels, languages));
    if (permissions.length === 0) add('ro-permissions', t('config.roles.permissionsRequired'));
    save.check(found, () => {
      const value: RoleEntity = { id, label: cleanLabels(labels), permissions: permissions as Permission[] };
      return [{ op: 'put', entity: { kind: 'role', id }, value }];
    });
  };

  return (
    <Dialog
      id="role-dialog"
      title={original ? t('config.roles.editTitle', { role: named(original.label, original.id) }) : t('config.roles.addTitle')}
      onClose={onClose}
      wide
    >
      <EditorForm id={FORM} checker={save.checker} sticky onCheck={check} onCancel={onClose}>
        <IdAndLabels
          prefix="ro"
          id={id}
          onId={save.edit(setId)}
          existing={Boolean(original)}
          labels={labels}
          onLabels={save.edit(setLabels)}
          legend={t('config.roles.label')}
          languages={languages}
          problems={save.shown}
        />
        <CheckGroup
          id="ro-permissions"
          legend={t('config.roles.permissions')}
          hint={t('config.roles.permissionsHint')}
          choices={PERMISSIONS.map((p) => ({ value: p, label: `${t(`permission.${p}`)} (${p})` }))}
          chosen={permissions}
          onChange={save.edit(setPermissions)}
          error={save.shown['ro-permissions']}
        />
      </EditorForm>
    </Dialog>
  );
}
