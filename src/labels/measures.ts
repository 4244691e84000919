/**
 * Measure labels (measures.parquet): one row per pattern cycle (SOUSA's "measure").
 *
 * Invariants: cycles come from `cycleIndex` (never from slicing by pattern length, SOUSA defect
 * §13.12), so buzz bounces stay in their cycle; the strokes of a cycle are contiguous, because
 * `cycleIndex` never decreases along the chronological stroke list (checked).
 */
import { DatasetError } from '../errors.js';
import type { Performance } from '../performance/types.js';
import { isPrimary, isTimed, type StrokeLabel } from './strokes.js';

/** One row of measures.parquet (before the dataset writer adds `sampleId`). */
export interface MeasureLabel {
  /** The pattern cycle, 0-based (= `cycleIndex` of its strokes). */
  index: number;
  /** Position of the cycle's first stroke in the stroke list. */
  strokeStart: number;
  /** One past the position of the cycle's last stroke (exclusive). */
  strokeEnd: number;
  /** Mean stroke timing error, ms, over the cycle's strokes without buzz bounces (graces: spacing error). */
  timingMeanErrorMs: number;
  /** Population standard deviation of the same errors, ms. */
  timingStdMs: number;
  /** Largest absolute timing error among the same strokes, ms. */
  timingMaxErrorMs: number;
  /** Mean played velocity of all the cycle's strokes (graces and bounces included). */
  velocityMean: number;
  /** Population standard deviation of those velocities. */
  velocityStd: number;
  /** 1 − velocityStd / velocityMean. */
  velocityConsistency: number;
  /**
   * Left/right ratio of mean (actual / intended velocity) over primary strokes; null unless both
   * hands play a primary in the cycle. 1 = balanced, < 1 = left softer.
   */
  lrVelocityRatio: number | null;
  /**
   * Mean timing error of left primaries − mean of right primaries, ms (positive = left later);
   * null unless both hands play a primary in the cycle.
   */
  lrTimingDiffMs: number | null;
}

/** Arithmetic mean; 0 for an empty list (callers guard where 0 would mislead). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Population standard deviation (ddof = 0, as SOUSA's numpy default); 0 for fewer than 2 values. */
export function populationStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / xs.length);
}

/** One label per pattern cycle, in cycle order. `strokes` are `strokeLabels(perf)`. */
export function measureLabels(perf: Performance, strokes: readonly StrokeLabel[]): MeasureLabel[] {
  if (strokes.length !== perf.strokes.length) {
    throw new DatasetError(
      'LABEL_INPUT_INVALID',
      `measureLabels needs the labels of every stroke: expected ${perf.strokes.length}, got ${strokes.length} (in ${perf.rudimentSlug})`,
    );
  }
  const out: MeasureLabel[] = [];
  let start = 0;
  while (start < strokes.length) {
    const cycle = strokes[start]!.cycleIndex;
    if (!(Number.isInteger(cycle) && cycle >= 0 && cycle < perf.numCycles)) {
      throw new DatasetError(
        'LABEL_INPUT_INVALID',
        `cycleIndex must be an integer in 0..${perf.numCycles - 1}, got ${cycle} (in ${perf.rudimentSlug}, stroke ${start})`,
      );
    }
    let end = start + 1;
    while (end < strokes.length && strokes[end]!.cycleIndex === cycle) end++;
    const next = strokes[end];
    if (next !== undefined && next.cycleIndex < cycle) {
      throw new DatasetError(
        'LABEL_INPUT_INVALID',
        `strokes of a cycle must be contiguous: stroke ${end} has cycleIndex ${next.cycleIndex} after cycle ${cycle} (in ${perf.rudimentSlug})`,
      );
    }
    out.push(measureOf(cycle, start, end, strokes.slice(start, end)));
    start = end;
  }
  return out;
}

function measureOf(index: number, strokeStart: number, strokeEnd: number, cycle: readonly StrokeLabel[]): MeasureLabel {
  const errors = cycle.filter(isTimed).map((s) => s.timingErrorMs);
  const velocities = cycle.map((s) => s.actualVelocity);
  const velocityMean = mean(velocities);
  const velocityStd = populationStd(velocities);

  const primaries = cycle.filter(isPrimary);
  const left = primaries.filter((s) => s.hand === 'L');
  const right = primaries.filter((s) => s.hand === 'R');
  const both = left.length > 0 && right.length > 0;
  const relVel = (xs: readonly StrokeLabel[]): number => mean(xs.map((s) => s.actualVelocity / s.intendedVelocity));
  const meanErr = (xs: readonly StrokeLabel[]): number => mean(xs.map((s) => s.timingErrorMs));

  return {
    index,
    strokeStart,
    strokeEnd,
    timingMeanErrorMs: mean(errors),
    timingStdMs: populationStd(errors),
    timingMaxErrorMs: errors.reduce((m, e) => Math.max(m, Math.abs(e)), 0),
    velocityMean,
    velocityStd,
    velocityConsistency: velocityMean > 0 ? 1 - velocityStd / velocityMean : 0,
    lrVelocityRatio: both ? relVel(left) / relVel(right) : null,
    lrTimingDiffMs: both ? meanErr(left) - meanErr(right) : null,
  };
}
