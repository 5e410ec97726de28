// Tables of cases: a row a case, headed by the case's number linking to the case, then the
// columns the page asks for (type, stage, intensity, worker, last change).

import type { CaseSummary, Config } from './api';
import { formatDateTime, t, type MessageKey } from './i18n';
import { intensityLabel, stageLabel, typeName } from './labels';
import { href } from './router';

export type CaseColumn = 'type' | 'stage' | 'intensity' | 'assigned' | 'updated';

const HEADINGS: Record<CaseColumn, MessageKey> = {
  type: 'list.col.type',
  stage: 'list.col.stage',
  intensity: 'list.col.intensity',
  assigned: 'list.col.assigned',
  updated: 'list.col.updated',
};

/** A row's header: the case's number, linking to the case (`onOpen` told when followed). */
export function CaseNumberCell({ id, number, linkId, onOpen }: { id: string; number: string; linkId?: string; onOpen?: () => void }) {
  return (
    <th scope="row" data-label={t('list.col.number')}>
      <a class="case-link" id={linkId} href={href({ name: 'case', id })} dir="ltr" onClick={onOpen}>
        {number}
      </a>
    </th>
  );
}

function CaseCell({ config, column, item }: { config: Config; column: CaseColumn; item: CaseSummary }) {
  const heading = t(HEADINGS[column]);
  switch (column) {
    case 'type':
      return <td data-label={heading}>{typeName(config, item.case_type)}</td>;
    case 'stage':
      return (
        <td data-label={heading}>
          <span class="badge">{stageLabel(config, item.stage)}</span>
        </td>
      );
    case 'intensity':
      return (
        <td data-label={heading}>
          <span class={`intensity i${String(item.intensity)}`}>{intensityLabel(item.intensity)}</span>
        </td>
      );
    case 'assigned':
      return (
        <td data-label={heading}>
          <bdi>{item.assigned_to.display_name}</bdi>
        </td>
      );
    case 'updated':
      return (
        <td data-label={heading}>
          <time dateTime={item.updated_at}>{formatDateTime(item.updated_at)}</time>
        </td>
      );
  }
}

export function CaseTable({
  config,
  cases,
  columns,
  caption,
  id,
  class: className = 'cases',
  onOpen,
}: {
  config: Config;
  cases: CaseSummary[];
  columns: readonly CaseColumn[];
  caption: string;
  id?: string;
  class?: string;
  /** Told of a case about to be opened from the table. */
  onOpen?: (item: CaseSummary) => void;
}) {
  return (
    <table class={className} id={id}>
      <caption class="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('list.col.number')}</th>
          {columns.map((column) => (
            <th scope="col" key={column}>
              {t(HEADINGS[column])}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {cases.map((c) => (
          <tr key={c.id}>
            <CaseNumberCell id={c.id} number={c.case_number} onOpen={onOpen && (() => onOpen(c))} />
            {columns.map((column) => (
              <CaseCell key={column} config={config} column={column} item={c} />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
