// Add a move between stages to a case type's workflow, or edit one: from which stages (or any
// stage that does not end a case), to which, its label in each language, and its guards: a
// reason, the survivor's own decision, fields to fill in, answers to have chosen, an approved
// care plan, an inter-agency panel's endorsement.

import { useState } from 'preact/hooks';
import type { CaseTypeEntities, ConfigChange, Labels, TransitionEntity } from '../../api';
import { Dialog, SelectField } from '../../dialog';
import { t } from '../../i18n';
import { useEditing } from './context';
import { CheckField, CheckGroup, LabelsInput } from './inputs';
import { cleanLabels, collector, compact, entityInput, labelProblems, named } from './model';
import { EditorForm } from './Review';
import { answersOf, type ConditionField } from './SkipLogic';
import { useConfigSave } from './useConfigSave';

const FORM = 'transition-editor';
const ANY = '*';

type Flag = 'reason' | 'survivor_decision' | 'approved_care_plan' | 'panel_review';
const FLAGS: readonly Flag[] = ['reason', 'survivor_decision', 'approved_care_plan', 'panel_review'];

/** The same move: the same stages from and to. */
export function sameMove(a: TransitionEntity, b: { from: string[]; to: string }): boolean {
  return a.to === b.to && a.from.length === b.from.length && a.from.every((s) => b.from.includes(s));
}

export function TransitionDialog({
  caseType,
  original,
  onClose,
}: {
  caseType: CaseTypeEntities;
  original: TransitionEntity | null;
  onClose: () => void;
}) {
  const { entities, languages } = useEditing();
  const stages = caseType.case_type.stages;
  const stageName = (id: string) => named(entities.stages.find((s) => s.id === id)?.label, id);
  const [from, setFrom] = useState<string[]>(original?.from ?? []);
  const [to, setTo] = useState(original?.to ?? '');
  const [labels, setLabels] = useState<Labels>({ ...(original?.label ?? {}) });
  const [flags, setFlags] = useState<Record<Flag, boolean>>({
    reason: Boolean(original?.reason),
    survivor_decision: Boolean(original?.survivor_decision),
    approved_care_plan: Boolean(original?.approved_care_plan),
    panel_review: Boolean(original?.panel_review),
  });
  const [require, setRequire] = useState<string[]>(original?.require ?? []);
  const [values, setValues] = useState<Array<[string, string[]]>>(Object.entries(original?.require_value ?? {}));

  const moved = original && !sameMove(original, { from, to });
  // Where the move is in the case type's list as the server's errors count: in its place, or at
  // the end when it is new (or replaces one with other stages).
  const index = original && !moved ? caseType.transitions.indexOf(original) : caseType.transitions.length - (moved ? 1 : 0);
  const place = entityInput('transition', index, 'tr', languages);
  const save = useConfigSave({ form: FORM, place, onSaved: onClose });
  const { shown, touched, edit } = save;

  const fields = caseType.sections.flatMap((s) => s.field.map((f) => ({ field: f, section: named(s.label, s.id) })));
  // Answers a move may require: select and yes/no fields, members of repeating groups as `group.member`.
  const answerFields: ConditionField[] = fields.flatMap(({ field, section }) => {
    const own: ConditionField[] = ['yes_no', 'single_select', 'multi_select'].includes(field.type)
      ? [{ id: field.id, label: field.label, type: field.type, option_list: field.option_list, section }]
      : [];
    const members = (field.field ?? [])
      .filter((m) => m.type === 'single_select' || m.type === 'multi_select')
      .map((m) => ({ id: `${field.id}.${m.id}`, label: m.label, type: m.type, option_list: m.option_list, section: named(field.label, field.id) }));
    return [...own, ...members];
  });

  const check = () => {
    const { problems: found, add } = collector();
    if (from.length === 0) add('tr-from', t('config.tr.fromRequired'));
    if (!to) add('tr-to', t('config.tr.toRequired'));
    for (const [input, problem] of Object.entries(labelProblems(labels, languages, 'tr-label'))) add(input, problem);
    const duplicate = caseType.transitions.some((x) => x !== original && sameMove(x, { from, to }));
    if (to && from.length && duplicate) add('tr-to', t('config.tr.duplicate'));
    values.forEach(([field, answers], i) => {
      if (!field) add(`tr-rv${i}-field`, t('config.tr.valueFieldRequired'));
      else if (answers.length === 0) add(`tr-rv${i}-values`, t('config.showValuesRequired'));
    });
    save.check(found, () => {
      const value: TransitionEntity = compact({
        from,
        to,
        label: cleanLabels(labels),
        ...flags,
        require,
        require_value: Object.fromEntries(values),
      });
      const entity = { kind: 'transition' as const, case_type: caseType.case_type.id, from, to };
      const changes: ConfigChange[] = [];
      if (original && moved) {
        changes.push({ op: 'remove', entity: { ...entity, from: original.from, to: original.to } });
      }
      changes.push({ op: 'put', entity, value });
      return changes;
    });
  };

  const title = original
    ? t('config.tr.editTitle', { from: original.from.map((s) => (s === ANY ? t('config.tr.any') : stageName(s))).join(', '), to: stageName(original.to) })
    : t('config.tr.addTitle', { caseType: named(caseType.case_type.name, caseType.case_type.id) });

  return (
    <Dialog id="transition-dialog" title={title} onClose={onClose} wide>
      <EditorForm id={FORM} checker={save.checker} sticky onCheck={check} onCancel={onClose}>
        <CheckGroup
          id="tr-from"
          legend={t('config.tr.from')}
          hint={t('config.tr.fromHint')}
          choices={[{ value: ANY, label: t('config.tr.any') }, ...stages.map((s) => ({ value: s, label: stageName(s) }))]}
          chosen={from}
          columns
          onChange={(next) => {
            // "Any stage" stands alone.
            setFrom(next.includes(ANY) && !from.includes(ANY) ? [ANY] : next.filter((s) => s !== ANY || next.length === 1));
            touched();
          }}
          error={shown['tr-from']}
        />
        <SelectField id="tr-to" label={t('config.tr.to')} value={to} required error={shown['tr-to']} onChange={edit(setTo)}>
          <option value="">{t('common.choose')}</option>
          {stages.map((s) => (
            <option key={s} value={s}>
              {stageName(s)}
            </option>
          ))}
        </SelectField>
        <LabelsInput
          id="tr-label"
          legend={t('config.tr.label')}
          hint={t('config.tr.labelHint')}
          value={labels}
          onChange={edit(setLabels)}
          languages={languages}
          problems={shown}
        />
        <fieldset class="field">
          <legend>{t('config.tr.guards')}</legend>
          <div class="config-checks">
            {FLAGS.map((flag) => (
              <CheckField
                key={flag}
                id={`tr-${flag}`}
                label={t(`config.tr.${flag}`)}
                checked={flags[flag]}
                error={shown[`tr-${flag}`]}
                onChange={(on) => {
                  setFlags({ ...flags, [flag]: on });
                  touched();
                }}
              />
            ))}
          </div>
        </fieldset>
        <details class="config-details" open={require.length > 0 || Boolean(shown['tr-require'])}>
          <summary>{t('config.tr.requireSummary', { n: require.length })}</summary>
          <CheckGroup
            id="tr-require"
            legend={t('config.tr.require')}
            choices={fields.map(({ field, section }) => ({ value: field.id, label: `${named(field.label, field.id)} — ${section}` }))}
            chosen={require}
            columns
            onChange={edit(setRequire)}
            error={shown['tr-require']}
          />
        </details>
        <fieldset class="field" id="tr-require_value" tabIndex={-1} aria-invalid={shown['tr-require_value'] ? 'true' : undefined}>
          <legend>{t('config.tr.requireValue')}</legend>
          <p class="hint">{t('config.tr.requireValueHint')}</p>
          {shown['tr-require_value'] && <p class="field-error">{shown['tr-require_value']}</p>}
          {values.map(([field, answers], i) => {
            const chosen = answerFields.find((f) => f.id === field);
            return (
              <div class="card require-value" key={i}>
                <SelectField
                  id={`tr-rv${i}-field`}
                  label={t('config.tr.valueField')}
                  value={field}
                  error={shown[`tr-rv${i}-field`]}
                  onChange={(next) => {
                    setValues(values.map((v, j) => (j === i ? [next, []] : v)));
                    touched();
                  }}
                >
                  <option value="">{t('common.choose')}</option>
                  {answerFields.map((f) => (
                    <option key={f.id} value={f.id}>
                      {named(f.label, f.id)} ({f.section})
                    </option>
                  ))}
                </SelectField>
                {field && (
                  <CheckGroup
                    id={`tr-rv${i}-values`}
                    legend={t('config.skip.values')}
                    choices={answersOf(chosen, entities.option_lists)}
                    chosen={answers}
                    columns
                    error={shown[`tr-rv${i}-values`]}
                    onChange={(next) => {
                      setValues(values.map((v, j) => (j === i ? [field, next] : v)));
                      touched();
                    }}
                  />
                )}
                <button
                  type="button"
                  class="button link danger"
                  onClick={() => {
                    setValues(values.filter((_, j) => j !== i));
                    touched();
                  }}
                >
                  {t('config.tr.removeCondition', { n: i + 1 })}
                </button>
              </div>
            );
          })}
          <button
            type="button"
            class="button secondary"
            onClick={() => {
              setValues([...values, ['', []]]);
              touched();
            }}
          >
            + {t('config.tr.addCondition')}
          </button>
        </fieldset>
      </EditorForm>
    </Dialog>
  );
}
