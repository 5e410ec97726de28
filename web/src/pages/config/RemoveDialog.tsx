// Removing something from the configuration: the same check first (the server refuses what
// existing cases or other parts of the configuration still need, and says why), then the save.

import type { ConfigChange } from '../../api';
import { Dialog } from '../../dialog';
import { changesAction, EditorForm, useChecker } from './Review';

const FORM = 'remove-editor';

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
      <EditorForm id={FORM} checker={checker} sticky onCheck={() => void checker.check(changesAction(changes))} onCancel={onClose}>
        <div class="notice warning">
          <p>{warning}</p>
        </div>
      </EditorForm>
    </Dialog>
  );
}
