// Inputs for every field type, rendered from the configuration. Each field's wrapper carries
// `data-path` (its API path) so errors from the server can find and focus it.

import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type {
  CaseFields,
  Config,
  Field,
  GroupItem,
  LocationField,
  MultiSelectField,
  OptionItem,
  RepeatingGroupField,
  Section,
  SingleSelectField,
} from '../api';
import { label, t } from '../i18n';
import type { ErrorMap } from './errors';
import { RetiredField, ValueRow } from './ReadOnly';
import { LockedField, RestrictedField } from './Restricted';
import {
  chosenIds,
  domId,
  emptyDraft,
  groupReadOnly,
  hiddenFrom,
  isAsked,
  LEVELS,
  lockedField,
  locationChain,
  locationChildren,
  membersOf,
  newRow,
  offeredOptions,
  todayLocal,
  toApi,
  type Draft,
  type Drafts,
  type Row,
  type Withheld,
} from './model';

export interface FormContextValue {
  config: Config;
  errors: ErrorMap;
  disabled: boolean;
  /** Values the user may not see or write: shown as "[Restricted]", never sent. */
  withheld: Withheld;
  /** The case's values as the server sent them, for groups shown read-only, retired options
   * the case holds, and retired fields. */
  values: CaseFields;
  /** The case type's top-level fields, among which skip logic looks. */
  fields: readonly Field[];
}

export const FormContext = createContext<FormContextValue | null>(null);

function useForm(): FormContextValue {
  const value = useContext(FormContext);
  if (!value) throw new Error('fields rendered outside a form');
  return value;
}

export type Update = (change: (previous: Draft | undefined) => Draft) => void;

// ---------------------------------------------------------------------------------------------
// Shared pieces

function RequiredMark() {
  return (
    <>
      <span class="req" aria-hidden="true">
        {' *'}
      </span>
      <span class="sr-only"> ({t('common.required')})</span>
    </>
  );
}

/** The ids an input's aria-describedby lists: its help and its error. */
function describedBy(id: string, hasHelp: boolean, hasError: boolean): string | undefined {
  const ids = [hasHelp ? `${id}--help` : '', hasError ? `${id}--error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function HelpAndError({ id, help, error }: { id: string; help: string; error: string | undefined }) {
  return (
    <>
      {help && (
        <p class="hint" id={`${id}--help`}>
          {help}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}--error`}>
          <span class="sr-only">{t('form.errorPrefix')} </span>
          {error}
        </p>
      )}
    </>
  );
}

interface ControlProps {
  field: Field;
  path: string;
  value: Draft | undefined;
  update: Update;
}

const asText = (value: Draft | undefined): string => (typeof value === 'string' ? value : '');

/** The options a select offers (see `offeredOptions`): what the case holds counts, for a
 * top-level field, as well as what the draft holds. */
function useOffered(field: Field, path: string, value: Draft | undefined): OptionItem[] {
  const { config, values } = useForm();
  const held = [...chosenIds(value), ...(path === field.id ? chosenIds(values[field.id]) : [])];
  return offeredOptions(config, field.option_list, held);
}

/** An option's label, marked when it is retired (offered only because the case holds it). */
function optionLabel(option: OptionItem): string {
  return option.retired ? `${label(option.label)} (${t('form.retiredOption')})` : label(option.label);
}

// ---------------------------------------------------------------------------------------------
// Field types rendered as one labelled control

function SimpleField({ field, path, value, update }: ControlProps) {
  const { errors, disabled } = useForm();
  const id = domId(path);
  const help = label(field.help);
  const error = errors.get(path);
  const common = {
    id,
    name: path,
    disabled,
    required: field.required,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(id, Boolean(help), Boolean(error)),
  };
  const setText = (e: Event) => {
    const text = (e.currentTarget as HTMLInputElement).value;
    update(() => text);
  };
  let control: ComponentChildren;
  switch (field.type) {
    case 'short_text':
      control = (
        <input
          {...common}
          type="text"
          dir="auto"
          value={asText(value)}
          onInput={setText}
          maxLength={field.max_length ?? undefined}
          autoComplete="off"
        />
      );
      break;
    case 'long_text':
      control = (
        <textarea
          {...common}
          rows={4}
          dir="auto"
          value={asText(value)}
          onInput={setText}
          maxLength={field.max_length ?? undefined}
        />
      );
      break;
    case 'number':
      control = (
        <input
          {...common}
          class="narrow"
          type="text"
          inputMode={field.integer ? 'numeric' : 'decimal'}
          value={asText(value)}
          onInput={setText}
          autoComplete="off"
          dir="ltr"
        />
      );
      break;
    case 'date':
      control = (
        <input
          {...common}
          class="narrow"
          type="date"
          value={asText(value)}
          onInput={setText}
          max={field.not_in_future ? todayLocal() : undefined}
        />
      );
      break;
    case 'date_time':
      control = (
        <input
          {...common}
          class="narrow"
          type="datetime-local"
          value={asText(value)}
          onInput={setText}
          max={field.not_in_future ? `${todayLocal()}T23:59` : undefined}
        />
      );
      break;
    case 'single_select':
      control = <SelectControl common={common} field={field} path={path} value={asText(value)} update={update} />;
      break;
    default:
      return null;
  }
  return (
    <div class={`field${error ? ' invalid' : ''}`} data-path={path}>
      <label for={id}>
        {label(field.label)}
        {field.required && <RequiredMark />}
      </label>
      {field.type === 'date_time' && (
        <span class="hint-inline" id={`${id}--tz`}>
          {t('form.localTime')}
        </span>
      )}
      <HelpAndError id={id} help={help} error={error} />
      {control}
    </div>
  );
}

function SelectControl({
  common,
  field,
  path,
  value,
  update,
}: {
  common: Record<string, unknown>;
  field: SingleSelectField;
  path: string;
  value: string;
  update: Update;
}) {
  const options = useOffered(field, path, value);
  return (
    <select
      {...common}
      value={value}
      onChange={(e) => {
        const chosen = (e.currentTarget as HTMLSelectElement).value;
        update(() => chosen);
      }}
    >
      <option value="">{t('common.choose')}</option>
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {optionLabel(o)}
        </option>
      ))}
      {value && !options.some((o) => o.id === value) && <option value={value}>{value}</option>}
    </select>
  );
}

// ---------------------------------------------------------------------------------------------
// Field types rendered as a group of controls in a fieldset

function GroupShell({
  path,
  field,
  children,
  class: className,
}: {
  path: string;
  field: Field;
  children: ComponentChildren;
  class?: string;
}) {
  const { errors } = useForm();
  const id = domId(path);
  const error = errors.get(path);
  return (
    <fieldset
      class={`field group ${className ?? ''}${error ? ' invalid' : ''}`}
      data-path={path}
      id={`${id}--set`}
      aria-describedby={describedBy(id, Boolean(label(field.help)), Boolean(error))}
    >
      <legend>
        {label(field.label)}
        {field.required && <RequiredMark />}
      </legend>
      <HelpAndError id={id} help={label(field.help)} error={error} />
      {children}
    </fieldset>
  );
}

function YesNoField({ field, path, value, update }: ControlProps) {
  const { errors, disabled } = useForm();
  const id = domId(path);
  const error = errors.get(path);
  const choices: Array<[boolean, string]> = [
    [true, t('common.yes')],
    [false, t('common.no')],
  ];
  return (
    <GroupShell path={path} field={field} class="yes-no">
      <div class="choices inline" role="radiogroup" aria-invalid={error ? 'true' : undefined}>
        {choices.map(([choice, text], index) => {
          const optionId = index === 0 ? id : `${id}--no`;
          return (
            <div class="choice" key={String(choice)}>
              <input
                type="radio"
                id={optionId}
                name={path}
                disabled={disabled}
                checked={value === choice}
                aria-invalid={error ? 'true' : undefined}
                onChange={() => update(() => choice)}
                onClick={(e) => {
                  // A second click on the chosen answer clears it, so "no answer" stays possible.
                  if (value === choice && (e as MouseEvent).detail > 0) update(() => null);
                }}
              />
              <label for={optionId}>{text}</label>
            </div>
          );
        })}
      </div>
    </GroupShell>
  );
}

function MultiSelectControl({ field, path, value, update }: ControlProps & { field: MultiSelectField }) {
  const { errors, disabled } = useForm();
  const id = domId(path);
  const error = errors.get(path);
  const chosen = Array.isArray(value) ? (value as string[]) : [];
  const options = useOffered(field, path, value);
  return (
    <GroupShell path={path} field={field} class="multi">
      {field.max_choices ? <p class="hint">{t('form.chooseUpTo', { n: field.max_choices })}</p> : null}
      <div class={`choices${options.length > 6 ? ' columns' : ''}`}>
        {options.map((option, index) => {
          const optionId = index === 0 ? id : `${id}--${option.id}`;
          return (
            <div class="choice" key={option.id}>
              <input
                type="checkbox"
                id={optionId}
                name={path}
                value={option.id}
                disabled={disabled}
                checked={chosen.includes(option.id)}
                aria-invalid={error ? 'true' : undefined}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  update((previous) => {
                    const list = Array.isArray(previous) ? (previous as string[]) : [];
                    // Keep the configuration's order whatever order the boxes are ticked in.
                    const next = on ? [...list, option.id] : list.filter((v) => v !== option.id);
                    return options.map((o) => o.id).filter((o) => next.includes(o));
                  });
                }}
              />
              <label for={optionId}>{optionLabel(option)}</label>
            </div>
          );
        })}
      </div>
    </GroupShell>
  );
}

function LocationControl({ field, path, value, update }: ControlProps & { field: LocationField }) {
  const { config, errors, disabled } = useForm();
  const id = domId(path);
  const error = errors.get(path);
  const code = asText(value);
  const chain = locationChain(config, code);
  const levelLabels = { region: t('form.region'), district: t('form.district'), village: t('form.village') };
  const selects: ComponentChildren[] = [];
  let parent: string | null = null;
  for (let depth = 0; depth < LEVELS.length; depth++) {
    const options = locationChildren(config, parent);
    if (options.length === 0) break;
    const level = options[0]?.level ?? LEVELS[depth] ?? 'region';
    const selected = chain[depth]?.code ?? '';
    const selectId = depth === 0 ? id : `${id}--${level}`;
    const parentCode = parent;
    selects.push(
      <div class="field location-level" key={level}>
        <label for={selectId}>{levelLabels[level]}</label>
        <select
          id={selectId}
          disabled={disabled}
          value={selected}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${id}--error` : undefined}
          onChange={(e) => {
            const picked = (e.currentTarget as HTMLSelectElement).value;
            // Choosing a level clears the levels below it; clearing it falls back to its parent.
            update(() => picked || parentCode || '');
          }}
        >
          <option value="">{t('common.choose')}</option>
          {options.map((o) => (
            <option key={o.code} value={o.code}>
              {label(o.name)}
            </option>
          ))}
        </select>
      </div>,
    );
    if (!selected) break;
    parent = selected;
  }
  return (
    <GroupShell path={path} field={field} class="location">
      <div class="location-levels">{selects}</div>
    </GroupShell>
  );
}

function RepeatingGroupControl({ field, path, value, update }: ControlProps & { field: RepeatingGroupField }) {
  const { disabled } = useForm();
  const rows = Array.isArray(value) ? (value as Row[]) : [];
  const members = membersOf(field);
  const max = field.max_items ?? Infinity;
  const id = domId(path);
  const addRow = () => {
    update((previous) => {
      const list = Array.isArray(previous) ? (previous as Row[]) : [];
      const values: Drafts = {};
      for (const member of membersOf(field)) values[member.id] = emptyDraft(member);
      return [...list, newRow(values)];
    });
    // Put the keyboard in the new entry's first input once it exists.
    const index = rows.length;
    requestAnimationFrame(() => {
      const entry = document.getElementById(`${id}--entry-${index}`);
      entry?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    });
  };
  return (
    <GroupShell path={path} field={field} class="repeating">
      {rows.length === 0 && <p class="muted">{t('form.noEntries')}</p>}
      <ol class="entries">
        {rows.map((row, index) => {
          const rowPath = `${path}[${index}]`;
          const headingId = `${id}--entry-${index}-title`;
          return (
            <li class="entry" key={row.key} id={`${id}--entry-${index}`} aria-labelledby={headingId}>
              <div class="entry-head">
                <h4 id={headingId}>{t('form.entry', { n: index + 1 })}</h4>
                <button
                  type="button"
                  class="button link danger"
                  disabled={disabled}
                  onClick={() => {
                    update((previous) =>
                      (Array.isArray(previous) ? (previous as Row[]) : []).filter((r) => r.key !== row.key),
                    );
                    requestAnimationFrame(() => document.getElementById(`${id}--add`)?.focus());
                  }}
                >
                  {t('form.removeEntry', { n: index + 1 })}
                </button>
              </div>
              {members.filter((member) => isAsked(member, members, row.values)).map((member) => (
                <FieldControl
                  key={member.id}
                  field={member}
                  path={`${rowPath}.${member.id}`}
                  value={row.values[member.id]}
                  update={(change) =>
                    update((previous) =>
                      (Array.isArray(previous) ? (previous as Row[]) : []).map((r) =>
                        r.key === row.key ? { ...r, values: { ...r.values, [member.id]: change(r.values[member.id]) } } : r,
                      ),
                    )
                  }
                />
              ))}
            </li>
          );
        })}
      </ol>
      <button type="button" class="button secondary" id={`${id}--add`} disabled={disabled || rows.length >= max} onClick={addRow}>
        + {t('form.addEntry')}
      </button>
      {rows.length >= max && <p class="hint">{t('form.maxEntries', { n: max })}</p>}
    </GroupShell>
  );
}

/** A repeating group the user sees only in part: its entries read-only, withheld members as
 * "[Restricted]" (writing the group would replace values they cannot see). */
function ReadOnlyGroup({ field, path }: { field: Field; path: string }) {
  const { config, values, withheld } = useForm();
  const id = domId(path);
  const raw = values[field.id];
  const items = Array.isArray(raw) ? (raw as GroupItem[]) : [];
  return (
    <div class="field readonly-group" data-path={path} id={id} role="group" aria-labelledby={`${id}--label`}>
      <span class="field-label" id={`${id}--label`}>
        {label(field.label)}
      </span>
      <p class="hint">{t('form.groupReadOnly')}</p>
      {items.length === 0 ? (
        <p class="muted">{t('form.noEntries')}</p>
      ) : (
        <ol class="entries">
          {items.map((item, index) => (
            <li class="entry" key={index}>
              <h4 class="entry-head">{t('form.entry', { n: index + 1 })}</h4>
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
    </div>
  );
}

/** A retired field takes no new value: hidden while empty, else its value shown read-only (an
 * entry of a repeating group that is changed leaves it out, see `changes`). */
function RetiredControl({ field, path, value }: ControlProps) {
  const { config, withheld } = useForm();
  const held = toApi(field, value, path, []);
  if (held === undefined) return null;
  return <RetiredField config={config} field={field} value={held} path={path} withheld={withheld} inEntry={path !== field.id} />;
}

/** The input(s) for one field of any type, or what stands in for them when withheld. */
export function FieldControl(props: ControlProps) {
  const { withheld } = useForm();
  if (withheld.paths.has(props.path)) return <RestrictedField field={props.field} path={props.path} />;
  if (lockedField(withheld, props.field)) return <LockedField field={props.field} path={props.path} />;
  if (props.field.retired) return <RetiredControl {...props} />;
  if (groupReadOnly(withheld, props.field, props.path)) return <ReadOnlyGroup field={props.field} path={props.path} />;
  switch (props.field.type) {
    case 'yes_no':
      return <YesNoField {...props} />;
    case 'multi_select':
      return <MultiSelectControl {...props} field={props.field} />;
    case 'location':
      return <LocationControl {...props} field={props.field} />;
    case 'repeating_group':
      return <RepeatingGroupControl {...props} field={props.field} />;
    default:
      return <SimpleField {...props} />;
  }
}

/** A section of the form with its editable fields. */
export function SectionForm({
  section,
  drafts,
  onChange,
}: {
  section: Section;
  drafts: Drafts;
  onChange: (id: string, change: (previous: Draft | undefined) => Draft) => void;
}) {
  const { fields, withheld } = useForm();
  const headingId = `s-${section.id}`;
  // A field whose value the user may not see decides nothing here: what depends on it shows.
  const unknown = hiddenFrom(withheld, fields);
  return (
    <section class="form-section card" aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1}>
        {label(section.label)}
      </h2>
      {section.fields.filter((field) => isAsked(field, fields, drafts, unknown)).map((field) => (
        <FieldControl
          key={field.id}
          field={field}
          path={field.id}
          value={drafts[field.id]}
          update={(change) => onChange(field.id, change)}
        />
      ))}
    </section>
  );
}
