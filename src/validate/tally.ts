/** Problem counters that keep the first few examples, and the check-result builder. */
import type { CheckGroup, CheckResult, CheckStatus } from './types.js';

/** Counts problems of one kind and keeps the first `max` descriptions. */
export class Tally {
  count = 0;
  readonly details: string[] = [];
  constructor(readonly max = 10) {}

  add(detail: string): void {
    this.count++;
    if (this.details.length < this.max) this.details.push(detail);
  }
}

export function result(
  id: string,
  group: CheckGroup,
  title: string,
  status: CheckStatus,
  message: string,
  numbers: Record<string, number | null> = {},
  details: string[] = [],
): CheckResult {
  const clean: Record<string, number | null> = {};
  // JSON has no NaN or Infinity: a number that could not be computed is null.
  for (const [k, v] of Object.entries(numbers)) clean[k] = v === null || !Number.isFinite(v) ? null : v;
  return { id, group, title, status, message, numbers: clean, details };
}

/** Round for messages (not for the numbers, which stay exact). */
export function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toFixed(digits)));
}
