// Add a stage to the instance (labels in each language, whether it ends a case, expects
// follow-up contacts or brings the periodic review, how long a case may stay) and, in the same
// version, to the stages of chosen case types; or edit one. Its id is set when it is made.

import { useState } from 'preact/hooks';
import type { ConfigChange, Labels, StageEntity, StageLimit } from '../../api';
import { Dialog, SelectField } from '../../dialog';
import { t } from '../../i18n';
import { useEditing } from './context';
import { CheckField, CodeInput, IdAndLabels } from './inputs';
import { cleanLabels, collector, compact, keyInput, named, namedProblems, wholeNumber } from './model';
import { EditorForm } from './Review';
import { useConfigSave } from './useConfigSave';

const FORM = 'stage-editor';

type LimitKind = '' | 'working_days' | 'days';

export function StageDialog({ stageId, onClose }: { stageId: string | null; onClose: () => void }) {
  const { entities, languages } = useEditing();
  const original = entities.stages.find((s) => s.id === stageId) ?? null;
  const [id, setId] = useState(original?.id ?? '');
  const [labels, setLabels] = useState<Labels>({ ...(original?.label ?? {}) });
  const [flags, setFlags] = useState({
    terminal: Boolean(original?.terminal),
    follow_up: Boolean(original?.follow_up),
    review: Boolean(original?.review),
  });
  const [limitKind, setLimitKind] = useState<LimitKind>(
    original?.limit?.working_days != null ? 'working_days' : original?.limit?.days != null ? 'days' : '',
  );
  const [limit, setLimit] = useState(String(original?.limit?.working_days ?? original?.limit?.days ?? ''));
  const [hours, setHours] = useState(String(original?.limit?.emergency_hours ?? ''));
  const [after, setAfter] = useState(() => entities.stages[entities.stages.length - 1]?.id ?? '');
  /** Case types the new stage joins, each with the stage it goes after ('' for first). */
  const [joins, setJoins] = useState<Record<string, string>>({});
  const stageIndex = original ? entities.stages.indexOf(original) : after ? entities.stages.findIndex((s) => s.id === after) + 1 : 0;
  const place = (path: string) => {
    const match = /^stage\[(\d+)\]\.(.+)$/.exec(path);
    if (!match?.[2] || Number(match[1]) !== stageIndex) return null;
    if (match[2].startsWith('limit.emergency_hours')) return 'st-emergency_hours';
    return keyInput('st', match[2], languages);
  };
  const save = useConfigSave({ form: FORM, place, onSaved: onClose });
  const { shown, touched, edit } = save;

  const check = () => {
    const taken = original ? null : entities.stages.map((s) => s.id);
    const { problems: found, add } = collector(namedProblems('st', id, taken, labels, languages));
    const days = limitKind ? wholeNumber(limit, { min: 1, max: 365, required: true }) : { value: null, problem: null };
    add('st-limit', days.problem);
    const emergency = wholeNumber(hours, { min: 1, max: 8760 });
    add('st-emergency_hours', emergency.problem);
    save.check(found, () => {
      const stageLimit: StageLimit = compact({
        ...(limitKind ? { [limitKind]: days.value } : {}),
        emergency_hours: emergency.value,
      });
      const value: StageEntity = compact({ id, label: cleanLabels(labels), ...flags, limit: stageLimit });
      const changes: ConfigChange[] = [{ op: 'put', entity: { kind: 'stage', id }, value, ...(original ? {} : { after: after || null }) }];
      for (const [caseTypeId, afterStage] of Object.entries(joins)) {
        const caseType = entities.case_types.find((c) => c.case_type.id === caseTypeId)?.case_type;
        if (!caseType) continue;
        const at = afterStage ? caseType.stages.indexOf(afterStage) + 1 : 0;
        const stages = [...caseType.stages.slice(0, at), id, ...caseType.stages.slice(at)];
        changes.push({ op: 'put', entity: { kind: 'case_type', id: caseTypeId }, value: { ...caseType, stages } });
      }
      return changes;
    });
  };

  const title = original ? t('config.editStageTitle', { stage: named(original.label, original.id) }) : t('config.addStageTitle');

  return (
    <Dialog id="stage-dialog" title={title} onClose={onClose} wide>
      <EditorForm id={FORM} checker={save.checker} sticky onCheck={check} onCancel={onClose}>
        <IdAndLabels
          prefix="st"
          id={id}
          onId={edit(setId)}
          existing={Boolean(original)}
          labels={labels}
          onLabels={edit(setLabels)}
          legend={t('config.stage.label')}
          languages={languages}
          problems={shown}
        />
        <div class="config-checks">
          {(['terminal', 'follow_up', 'review'] as const).map((flag) => (
            <CheckField
              key={flag}
              id={`st-${flag}`}
              label={t(`config.stage.${flag}`)}
              hint={t(`config.stage.${flag}Hint`)}
              checked={flags[flag]}
              error={shown[`st-${flag}`]}
              onChange={(on) => {
                setFlags({ ...flags, [flag]: on });
                touched();
              }}
            />
          ))}
        </div>
        <div class="config-row">
          <SelectField
            id="st-limit-kind"
            label={t('config.stage.limit')}
            value={limitKind}
            onChange={(value) => {
              setLimitKind(value as LimitKind);
              touched();
            }}
          >
            <option value="">{t('config.stage.noLimit')}</option>
            <option value="working_days">{t('config.stage.workingDays')}</option>
            <option value="days">{t('config.stage.calendarDays')}</option>
          </SelectField>
          {limitKind && (
            <CodeInput
              id="st-limit"
              label={limitKind === 'days' ? t('config.stage.calendarDays') : t('config.stage.workingDays')}
              value={limit}
              numeric
              required
              onInput={edit(setLimit)}
              error={shown['st-limit']}
            />
          )}
          <CodeInput
            id="st-emergency_hours"
            label={t('config.stage.emergencyHours')}
            hint={t('config.stage.emergencyHint')}
            value={hours}
            numeric
            onInput={edit(setHours)}
            error={shown['st-emergency_hours']}
          />
        </div>
        {!original && (
          <>
            <SelectField
              id="st-after"
              label={t('config.placeAfter')}
              value={after}
              onChange={edit(setAfter)}
            >
              <option value="">{t('config.placeFirst')}</option>
              {entities.stages.map((s) => (
                <option key={s.id} value={s.id}>
                  {named(s.label, s.id)}
                </option>
              ))}
            </SelectField>
            <fieldset class="field">
              <legend>{t('config.stage.caseTypes')}</legend>
              <p class="hint">{t('config.stage.caseTypesHint')}</p>
              {entities.case_types.map(({ case_type: ct }) => {
                const joined = ct.id in joins;
                return (
                  <div class="config-row align-end" key={ct.id}>
                    <CheckField
                      id={`st-ct-${ct.id}`}
                      label={named(ct.name, ct.id)}
                      checked={joined}
                      onChange={(on) => {
                        const next = { ...joins };
                        if (on) next[ct.id] = ct.stages.includes(after) ? after : ct.stages[ct.stages.length - 1] ?? '';
                        else delete next[ct.id];
                        setJoins(next);
                        touched();
                      }}
                    />
                    {joined && (
                      <SelectField
                        id={`st-ct-${ct.id}-after`}
                        label={t('config.stage.afterIn', { caseType: named(ct.name, ct.id) })}
                        value={joins[ct.id] ?? ''}
                        onChange={(value) => {
                          setJoins({ ...joins, [ct.id]: value });
                          touched();
                        }}
                      >
                        <option value="">{t('config.placeFirst')}</option>
                        {ct.stages.map((s) => (
                          <option key={s} value={s}>
                            {named(entities.stages.find((x) => x.id === s)?.label, s)}
                          </option>
                        ))}
                      </SelectField>
                    )}
                  </div>
                );
              })}
            </fieldset>
          </>
        )}
      </EditorForm>
    </Dialog>
  );
}
