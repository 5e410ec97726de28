// Add a section to a case type's form (with its first field: a section is never empty), or edit
// one's labels and stage (its fields stay as they are). Removing a section is offered; the server
// refuses it while cases may hold its fields.

import { useState } from 'preact/hooks';
import type { CaseTypeEntities, ConfigChange, Labels } from '../../api';
import { Dialog, SelectField } from '../../dialog';
import { t } from '../../i18n';
import { conditionFields } from './CaseTypes';
import { useEditing } from './context';
import { emptyField, fieldProblems, toEntity, type FieldDraft } from './fieldDraft';
import { FieldForm } from './FieldForm';
import { IdAndLabels } from './inputs';
import { compact, cleanLabels, fieldInput, keyInput, named, namedProblems } from './model';
import { RemoveForm } from './RemoveDialog';
import { EditorForm } from './Review';
import { useConfigSave } from './useConfigSave';

const FORM = 'section-editor';

export function SectionDialog({
  caseType,
  sectionId,
  onClose,
}: {
  caseType: CaseTypeEntities;
  sectionId: string | null;
  onClose: () => void;
}) {
  const { entities, languages } = useEditing();
  const original = caseType.sections.find((s) => s.id === sectionId) ?? null;
  const [id, setId] = useState(original?.id ?? '');
  const [labels, setLabels] = useState<Labels>({ ...(original?.label ?? {}) });
  const [stage, setStage] = useState(original?.stage ?? '');
  const [after, setAfter] = useState(() => caseType.sections[caseType.sections.length - 1]?.id ?? '');
  const [first, setFirst] = useState<FieldDraft>(emptyField);
  const [removing, setRemoving] = useState(false);
  const sectionIndex = original
    ? caseType.sections.indexOf(original)
    : after
      ? caseType.sections.findIndex((s) => s.id === after) + 1
      : 0;
  const place = (path: string, message: string) => {
    // A duplicate id is reported where the second one is, which may be elsewhere in the form.
    if (!original && /field\[\d+\]\.id$/.test(path) && first.id && message.includes(`"${first.id}"`)) return 'fe-id';
    const match = /^section\[(\d+)\]\.(.+)$/.exec(path);
    if (!match?.[2] || Number(match[1]) !== sectionIndex) return null;
    const field = /^field\[0\]\.(.+)$/.exec(match[2]);
    if (field?.[1]) return original ? null : fieldInput('fe', field[1], languages);
    return keyInput('se', match[2], languages);
  };
  const save = useConfigSave({ form: FORM, place, onSaved: onClose });
  const { checker, shown, edit } = save;
  const entity = { kind: 'section' as const, case_type: caseType.case_type.id, id };

  const check = () => {
    const found = {
      ...namedProblems('se', id, original ? null : caseType.sections.map((s) => s.id), labels, languages),
      ...(original ? {} : fieldProblems(first, { prefix: 'fe', languages, taken: [] })),
    };
    save.check(found, () => {
      const value = compact({ id, label: cleanLabels(labels), stage: stage || null });
      const changes: ConfigChange[] = [{ op: 'put', entity, value, ...(original ? {} : { after: after || null }) }];
      if (!original) {
        changes.push({
          op: 'put',
          entity: { kind: 'field', case_type: caseType.case_type.id, section: id, id: first.id },
          value: toEntity(first),
        });
      }
      return changes;
    });
  };

  const title = original ? t('config.editSectionTitle', { section: named(original.label, original.id) }) : t('config.addSectionTitle');

  return (
    <Dialog id="section-dialog" title={title} onClose={onClose} wide>
      {removing ? (
        <RemoveForm
          id={FORM}
          checker={checker}
          changes={[{ op: 'remove', entity }]}
          warning={t('config.removeSectionWarning', { section: named(original?.label, id) })}
          onCancel={() => {
            setRemoving(false);
            checker.reset();
          }}
        />
      ) : (
        <EditorForm
          id={FORM}
          checker={checker}
          sticky
          onCheck={check}
          onCancel={onClose}
          extra={
            original ? (
              <button type="button" class="button link danger" id="section-remove" onClick={() => setRemoving(true)}>
                {t('config.removeSection')}
              </button>
            ) : null
          }
        >
          <IdAndLabels
            prefix="se"
            id={id}
            onId={edit(setId)}
            existing={Boolean(original)}
            labels={labels}
            onLabels={edit(setLabels)}
            legend={t('config.section.label')}
            languages={languages}
            problems={shown}
          />
          <SelectField
            id="se-stage"
            label={t('config.section.stage')}
            hint={t('config.section.stageHint')}
            value={stage}
            error={shown['se-stage']}
            onChange={edit(setStage)}
          >
            <option value="">{t('config.everyStage')}</option>
            {caseType.case_type.stages.map((s) => (
              <option key={s} value={s}>
                {named(entities.stages.find((x) => x.id === s)?.label, s)}
              </option>
            ))}
          </SelectField>
          {!original && (
            <>
              <SelectField
                id="se-after"
                label={t('config.placeAfter')}
                value={after}
                onChange={edit(setAfter)}
              >
                <option value="">{t('config.placeFirst')}</option>
                {caseType.sections.map((s) => (
                  <option key={s.id} value={s.id}>
                    {named(s.label, s.id)}
                  </option>
                ))}
              </SelectField>
              <fieldset class="field first-field">
                <legend>{t('config.firstField')}</legend>
                <p class="hint">{t('config.firstFieldHint')}</p>
                <FieldForm
                  draft={first}
                  onChange={edit(setFirst)}
                  prefix="fe"
                  problems={shown}
                  languages={languages}
                  optionLists={entities.option_lists}
                  conditions={conditionFields(caseType)}
                />
              </fieldset>
            </>
          )}
        </EditorForm>
      )}
    </Dialog>
  );
}
