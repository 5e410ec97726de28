// What every configuration editor shares: the checks made before anything is sent (ids, labels
// in every language of the instance, numbers in range), the instance's languages, and where the
// server's errors point (`case_types/gbv.toml:57: section[0].field[3].show_when.field`).

import type { ConfigEntities, FieldProblem, Labels } from '../../api';
import { label, t, UI_LANGUAGES } from '../../i18n';
import { parseNumber } from '../../form/model';

/** Errors of an editor's inputs, keyed by the input's id. */
export type Problems = Record<string, string>;

export const ID_PATTERN = /^[a-z][a-z0-9_]*$/;
export const ID_MAX = 64;

/** Why an id cannot be used (null when it can): required, snake_case, at most 64 characters,
 * not one already `taken` by a sibling. */
export function idProblem(id: string, taken: readonly string[] = []): string | null {
  if (!id) return t('config.idRequired');
  if (id.length > ID_MAX) return t('config.idTooLong', { n: ID_MAX });
  if (!ID_PATTERN.test(id)) return t('config.idFormat');
  if (taken.includes(id)) return t('config.idTaken', { id });
  return null;
}

export interface Languages {
  /** The instance's languages, the default first. */
  codes: string[];
  rightToLeft: string[];
}

export function languagesOf(entities: ConfigEntities): Languages {
  const { default_language: first, languages, right_to_left } = entities.instance;
  const codes = [first, ...languages.filter((l) => l !== first)].filter(Boolean);
  return { codes: codes.length ? codes : ['en'], rightToLeft: right_to_left ?? [] };
}

/** A language by its own name where the UI knows it ("Français"), else its code. */
export function languageName(code: string): string {
  return UI_LANGUAGES.find((l) => l.code === code)?.name ?? code;
}

/** Labels as they are sent: trimmed, the empty ones left out. */
export function cleanLabels(labels: Labels | null | undefined): Labels {
  const out: Labels = {};
  for (const [lang, text] of Object.entries(labels ?? {})) {
    const trimmed = (text ?? '').trim();
    if (trimmed) out[lang] = trimmed;
  }
  return out;
}

/** A missing label in each language of the instance, at its input (`${id}-${lang}`). With
 * `optional`, labels may be left out altogether, but then in no language only. */
export function labelProblems(labels: Labels, languages: Languages, id: string, optional = false): Problems {
  const problems: Problems = {};
  const written = languages.codes.filter((lang) => (labels[lang] ?? '').trim());
  if (optional && written.length === 0) return problems;
  for (const lang of languages.codes) {
    if (!written.includes(lang)) problems[`${id}-${lang}`] = t('config.labelMissing', { language: languageName(lang) });
  }
  return problems;
}

/** The problems of what most configured things have: an id (`${prefix}-id`), checked only
 * while it is being made (`taken` lists its siblings' ids; null once it exists), and a label in
 * every language (`${prefix}-label-${lang}`). */
export function namedProblems(prefix: string, id: string, taken: readonly string[] | null, labels: Labels, languages: Languages): Problems {
  const problems = labelProblems(labels, languages, `${prefix}-label`);
  const idError = taken ? idProblem(id, taken) : null;
  return idError ? { [`${prefix}-id`]: idError, ...problems } : problems;
}

/** Why a case type's code cannot be used (null when it can): 2 to 5 capital letters A–Z. */
export function codeProblem(code: string): string | null {
  return /^[A-Z]{2,5}$/.test(code) ? null : t('config.ct.codeFormat');
}

/** A whole number typed in an input: `value` (null when empty and allowed), or the problem. */
export function wholeNumber(
  text: string,
  range: { min: number; max: number; required?: boolean },
): { value: number | null; problem: string | null } {
  const trimmed = text.trim();
  if (!trimmed) return { value: null, problem: range.required ? t('config.numberRequired') : null };
  const value = parseNumber(trimmed);
  if (value === null || !Number.isInteger(value) || value < range.min || value > range.max) {
    return { value: null, problem: t('config.numberRange', { min: range.min, max: range.max }) };
  }
  return { value, problem: null };
}

/** Any number typed in an input (field limits `min` and `max`): null when empty. */
export function anyNumber(text: string): { value: number | null; problem: string | null } {
  const trimmed = text.trim();
  if (!trimmed) return { value: null, problem: null };
  const value = parseNumber(trimmed);
  return value === null ? { value: null, problem: t('config.numberInvalid') } : { value, problem: null };
}

/** Collects the checks of a form, from the `first` found: `add(id, problem)` keeps the first
 * problem of each input. */
export function collector(first: Problems = {}): { problems: Problems; add: (id: string, problem: string | null | undefined) => void } {
  const problems: Problems = { ...first };
  return {
    problems,
    add: (id, problem) => {
      if (problem && !problems[id]) problems[id] = problem;
    },
  };
}

/** A table without the keys an editor left empty: undefined, null, '', false, [] and {} are
 * absent from the file (their defaults). */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || item === null || item === '' || item === false) continue;
    if (Array.isArray(item) && item.length === 0) continue;
    if (typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 0) continue;
    out[key] = item;
  }
  return out as T;
}

/** The part of a server error's `field` after its file and line (`section[0].field[3].id`),
 * or null for an error about a change itself (`changes[2]`, `(change): …`) or a whole file. */
export function problemPath(problem: FieldProblem): string | null {
  const match = /^[^:]+:\d+: (.+)$/.exec(problem.field);
  if (!match?.[1] || match[1] === '(file)') return null;
  return match[1];
}

/** Where a server error points, in words for the list of errors: the change it is about
 * ("change 2"), else the file and key as the server names them. */
export function problemWhere(problem: FieldProblem): string {
  const change = /^changes\[(\d+)\]/.exec(problem.field);
  if (change) return t('config.errorChange', { n: Number(change[1]) + 1 });
  return problem.field.replace(/^\(change\): /, '');
}

/** The input a key of a field's table is edited in (`prefix-key`), for the rest of a server
 * path after the field (`show_when.values[0]`, `label.fr`, `field[1].id` for a member). */
export function fieldInput(prefix: string, rest: string, languages: Languages): string {
  const member = /^field\[(\d+)\]\.(.+)$/.exec(rest);
  if (member?.[1] && member[2]) return fieldInput(`${prefix}-m${member[1]}`, member[2], languages);
  return keyInput(prefix, rest, languages);
}

/** Where a server error's path points among an editor's inputs (`prefix-key`), when it is
 * about the entity of `kind` at `index` of its list (`role[2].label.fr` → `prefix-label-fr`). */
export function entityInput(kind: string, index: number, prefix: string, languages: Languages): (path: string) => string | null {
  return (path) => {
    const match = /^([a-z_]+)\[(\d+)\]\.(.+)$/.exec(path);
    return match?.[3] && match[1] === kind && Number(match[2]) === index ? keyInput(prefix, match[3], languages) : null;
  };
}

/** The input of a key (`label.fr` → `prefix-label-fr`, `limit.days` → `prefix-limit`). */
export function keyInput(prefix: string, rest: string, languages: Languages): string {
  const key = rest.replace(/\[\d+\]/g, '');
  if (key.startsWith('show_when.values')) return `${prefix}-show_when-values`;
  if (key.startsWith('show_when')) return `${prefix}-show_when-field`;
  const [head = '', sub] = key.split('.');
  if (head === 'label' || head === 'help' || head === 'name') return `${prefix}-${head}-${sub ?? languages.codes[0]}`;
  return `${prefix}-${head}`;
}

/** A configured thing's label in the UI language, else its id. */
export function named(labels: Labels | null | undefined, id: string): string {
  return label(labels) || id;
}

/** Move an item of a list one place up (-1) or down (+1). */
export function moved<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const target = index + by;
  if (target < 0 || target >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(index, 1);
  if (item !== undefined) next.splice(target, 0, item);
  return next;
}
