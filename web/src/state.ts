// Hand-over between pages: a case just created is shown without fetching it again, with a
// message saying so.

import type { Case } from './api';

let remembered: { item: Case; message: string } | null = null;

export function rememberCase(item: Case, message: string): void {
  remembered = { item, message };
}

export function takeRememberedCase(id: string): { item: Case; message: string } | null {
  if (!remembered || remembered.item.id !== id) return null;
  const found = remembered;
  remembered = null;
  return found;
}
