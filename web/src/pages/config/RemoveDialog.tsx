// Removing something from the configuration: the same check first (the server refuses what
// existing cases or other parts of the configuration still need, and says why), then the save.

import type { ComponentChildren } from 'preact';
import type { ConfigChange } from '../../api';
import { Dialog } from '../../dialog';
import { changesAction, EditorForm, useChecker, type Checker } from './Review';

const FORM = 'remove-editor';

/** The form of a removal: its warning, then the check and the save of `changes` (plus any
 * `extra` button, such as one offering something else in place of the removal). */
export function RemoveForm({
  id,
  checker,
  changes,
  warning,
  onCancel,
  extra,
}: {
  id: string;
  checker: Checker;
  changes: ConfigChange[];
  warning: string;
  onCancel: () => void;
  extra?: ComponentChildren;
}) {
  return (
    <EditorForm id={id} checker={checker} sticky onCheck={() => void checker.check(changesAction(changes))} onCancel={onCancel} extra={extra}>
      <div class="notice warning">
        <p>{warning}</p>
      </div>
    </EditorForm>
  );
}

export function RemoveDialog({
  title,
  warning,
  changes,
  onClose,
}: {
  title: string;
  warning: string;
  changes: ConfigChange[];
  onClose: () => void;
}) {
  const checker = useChecker({ container: FORM, onSaved: onClose });
  return (
    <Dialog id="remove-dialog" title={title} onClose={onClose}>
      <RemoveForm id={FORM} checker={checker} changes={changes} warning={warning} onCancel={onClose} />
    </Dialog>
  );
}
