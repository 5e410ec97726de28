// A closure reason: its id (set when it is made) and its label in each language.

import { useState } from 'preact/hooks';
import type { ClosureReasonEntity, Labels } from '../../api';
import { Dialog } from '../../dialog';
import { t } from '../../i18n';
import { useEditing } from './context';
import { IdInput, LabelsInput } from './inputs';
import { cleanLabels, collector, idProblem, keyInput, labelProblems, named, type Problems } from './model';
import { changesAction, EditorForm, useChecker } from './Review';

const FORM = 'closure-reason-editor';

export function ClosureReasonDialog({ reasonId, onClose }: { reasonId: string | null; onClose: () => void }) {
  const { entities, languages } = useEditing();
  const reasons = entities.closure_reasons;
  const original = reasons.find((r) => r.id === reasonId) ?? null;
  const [id, setId] = useState(original?.id ?? '');
  const [labels, setLabels] = useState<Labels>({ ...(original?.label ?? {}) });
  const [problems, setProblems] = useState<Problems>({});
  const index = original ? reasons.indexOf(original) : reasons.length;
  const place = (path: string) => {
    const match = /^closure_reason\[(\d+)\]\.(.+)$/.exec(path);
    return match?.[2] && Number(match[1]) === index ? keyInput('cr', match[2], languages) : null;
  };
  const checker = useChecker({ place, container: FORM, onSaved: onClose });
  const touched = () => {
    checker.reset();
    if (Object.keys(problems).length) setProblems({});
  };

  const check = () => {
    const { problems: found, add } = collector();
    if (!original) add('cr-id', idProblem(id, reasons.map((r) => r.id)));
    Object.assign(found, labelProblems(labels, languages, 'cr-label'));
    setProblems(found);
    if (Object.keys(found).length) {
      checker.reset();
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`#${FORM} [aria-invalid="true"]`)?.focus());
      return;
    }
    const value: ClosureReasonEntity = { id, label: cleanLabels(labels) };
    void checker.check(changesAction([{ op: 'put', entity: { kind: 'closure_reason', id }, value }]));
  };

  const shown = { ...checker.placed, ...problems };
  return (
    <Dialog
      id="closure-reason-dialog"
      title={original ? t('config.cr.editTitle', { reason: named(original.label, original.id) }) : t('config.cr.addTitle')}
      onClose={onClose}
    >
      <EditorForm id={FORM} checker={checker} sticky onCheck={check} onCancel={onClose}>
        <IdInput
          id="cr-id"
          value={id}
          existing={Boolean(original)}
          onInput={(value) => {
            setId(value);
            touched();
          }}
          error={shown['cr-id']}
        />
        <LabelsInput
          id="cr-label"
          legend={t('config.cr.label')}
          value={labels}
          onChange={(value) => {
            setLabels(value);
            touched();
          }}
          languages={languages}
          problems={shown}
        />
      </EditorForm>
    </Dialog>
  );
}
