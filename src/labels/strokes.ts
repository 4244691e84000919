/**
 * Stroke labels (strokes.parquet): every performed stroke with its timing and velocity error.
 *
 * Invariants checked here: `perf.strokes[i].index === i`, times are finite, velocities are 1..127,
 * and every `parentStrokeIndex` points at a stroke of the same performance. Measures and scores
 * rely on them (no NaN can come out).
 */
import { DatasetError } from '../errors.js';
import type { Performance, PerformedStroke } from '../performance/types.js';

/** One row of strokes.parquet (before the dataset writer adds `sampleId`). */
export interface StrokeLabel extends PerformedStroke {
  /**
   * Timing error, ms. Primaries and buzz bounces: actual − intended (positive = late).
   * Grace notes: spacing error (primary.actual − grace.actual) − (primary.intended − grace.intended)
   * (positive = grace too far ahead of its primary); for a flam whose nominal spacing is 30 ms this
   * is SOUSA's "spacing − 30".
   */
  timingErrorMs: number;
  /** actualVelocity − intendedVelocity, MIDI velocity units. */
  velocityError: number;
}

/** A grid stroke: neither a grace note nor a buzz bounce. */
export function isPrimary(s: PerformedStroke): boolean {
  return !s.isGraceNote && !s.isBuzzBounce;
}

/**
 * A stroke whose timing error counts in timing statistics: everything except buzz bounces, whose
 * placement is the generator's bounce model, not the player's timing (SOUSA defect §13.12).
 */
export function isTimed(s: PerformedStroke): boolean {
  return !s.isBuzzBounce;
}

/** Label every stroke of a performance, in the performance's (chronological) order. */
export function strokeLabels(perf: Performance): StrokeLabel[] {
  const strokes = perf.strokes;
  for (let i = 0; i < strokes.length; i++) {
    const s = strokes[i]!;
    if (s.index !== i) {
      throw new DatasetError(
        'LABEL_INPUT_INVALID',
        `stroke index must equal its position in perf.strokes, got index ${s.index} at position ${i} (in ${perf.rudimentSlug})`,
      );
    }
    if (!Number.isFinite(s.intendedTimeMs) || !Number.isFinite(s.actualTimeMs)) {
      throw new DatasetError(
        'LABEL_INPUT_INVALID',
        `stroke times must be finite ms, got intended ${s.intendedTimeMs} / actual ${s.actualTimeMs} (in ${perf.rudimentSlug}, stroke ${i})`,
      );
    }
    // Velocities >= 1 keep every actual/intended ratio downstream finite.
    if (!(s.intendedVelocity >= 1 && s.intendedVelocity <= 127 && s.actualVelocity >= 1 && s.actualVelocity <= 127)) {
      throw new DatasetError(
        'LABEL_INPUT_INVALID',
        `velocities must be 1..127, got intended ${s.intendedVelocity} / actual ${s.actualVelocity} (in ${perf.rudimentSlug}, stroke ${i})`,
      );
    }
    if (s.parentStrokeIndex !== null && !(s.parentStrokeIndex >= 0 && s.parentStrokeIndex < strokes.length)) {
      throw new DatasetError(
        'LABEL_INPUT_INVALID',
        `parentStrokeIndex must be 0..${strokes.length - 1}, got ${s.parentStrokeIndex} (in ${perf.rudimentSlug}, stroke ${i})`,
      );
    }
  }
  // An explicit literal (one hidden class) instead of `{ ...s }`: object spread was the largest
  // single cost of labelling (profiled: ~8 % of symbolic generation).
  return strokes.map((s) => ({
    index: s.index,
    hand: s.hand,
    strokeType: s.strokeType,
    intendedTimeMs: s.intendedTimeMs,
    actualTimeMs: s.actualTimeMs,
    intendedVelocity: s.intendedVelocity,
    actualVelocity: s.actualVelocity,
    isGraceNote: s.isGraceNote,
    isAccent: s.isAccent,
    isBuzzBounce: s.isBuzzBounce,
    diddlePosition: s.diddlePosition,
    parentStrokeIndex: s.parentStrokeIndex,
    flamSpacingMs: s.flamSpacingMs,
    buzzCount: s.buzzCount,
    cycleIndex: s.cycleIndex,
    timingErrorMs: timingError(s, strokes),
    velocityError: s.actualVelocity - s.intendedVelocity,
  }));
}

function timingError(s: PerformedStroke, strokes: readonly PerformedStroke[]): number {
  if (s.isGraceNote && s.parentStrokeIndex !== null) {
    const p = strokes[s.parentStrokeIndex]!;
    // A grace is judged by its distance to the primary, not by where the grid is: a flam played
    // late as a whole is the primary's timing error, not the grace's.
    return p.actualTimeMs - s.actualTimeMs - (p.intendedTimeMs - s.intendedTimeMs);
  }
  return s.actualTimeMs - s.intendedTimeMs;
}
