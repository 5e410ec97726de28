// Read-only rendering of values: sections collected at another stage than the case's,
// repeating groups the user sees only in part, and retired fields that hold a value. Withheld
// values show as "[Restricted]"; recorded values show as they are.

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

/** A field's name in a list of values, marked when the field is retired. */
function Term({ field }: { field: Field }) {
  return (
    <dt>
      {label(field.label)}
      {field.retired && <span class="muted"> ({t('form.retiredField')})</span>}
    </dt>
  );
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
        <Term field={field} />
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
        <Term field={field} />
        <dd>
          {items.length === 0 ? (
            <span class="muted">{t('case.notRecorded')}</span>
          ) : (
            <ol class="ro-entries">
              {items.map((item, index) => (
                <li key={index}>
                  <dl class="ro-list">
                    {membersOf(field).filter((m) => !m.retired || item[m.id] !== undefined).map((member) => (
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
      <Term field={field} />
      <dd class={empty ? 'muted' : undefined}>
        <bdi>{empty && lockedField(withheld, field) ? t('form.lockedField') : displayValue(config, field, value)}</bdi>
      </dd>
    </div>
  );
}

/** In a form, in place of a retired field's input: the value it holds, which it keeps while
 * it is not cleared (in an entry of a repeating group: while the entry is not changed). */
export function RetiredField({
  config,
  field,
  value,
  path,
  withheld,
  inEntry,
}: {
  config: Config;
  field: Field;
  value: FieldValue;
  path: string;
  withheld: Withheld;
  inEntry: boolean;
}) {
  return (
    <div class="field retired-field" data-path={path} id={domId(path)}>
      <dl class="ro-list">
        <ValueRow config={config} field={field} value={value} path={path} withheld={withheld} />
      </dl>
      {inEntry && <p class="hint">{t('form.retiredInEntry')}</p>}
    </div>
  );
}

/** A section of another stage, collapsed, showing what has been recorded (a retired field
 * only where it holds a value). */
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
  const has = (f: Field) => values[f.id] !== undefined || withheld.paths.has(f.id);
  const fields = section.fields.filter((f) => !f.retired || has(f));
  const recorded = fields.filter(has).length;
  return (
    <details class="card readonly-section">
      <summary>
        <span class="summary-title">{label(section.label)}</span>
        <span class="summary-meta">
          {t('case.otherStage', { stage: stageName })} · {recorded}/{fields.length}
        </span>
      </summary>
      <dl class="ro-list">
        {fields.map((field) => (
          <ValueRow key={field.id} config={config} field={field} value={values[field.id]} path={field.id} withheld={withheld} />
        ))}
      </dl>
    </details>
  );
}
