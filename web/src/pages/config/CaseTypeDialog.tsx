// A case type's own attributes: its name in each language, code, domain, default intensity,
// caseload targets, review interval, follow-up interval, care plan interventions, emergency
// field, and its stages in order (the first is where a new case starts).

import { useState } from 'preact/hooks';
import type { CaseTypeEntities, CaseTypeEntity, Labels } from '../../api';
import { Dialog, SelectField } from '../../dialog';
import { t } from '../../i18n';
import { useEditing } from './context';
import { CaseTypeCodeInput, CodeInput, LabelsInput } from './inputs';
import { cleanLabels, codeProblem, collector, compact, keyInput, labelProblems, moved, named, wholeNumber } from './model';
import { EditorForm } from './Review';
import { useConfigSave } from './useConfigSave';

const FORM = 'case-type-editor';

export const DOMAINS = [
  'social_protection',
  'child_protection',
  'gbv',
  'disability',
  'elderly',
  'livelihoods',
  'agriculture',
  'health',
  'education',
  'other',
] as const;

type Numbers = 'recommended_caseload' | 'maximum_caseload' | 'review_frequency_days' | 'follow_up_days';

export function CaseTypeDialog({ caseType, onClose }: { caseType: CaseTypeEntities; onClose: () => void }) {
  const { entities, languages } = useEditing();
  const ct = caseType.case_type;
  const [name, setName] = useState<Labels>({ ...ct.name });
  const [code, setCode] = useState(ct.code);
  const [domain, setDomain] = useState(ct.domain);
  const [intensity, setIntensity] = useState(String(ct.default_intensity));
  const [numbers, setNumbers] = useState<Record<Numbers, string>>({
    recommended_caseload: String(ct.recommended_caseload),
    maximum_caseload: String(ct.maximum_caseload),
    review_frequency_days: String(ct.review_frequency_days),
    follow_up_days: ct.follow_up_days == null ? '' : String(ct.follow_up_days),
  });
  const [interventions, setInterventions] = useState(ct.intervention_types ?? '');
  const [emergency, setEmergency] = useState(ct.emergency_field ?? '');
  const [stages, setStages] = useState<string[]>([...ct.stages]);
  const [adding, setAdding] = useState('');
  const place = (path: string) => (path.startsWith('case_type.') ? keyInput('ct', path.slice('case_type.'.length), languages) : null);
  const save = useConfigSave({ form: FORM, place, onSaved: onClose });
  const { shown, touched, edit } = save;
  const stageName = (id: string) => named(entities.stages.find((s) => s.id === id)?.label, id);
  const yesNoFields = caseType.sections.flatMap((s) => s.field).filter((f) => f.type === 'yes_no');

  const check = () => {
    const { problems: found, add } = collector(labelProblems(name, languages, 'ct-name'));
    add('ct-code', codeProblem(code));
    const limits: Record<Numbers, { min: number; max: number; required: boolean }> = {
      recommended_caseload: { min: 1, max: 1000, required: true },
      maximum_caseload: { min: 1, max: 1000, required: true },
      review_frequency_days: { min: 1, max: 3650, required: true },
      follow_up_days: { min: 1, max: 365, required: false },
    };
    const values = {} as Record<Numbers, number | null>;
    for (const key of Object.keys(limits) as Numbers[]) {
      const result = wholeNumber(numbers[key], limits[key]);
      add(`ct-${key}`, result.problem);
      values[key] = result.value;
    }
    if (values.recommended_caseload !== null && values.maximum_caseload !== null && values.maximum_caseload < values.recommended_caseload) {
      add('ct-maximum_caseload', t('config.ct.maximumBelow'));
    }
    if (stages.length === 0) add('ct-stages', t('config.ct.stagesRequired'));
    save.check(found, () => {
      const value: CaseTypeEntity = compact({
        ...ct,
        name: cleanLabels(name),
        code,
        domain,
        default_intensity: Number(intensity),
        recommended_caseload: values.recommended_caseload ?? 0,
        maximum_caseload: values.maximum_caseload ?? 0,
        review_frequency_days: values.review_frequency_days ?? 0,
        follow_up_days: values.follow_up_days,
        intervention_types: interventions || null,
        emergency_field: emergency || null,
        stages,
      });
      return [{ op: 'put', entity: { kind: 'case_type', id: ct.id }, value }];
    });
  };

  const number = (key: Numbers, hint?: string) => (
    <CodeInput
      id={`ct-${key}`}
      label={t(`config.ct.${key}`)}
      hint={hint}
      value={numbers[key]}
      numeric
      required={key !== 'follow_up_days'}
      onInput={(value) => {
        setNumbers({ ...numbers, [key]: value });
        touched();
      }}
      error={shown[`ct-${key}`]}
    />
  );
  const stagesError = shown['ct-stages'];
  const addable = entities.stages.filter((s) => !stages.includes(s.id));

  return (
    <Dialog id="case-type-dialog" title={t('config.editCaseTypeTitle', { name: named(ct.name, ct.id) })} onClose={onClose} wide>
      <EditorForm id={FORM} checker={save.checker} sticky onCheck={check} onCancel={onClose}>
        <LabelsInput
          id="ct-name"
          legend={t('config.ct.name')}
          value={name}
          onChange={edit(setName)}
          languages={languages}
          problems={shown}
        />
        <div class="config-row">
          <CaseTypeCodeInput id="ct-code" value={code} onInput={edit(setCode)} error={shown['ct-code']} />
          <SelectField id="ct-domain" label={t('config.ct.domain')} value={domain} required error={shown['ct-domain']} onChange={edit(setDomain)}>
            {DOMAINS.map((d) => (
              <option key={d} value={d}>
                {t(`config.domain.${d}`)}
              </option>
            ))}
          </SelectField>
          <SelectField
            id="ct-default_intensity"
            label={t('config.ct.default_intensity')}
            value={intensity}
            required
            error={shown['ct-default_intensity']}
            onChange={edit(setIntensity)}
          >
            {(['1', '2', '3'] as const).map((level) => (
              <option key={level} value={level}>
                {t(`intensity.${level}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <div class="config-row">
          {number('recommended_caseload')}
          {number('maximum_caseload')}
          {number('review_frequency_days', t('config.ct.daysHint'))}
          {number('follow_up_days', t('config.ct.followUpHint'))}
        </div>
        <div class="config-row">
          <SelectField
            id="ct-intervention_types"
            label={t('config.ct.intervention_types')}
            hint={t('config.ct.interventionHint')}
            value={interventions}
            error={shown['ct-intervention_types']}
            onChange={edit(setInterventions)}
          >
            <option value="">{t('config.ct.noCarePlan')}</option>
            {entities.option_lists.map((list) => (
              <option key={list.id} value={list.id}>
                {named(list.label, list.id)}
              </option>
            ))}
          </SelectField>
          <SelectField
            id="ct-emergency_field"
            label={t('config.ct.emergency_field')}
            hint={t('config.ct.emergencyHint')}
            value={emergency}
            error={shown['ct-emergency_field']}
            onChange={edit(setEmergency)}
          >
            <option value="">{t('config.ct.noEmergency')}</option>
            {yesNoFields.map((f) => (
              <option key={f.id} value={f.id}>
                {named(f.label, f.id)}
              </option>
            ))}
          </SelectField>
        </div>
        <fieldset class={`field${stagesError ? ' invalid' : ''}`} id="ct-stages" tabIndex={-1} aria-invalid={stagesError ? 'true' : undefined}>
          <legend>{t('config.ct.stages')}</legend>
          <p class="hint">{t('config.ct.stagesHint')}</p>
          {stagesError && <p class="field-error">{stagesError}</p>}
          <ol class="stage-order">
            {stages.map((s, index) => (
              <li key={s}>
                <span>
                  {stageName(s)} <span class="muted config-id">({s})</span>
                </span>
                <span class="button-row">
                  <button
                    type="button"
                    class="button secondary small"
                    disabled={index === 0}
                    onClick={() => {
                      setStages(moved(stages, index, -1));
                      touched();
                    }}
                  >
                    {t('config.moveUp')}
                    <span class="sr-only"> {stageName(s)}</span>
                  </button>
                  <button
                    type="button"
                    class="button secondary small"
                    disabled={index === stages.length - 1}
                    onClick={() => {
                      setStages(moved(stages, index, 1));
                      touched();
                    }}
                  >
                    {t('config.moveDown')}
                    <span class="sr-only"> {stageName(s)}</span>
                  </button>
                  <button
                    type="button"
                    class="button link danger"
                    onClick={() => {
                      setStages(stages.filter((x) => x !== s));
                      touched();
                    }}
                  >
                    {t('config.removeFromList', { name: stageName(s) })}
                  </button>
                </span>
              </li>
            ))}
          </ol>
          {addable.length > 0 && (
            <div class="config-row align-end">
              <SelectField id="ct-stage-add" label={t('config.ct.addStage')} value={adding} onChange={setAdding}>
                <option value="">{t('common.choose')}</option>
                {addable.map((s) => (
                  <option key={s.id} value={s.id}>
                    {named(s.label, s.id)}
                  </option>
                ))}
              </SelectField>
              <button
                type="button"
                class="button secondary"
                id="ct-stage-add-button"
                onClick={() => {
                  if (!adding) return;
                  setStages([...stages, adding]);
                  setAdding('');
                  touched();
                }}
              >
                {t('config.add')}
              </button>
            </div>
          )}
        </fieldset>
      </EditorForm>
    </Dialog>
  );
}
