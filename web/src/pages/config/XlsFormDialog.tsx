// Import an XLSForm workbook (.xlsx, as ODK and KoboToolbox forms are written) as a case type's
// form: its groups become sections, its questions fields, its choices option lists; the sections
// of an existing case type are replaced, or a new case type is made (id and code). The
// classification of questions whose row gives none is always chosen. "Check" shows what the
// import would change, every problem (a workbook's by sheet, row and column), what would be left
// out and the texts filled in from another language; "Import" makes the version, leaving out
// what does not map only once the person has said so.

import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { api, type ConfigVersion } from '../../api';
import { Dialog, HintAndError, Required, SelectField } from '../../dialog';
import { formatNumber, t } from '../../i18n';
import { navigate } from '../../router';
import { useEditing } from './context';
import { CaseTypeCodeInput, CheckField, ClassificationSelect, IdInput } from './inputs';
import { codeProblem, collector, idProblem, named, type Problems } from './model';
import { ChangeLines, EditorForm, type Action } from './Review';
import { useConfigSave } from './useConfigSave';

const FORM = 'xlsform-editor';
/** The case type choice that makes a new one (not an id: ids have no `+`). */
const NEW = '+new';
/** What the file input offers to choose: .xlsx workbooks. */
const XLSX = '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Where the server's errors about the import itself (not the workbook's rows) belong. */
const INPUT_OF: Record<string, string> = {
  workbook: 'xf-file',
  code: 'xf-code',
  case_type: 'xf-case-type',
  classification: 'xf-classification',
};

export function XlsFormDialog({ onClose }: { onClose: () => void }) {
  const { entities } = useEditing();
  const [file, setFile] = useState<File | null>(null);
  const [target, setTarget] = useState(NEW);
  const [id, setId] = useState('');
  const [code, setCode] = useState('');
  const [classification, setClassification] = useState('');
  /** What the last check left out and filled in. */
  const [found, setFound] = useState<{ skipped: string[]; notices: string[] } | null>(null);
  const [accepted, setAccepted] = useState(false);
  const [acceptError, setAcceptError] = useState('');
  const acceptedNow = useRef(false);
  const isNew = target === NEW;
  const caseTypeId = isNew ? id : target;
  const save = useConfigSave({
    form: FORM,
    onSaved: () => {
      onClose();
      navigate({ name: 'configuration', part: 'case-types', params: new URLSearchParams({ case_type: caseTypeId }) }, true);
    },
    // What was found and accepted was about the inputs as they were.
    onTouched: () => {
      setFound(null);
      setAccepted(false);
      setAcceptError('');
      acceptedNow.current = false;
    },
  });
  const { checker, touched, edit } = save;

  /** The import of `workbook` where the inputs say: checked, then made. */
  const importing = (workbook: Blob): Action => {
    const where = { case_type: caseTypeId, classification, ...(isNew ? { code } : {}) };
    return {
      dryRun: async (basedOn) => {
        const answer = await api.importXlsForm(workbook, { ...where, based_on: basedOn, dry_run: true });
        setFound({ skipped: answer.skipped, notices: answer.notices });
        return answer;
      },
      apply: async (basedOn): Promise<ConfigVersion> => {
        const answer = await api.importXlsForm(workbook, { ...where, based_on: basedOn, accept_left_out: acceptedNow.current });
        if (!answer.version) throw new Error(t('error.generic', { status: 201 }));
        return answer.version;
      },
    };
  };

  const check = () => {
    const { problems: local, add } = collector();
    if (!file) add('xf-file', t('config.xf.fileRequired'));
    else if (!/\.xlsx$/i.test(file.name)) add('xf-file', t('config.xf.fileType'));
    if (isNew) {
      add('xf-id', idProblem(id, entities.case_types.map((c) => c.case_type.id)));
      add('xf-code', codeProblem(code));
    }
    if (!classification) add('xf-classification', t('config.xf.classificationRequired'));
    setFound(null);
    save.check(local, () => (file ? importing(file) : []));
  };

  const leftOut = found?.skipped ?? [];
  const saveImport = () => {
    if (leftOut.length > 0 && !accepted) {
      setAcceptError(t('config.xf.acceptRequired'));
      requestAnimationFrame(() => document.getElementById('xf-accept')?.focus());
      return;
    }
    void checker.save();
  };

  // The server's errors about the import's own inputs, at those inputs.
  const placed: Problems = {};
  for (const error of checker.report?.errors ?? []) {
    const input = INPUT_OF[error.field];
    if (input && !placed[input]) placed[input] = error.message;
  }
  const shown = { ...placed, ...save.shown };
  const fileError = shown['xf-file'];
  const existing = entities.case_types.find((c) => c.case_type.id === target)?.case_type;

  return (
    <Dialog id="xlsform-dialog" title={t('config.xf.title')} onClose={onClose} wide>
      <EditorForm
        id={FORM}
        checker={checker}
        sticky
        onCheck={check}
        onCancel={onClose}
        saveLabel={(n) => t('config.xf.import', { n })}
        onSave={saveImport}
        found={
          checker.report && found ? (
            <LeftOut
              skipped={leftOut}
              notices={found.notices}
              accept={
                checker.report.valid && leftOut.length > 0 ? (
                  <CheckField
                    id="xf-accept"
                    label={t('config.xf.accept')}
                    checked={accepted}
                    error={acceptError || undefined}
                    onChange={(on) => {
                      setAccepted(on);
                      acceptedNow.current = on;
                      setAcceptError('');
                    }}
                  />
                ) : null
              }
            />
          ) : null
        }
      >
        <p class="muted">{t('config.xf.intro')}</p>
        <div class={`field${fileError ? ' invalid' : ''}`}>
          <label for="xf-file">
            {t('config.xf.file')}
            <Required />
          </label>
          <HintAndError id="xf-file" error={fileError} />
          <input
            type="file"
            id="xf-file"
            required
            accept={XLSX}
            aria-invalid={fileError ? 'true' : undefined}
            aria-describedby={fileError ? 'xf-file--error' : undefined}
            onChange={(e) => {
              setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null);
              touched();
            }}
          />
        </div>
        <SelectField
          id="xf-case-type"
          label={t('config.xf.caseType')}
          hint={existing ? t('config.xf.replaces', { caseType: named(existing.name, existing.id) }) : t('config.xf.newHint')}
          value={target}
          required
          error={shown['xf-case-type']}
          onChange={edit(setTarget)}
        >
          <option value={NEW}>{t('config.xf.newCaseType')}</option>
          {entities.case_types.map(({ case_type: ct }) => (
            <option key={ct.id} value={ct.id}>
              {named(ct.name, ct.id)}
            </option>
          ))}
        </SelectField>
        {isNew && (
          <div class="config-row">
            <IdInput
              id="xf-id"
              value={id}
              existing={false}
              onInput={edit(setId)}
              error={shown['xf-id']}
            />
            <CaseTypeCodeInput id="xf-code" value={code} onInput={edit(setCode)} error={shown['xf-code']} />
          </div>
        )}
        <ClassificationSelect
          id="xf-classification"
          label={t('config.xf.classification')}
          hint={t('config.xf.classificationHint')}
          value={classification}
          error={shown['xf-classification']}
          onChange={edit(setClassification)}
        />
      </EditorForm>
    </Dialog>
  );
}

/** What the check found beside the changes: what would be left out (and the choice to import
 * without it), and the texts filled in from another language. */
function LeftOut({ skipped, notices, accept }: { skipped: string[]; notices: string[]; accept: ComponentChildren }) {
  if (skipped.length === 0 && notices.length === 0) return null;
  return (
    <div class="xlsform-found">
      {skipped.length > 0 && (
        <div class="notice warning" id={`${FORM}-left-out`}>
          <h3>{t('config.xf.leftOut', { n: formatNumber(skipped.length) })}</h3>
          <p>{t('config.xf.leftOutHint')}</p>
          <ChangeLines lines={skipped} id={`${FORM}-skipped`} />
        </div>
      )}
      {notices.length > 0 && (
        <div class="notice info" id={`${FORM}-notices`}>
          <h3>{t('config.xf.notices')}</h3>
          <ChangeLines lines={notices} />
        </div>
      )}
      {accept}
    </div>
  );
}
