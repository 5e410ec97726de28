// Add a field to a section, or edit one (its id is set when it is made), with a preview of the
// section as a case worker will see it. Removing a field is offered; the server refuses it while
// cases may hold the field, and then the field can be retired instead.

import { useState } from 'preact/hooks';
import type { CaseTypeEntities, ConfigChange, FieldEntity } from '../../api';
import { Dialog, SelectField } from '../../dialog';
import { t } from '../../i18n';
import { conditionFields } from './CaseTypes';
import { useEditing } from './context';
import { emptyField, fieldProblems, fromEntity, toEntity, type FieldDraft } from './fieldDraft';
import { FieldForm } from './FieldForm';
import { fieldInput, named } from './model';
import { FormPreview } from './Preview';
import { RemoveForm } from './RemoveDialog';
import { EditorForm } from './Review';
import { useConfigSave } from './useConfigSave';

const FORM = 'field-editor';

export function FieldDialog({
  caseType,
  sectionId,
  fieldId,
  onClose,
}: {
  caseType: CaseTypeEntities;
  sectionId: string;
  fieldId: string | null;
  onClose: () => void;
}) {
  const { entities, config, languages } = useEditing();
  const sectionIndex = caseType.sections.findIndex((s) => s.id === sectionId);
  const section = caseType.sections[sectionIndex];
  const original = section?.field.find((f) => f.id === fieldId) ?? null;
  const [draft, setDraft] = useState<FieldDraft>(() => (original ? fromEntity(original) : emptyField()));
  const [after, setAfter] = useState(() => section?.field[section.field.length - 1]?.id ?? '');
  const [removing, setRemoving] = useState(false);
  const fields = section?.field ?? [];
  // Where the field is (or will be) in the section, as the server's error paths count.
  const fieldIndex = original ? fields.indexOf(original) : after ? fields.findIndex((f) => f.id === after) + 1 : 0;
  const place = (path: string, message: string) => {
    // A duplicate id is reported where the second one is, which may be another section's field.
    if (!original && /\.id$/.test(path) && draft.id && message.includes(`"${draft.id}"`)) return 'fe-id';
    const match = /^section\[(\d+)\]\.field\[(\d+)\]\.(.+)$/.exec(path);
    if (!match || Number(match[1]) !== sectionIndex || Number(match[2]) !== fieldIndex || !match[3]) return null;
    return fieldInput('fe', match[3], languages);
  };
  const save = useConfigSave({ form: FORM, place, onSaved: onClose });
  const { checker } = save;
  if (!section) return null;

  const entity = { kind: 'field' as const, case_type: caseType.case_type.id, section: section.id, id: draft.id };
  // Siblings' ids are checked here; an id used elsewhere in the case type, the server's check
  // finds (and says where).
  const taken = fields.map((f) => f.id).filter((id) => id !== original?.id);
  const update = (next: FieldDraft) => {
    setDraft(next);
    // Once problems are shown, they follow the typing: each goes as soon as it is put right.
    save.touched(() => fieldProblems(next, { prefix: 'fe', languages, taken }));
  };

  const check = () => {
    save.check(fieldProblems(draft, { prefix: 'fe', languages, taken }), () => {
      const change: ConfigChange = { op: 'put', entity, value: toEntity(draft), ...(original ? {} : { after: after || null }) };
      return [change];
    });
  };

  const retireInstead = () => {
    const next = { ...draft, retired: true };
    setRemoving(false);
    setDraft(next);
    save.check({}, () => [{ op: 'put', entity, value: toEntity(next) }]);
  };

  // The section as it would be: the field in its place, for the preview.
  // (A field not yet named is previewed under a stand-in id.)
  const shown: FieldEntity = original ? { ...toEntity(draft), id: original.id } : { ...toEntity(draft), id: draft.id || 'new_field' };
  const previewFields = original
    ? fields.map((f) => (f === original ? shown : f))
    : [...fields.slice(0, fieldIndex), shown, ...fields.slice(fieldIndex)];
  const refusedRemoval = removing && checker.report && !checker.report.valid;
  const title = original
    ? t('config.editFieldTitle', { field: named(original.label, original.id) })
    : t('config.addFieldTitle', { section: named(section.label, section.id) });

  return (
    <Dialog id="field-dialog" title={title} onClose={onClose} wide>
      {removing ? (
        <RemoveForm
          id={FORM}
          checker={checker}
          changes={[{ op: 'remove', entity }]}
          warning={t('config.removeFieldWarning', { field: named(original?.label, draft.id) })}
          onCancel={() => {
            setRemoving(false);
            checker.reset();
          }}
          extra={
            refusedRemoval ? (
              <button type="button" class="button primary" id="field-retire-instead" onClick={retireInstead}>
                {t('config.retireInstead')}
              </button>
            ) : null
          }
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
              <button
                type="button"
                class="button link danger"
                id="field-remove"
                onClick={() => {
                  setRemoving(true);
                  checker.reset();
                }}
              >
                {t('config.removeField')}
              </button>
            ) : null
          }
        >
          <p class="muted">{t('config.fieldIn', { section: named(section.label, section.id), caseType: named(caseType.case_type.name, caseType.case_type.id) })}</p>
          <FieldForm
            draft={draft}
            onChange={update}
            prefix="fe"
            problems={save.shown}
            languages={languages}
            optionLists={entities.option_lists}
            conditions={conditionFields(caseType)}
          />
          {!original && (
            <SelectField id="fe-after" label={t('config.placeAfter')} value={after} onChange={(value) => {
              setAfter(value);
              checker.reset();
            }}>
              <option value="">{t('config.placeFirst')}</option>
              {fields.map((f) => (
                <option key={f.id} value={f.id}>
                  {named(f.label, f.id)}
                </option>
              ))}
            </SelectField>
          )}
          <details class="preview-details" id="field-preview">
            <summary>{t('config.previewSection')}</summary>
            <FormPreview
              config={config}
              optionLists={entities.option_lists}
              section={{ ...section, field: previewFields }}
              otherFields={caseType.sections.filter((s) => s !== section).flatMap((s) => s.field)}
            />
          </details>
        </EditorForm>
      )}
    </Dialog>
  );
}
