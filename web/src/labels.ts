// Names of configured things in the UI language, falling back to their ids.

import type { Config } from './api';
import { label, t } from './i18n';

export function typeName(config: Config, id: string): string {
  return label(config.case_types.find((c) => c.id === id)?.name) || id;
}

export function stageLabel(config: Config, id: string): string {
  return label(config.stages.find((s) => s.id === id)?.label) || id;
}

/** Intensity is 1, 2 or 3 (low, medium, high); a word from the server is shown as given. */
export function intensityLabel(value: unknown): string {
  const byWord: Record<string, 1 | 2 | 3> = { low: 1, medium: 2, high: 3 };
  const level = typeof value === 'number' ? value : typeof value === 'string' ? byWord[value.toLowerCase()] : undefined;
  if (level === 1 || level === 2 || level === 3) return t(`intensity.${level}`);
  return value === undefined || value === null ? '' : String(value);
}
