// Messages carried from one page to the next: a case just created is shown without fetching it
// again, with a message saying so (and the creator's caseload when it is above the
// recommended); after a case is handed over, the case list says to whom (and their caseload); a
// case opened from the Approvals page shows its care plan at once, one opened from a review
// sample its quality review.

import type { Case, CaseloadOutcome, SampleCriterion } from './api';

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

let listNotice: { message: string; caseload: CaseloadOutcome | null; name: string } | null = null;

/** A message for the case list's next showing: the case handed over, and to whom. */
export function rememberListNotice(message: string, caseload: CaseloadOutcome | null, name: string): void {
  listNotice = { message, caseload, name };
}

export function takeListNotice(): { message: string; caseload: CaseloadOutcome | null; name: string } | null {
  const found = listNotice;
  listNotice = null;
  return found;
}

let carePlanReview: string | null = null;

/** The case a supervisor opens from the Approvals page: its care plan panel opens by itself. */
export function rememberCarePlanReview(caseId: string): void {
  carePlanReview = caseId;
}

export function takeCarePlanReview(caseId: string): boolean {
  const found = carePlanReview === caseId;
  if (found) carePlanReview = null;
  return found;
}

let reviewSample: { caseId: string; criterion: SampleCriterion } | null = null;

/** The case a supervisor opens from a review sample: its quality review panel opens by itself,
 * with the sample's criterion as the review's. */
export function rememberReviewSample(caseId: string, criterion: SampleCriterion): void {
  reviewSample = { caseId, criterion };
}

export function takeReviewSample(caseId: string): SampleCriterion | null {
  if (!reviewSample || reviewSample.caseId !== caseId) return null;
  const { criterion } = reviewSample;
  reviewSample = null;
  return criterion;
}
