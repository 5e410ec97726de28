// What a case type means for access: survivor-controlled sharing (GBV), child consent (CP).

import type { CaseType } from '../api';

/** Whether the case type puts sharing under the survivor's control (GBV). */
export function survivorControlled(caseType: CaseType): boolean {
  return caseType.domain === 'gbv';
}

/** Whether the case is a child's, where consent records the guardian and the child's assent. */
export function childCase(caseType: CaseType): boolean {
  return caseType.domain === 'child_protection';
}
