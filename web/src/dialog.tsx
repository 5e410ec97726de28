// Modal dialogs and the small labelled controls their forms use.
//
// A dialog is the native <dialog> opened with showModal(): the browser keeps focus inside it,
// makes the page behind it inert, and closes it on Escape. Focus goes to its first control on
// opening and back to whatever opened it on closing.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError } from './api';
import { describeActionError } from './components';
import { t } from './i18n';
import { usesSecondFactor } from './me';
import { confirmation } from './mfa/codes';

/** Field errors of a dialog's form, keyed by the control's id. */
export type FieldErrors = Record<string, string>;

const CONTROLS = 'input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])';

function focusFirstControl(root: Element | null | undefined): void {
  root?.querySelector<HTMLElement>(CONTROLS)?.focus();
}

export function Dialog({
  id,
  title,
  onClose,
  children,
  wide,
}: {
  id: string;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    focusFirstControl(dialog);
    return () => {
      if (dialog?.open) dialog.close();
      // The opener may have been re-rendered away; then the page title is the next best place.
      if (opener && opener.isConnected) opener.focus();
      else document.querySelector<HTMLElement>('.page-title')?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      id={id}
      class={`dialog${wide ? ' wide' : ''}`}
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div class="dialog-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <button type="button" class="button link dialog-close" onClick={onClose}>
          <span aria-hidden="true">×</span>
          <span class="sr-only">{t('dialog.close')}</span>
        </button>
      </div>
      {children}
    </dialog>
  );
}

/** A dialog's form: the problem (if any) on top, the fields, then submit and cancel. */
export function DialogForm({
  onSubmit,
  onCancel,
  busy,
  error,
  submitLabel,
  busyLabel,
  danger,
  children,
}: {
  onSubmit: () => void;
  onCancel: () => void;
  busy: boolean;
  /** A failure that is not about one field (403 detail, network). */
  error: unknown;
  submitLabel: string;
  busyLabel?: string;
  danger?: boolean;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // A form that appears once its data has loaded, in a dialog already open.
    if (ref.current?.closest('dialog')?.open) focusFirstControl(ref.current);
  }, []);
  return (
    <form
      ref={ref}
      class="dialog-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) onSubmit();
      }}
    >
      {error ? (
        <div class="notice error" role="alert">
          <p>{describeActionError(error)}</p>
        </div>
      ) : null}
      {children}
      <div class="dialog-actions">
        <button type="submit" class={`button ${danger ? 'destructive' : 'primary'}`} aria-disabled={busy} aria-busy={busy}>
          {busy ? busyLabel ?? t('common.working') : submitLabel}
        </button>
        <button type="button" class="button secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function describedBy(id: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${id}--help` : '', error ? `${id}--error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function Required() {
  return (
    <>
      <span class="req" aria-hidden="true">
        {' *'}
      </span>
      <span class="sr-only"> ({t('common.required')})</span>
    </>
  );
}

export function HintAndError({ id, hint, error }: { id: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <p class="hint" id={`${id}--help`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}--error`}>
          <span class="sr-only">{t('form.errorPrefix')} </span>
          {error}
        </p>
      )}
    </>
  );
}

/** A control with its label (marked when the control is required), hint and error. */
function LabelledField({
  id,
  label,
  hint,
  error,
  required,
  children,
}: {
  id: string;
  label: string;
  hint: string | undefined;
  error: string | undefined;
  required: boolean | undefined;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {label}
        {required && <Required />}
      </label>
      <HintAndError id={id} hint={hint} error={error} />
      {children}
    </div>
  );
}

/** A labelled text input or text area. */
export function TextField({
  id,
  label,
  value,
  onInput,
  error,
  hint,
  required,
  type = 'text',
  multiline,
  autoComplete = 'off',
  dir = 'auto',
  narrow,
  min,
  max,
  rows = 3,
  maxLength,
}: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  type?: 'text' | 'password' | 'date';
  multiline?: boolean;
  autoComplete?: string;
  dir?: 'auto' | 'ltr';
  narrow?: boolean;
  min?: string;
  max?: string;
  /** A text area's lines. */
  rows?: number;
  maxLength?: number;
}) {
  const common = {
    id,
    value,
    required,
    class: narrow ? 'narrow' : undefined,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(id, Boolean(hint), Boolean(error)),
    onInput: (e: Event) => onInput((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <LabelledField id={id} label={label} hint={hint} error={error} required={required}>
      {multiline ? (
        <textarea {...common} rows={rows} dir={dir} maxLength={maxLength} />
      ) : (
        type === 'password' ? (
          <input {...common} type="password" spellcheck={false} autoComplete={autoComplete} />
        ) : type === 'date' ? (
          <input {...common} type="date" min={min} max={max} />
        ) : (
          <input {...common} type="text" dir={dir} autoComplete={autoComplete} />
        )
      )}
    </LabelledField>
  );
}

/** A labelled select; its options are the children. */
export function SelectField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  required,
  class: className,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <LabelledField id={id} label={label} hint={hint} error={error} required={required}>
      <select
        id={id}
        class={className}
        required={required}
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, Boolean(hint), Boolean(error))}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {children}
      </select>
    </LabelledField>
  );
}

/** The acting person's own password, re-asked for a sensitive action; for a person with a
 * second factor, a current code from the authenticator app does too (the label says so). */
export function ConfirmPasswordField({
  id,
  value,
  onInput,
  error,
}: {
  id: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
}) {
  const code = usesSecondFactor();
  return (
    <TextField
      id={id}
      label={code ? t('confirm.labelMfa') : t('confirm.label')}
      hint={code ? t('confirm.hintMfa') : t('confirm.hint')}
      type="password"
      autoComplete="current-password"
      required
      value={value}
      onInput={onInput}
      error={error}
    />
  );
}

/** What a sensitive action sends as `confirm_password`: the password as typed, or, for a
 * person with a second factor, a six-digit code typed in any digits made ASCII. */
export function confirmationValue(typed: string): string {
  return confirmation(typed, usesSecondFactor());
}

/** Asking for the confirmation when it is missing. */
export function confirmationMissingMessage(): string {
  return usesSecondFactor() ? t('confirm.requiredMfa') : t('confirm.required');
}

/** A refused confirmation: the password (or, with a second factor, the code). */
export function confirmationRefusedMessage(): string {
  return usesSecondFactor() ? t('confirm.wrongMfa') : t('confirm.wrong');
}

/** Errors a dialog can place on its own controls: the server's 422 `errors[]` (by the
 * request's member name, through `byMember`) and a refused password confirmation. */
export function placeErrors(
  caught: unknown,
  byMember: Record<string, string>,
  passwordId?: string,
): FieldErrors | null {
  if (!(caught instanceof ApiError)) return null;
  if (caught.confirmationRefused && passwordId) return { [passwordId]: confirmationRefusedMessage() };
  if (caught.status !== 422 && caught.status !== 400) return null;
  return problemsAt(caught, byMember);
}

/** The problems of a refusal at the controls they name (by the request's member name, through
 * `byMember`), in the server's words; null when it names none of them. */
export function problemsAt(caught: ApiError, byMember: Record<string, string>): FieldErrors | null {
  const placed: FieldErrors = {};
  for (const problem of caught.errors) {
    const id = byMember[problem.field];
    if (id) placed[id] = placed[id] ? `${placed[id]}; ${problem.message}` : problem.message;
  }
  return Object.keys(placed).length ? placed : null;
}

/** After errors are shown, put the keyboard on the first control that has one. */
export function focusFirstInvalid(container: string): void {
  requestAnimationFrame(() => {
    document.querySelector<HTMLElement>(`#${container} [aria-invalid="true"]`)?.focus();
  });
}
