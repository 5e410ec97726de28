// Option lists (the answers of select fields, intervention types, …) and closure reasons.

import { useState } from 'preact/hooks';
import { formatNumber, t } from '../../i18n';
import { ClosureReasonDialog } from './ClosureReasonDialog';
import { useEditing } from './context';
import { named } from './model';
import { OptionListDialog } from './OptionListDialog';
import { ConfigTable, PartCard, RowActions } from './parts';
import { RemoveDialog } from './RemoveDialog';

type Open =
  | { kind: 'list'; id: string | null }
  | { kind: 'reason'; id: string | null }
  | { kind: 'remove-reason'; id: string };

export function ListsPart() {
  const { entities } = useEditing();
  const [open, setOpen] = useState<Open | null>(null);
  const close = () => setOpen(null);
  /** Where each list is used: the fields that take their answers from it. */
  const usedBy = (id: string) =>
    entities.case_types.flatMap((c) =>
      c.sections.flatMap((s) => s.field.flatMap((f) => [f, ...(f.field ?? [])])).filter((f) => f.option_list === id).map((f) => f.id),
    );

  return (
    <>
      <PartCard
        id="option-lists"
        title={t('config.optionLists')}
        addId="option-list-add"
        addLabel={t('config.ol.add')}
        onAdd={() => setOpen({ kind: 'list', id: null })}
      >
        <ConfigTable
          id="option-lists-table"
          caption={t('config.optionLists')}
          columns={[t('config.ol.label'), t('config.id'), t('config.ol.options'), t('config.ol.usedBy')]}
        >
          {entities.option_lists.map((list) => {
            const name = named(list.label, list.id);
            const retired = list.option.filter((o) => o.retired).length;
            const fields = [...new Set(usedBy(list.id))];
            return (
              <tr key={list.id} id={`option-list-row-${list.id}`}>
                <th scope="row" data-label={t('config.ol.label')}>
                  {name}
                </th>
                <td data-label={t('config.id')}>
                  <bdi dir="ltr">{list.id}</bdi>
                </td>
                <td data-label={t('config.ol.options')}>
                  {formatNumber(list.option.length)}
                  {retired ? ` (${t('config.ol.retiredCount', { n: formatNumber(retired) })})` : ''}
                </td>
                <td data-label={t('config.ol.usedBy')}>
                  {fields.length ? <span dir="ltr">{fields.join(', ')}</span> : t('common.none')}
                </td>
                <td data-label={t('users.actions')}>
                  <RowActions name={name} editId={`option-list-${list.id}-edit`} onEdit={() => setOpen({ kind: 'list', id: list.id })} />
                </td>
              </tr>
            );
          })}
        </ConfigTable>
      </PartCard>

      <PartCard
        id="closure-reasons"
        title={t('config.closureReasons')}
        addId="closure-reason-add"
        addLabel={t('config.cr.add')}
        onAdd={() => setOpen({ kind: 'reason', id: null })}
      >
        <ul class="member-list" id="closure-reasons">
          {entities.closure_reasons.map((reason) => {
            const name = named(reason.label, reason.id);
            return (
              <li key={reason.id}>
                <span>
                  {name} <span class="muted config-id">({reason.id})</span>
                </span>
                <RowActions
                  name={name}
                  onEdit={() => setOpen({ kind: 'reason', id: reason.id })}
                  onRemove={() => setOpen({ kind: 'remove-reason', id: reason.id })}
                />
              </li>
            );
          })}
        </ul>
      </PartCard>

      {open?.kind === 'list' && <OptionListDialog listId={open.id} onClose={close} />}
      {open?.kind === 'reason' && <ClosureReasonDialog reasonId={open.id} onClose={close} />}
      {open?.kind === 'remove-reason' && (
        <RemoveDialog
          title={t('config.cr.removeTitle', { reason: named(entities.closure_reasons.find((r) => r.id === open.id)?.label, open.id) })}
          warning={t('config.cr.removeWarning')}
          changes={[{ op: 'remove', entity: { kind: 'closure_reason', id: open.id } }]}
          onClose={close}
        />
      )}
    </>
  );
}
