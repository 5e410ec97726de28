// The save flow every configuration editor shares, around `useChecker` (Review.tsx): what the
// editor's own checks find is shown at its inputs, with the keyboard on the first, and nothing
// is sent; else the change is checked by the server, then saved. Whatever is typed afterwards
// makes what was checked, and what was found, no longer hold.

import { useState } from 'preact/hooks';
import type { ConfigChange, ConfigVersion } from '../../api';
import type { Problems } from './model';
import { changesAction, useChecker, type Action, type Checker } from './Review';

export interface ConfigSave {
  checker: Checker;
  /** What to show at the inputs, by input id: the editor's own problems, else the server's. */
  shown: Problems;
  /** Something was typed: what was checked no longer holds, and the problems shown go (or,
   * with `again`, are found again on what was typed, so that each goes once it is put right). */
  touched: (again?: () => Problems) => void;
  /** An input's handler that sets its value and marks the editor touched. */
  edit: <T>(set: (value: T) => void) => (value: T) => void;
  /** Show the problems the editor's checks `found`; when there are none, have the server check
   * what `change` makes (changes, or another action). */
  check: (found: Problems, change: () => ConfigChange[] | Action) => void;
}

/** Put the keyboard on the first input of `form` marked invalid, once it is drawn. */
export function focusFirstProblem(form: string): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`#${form} [aria-invalid="true"]`)?.focus());
}

/** The save flow of the editor whose form has the id `form`; `place` and `onSaved` as for
 * `useChecker`; `onTouched`, what else no longer holds once something is typed. */
export function useConfigSave({
  form,
  place,
  onSaved,
  onTouched,
}: {
  form: string;
  place?: (path: string, message: string) => string | null;
  onSaved?: (version: ConfigVersion) => void;
  onTouched?: () => void;
}): ConfigSave {
  const checker = useChecker({ place, container: form, onSaved });
  const [problems, setProblems] = useState<Problems>({});

  const touched = (again?: () => Problems) => {
    checker.reset();
    onTouched?.();
    if (Object.keys(problems).length) setProblems(again ? again() : {});
  };

  const check = (found: Problems, change: () => ConfigChange[] | Action) => {
    setProblems(found);
    if (Object.keys(found).length) {
      checker.reset();
      focusFirstProblem(form);
      return;
    }
    const action = change();
    void checker.check(Array.isArray(action) ? changesAction(action) : action);
  };

  return {
    checker,
    shown: { ...checker.placed, ...problems },
    touched,
    edit: (set) => (value) => {
      set(value);
      touched();
    },
    check,
  };
}
