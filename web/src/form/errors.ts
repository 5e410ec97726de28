// Field errors from a 422 (and the few the browser finds itself), keyed by field path, with a
// message in the UI language where the app knows the code, else the server's own message.

import type { CaseType, FieldProblem } from '../api';
import { currentLanguage, hasMessage, label, t } from '../i18n';
import { domId, fieldAt, type LocalProblem } from './model';

export interface ShownError {
  path: string;
  /** The field's label, for the error summary. */
  label: string;
  message: string;
}

export type ErrorMap = Map<string, string>;

function parameter(caseType: CaseType, problem: FieldProblem | LocalProblem): Record<string, string | number> {
  const field = fieldAt(caseType, problem.field);
  if (!field) return {};
  const byCode: Record<string, number | null | undefined> = {
    too_long: field.max_length,
    too_short: field.min_length,
    too_small: field.min,
    too_large: field.max,
    too_many_choices: field.max_choices,
    too_few_items: field.min_items,
    too_many_items: field.max_items,
  };
  const n = byCode[problem.code];
  const level = field.min_level ? t(`level.${field.min_level}`) : '';
  return { ...(n != null ? { n } : {}), level };
}

/** The message to show for one problem. English shows the server's words; other languages
 * translate known codes (the server's messages are English) and fall back to the server's. */
export function messageFor(caseType: CaseType, problem: FieldProblem | LocalProblem): string {
  if (problem.code === 'not_a_number') return t('form.notANumber');
  const server = 'message' in problem ? problem.message : '';
  const key = `validation.${problem.code}`;
  const params = parameter(caseType, problem);
  const needsN = ['too_long', 'too_short', 'too_small', 'too_large', 'too_many_choices', 'too_few_items', 'too_many_items'];
  const translatable = hasMessage(key) && (!needsN.includes(problem.code) || params['n'] !== undefined);
  if (server && (currentLanguage() === 'en' || !translatable)) return server;
  if (translatable) return t(key as 'validation.required', params);
  return server || problem.code;
}

/** All problems as shown errors, in the order given. Several problems on one path are joined. */
export function toShown(caseType: CaseType, problems: Array<FieldProblem | LocalProblem>): ShownError[] {
  const byPath = new Map<string, ShownError>();
  for (const problem of problems) {
    const message = messageFor(caseType, problem);
    const existing = byPath.get(problem.field);
    if (existing) {
      if (!existing.message.includes(message)) existing.message += '; ' + message;
      continue;
    }
    const field = fieldAt(caseType, problem.field);
    const rowMatch = /\[(\d+)\]\.[^.]+$/.exec(problem.field);
    let name = field ? label(field.label) : problem.field;
    if (!field && problem.field === 'intensity') name = t('new.intensity');
    if (!field && problem.field === 'case_type') name = t('case.type');
    if (rowMatch && field) {
      const group = fieldAt(caseType, problem.field.replace(/\[\d+\]\.[^.]+$/, ''));
      const entry = t('form.entry', { n: Number(rowMatch[1]) + 1 });
      name = group ? `${label(group.label)}, ${entry}: ${name}` : `${entry}: ${name}`;
    }
    byPath.set(problem.field, { path: problem.field, label: name, message });
  }
  return [...byPath.values()];
}

export function errorMap(shown: ShownError[]): ErrorMap {
  return new Map(shown.map((e) => [e.path, e.message]));
}

/** Move focus to the control of a field path: the element with its id, else the first
 * control inside the element marked with its path (radio groups, locations, groups). */
export function focusPath(path: string): boolean {
  const direct = document.getElementById(domId(path));
  const target =
    direct && direct.matches('input, select, textarea, button')
      ? direct
      : document.querySelector<HTMLElement>(
          `[data-path="${CSS.escape(path)}"] :is(input, select, textarea, button):not([disabled])`,
        );
  if (!target) return false;
  target.focus();
  target.scrollIntoView({ block: 'center' });
  return true;
}

/** Focus the first field, in page order, that has an error. */
export function focusFirstError(errors: ShownError[]): void {
  const paths = new Set(errors.map((e) => e.path));
  for (const element of document.querySelectorAll<HTMLElement>('[data-path]')) {
    const path = element.dataset['path'];
    if (path && paths.has(path) && focusPath(path)) return;
  }
  // Nothing on the page carries the path: the summary says what is wrong.
  document.getElementById('error-summary')?.focus();
}
