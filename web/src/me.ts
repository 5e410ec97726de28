// The signed-in person, as the app last heard from the server: set by App on every render, read
// where a sensitive action re-asks who they are (the label of the confirmation input, what a
// typed six-digit code is taken for, the words of a refusal).

import type { User } from './api';

let me: User | null = null;

export function setMe(user: User | null): void {
  me = user;
}

/** Whether the signed-in person has a second factor, so a code can confirm in place of the
 * password. */
export function usesSecondFactor(): boolean {
  return me?.mfa_enabled === true;
}
