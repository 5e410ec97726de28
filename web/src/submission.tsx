// A form on a page (not in a dialog) that sends what was typed: the problems found before sending,
// and those the server names, at their controls with the keyboard on the first; any other
// failure said above the form; the submit button busy while it is sent.

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ErrorNotice } from './components';
import { focusFirstInvalid } from './dialog';

export interface Submission<E> {
  /** Problems by the id of the control they are about. */
  errors: Record<string, E>;
  /** A failure not about one control. */
  failure: unknown;
  busy: boolean;
  /** Whether to send now: not while sending, nor with `local` problems (shown instead). */
  ready: (local: Record<string, E>) => boolean;
  /** Sends, busy meanwhile; a refusal `place` puts at controls goes there, else on top. */
  send: (run: () => Promise<void>) => Promise<void>;
  /** A changed control's problems go; the others stay until the next attempt. */
  clear: (id: string) => void;
}

/** The submission of the form with id `formId`; `place` gives the problems of a refusal by
 * control, or null when it names none of them. */
export function useSubmission<E = string>(formId: string, place: (caught: unknown) => Record<string, E> | null): Submission<E> {
  const [errors, setErrors] = useState<Record<string, E>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return {
    errors,
    failure,
    busy,
    ready: (local) => {
      if (busy) return false;
      setErrors(local);
      setFailure(null);
      if (Object.keys(local).length) {
        focusFirstInvalid(formId);
        return false;
      }
      return true;
    },
    send: async (run) => {
      setBusy(true);
      try {
        await run();
      } catch (caught) {
        const placed = place(caught);
        if (placed) {
          setErrors(placed);
          focusFirstInvalid(formId);
        } else {
          setFailure(caught);
        }
      } finally {
        setBusy(false);
      }
    },
    clear: (id) => setErrors(({ [id]: _, ...rest }) => rest),
  };
}

/** The form: its title (labelling it), the failure, the controls, then the submit button. */
export function SubmissionForm<E>({
  id,
  class: className,
  heading = 'h3',
  title,
  submission,
  errorId,
  submitId,
  submitLabel,
  busyLabel,
  onSubmit,
  children,
}: {
  id: string;
  class: string;
  heading?: 'h3' | 'h4';
  title: string;
  submission: Submission<E>;
  errorId: string;
  submitId: string;
  submitLabel: string;
  busyLabel: string;
  onSubmit: () => Promise<void>;
  children: ComponentChildren;
}) {
  const Heading = heading;
  const { failure, busy } = submission;
  return (
    <form
      id={id}
      class={className}
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      <Heading id={`${id}-title`}>{title}</Heading>
      {failure ? <ErrorNotice id={errorId} error={failure} action /> : null}
      {children}
      <p class="button-row">
        <button type="submit" class="button primary" id={submitId} aria-disabled={busy} aria-busy={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
      </p>
    </form>
  );
}
