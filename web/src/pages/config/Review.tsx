// Every editor saves the same way: "Check" sends the change as a dry run and shows what it would
// do (the server's lines) and every error, at the inputs where one can be placed and all in a
// list; a valid change is then saved with "Save", which makes a new version in force at once. A
// 409 says that someone made another version meanwhile, and the page reads the newest again.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type ConfigChange, type ConfigVersion, type DryRun, type FieldProblem } from '../../api';
import { describeActionError } from '../../components';
import { formatNumber, t } from '../../i18n';
import { useEditing } from './context';
import { problemPath, problemWhere, type Problems } from './model';

/** What is checked and then saved: a set of changes, or the restoration of a version. */
export interface Action {
  dryRun: (basedOn: number) => Promise<DryRun>;
  apply: (basedOn: number) => Promise<ConfigVersion>;
}

export function changesAction(changes: ConfigChange[]): Action {
  return {
    dryRun: (basedOn) => api.checkConfigChanges(basedOn, changes),
    apply: (basedOn) => api.applyConfigChanges(basedOn, changes),
  };
}

interface Report {
  basedOn: number;
  action: Action;
  changes: string[];
  errors: FieldProblem[];
  migrations: string[];
  valid: boolean;
}

export interface Checker {
  report: Report | null;
  busy: 'checking' | 'saving' | null;
  failure: unknown;
  conflict: boolean;
  /** Server errors placed at the editor's inputs, by input id. */
  placed: Problems;
  check: (action: Action) => Promise<void>;
  save: () => Promise<void>;
  /** The editor changed: what was checked no longer holds. */
  reset: () => void;
}

/** The check-then-save flow of one editor. `place` names the input a server error's path (and
 * message) points at, if that input is on the page; `container` is the id of the editor's element, where the
 * keyboard is put on the first input with an error; `onSaved` is told the new version. */
export function useChecker({
  place,
  container,
  onSaved,
}: {
  place?: (path: string, message: string) => string | null;
  container: string;
  onSaved?: (version: ConfigVersion) => void;
}): Checker {
  const editing = useEditing();
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState<'checking' | 'saving' | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [placed, setPlaced] = useState<Problems>({});
  const live = useRef(true);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );

  const placeAll = (errors: FieldProblem[]): Problems => {
    const out: Problems = {};
    for (const error of errors) {
      const path = problemPath(error);
      const id = path && place ? place(path, error.message) : null;
      if (id && document.getElementById(id)) out[id] = out[id] ? `${out[id]}; ${error.message}` : error.message;
    }
    return out;
  };

  const focusAfterRender = (valid: boolean, anyPlaced: boolean) =>
    requestAnimationFrame(() => {
      const root = document.getElementById(container);
      const target =
        (!valid && anyPlaced ? root?.querySelector<HTMLElement>('[aria-invalid="true"]') : null) ??
        document.getElementById(`${container}-review`);
      target?.focus();
    });

  const refused = (caught: unknown, action: Action, basedOn: number, lines: string[]) => {
    if (caught instanceof ApiError && caught.status === 409) {
      setConflict(true);
      setReport(null);
      setPlaced({});
      editing.reload();
      requestAnimationFrame(() => document.getElementById(`${container}-conflict`)?.focus());
      return;
    }
    if (caught instanceof ApiError && caught.status === 422) {
      const spots = placeAll(caught.errors);
      setReport({ basedOn, action, changes: lines, errors: caught.errors, migrations: [], valid: false });
      setPlaced(spots);
      focusAfterRender(false, Object.keys(spots).length > 0);
      return;
    }
    setFailure(caught);
  };

  const check = async (action: Action) => {
    if (busy) return;
    const basedOn = editing.entities.version;
    setBusy('checking');
    setFailure(null);
    setConflict(false);
    try {
      const answer = await action.dryRun(basedOn);
      const spots = placeAll(answer.errors);
      setReport({ basedOn, action, ...answer, valid: answer.valid && answer.errors.length === 0 });
      setPlaced(spots);
      focusAfterRender(answer.valid, Object.keys(spots).length > 0);
    } catch (caught) {
      refused(caught, action, basedOn, []);
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    if (busy || !report?.valid) return;
    setBusy('saving');
    setFailure(null);
    try {
      const version = await report.action.apply(report.basedOn);
      await editing.saved(version);
      if (!live.current) return;
      setReport(null);
      onSaved?.(version);
    } catch (caught) {
      refused(caught, report.action, report.basedOn, report.changes);
    } finally {
      setBusy(null);
    }
  };

  const reset = () => {
    if (report) setReport(null);
    if (Object.keys(placed).length) setPlaced({});
  };

  return { report, busy, failure, conflict, placed, check, save, reset };
}

/** What the last check found: the change's lines, or every error; a conflict; a failure. */
export function ReviewPanel({ checker, container }: { checker: Checker; container: string }) {
  const { report, failure, conflict } = checker;
  const editing = useEditing();
  return (
    <div class="config-review-area">
      {conflict && (
        <div class="notice warning" role="alert" id={`${container}-conflict`} tabIndex={-1}>
          <p>
            <strong>{t('config.conflict')}</strong>
          </p>
          <p>{t('config.conflictDetail', { n: formatNumber(editing.entities.version) })}</p>
        </div>
      )}
      {failure ? (
        <div class="notice error" role="alert">
          <p>{describeActionError(failure)}</p>
        </div>
      ) : null}
      {report &&
        (report.valid ? (
          <div class="notice info config-review" id={`${container}-review`} tabIndex={-1} role="status">
            {report.changes.length === 0 ? (
              <p>{t('config.noChange')}</p>
            ) : (
              <>
                <h3>{t('config.reviewTitle')}</h3>
                <ChangeLines lines={report.changes} id={`${container}-changes`} />
                {report.migrations.length > 0 && <p>{t('config.migrations', { list: report.migrations.join(', ') })}</p>}
                <p class="muted">{t('config.reviewNotSaved', { n: formatNumber(report.basedOn + 1) })}</p>
              </>
            )}
          </div>
        ) : (
          <div class="notice error config-review" id={`${container}-review`} tabIndex={-1} role="alert">
            <h3>
              {report.errors.length === 1 ? t('config.errorsOne') : t('config.errorsMany', { n: formatNumber(report.errors.length) })}
            </h3>
            <ul class="config-errors" id={`${container}-errors`}>
              {report.errors.map((error, index) => (
                <li key={index}>
                  {error.message}{' '}
                  <span class="muted">
                    (<bdi dir="ltr">{problemWhere(error)}</bdi>)
                  </span>
                </li>
              ))}
            </ul>
            {report.changes.length > 0 && (
              <details>
                <summary>{t('config.reviewWould')}</summary>
                <ChangeLines lines={report.changes} id={`${container}-changes`} />
              </details>
            )}
            <p>{t('config.nothingSaved')}</p>
          </div>
        ))}
    </div>
  );
}

/** The server's lines for a change (``case type `gbv` › field `x`: added``), as written. */
export function ChangeLines({ lines, id }: { lines: string[]; id?: string }) {
  return (
    <ul class="change-lines" id={id}>
      {lines.map((line, index) => (
        <li key={index}>
          <bdi dir="ltr">{line}</bdi>
        </li>
      ))}
    </ul>
  );
}

/** An editor's form: its inputs, what the check found, and Check / Save / Cancel (plus any
 * `extra` button, such as Remove). Submitting runs `onCheck`, which checks the inputs itself
 * before it asks the server. */
export function EditorForm({
  id,
  checker,
  onCheck,
  onCancel,
  extra,
  sticky,
  found,
  saveLabel,
  onSave,
  children,
}: {
  id: string;
  checker: Checker;
  onCheck: () => void;
  onCancel?: () => void;
  extra?: ComponentChildren;
  /** In a dialog: the buttons stay in view at its foot. */
  sticky?: boolean;
  /** More of what the check found, below the server's lines and errors. */
  found?: ComponentChildren;
  /** The save button's words, given the version it makes (else "Save as version n"). */
  saveLabel?: (version: string) => string;
  /** What saving does, in place of saving the checked change at once. */
  onSave?: () => void;
  children: ComponentChildren;
}) {
  const { report, busy } = checker;
  const savable = Boolean(report?.valid && report.changes.length > 0);
  return (
    <form
      id={id}
      class="config-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) onCheck();
      }}
    >
      {children}
      <ReviewPanel checker={checker} container={id} />
      {found}
      <div class={sticky ? 'dialog-actions' : 'button-row config-actions'}>
        <button
          type="submit"
          id={`${id}-check`}
          class={`button ${savable ? 'secondary' : 'primary'}`}
          aria-disabled={Boolean(busy)}
          aria-busy={busy === 'checking'}
        >
          {busy === 'checking' ? t('config.checking') : report ? t('config.checkAgain') : t('config.check')}
        </button>
        {savable && report && (
          <button
            type="button"
            id={`${id}-save`}
            class="button primary"
            aria-disabled={Boolean(busy)}
            aria-busy={busy === 'saving'}
            onClick={() => (onSave ? onSave() : void checker.save())}
          >
            {busy === 'saving'
              ? t('config.saving')
              : saveLabel
                ? saveLabel(formatNumber(report.basedOn + 1))
                : t('config.save', { n: formatNumber(report.basedOn + 1) })}
          </button>
        )}
        {extra}
        {onCancel && (
          <button type="button" class="button secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
