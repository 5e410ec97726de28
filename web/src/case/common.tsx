// Pieces shared by the case page's access, consent and reassignment dialogs.

import { useEffect, useState } from 'preact/hooks';
import { api, type DirectoryEntry } from '../api';
import { Dialog, DialogForm, focusFirstInvalid, placeErrors, TextField, type FieldErrors } from '../dialog';
import { t } from '../i18n';

/** The people who can hold cases (`GET /api/v1/directory`), loaded when a dialog opens (or,
 * with `enabled`, once it becomes true). */
export function useDirectory(enabled = true): { users: DirectoryEntry[] | null; error: unknown; retry: () => void } {
  const [users, setUsers] = useState<DirectoryEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setError(null);
    api
      .directory()
      .then((list) => live && setUsers([...list].sort((a, b) => a.display_name.localeCompare(b.display_name))))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [attempt, enabled]);
  return { users, error, retry: () => setAttempt((n) => n + 1) };
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
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const reasonId = `${id}-reason`;
  const submit = async () => {
    if (!reason.trim()) {
      setErrors({ [reasonId]: t('dialog.reasonRequired') });
      focusFirstInvalid(id);
      return;
    }
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      await run(reason.trim());
    } catch (caught) {
      const placed = placeErrors(caught, { reason: reasonId });
      if (placed) {
        setErrors(placed);
        focusFirstInvalid(id);
      } else setFailure(caught);
      setBusy(false);
    }
  };
  return (
    <Dialog id={id} title={title} onClose={onClose}>
      <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={submitLabel} danger>
        <p>{explanation}</p>
        <TextField
          id={reasonId}
          label={t('dialog.reason')}
          hint={t('dialog.reasonHint')}
          multiline
          required
          value={reason}
          onInput={setReason}
          error={errors[reasonId]}
        />
      </DialogForm>
    </Dialog>
  );
}
