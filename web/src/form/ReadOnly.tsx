// Read-only rendering of values: sections collected at another stage than the case's, and
// repeating groups the user sees only in part. Withheld values show as "[Restricted]".

import type { CaseFields, Config, Field, FieldValue, GroupItem, Section } from '../api';
import { formatDate, formatDateTime, formatNumber, label, t } from '../i18n';
import { domId, lockedField, locationChain, membersOf, NOTHING_WITHHELD, optionsOf, type Withheld } from './model';
import { RestrictedValue } from './Restricted';

export function displayValue(config: Config, field: Field, value: FieldValue | undefined): string {
  if (value === undefined || value === null) return t('case.notRecorded');
  switch (field.type) {
    case 'short_text':
    case 'long_text':
      return String(value);
    case 'number':
      return typeof value === 'number' ? formatNumber(value) : String(value);
    case 'date':
      return formatDate(String(value));
    case 'date_time':
      return formatDateTime(String(value));
    case 'yes_no':
      return value === true ? t('common.yes') : value === false ? t('common.no') : String(value);
    case 'single_select': {
      const option = optionsOf(config, field.option_list).find((o) => o.id === value);
      return option ? label(option.label) : String(value);
    }
    case 'multi_select': {
      const options = optionsOf(config, field.option_list);
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      return chosen.map((id) => label(options.find((o) => o.id === id)?.label) || id).join(', ');
    }
    case 'location': {
      const chain = locationChain(config, String(value));
      return chain.length ? chain.map((l) => label(l.name)).join(' › ') : String(value);
    }
    case 'repeating_group':
      return '';
  }
}

/** One field and its value; `path` is its API path (`contacts[0].phone` for a member). */
export function ValueRow({
  config,
  field,
  value,
  path,
  withheld,
}: {
  config: Config;
  field: Field;
  value: FieldValue | undefined;
  path: string;
  withheld: Withheld;
}) {
  if (withheld.paths.has(path)) {
    return (
      <div class="ro-row">
        <dt>{label(field.label)}</dt>
        <dd>
          <RestrictedValue id={`ro-${domId(path)}`} />
        </dd>
      </div>
    );
  }
  if (field.type === 'repeating_group') {
    const items = Array.isArray(value) ? (value as GroupItem[]) : [];
    return (
      <div class="ro-row">
        <dt>{label(field.label)}</dt>
        <dd>
          {items.length === 0 ? (
            <span class="muted">{t('case.notRecorded')}</span>
          ) : (
            <ol class="ro-entries">
              {items.map((item, index) => (
                <li key={index}>
                  <dl class="ro-list">
                    {membersOf(field).map((member) => (
                      <ValueRow
                        key={member.id}
                        config={config}
                        field={member}
                        value={item[member.id]}
                        path={`${path}[${index}].${member.id}`}
                        withheld={withheld}
                      />
                    ))}
                  </dl>
                </li>
              ))}
            </ol>
          )}
        </dd>
      </div>
    );
  }
  const empty = value === undefined || value === null;
  return (
    <div class="ro-row">
      <dt>{label(field.label)}</dt>
      <dd class={empty ? 'muted' : undefined}>
        <bdi>{empty && lockedField(withheld, field) ? t('form.lockedField') : displayValue(config, field, value)}</bdi>
      </dd>
    </div>
  );
}

/** A section of another stage, collapsed, showing what has been recorded. */
export function ReadOnlySection({
  config,
  section,
  values,
  stageName,
  withheld = NOTHING_WITHHELD,
}: {
  config: Config;
  section: Section;
  values: CaseFields;
  stageName: string;
  withheld?: Withheld;
}) {
  const recorded = section.fields.filter((f) => values[f.id] !== undefined || withheld.paths.has(f.id)).length;
  return (
    <details class="card readonly-section">
      <summary>
        <span class="summary-title">{label(section.label)}</span>
        <span class="summary-meta">
          {t('case.otherStage', { stage: stageName })} · {recorded}/{section.fields.length}
        </span>
      </summary>
      <dl class="ro-list">
        {section.fields.map((field) => (
          <ValueRow key={field.id} config={config} field={field} value={values[field.id]} path={field.id} withheld={withheld} />
        ))}
      </dl>
    </details>
  );
}
