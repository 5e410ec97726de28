// Supervision in words, for the Supervision page and a case's quality review panel: how a sample
// of cases is drawn, how a reviewed case was picked, and how a review rated it.

import type { QualityRating, ReviewCriterion, SampleCriterion } from './api';
import { hasMessage, t } from './i18n';

/** The criteria a sample is drawn by, in the order offered. */
export const SAMPLE_CRITERIA: readonly SampleCriterion[] = ['random', 'newly_closed', 'high_intensity', 'long_duration'];

/** How a reviewed case was picked, in the order offered: by the supervisor first. */
export const REVIEW_CRITERIA: readonly ReviewCriterion[] = ['chosen', ...SAMPLE_CRITERIA];

export const RATINGS: readonly QualityRating[] = ['meets', 'partly_meets', 'does_not_meet'];

export function isSampleCriterion(text: string | null | undefined): text is SampleCriterion {
  return (SAMPLE_CRITERIA as readonly string[]).includes(text ?? '');
}

/** A criterion in words ("At random"); one this app does not name, as the server sent it. */
export function criterionName(criterion: string): string {
  const key = `review.criterion.${criterion}`;
  return hasMessage(key) ? t(key) : criterion;
}

/** A rating in words ("Partly meets the standard"); one this app does not name, as sent. */
export function ratingName(rating: string): string {
  const key = `review.rating.${rating}`;
  return hasMessage(key) ? t(key) : rating;
}
