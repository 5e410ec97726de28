// A field as its editor holds it (numbers as typed, every setting present), to and from the
// field's table, and the checks made before the field is sent.

import type { Classification, FieldEntity, FieldType, Labels, LocationLevel, ReportAs, ShowWhen } from '../../api';
import { t } from '../../i18n';
import { anyNumber, cleanLabels, collector, compact, idProblem, labelProblems, wholeNumber, type Languages, type Problems } from './model';

export const FIELD_TYPES: readonly FieldType[] = [
  'short_text',
  'long_text',
  'number',
  'date',
  'date_time',
  'yes_no',
  'single_select',
  'multi_select',
  'location',
  'repeating_group',
];

export const CLASSIFICATIONS: readonly Classification[] = ['standard', 'restricted', 'confidential'];
export const REPORT_AS: readonly ReportAs[] = ['value', 'month', 'year', 'age_group'];
export const LOCATION_LEVELS: readonly LocationLevel[] = ['region', 'district', 'village'];

/** Types another field's skip logic can depend on. */
export const CONDITION_TYPES: readonly FieldType[] = ['yes_no', 'single_select', 'multi_select'];

export interface FieldDraft {
  id: string;
  type: FieldType;
  label: Labels;
  help: Labels;
  required: boolean;
  classification: Classification | '';
  report_dimension: boolean;
  report_as: ReportAs | '';
  searchable: boolean;
  retired: boolean;
  showField: string;
  showValues: string[];
  min_length: string;
  max_length: string;
  pattern: string;
  min: string;
  max: string;
  integer: boolean;
  not_in_future: boolean;
  option_list: string;
  max_choices: string;
  min_level: LocationLevel | '';
  min_items: string;
  max_items: string;
  members: FieldDraft[];
  /** Whether the field exists in the version in force (its id is then fixed). */
  existing: boolean;
}

const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

export function emptyField(): FieldDraft {
  return fromEntity({ id: '', type: 'short_text', label: {}, classification: 'standard' }, false);
}

export function fromEntity(field: FieldEntity, existing = true): FieldDraft {
  return {
    id: field.id,
    type: field.type,
    label: { ...field.label },
    help: { ...(field.help ?? {}) },
    required: Boolean(field.required),
    classification: field.classification ?? '',
    report_dimension: Boolean(field.report_dimension),
    report_as: field.report_as ?? '',
    searchable: Boolean(field.searchable),
    retired: Boolean(field.retired),
    showField: field.show_when?.field ?? '',
    showValues: [...(field.show_when?.values ?? [])],
    min_length: text(field.min_length),
    max_length: text(field.max_length),
    pattern: field.pattern ?? '',
    min: text(field.min),
    max: text(field.max),
    integer: Boolean(field.integer),
    not_in_future: Boolean(field.not_in_future),
    option_list: field.option_list ?? '',
    max_choices: text(field.max_choices),
    min_level: field.min_level ?? '',
    min_items: text(field.min_items),
    max_items: text(field.max_items),
    members: (field.field ?? []).map((m) => fromEntity(m, existing)),
    existing,
  };
}

const isText = (type: FieldType) => type === 'short_text' || type === 'long_text';
const isSelect = (type: FieldType) => type === 'single_select' || type === 'multi_select';

/** Which settings a field of this type has. */
export function settingsOf(type: FieldType, member: boolean) {
  return {
    lengths: isText(type),
    pattern: type === 'short_text',
    searchable: type === 'short_text' && !member,
    range: type === 'number',
    notInFuture: type === 'date' || type === 'date_time',
    optionList: isSelect(type),
    maxChoices: type === 'multi_select',
    minLevel: type === 'location',
    items: type === 'repeating_group',
    reportDimension: !member && type !== 'repeating_group',
  };
}

const num = (typed: string) => anyNumber(typed).value;

/** The field's table as sent: only the settings of its type, the empty ones left out. */
export function toEntity(draft: FieldDraft, member = false): FieldEntity {
  const s = settingsOf(draft.type, member);
  const showWhen: ShowWhen | null = draft.showField ? { field: draft.showField, values: draft.showValues } : null;
  const reporting = s.reportDimension && draft.classification === 'standard' && draft.report_dimension;
  return compact<FieldEntity>({
    id: draft.id,
    type: draft.type,
    label: cleanLabels(draft.label),
    help: cleanLabels(draft.help),
    required: draft.required,
    classification: draft.classification as Classification,
    report_dimension: reporting,
    report_as: reporting ? draft.report_as || null : null,
    searchable: s.searchable && draft.searchable,
    retired: draft.retired,
    show_when: showWhen,
    min_length: s.lengths ? num(draft.min_length) : null,
    max_length: s.lengths ? num(draft.max_length) : null,
    pattern: s.pattern ? draft.pattern.trim() : null,
    min: s.range ? num(draft.min) : null,
    max: s.range ? num(draft.max) : null,
    integer: s.range && draft.integer,
    not_in_future: s.notInFuture && draft.not_in_future,
    option_list: s.optionList ? draft.option_list : null,
    max_choices: s.maxChoices ? num(draft.max_choices) : null,
    min_level: s.minLevel ? draft.min_level || null : null,
    min_items: s.items ? num(draft.min_items) : null,
    max_items: s.items ? num(draft.max_items) : null,
    field: s.items ? draft.members.map((m) => toEntity(m, true)) : null,
  });
}

/** Everything the editor can tell before sending, at the inputs of `prefix` (`fe`, `fe-m0`). */
export function fieldProblems(
  draft: FieldDraft,
  { prefix, languages, taken, member = false }: { prefix: string; languages: Languages; taken: readonly string[]; member?: boolean },
): Problems {
  const s = settingsOf(draft.type, member);
  const { problems, add } = collector();
  if (!draft.existing) add(`${prefix}-id`, idProblem(draft.id, taken));
  Object.assign(problems, labelProblems(draft.label, languages, `${prefix}-label`), {
    ...labelProblems(draft.help, languages, `${prefix}-help`, true),
  });
  if (!draft.classification) add(`${prefix}-classification`, t('config.classificationRequired'));
  if (draft.showField && draft.showValues.length === 0) add(`${prefix}-show_when-values`, t('config.showValuesRequired'));
  const whole = (key: keyof FieldDraft, min: number, max: number) => {
    const result = wholeNumber(String(draft[key]), { min, max });
    add(`${prefix}-${key}`, result.problem);
    return result.value;
  };
  if (s.lengths) {
    const low = whole('min_length', 0, 100_000);
    const high = whole('max_length', 1, 100_000);
    if (low !== null && high !== null && low > high) add(`${prefix}-max_length`, t('config.maxBelowMin'));
  }
  if (s.pattern && draft.pattern.trim()) {
    try {
      new RegExp(draft.pattern.trim());
    } catch {
      add(`${prefix}-pattern`, t('config.patternInvalid'));
    }
  }
  if (s.range) {
    const low = anyNumber(draft.min);
    const high = anyNumber(draft.max);
    add(`${prefix}-min`, low.problem);
    add(`${prefix}-max`, high.problem);
    if (low.value !== null && high.value !== null && low.value > high.value) add(`${prefix}-max`, t('config.maxBelowMin'));
  }
  if (s.optionList && !draft.option_list) add(`${prefix}-option_list`, t('config.optionListRequired'));
  if (s.maxChoices) whole('max_choices', 1, 1000);
  if (s.items) {
    const low = whole('min_items', 0, 1000);
    const high = whole('max_items', 1, 1000);
    if (low !== null && high !== null && low > high) add(`${prefix}-max_items`, t('config.maxBelowMin'));
    if (draft.members.length === 0) add(`${prefix}-members`, t('config.membersRequired'));
    draft.members.forEach((m, index) => {
      const siblings = draft.members.filter((_, i) => i !== index).map((x) => x.id);
      Object.assign(problems, { ...fieldProblems(m, { prefix: `${prefix}-m${index}`, languages, taken: siblings, member: true }), ...problems });
    });
  }
  return problems;
}
