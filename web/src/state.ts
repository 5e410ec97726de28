// Hand-over between pages: a case just created is shown without fetching it again, with a
// message saying so (and the creator's caseload when it is above the recommended).

import type { Case, CaseloadOutcome } from './api';

let remembered: { item: Case; message: string; caseload: CaseloadOutcome | null } | null = null;

export function rememberCase(item: Case, message: string, caseload: CaseloadOutcome | null = null): void {
  remembered = { item, message, caseload };
}

export function takeRememberedCase(id: string): { item: Case; message: string; caseload: CaseloadOutcome | null } | null {
  if (!remembered || remembered.item.id !== id) return null;
  const found = remembered;
  remembered = null;
  return found;
}
