// Pieces shared by the case page's access, consent and reassignment dialogs.

import { useState } from 'preact/hooks';
import { api, type DirectoryEntry } from '../api';
import { Dialog, DialogForm, focusFirstInvalid, placeErrors, TextField, type FieldErrors } from '../dialog';
import { t } from '../i18n';
import { useLoad } from '../load';

/** The people who can hold cases (`GET /api/v1/directory`), loaded when a dialog opens (or,
 * with `enabled`, once it becomes true). */
export function useDirectory(enabled = true): { users: DirectoryEntry[] | null; error: unknown; retry: () => void } {
  const directory = useLoad(
    () => api.directory().then((list) => [...list].sort((a, b) => a.display_name.localeCompare(b.display_name))),
    [],
    { enabled },
  );
  return { users: directory.data, error: directory.error, retry: directory.reload };
}

/** The one text a `TextDialog` asks for: its control, the request member it is sent as (where
 * the server's problems with it are placed), its label and hint, and what to say when empty. */
export interface DialogText {
  id: string;
  member: string;
  label: string;
  hint: string;
  required: string;
}

/** Ask for one text, then do something with it (return a care plan with a comment). */
export function TextDialog({
  id,
  title,
  explanation,
  text,
  submitLabel,
  danger,
  onClose,
  run,
}: {
  id: string;
  title: string;
  explanation: string;
  text: DialogText;
  submitLabel: string;
  danger?: boolean;
  onClose: () => void;
  /** Performs the action; resolves when done, rejects with the server's problem. */
  run: (text: string) => Promise<void>;
}) {
  const [value, setValue] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!value.trim()) {
      setErrors({ [text.id]: text.required });
      focusFirstInvalid(id);
      return;
    }
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      await run(value.trim());
    } catch (caught) {
      const placed = placeErrors(caught, { [text.member]: text.id });
      if (placed) {
        setErrors(placed);
        focusFirstInvalid(id);
      } else setFailure(caught);
      setBusy(false);
    }
  };
  return (
    <Dialog id={id} title={title} onClose={onClose}>
      <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={submitLabel} danger={danger}>
        <p>{explanation}</p>
        <TextField
          id={text.id}
          label={text.label}
          hint={text.hint}
          multiline
          required
          value={value}
          onInput={setValue}
          error={errors[text.id]}
        />
      </DialogForm>
    </Dialog>
  );
}

/** Ask for a reason, then do something that takes one (revoke, withdraw). */
export function ReasonDialog({
  id,
  title,
  explanation,
  submitLabel,
  onClose,
  run,
}: {
  id: string;
  title: string;
  explanation: string;
  submitLabel: string;
  onClose: () => void;
  /** Performs the action; resolves when done, rejects with the server's problem. */
  run: (reason: string) => Promise<void>;
}) {
  const text = {
    id: `${id}-reason`,
    member: 'reason',
    label: t('dialog.reason'),
    hint: t('dialog.reasonHint'),
    required: t('dialog.reasonRequired'),
  };
  return <TextDialog id={id} title={title} explanation={explanation} text={text} submitLabel={submitLabel} danger onClose={onClose} run={run} />;
}
