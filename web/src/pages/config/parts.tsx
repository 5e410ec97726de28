// The pieces the configuration's parts list things with: a card with its title and "add"
// button, a table whose last column holds each row's buttons, and a row's Edit and Remove
// buttons (each naming, for screen readers, what it acts on).

import type { ComponentChildren } from 'preact';
import { t } from '../../i18n';

/** A card listing things of one kind, with the button that adds one. */
export function PartCard({
  id,
  title,
  addId,
  addLabel,
  onAdd,
  children,
}: {
  /** The card's title's id is `${id}-title`. */
  id: string;
  title: string;
  addId: string;
  addLabel: string;
  onAdd: () => void;
  children: ComponentChildren;
}) {
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <div class="team-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <button type="button" class="button primary" id={addId} onClick={onAdd}>
          + {addLabel}
        </button>
      </div>
      {children}
    </section>
  );
}

/** A table of things: its caption (for screen readers), its columns' headings, and a last
 * column for each row's buttons (see `RowActions`). */
export function ConfigTable({
  id,
  caption,
  columns,
  children,
}: {
  id?: string;
  caption: string;
  columns: string[];
  children: ComponentChildren;
}) {
  return (
    <table class="cases data-table config-table" id={id}>
      <caption class="sr-only">{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
          <th scope="col">
            <span class="sr-only">{t('users.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** A thing's Edit button (with `editId`), and its Remove button when it may be removed. */
export function RowActions({
  name,
  onEdit,
  onRemove,
  editId,
}: {
  /** What the buttons act on, said after their words to screen readers. */
  name: string;
  onEdit: () => void;
  onRemove?: () => void;
  editId?: string;
}) {
  const edit = (
    <button type="button" class="button secondary small" id={editId} onClick={onEdit}>
      {t('config.edit')}
      <span class="sr-only"> {name}</span>
    </button>
  );
  if (!onRemove) return edit;
  return (
    <span class="button-row">
      {edit}
      <button type="button" class="button link danger" onClick={onRemove}>
        {t('config.remove')}
        <span class="sr-only"> {name}</span>
      </button>
    </span>
  );
}
