// Option lists (the answers of select fields, intervention types, …) and closure reasons.

import { useState } from 'preact/hooks';
import { formatNumber, t } from '../../i18n';
import { ClosureReasonDialog } from './ClosureReasonDialog';
import { useEditing } from './context';
import { named } from './model';
import { OptionListDialog } from './OptionListDialog';
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
      <section class="card" aria-labelledby="option-lists-title">
        <div class="team-head">
          <h2 id="option-lists-title">{t('config.optionLists')}</h2>
          <button type="button" class="button primary" id="option-list-add" onClick={() => setOpen({ kind: 'list', id: null })}>
            + {t('config.ol.add')}
          </button>
        </div>
        <table class="cases data-table config-table" id="option-lists-table">
          <caption class="sr-only">{t('config.optionLists')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('config.ol.label')}</th>
              <th scope="col">{t('config.id')}</th>
              <th scope="col">{t('config.ol.options')}</th>
              <th scope="col">{t('config.ol.usedBy')}</th>
              <th scope="col">
                <span class="sr-only">{t('users.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
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
                    <button type="button" class="button secondary small" id={`option-list-${list.id}-edit`} onClick={() => setOpen({ kind: 'list', id: list.id })}>
                      {t('config.edit')}
                      <span class="sr-only"> {name}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <section class="card" aria-labelledby="closure-reasons-title">
        <div class="team-head">
          <h2 id="closure-reasons-title">{t('config.closureReasons')}</h2>
          <button type="button" class="button primary" id="closure-reason-add" onClick={() => setOpen({ kind: 'reason', id: null })}>
            + {t('config.cr.add')}
          </button>
        </div>
        <ul class="member-list" id="closure-reasons">
          {entities.closure_reasons.map((reason) => {
            const name = named(reason.label, reason.id);
            return (
              <li key={reason.id}>
                <span>
                  {name} <span class="muted config-id">({reason.id})</span>
                </span>
                <span class="button-row">
                  <button type="button" class="button secondary small" onClick={() => setOpen({ kind: 'reason', id: reason.id })}>
                    {t('config.edit')}
                    <span class="sr-only"> {name}</span>
                  </button>
                  <button type="button" class="button link danger" onClick={() => setOpen({ kind: 'remove-reason', id: reason.id })}>
                    {t('config.remove')}
                    <span class="sr-only"> {name}</span>
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
      </section>

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
