// Skip logic: a field asked only when another field (a top-level field of the form, or a sibling
// member inside a repeating group) of type yes/no or select holds one of the chosen answers.

import type { FieldType, Labels, OptionListEntity } from '../../api';
import { SelectField } from '../../dialog';
import { t } from '../../i18n';
import { CheckGroup } from './inputs';
import { named, type Problems } from './model';

/** A field another may depend on. */
export interface ConditionField {
  id: string;
  label: Labels;
  type: FieldType;
  option_list?: string | null | undefined;
  /** The section it is in, to tell fields apart in the picker. */
  section?: string;
}

/** The answers a condition field can hold: yes and no, or its list's options. */
export function answersOf(field: ConditionField | undefined, optionLists: OptionListEntity[]): Array<{ value: string; label: string }> {
  if (!field) return [];
  if (field.type === 'yes_no') {
    return [
      { value: 'yes', label: t('common.yes') },
      { value: 'no', label: t('common.no') },
    ];
  }
  const list = optionLists.find((l) => l.id === field.option_list);
  return (list?.option ?? []).map((o) => ({ value: o.id, label: named(o.label, o.id) + (o.retired ? ` (${t('config.retired')})` : '') }));
}

export function SkipLogic({
  prefix,
  fieldId,
  conditions,
  optionLists,
  field,
  values,
  onChange,
  problems,
}: {
  prefix: string;
  fieldId: string;
  conditions: ConditionField[];
  optionLists: OptionListEntity[];
  field: string;
  values: string[];
  onChange: (field: string, values: string[]) => void;
  problems: Problems;
}) {
  const eligible = conditions.filter((c) => c.id !== fieldId);
  const chosen = conditions.find((c) => c.id === field);
  const answers = answersOf(chosen, optionLists);
  return (
    <fieldset class="field skip-logic">
      <legend>{t('config.skip.title')}</legend>
      <SelectField
        id={`${prefix}-show_when-field`}
        label={t('config.skip.field')}
        hint={t('config.skip.hint')}
        value={field}
        error={problems[`${prefix}-show_when-field`]}
        onChange={(next) => onChange(next, [])}
      >
        <option value="">{t('config.skip.always')}</option>
        {eligible.map((c) => (
          <option key={c.id} value={c.id}>
            {named(c.label, c.id)} ({c.id}){c.section ? ` — ${c.section}` : ''}
          </option>
        ))}
        {field && !chosen && <option value={field}>{field}</option>}
      </SelectField>
      {field && (
        <CheckGroup
          id={`${prefix}-show_when-values`}
          legend={t('config.skip.values')}
          choices={answers.length ? answers : values.map((v) => ({ value: v, label: v }))}
          chosen={values}
          onChange={(next) => onChange(field, next)}
          error={problems[`${prefix}-show_when-values`]}
          columns={answers.length > 6}
        />
      )}
    </fieldset>
  );
}
