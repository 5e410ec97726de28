// The inputs of one field: what every field has (id, type, labels and help in each language,
// required, classification, reporting, retired, skip logic), then the settings of its type; a
// repeating group's members, each with the same inputs, below.

import type { FieldType, OptionListEntity } from '../../api';
import { SelectField } from '../../dialog';
import { t } from '../../i18n';
import { emptyField, FIELD_TYPES, LOCATION_LEVELS, REPORT_AS, settingsOf, type FieldDraft } from './fieldDraft';
import { CheckField, ClassificationSelect, CodeInput, IdInput, LabelsInput } from './inputs';
import { moved, named, type Languages, type Problems } from './model';
import { SkipLogic, type ConditionField } from './SkipLogic';

export function FieldForm({
  draft,
  onChange,
  prefix,
  problems,
  languages,
  optionLists,
  conditions,
  member = false,
}: {
  draft: FieldDraft;
  onChange: (draft: FieldDraft) => void;
  prefix: string;
  problems: Problems;
  languages: Languages;
  optionLists: OptionListEntity[];
  /** Fields this one's skip logic may depend on. */
  conditions: ConditionField[];
  member?: boolean;
}) {
  const s = settingsOf(draft.type, member);
  const set = (patch: Partial<FieldDraft>) => onChange({ ...draft, ...patch });
  const types = member ? FIELD_TYPES.filter((type) => type !== 'repeating_group') : FIELD_TYPES;
  const code = (key: 'min_length' | 'max_length' | 'pattern' | 'min' | 'max' | 'max_choices' | 'min_items' | 'max_items', numeric = true) => (
    <CodeInput
      id={`${prefix}-${key}`}
      label={t(`config.field.${key}`)}
      value={draft[key]}
      onInput={(value) => set({ [key]: value })}
      error={problems[`${prefix}-${key}`]}
      numeric={numeric}
    />
  );
  return (
    <div class="field-form">
      <div class="config-row">
        <IdInput
          id={`${prefix}-id`}
          value={draft.id}
          existing={draft.existing}
          onInput={(id) => set({ id })}
          error={problems[`${prefix}-id`]}
        />
        <SelectField
          id={`${prefix}-type`}
          label={t('config.field.type')}
          hint={draft.existing ? t('config.typeFixed') : undefined}
          value={draft.type}
          required
          error={problems[`${prefix}-type`]}
          onChange={(type) => set({ type: type as FieldType })}
        >
          {types
            .filter((type) => !draft.existing || type === draft.type)
            .map((type) => (
              <option key={type} value={type}>
                {t(`config.type.${type}`)}
              </option>
            ))}
        </SelectField>
      </div>
      <LabelsInput
        id={`${prefix}-label`}
        legend={t('config.field.label')}
        value={draft.label}
        onChange={(label) => set({ label })}
        languages={languages}
        problems={problems}
      />
      <LabelsInput
        id={`${prefix}-help`}
        legend={t('config.field.help')}
        hint={t('config.field.helpHint')}
        value={draft.help}
        onChange={(help) => set({ help })}
        languages={languages}
        problems={problems}
        optional
        multiline
      />
      <ClassificationSelect
        id={`${prefix}-classification`}
        label={t('config.field.classification')}
        hint={t('config.field.classificationHint')}
        value={draft.classification}
        error={problems[`${prefix}-classification`]}
        onChange={(classification) => set({ classification })}
      />
      <div class="config-checks">
        <CheckField
          id={`${prefix}-required`}
          label={t('config.field.required')}
          checked={draft.required}
          onChange={(required) => set({ required })}
          error={problems[`${prefix}-required`]}
        />
        {s.searchable && (
          <CheckField
            id={`${prefix}-searchable`}
            label={t('config.field.searchable')}
            hint={t('config.field.searchableHint')}
            checked={draft.searchable}
            onChange={(searchable) => set({ searchable })}
            error={problems[`${prefix}-searchable`]}
          />
        )}
        <CheckField
          id={`${prefix}-retired`}
          label={t('config.field.retired')}
          hint={t('config.field.retiredHint')}
          checked={draft.retired}
          onChange={(retired) => set({ retired })}
          error={problems[`${prefix}-retired`]}
        />
      </div>
      {s.reportDimension && (
        <div class="config-row">
          <CheckField
            id={`${prefix}-report_dimension`}
            label={t('config.field.report_dimension')}
            hint={draft.classification === 'standard' ? t('config.field.reportHint') : t('config.field.reportStandardOnly')}
            checked={draft.classification === 'standard' && draft.report_dimension}
            disabled={draft.classification !== 'standard'}
            onChange={(report_dimension) => set({ report_dimension })}
            error={problems[`${prefix}-report_dimension`]}
          />
          {draft.classification === 'standard' && draft.report_dimension && (
            <SelectField
              id={`${prefix}-report_as`}
              label={t('config.field.report_as')}
              value={draft.report_as}
              error={problems[`${prefix}-report_as`]}
              onChange={(value) => set({ report_as: value as FieldDraft['report_as'] })}
            >
              <option value="">{t('config.field.reportAsDefault')}</option>
              {REPORT_AS.map((r) => (
                <option key={r} value={r}>
                  {t(`config.reportAs.${r}`)}
                </option>
              ))}
            </SelectField>
          )}
        </div>
      )}
      {(s.lengths || s.range || s.maxChoices || s.items) && (
        <div class="config-row">
          {s.lengths && code('min_length')}
          {s.lengths && code('max_length')}
          {s.range && code('min')}
          {s.range && code('max')}
          {s.maxChoices && code('max_choices')}
          {s.items && code('min_items')}
          {s.items && code('max_items')}
        </div>
      )}
      {s.pattern && code('pattern', false)}
      {s.range && (
        <CheckField
          id={`${prefix}-integer`}
          label={t('config.field.integer')}
          checked={draft.integer}
          onChange={(integer) => set({ integer })}
          error={problems[`${prefix}-integer`]}
        />
      )}
      {s.notInFuture && (
        <CheckField
          id={`${prefix}-not_in_future`}
          label={t('config.field.not_in_future')}
          checked={draft.not_in_future}
          onChange={(not_in_future) => set({ not_in_future })}
          error={problems[`${prefix}-not_in_future`]}
        />
      )}
      {s.optionList && (
        <SelectField
          id={`${prefix}-option_list`}
          label={t('config.field.option_list')}
          value={draft.option_list}
          required
          error={problems[`${prefix}-option_list`]}
          onChange={(option_list) => set({ option_list })}
        >
          <option value="">{t('common.choose')}</option>
          {optionLists.map((list) => (
            <option key={list.id} value={list.id}>
              {named(list.label, list.id)} ({list.id})
            </option>
          ))}
        </SelectField>
      )}
      {s.minLevel && (
        <SelectField
          id={`${prefix}-min_level`}
          label={t('config.field.min_level')}
          value={draft.min_level}
          error={problems[`${prefix}-min_level`]}
          onChange={(value) => set({ min_level: value as FieldDraft['min_level'] })}
        >
          <option value="">{t('config.field.anyLevel')}</option>
          {LOCATION_LEVELS.map((level) => (
            <option key={level} value={level}>
              {t(`level.${level}`)}
            </option>
          ))}
        </SelectField>
      )}
      <SkipLogic
        prefix={prefix}
        fieldId={draft.id}
        conditions={conditions}
        optionLists={optionLists}
        field={draft.showField}
        values={draft.showValues}
        onChange={(showField, showValues) => set({ showField, showValues })}
        problems={problems}
      />
      {s.items && (
        <Members draft={draft} set={set} prefix={prefix} problems={problems} languages={languages} optionLists={optionLists} />
      )}
    </div>
  );
}

/** A repeating group's members: each member's inputs in a fieldset, to move, remove or add. */
function Members({
  draft,
  set,
  prefix,
  problems,
  languages,
  optionLists,
}: {
  draft: FieldDraft;
  set: (patch: Partial<FieldDraft>) => void;
  prefix: string;
  problems: Problems;
  languages: Languages;
  optionLists: OptionListEntity[];
}) {
  const members = draft.members;
  const error = problems[`${prefix}-members`];
  return (
    <fieldset class={`field members${error ? ' invalid' : ''}`} id={`${prefix}-members`} tabIndex={-1} aria-invalid={error ? 'true' : undefined}>
      <legend>{t('config.members')}</legend>
      <p class="hint">{t('config.membersHint')}</p>
      {error && <p class="field-error">{error}</p>}
      {members.map((m, index) => {
        const memberPrefix = `${prefix}-m${index}`;
        const siblings = members
          .filter((x, i) => i !== index && x.id && ['yes_no', 'single_select', 'multi_select'].includes(x.type))
          .map((x) => ({ id: x.id, label: x.label, type: x.type, option_list: x.option_list }));
        const replace = (next: FieldDraft) => set({ members: members.map((x, i) => (i === index ? next : x)) });
        return (
          <details class="member card" key={index} open={!m.existing || Object.keys(problems).some((k) => k.startsWith(`${memberPrefix}-`))}>
            <summary>
              {t('config.member', { n: index + 1 })}: {named(m.label, m.id || '…')}
            </summary>
            <FieldForm
              draft={m}
              onChange={replace}
              prefix={memberPrefix}
              problems={problems}
              languages={languages}
              optionLists={optionLists}
              conditions={siblings}
              member
            />
            <div class="button-row">
              <button type="button" class="button secondary small" disabled={index === 0} onClick={() => set({ members: moved(members, index, -1) })}>
                {t('config.moveUp')}
              </button>
              <button
                type="button"
                class="button secondary small"
                disabled={index === members.length - 1}
                onClick={() => set({ members: moved(members, index, 1) })}
              >
                {t('config.moveDown')}
              </button>
              {!m.existing && (
                <button type="button" class="button link danger" onClick={() => set({ members: members.filter((_, i) => i !== index) })}>
                  {t('config.removeMember', { n: index + 1 })}
                </button>
              )}
            </div>
          </details>
        );
      })}
      <button type="button" class="button secondary" id={`${prefix}-add-member`} onClick={() => set({ members: [...members, emptyField()] })}>
        + {t('config.addMember')}
      </button>
    </fieldset>
  );
}
