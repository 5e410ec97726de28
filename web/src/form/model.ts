// The form's working state ("drafts"), kept in the shape the inputs need, and its conversion
// to and from the API's field values. Nothing here knows any field id: everything is driven
// by the configuration.

import type {
  CaseFields,
  CaseType,
  Config,
  Field,
  FieldProblem,
  FieldValue,
  GroupItem,
  Location,
  OptionItem,
  Section,
} from '../api';
import { currentLanguage } from '../i18n';

/** One entry of a repeating group, with a key that survives removal of earlier entries. */
export interface Row {
  key: number;
  values: Drafts;
}

/**
 * The UI value of one field: text-like fields (including number, date, date_time as the
 * `datetime-local` text, single_select and location) are strings, '' meaning empty;
 * yes_no is a boolean or null; multi_select a list of option ids; repeating_group rows.
 */
export type Draft = string | boolean | null | string[] | Row[];

export interface Drafts {
  [fieldId: string]: Draft;
}

let nextRowKey = 1;
export function newRow(values: Drafts = {}): Row {
  return { key: nextRowKey++, values };
}

// ---------------------------------------------------------------------------------------------
// Sections and stages

/** The sections collected at `stage`: those without a stage and those of that stage. */
export function sectionsAt(caseType: CaseType, stage: string): Section[] {
  return caseType.sections.filter((s) => s.stage == null || s.stage === stage);
}

export function sectionsNotAt(caseType: CaseType, stage: string): Section[] {
  return caseType.sections.filter((s) => s.stage != null && s.stage !== stage);
}

export function initialStage(caseType: CaseType): string {
  return caseType.stages[0] ?? '';
}

/** The member fields of a repeating group (none for other types, or when not given). */
export function membersOf(field: Field): Field[] {
  return field.fields ?? [];
}

// ---------------------------------------------------------------------------------------------
// Dates and numbers

const pad = (n: number) => String(n).padStart(2, '0');

/** RFC 3339 instant → the `datetime-local` value in the browser's time zone. */
export function instantToLocal(instant: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return '';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** `datetime-local` value (local time) → RFC 3339 in UTC, whole seconds. */
export function localToInstant(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(local)) return null;
  const date = new Date(local);
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Today as YYYY-MM-DD in local time, for `max` on not-in-future dates. */
export function todayLocal(): string {
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Whether the UI language writes 1.5 as "1,5" (French does; English reads "1,500" as 1500). */
function commaIsDecimal(): boolean {
  try {
    const parts = new Intl.NumberFormat(currentLanguage()).formatToParts(1.5);
    return parts.find((p) => p.type === 'decimal')?.value === ',';
  } catch {
    return false;
  }
}

/** Parse what a person typed as a number: Arabic-Indic and Persian digits, the Arabic decimal
 * separator, and a decimal comma where the UI language uses one. Returns null when it is not
 * a number (a thousands separator included), so the person is asked again rather than guessed. */
export function parseNumber(text: string, decimalComma = commaIsDecimal()): number | null {
  const normalised = text
    .trim()
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(decimalComma ? /[\u066b,]/g : /\u066b/g, '.')
    .replace(/[\u2212]/g, '-')
    .replace(/\s/g, '');
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(normalised)) return null;
  const value = Number(normalised);
  return Number.isFinite(value) ? value : null;
}

// ---------------------------------------------------------------------------------------------
// API value → draft

export function emptyDraft(field: Field): Draft {
  switch (field.type) {
    case 'yes_no':
      return null;
    case 'multi_select':
      return [];
    case 'repeating_group':
      return [];
    default:
      return '';
  }
}

export function fromApi(field: Field, value: FieldValue | undefined | null): Draft {
  if (value === undefined || value === null) return emptyDraft(field);
  switch (field.type) {
    case 'short_text':
    case 'long_text':
    case 'date':
    case 'single_select':
    case 'location':
      return typeof value === 'string' ? value : String(value);
    case 'number':
      return typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
    case 'date_time':
      return typeof value === 'string' ? instantToLocal(value) : '';
    case 'yes_no':
      return typeof value === 'boolean' ? value : null;
    case 'multi_select':
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    case 'repeating_group':
      if (!Array.isArray(value)) return [];
      return (value as unknown[]).map((item) =>
        newRow(
          typeof item === 'object' && item !== null
            ? draftsFromApi(membersOf(field), item as GroupItem)
            : draftsFromApi(membersOf(field), {}),
        ),
      );
  }
}

export function draftsFromApi(fields: Field[], values: CaseFields | GroupItem): Drafts {
  const drafts: Drafts = {};
  for (const field of fields) drafts[field.id] = fromApi(field, values[field.id]);
  return drafts;
}

/** Drafts for every top-level field of a case type. */
export function caseDrafts(caseType: CaseType, values: CaseFields): Drafts {
  return draftsFromApi(
    caseType.sections.flatMap((s) => s.fields),
    values,
  );
}

// ---------------------------------------------------------------------------------------------
// Draft → API value

/** A field whose text could not be turned into a value (only numbers, for now). */
export type LocalProblem = Omit<FieldProblem, 'message'>;

/**
 * The API value of a draft; `undefined` when empty. Problems found on the way (a number that
 * is not a number) are added to `problems` with their path.
 */
export function toApi(
  field: Field,
  draft: Draft | undefined,
  path: string,
  problems: LocalProblem[],
): FieldValue | undefined {
  if (draft === undefined || draft === null) return undefined;
  switch (field.type) {
    case 'short_text':
    case 'long_text': {
      const text = typeof draft === 'string' ? draft : '';
      return text.trim() === '' ? undefined : text;
    }
    case 'date':
    case 'single_select':
    case 'location':
      return typeof draft === 'string' && draft !== '' ? draft : undefined;
    case 'number': {
      if (typeof draft !== 'string' || draft.trim() === '') return undefined;
      const value = parseNumber(draft);
      if (value === null) {
        problems.push({ field: path, code: 'not_a_number' });
        return undefined;
      }
      return value;
    }
    case 'date_time': {
      if (typeof draft !== 'string' || draft === '') return undefined;
      return localToInstant(draft) ?? undefined;
    }
    case 'yes_no':
      return typeof draft === 'boolean' ? draft : undefined;
    case 'multi_select':
      return Array.isArray(draft) && draft.length > 0 ? (draft as string[]) : undefined;
    case 'repeating_group': {
      if (!Array.isArray(draft) || draft.length === 0) return undefined;
      return (draft as Row[]).map((row, index) => {
        const item: GroupItem = {};
        for (const member of membersOf(field)) {
          const value = toApi(member, row.values[member.id], `${path}[${index}].${member.id}`, problems);
          if (value !== undefined) item[member.id] = value;
        }
        return item;
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Skip logic and retired options (docs/API.md, `GET /api/v1/config`: `show_when`, `retired`)

/** Whether a field is asked: its skip logic (`show_when`) holds among `siblings` — the case
 * type's top-level fields, or for a member of a repeating group the members of the same entry —
 * given their `drafts`, and the field it depends on is itself asked (chains), as the server
 * decides. `unknown` names fields whose value the user may not see: a condition on one is
 * taken to hold, so that what depends on it is shown as it is and never cleared. */
export function isAsked(
  field: Field,
  siblings: readonly Field[],
  drafts: Drafts,
  unknown: (id: string) => boolean = () => false,
): boolean {
  let current = field;
  // A chain is at most as long as the fields it runs through (the server checks it ends).
  for (let step = 0; step <= siblings.length; step++) {
    const condition = current.show_when;
    if (!condition) return true;
    const on = siblings.find((f) => f.id === condition.field);
    if (!on) return false;
    if (!unknown(on.id) && !holds(on, drafts[on.id], condition.values)) return false;
    current = on;
  }
  return false;
}

/** Whether a yes/no or select field's draft is one of `values` (`yes`/`no`, option ids). */
function holds(field: Field, draft: Draft | undefined, values: readonly string[]): boolean {
  switch (field.type) {
    case 'yes_no':
      return typeof draft === 'boolean' && values.includes(draft ? 'yes' : 'no');
    case 'single_select':
      return typeof draft === 'string' && draft !== '' && values.includes(draft);
    case 'multi_select':
      return Array.isArray(draft) && (draft as unknown[]).some((v) => typeof v === 'string' && values.includes(v));
    default:
      return false;
  }
}

/** The top-level fields of a case type, among which its skip logic looks. */
export function formFields(caseType: CaseType): Field[] {
  return caseType.sections.flatMap((s) => s.fields);
}

/** The option ids a select's draft holds. */
export function chosenIds(draft: Draft | undefined | null | FieldValue): string[] {
  if (typeof draft === 'string') return draft ? [draft] : [];
  return Array.isArray(draft) ? (draft as unknown[]).filter((v): v is string => typeof v === 'string') : [];
}

/** The options a select offers: those not retired, and a retired one only where it is `held`
 * (the value recorded, or chosen now): a case keeps what it holds, nothing new takes it. */
export function offeredOptions(config: Config, listId: string | null | undefined, held: readonly string[]): OptionItem[] {
  return optionsOf(config, listId).filter((o) => !o.retired || held.includes(o.id));
}

// ---------------------------------------------------------------------------------------------
// Withheld values (docs/API.md, "Field projection in Case")

/** What the signed-in user may not see of a case. The server decides; this only reads what it
 * said, so that the form shows "[Restricted]" instead of an input and never sends such a field. */
export interface Withheld {
  /** The case's `restricted`: paths of values that exist but are withheld
   * (`safety_plan`, `contacts[0].phone`). */
  paths: ReadonlySet<string>;
  /** Confidential fields are the assigned worker's alone: for anyone else they are hidden
   * even while empty, so the form does not offer to fill them in. */
  confidentialHidden: boolean;
}

export const NOTHING_WITHHELD: Withheld = { paths: new Set(), confidentialHidden: false };

export function withheldFor(restricted: string[], relationship: string): Withheld {
  return { paths: new Set(restricted), confidentialHidden: relationship !== 'assigned' };
}

/** Hidden whether or not it has a value: a confidential field for someone not assigned. */
export function lockedField(withheld: Withheld, field: Field): boolean {
  return withheld.confidentialHidden && field.classification === 'confidential';
}

/** A repeating group the user sees only in part: some member is withheld or locked. Writing a
 * group replaces all of it, so such a group is shown read-only and never sent. */
export function groupReadOnly(withheld: Withheld, field: Field, path: string): boolean {
  if (field.type !== 'repeating_group') return false;
  const prefix = `${path}[`;
  for (const p of withheld.paths) if (p.startsWith(prefix)) return true;
  return membersOf(field).some((m) => lockedField(withheld, m));
}

/** The top-level fields whose value the user may not see (withheld or locked), by id: skip
 * logic cannot tell from them whether what depends on them is asked (see `isAsked`). */
export function hiddenFrom(withheld: Withheld, fields: readonly Field[]): (id: string) => boolean {
  return (id) => {
    const field = fields.find((f) => f.id === id);
    return withheld.paths.has(id) || (field !== undefined && lockedField(withheld, field));
  };
}

/** Whether a top-level field must be left out of an update. */
export function unwritable(withheld: Withheld, field: Field): boolean {
  return withheld.paths.has(field.id) || lockedField(withheld, field) || groupReadOnly(withheld, field, field.id);
}

// ---------------------------------------------------------------------------------------------
// Paths and ids

/** The DOM id of the control for a field path: `family_members[1].age` → `f-family_members-1-age`. */
export function domId(path: string): string {
  return 'f-' + path.replace(/\[(\d+)\]/g, '-$1').replace(/\./g, '-');
}

/** Find the field a path names (`family_members[1].age` → the `age` member). */
export function fieldAt(caseType: CaseType, path: string): Field | undefined {
  const parts = path.split('.');
  let fields: Field[] = caseType.sections.flatMap((s) => s.fields);
  let found: Field | undefined;
  for (const part of parts) {
    const id = part.replace(/\[\d+\]$/, '');
    found = fields.find((f) => f.id === id);
    if (!found) return undefined;
    fields = found.type === 'repeating_group' ? membersOf(found) : [];
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Options and locations

/** The options of a list; none when the field names no list or an unknown one. */
export function optionsOf(config: Config, listId: string | null | undefined): OptionItem[] {
  if (!listId) return [];
  return config.option_lists.find((l) => l.id === listId)?.options ?? [];
}

export const LEVELS = ['region', 'district', 'village'] as const;

export function locationByCode(config: Config, code: string): Location | undefined {
  return config.locations.find((l) => l.code === code);
}

/** The chain from the top level down to `code`: [region, district?, village?]. */
export function locationChain(config: Config, code: string): Location[] {
  const chain: Location[] = [];
  let here = code ? locationByCode(config, code) : undefined;
  const seen = new Set<string>();
  while (here && !seen.has(here.code)) {
    seen.add(here.code);
    chain.unshift(here);
    here = here.parent ? locationByCode(config, here.parent) : undefined;
  }
  return chain;
}

/** Locations directly under `parent` (top-level ones when `parent` is null). */
export function locationChildren(config: Config, parent: string | null): Location[] {
  return config.locations.filter((l) => (parent ? l.parent === parent : !l.parent));
}
