// UI language: the app's own strings (en, fr, ar here) and the configuration's translated
// labels (`label[lang]`, falling back to the instance's default language).

import type { Config, Translations } from '../api';
import { ar } from './ar';
import { en, type MessageKey, type Messages } from './en';
import { fr } from './fr';

export type { MessageKey };

const catalogues: Record<string, Messages> = { en, fr, ar };

/** Languages the UI has strings for, each named in its own language. */
export const UI_LANGUAGES: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'en', name: 'English' },
  { code: 'fr', name: 'Français' },
  { code: 'ar', name: 'العربية' },
];

/** Right-to-left languages, until the configuration says which ones it has. */
const KNOWN_RTL = ['ar', 'fa', 'he', 'ps', 'ur', 'ckb', 'dv', 'yi'];

const STORAGE_KEY = 'caseward.language';

let current = 'en';
let fallback = 'en';
let rightToLeft: string[] = KNOWN_RTL;

export function currentLanguage(): string {
  return current;
}

export function isRightToLeft(lang: string = current): boolean {
  return rightToLeft.includes(lang);
}

/** Translate a UI string, replacing `{name}` placeholders. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogues[current]?.[key] ?? en[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Text set apart from its surroundings for the bidirectional algorithm (U+2068 … U+2069), so
 * that a case number such as `GBV-2026-00014` keeps its order inside an Arabic sentence. */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/** Whether the UI has a string for this key (validation codes come from the server). */
export function hasMessage(key: string): key is MessageKey {
  return key in en;
}

/** A configuration label in the current language, else the default language, else any. */
export function label(text: Translations | undefined | null): string {
  if (!text) return '';
  return text[current] ?? text[fallback] ?? Object.values(text)[0] ?? '';
}

/** Adopt the configuration's default language and right-to-left list. */
export function adoptConfigLanguages(config: Config): void {
  fallback = config.languages.default || 'en';
  if (Array.isArray(config.languages.right_to_left)) {
    rightToLeft = Array.from(new Set([...config.languages.right_to_left]));
  }
}

/** The languages a user can pick: the UI's, narrowed to the instance's when it says. */
export function pickableLanguages(config: Config | null): Array<{ code: string; name: string }> {
  if (!config || config.languages.available.length === 0) return [...UI_LANGUAGES];
  const offered = UI_LANGUAGES.filter((l) => config.languages.available.includes(l.code));
  return offered.length > 0 ? offered : [...UI_LANGUAGES];
}

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The language to start in: the saved choice, else the browser's, else English. */
export function initialLanguage(): string {
  const saved = stored();
  if (saved && catalogues[saved]) return saved;
  for (const wanted of navigator.languages ?? [navigator.language]) {
    const base = wanted.toLowerCase().split('-')[0] ?? '';
    if (catalogues[base]) return base;
  }
  return 'en';
}

/** Switch language: strings, `<html lang dir>`, and the saved choice. */
export function setLanguage(lang: string, persist = true): void {
  current = catalogues[lang] ? lang : 'en';
  const root = document.documentElement;
  root.lang = current;
  root.dir = isRightToLeft(current) ? 'rtl' : 'ltr';
  if (persist) {
    try {
      localStorage.setItem(STORAGE_KEY, current);
    } catch {
      // Private mode or storage disabled: the choice lasts for this page only.
    }
  }
}

/** Re-apply direction once the configuration's right-to-left list is known. */
export function applyDirection(): void {
  document.documentElement.dir = isRightToLeft(current) ? 'rtl' : 'ltr';
}

function locale(): string {
  // Arabic with Latin digits reads well for case numbers and dates shared across teams.
  return current === 'ar' ? 'ar-u-nu-latn' : current;
}

export function formatDateTime(instant: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** An instant to the second (audit entries), in the person's locale and time zone. */
export function formatInstant(instant: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}

export function formatDate(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(locale()).format(value);
}

/** A number with at most `digits` decimals (a weighted caseload, days on average). */
export function formatDecimal(value: number, digits = 1): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

/** A fraction (0.87) as a percentage in the person's locale ("87%", "87 %"), whole. */
export function formatPercent(ratio: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(ratio);
}

/** A month (`YYYY-MM`) in words: `short` ("Jun"), or `long` with its year ("June 2026"). */
export function formatMonth(month: string, style: 'short' | 'long'): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return month;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  const options: Intl.DateTimeFormatOptions =
    style === 'short' ? { month: 'short', timeZone: 'UTC' } : { month: 'long', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale(), options).format(date);
}

/** A size in bytes, in the person's locale: bytes (in words), then kilobytes and megabytes of
 * 1,024 (abbreviated). */
export function formatBytes(bytes: number): string {
  const [value, unit] =
    bytes < 1024 ? [bytes, 'byte'] : bytes < 1024 * 1024 ? [bytes / 1024, 'kilobyte'] : [bytes / (1024 * 1024), 'megabyte'];
  const unitDisplay = unit === 'byte' ? 'long' : 'short';
  return new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay, maximumFractionDigits: 1 }).format(value);
}

/** Words joined as alternatives ("PDF, JPEG or PNG"), in the UI language. */
export function formatAlternatives(words: string[]): string {
  return new Intl.ListFormat(locale(), { style: 'long', type: 'disjunction' }).format(words);
}
