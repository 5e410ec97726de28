// A closure reason: its id (set when it is made) and its label in each language.

import { useState } from 'preact/hooks';
import type { ClosureReasonEntity, Labels } from '../../api';
import { Dialog } from '../../dialog';
import { t } from '../../i18n';
import { useEditing } from './context';
import { IdAndLabels } from './inputs';
import { cleanLabels, entityInput, named, namedProblems } from './model';
import { EditorForm } from './Review';
import { useConfigSave } from './useConfigSave';

const FORM = 'closure-reason-editor';

export function ClosureReasonDialog({ reasonId, onClose }: { reasonId: string | null; onClose: () => void }) {
  const { entities, languages } = useEditing();
  const reasons = entities.closure_reasons;
  const original = reasons.find((r) => r.id === reasonId) ?? null;
  const [id, setId] = useState(original?.id ?? '');
  const [labels, setLabels] = useState<Labels>({ ...(original?.label ?? {}) });
  const index = original ? reasons.indexOf(original) : reasons.length;
  const save = useConfigSave({ form: FORM, place: entityInput('closure_reason', index, 'cr', languages), onSaved: onClose });

  const check = () => {
    const taken = original ? null : reasons.map((r) => r.id);
    save.check(namedProblems('cr', id, taken, labels, languages), () => {
      const value: ClosureReasonEntity = { id, label: cleanLabels(labels) };
      return [{ op: 'put', entity: { kind: 'closure_reason', id }, value }];
    });
  };

  return (
    <Dialog
      id="closure-reason-dialog"
      title={original ? t('config.cr.editTitle', { reason: named(original.label, original.id) }) : t('config.cr.addTitle')}
      onClose={onClose}
    >
      <EditorForm id={FORM} checker={save.checker} sticky onCheck={check} onCancel={onClose}>
        <IdAndLabels
          prefix="cr"
          id={id}
          onId={save.edit(setId)}
          existing={Boolean(original)}
          labels={labels}
          onLabels={save.edit(setLabels)}
          legend={t('config.cr.label')}
          languages={languages}
          problems={save.shown}
        />
      </EditorForm>
    </Dialog>
  );
}
