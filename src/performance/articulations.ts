/**
 * Articulation models: where grace notes, diddle seconds and buzz bounces land relative to their
 * primary, and the roll sustain decay. Pure functions of (rng, profile dimensions, options); the
 * caller owns the streams, so each concern draws from its own fork and never shifts another's draws.
 *
 * Facts: shared/reference/rudiments.md §1.3–1.6 (grace spacing in ms, diddle ratio, buzz bounces
 * 20–35 ms apart with decaying velocity) and sousa-original.md §4.3 (SOUSA's models and defects).
 */
import type { Rng } from '../random/index.js';
import type { ProfileDimensions } from '../profiles/types.js';

/** Options of the articulation models (part of `PerformanceOptions`). */
export interface ArticulationOptions {
  /** Nominal flam spacing, grace to primary, ms; a flam grace's intended time is its primary's minus this. Default 30. */
  nominalFlamSpacingMs: number;
  /**
   * Nominal drag gaps at the nominal flam spacing, ms: [grace 1 → grace 2, grace 2 → primary]. Default [20, 20],
   * the spec offsets −1/16 and −1/32 beat at about 94 BPM, i.e. graces intended at −40 and −20 ms.
   */
  nominalDragGapsMs: readonly [number, number];
  /** Played flam spacing (and a drag's whole span) is clipped to this range, ms. Default [5, 100]. */
  flamSpacingRangeMs: readonly [number, number];
  /**
   * Each played drag gap is clipped to this range, ms. Default [10, 50]: a drag's second grace is
   * a rebound of the first, which takes at least about 10 ms (SOUSA's drag_spacing_range starts at
   * 10; rudiments.md §1.3 gives 15–40 ms for closed drags).
   */
  dragGapRangeMs: readonly [number, number];
  /** Graces stay within this last fraction of the gap since the preceding stroke (rudiments.md §1.3). Default 0.4. */
  graceWindowFraction: number;
  /** The d2/d1 interval ratio of a diddle is clipped to this range. Default [0.5, 1.5]. */
  diddleRatioRange: readonly [number, number];
  /** Buzz bounce interval range, ms (rudiments.md §1.5: about 20–35). Default [20, 35]. */
  buzzIntervalRangeMs: readonly [number, number];
  /** Each buzz interval is the previous one times this factor (bounces speed up as they decay). Default 0.93. */
  buzzIntervalShrink: number;
  /**
   * Mean fraction of the gap to the next primary within which a buzz's bounces fall. Default 0.93:
   * the last bounce lands about one bounce interval before the next primary, so a buzz roll is a
   * sustained sound (rudiments.md §1.5: the bounces fill the gap until the next primary).
   */
  buzzFillMean: number;
  /** σ of that fraction for a player with buzzDensityConsistency 0 (scaled by 1 − consistency). Default 0.3. */
  buzzFillSpread: number;
  /** The fill fraction is clipped to this range. Default [0.3, 0.95]. */
  buzzFillRange: readonly [number, number];
  /**
   * Most bounces one buzz primary gets. Default 10: enough for a 16th-note gap of 250 ms (60 BPM)
   * at 20–30 ms per bounce. SOUSA's 3–8 strokes in all went with its 2–5 ms spacing.
   */
  maxBuzzBounces: number;
  /** First bounce velocity / primary velocity, mean (spec #4: 0.6–0.8). Default 0.7. */
  buzzFirstBounceRatio: number;
  /**
   * Velocity ratio of each further bounce to the previous one, mean. Default 0.88: the second
   * bounce at about 0.62 of the primary (spec #4: 0.50–0.70), then decaying further.
   */
  buzzBounceDecay: number;
  /** Velocity lost per non-accented roll stroke since the last accent, × rollSustain (SOUSA: 0.05). Default 0.05. */
  rollDecayPerStroke: number;
  /** Roll sustain decay never scales a stroke below this factor (SOUSA: 0.5). Default 0.5. */
  rollDecayFloor: number;
}

export const DEFAULT_ARTICULATION_OPTIONS: Readonly<ArticulationOptions> = Object.freeze({
  nominalFlamSpacingMs: 30,
  nominalDragGapsMs: [20, 20] as const,
  flamSpacingRangeMs: [5, 100] as const,
  dragGapRangeMs: [10, 50] as const,
  graceWindowFraction: 0.4,
  diddleRatioRange: [0.5, 1.5] as const,
  buzzIntervalRangeMs: [20, 35] as const,
  buzzIntervalShrink: 0.93,
  buzzFillMean: 0.93,
  buzzFillSpread: 0.3,
  buzzFillRange: [0.3, 0.95] as const,
  maxBuzzBounces: 10,
  buzzFirstBounceRatio: 0.7,
  buzzBounceDecay: 0.88,
  rollDecayPerStroke: 0.05,
  rollDecayFloor: 0.5,
});

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

type SpacingDims = Pick<ProfileDimensions, 'flamSpacingMs' | 'flamSpacingVariance'>;

/** One flam's played spacing, ms: N(flamSpacingMs, flamSpacingVariance × flamSpacingMs), clipped. One draw. */
export function drawFlamSpacingMs(rng: Rng, dims: SpacingDims, opts: ArticulationOptions): number {
  const mean = dims.flamSpacingMs;
  const [lo, hi] = opts.flamSpacingRangeMs;
  return clamp(rng.normal(mean, dims.flamSpacingVariance * mean), lo, hi);
}

/**
 * One drag's played gaps, ms: [grace 1 → grace 2, grace 2 → primary]. The profile has no drag
 * dimension, so a player's gaps are the nominal gaps scaled by their flam spacing over the nominal
 * flam spacing (a loose flammer plays open drags), each with the flam's relative σ. Two draws.
 * The whole span is kept inside the flam range by scaling both gaps.
 */
export function drawDragGapsMs(rng: Rng, dims: SpacingDims, opts: ArticulationOptions): [number, number] {
  const scale = dims.flamSpacingMs / opts.nominalFlamSpacingMs;
  const [lo, hi] = opts.dragGapRangeMs;
  const m1 = opts.nominalDragGapsMs[0] * scale;
  const m2 = opts.nominalDragGapsMs[1] * scale;
  let g1 = clamp(rng.normal(m1, dims.flamSpacingVariance * m1), lo, hi);
  let g2 = clamp(rng.normal(m2, dims.flamSpacingVariance * m2), lo, hi);
  const maxSpan = opts.flamSpacingRangeMs[1];
  if (g1 + g2 > maxSpan) {
    const k = maxSpan / (g1 + g2);
    g1 *= k;
    g2 *= k;
  }
  return [g1, g2];
}

/**
 * Shrink grace gaps (ms, earliest first, summing to the span before the primary) so the first
 * grace falls within `windowMs` of the primary, keeping their proportions and the minimum `floorMs`
 * for the whole span. Returns new gaps; unchanged if they already fit.
 */
export function fitGraceGaps(gapsMs: readonly number[], windowMs: number, floorMs: number): number[] {
  let span = 0;
  for (const g of gapsMs) span += g;
  const limit = Math.max(windowMs, floorMs);
  if (span <= limit) return gapsMs.slice();
  const k = limit / span;
  return gapsMs.map((g) => g * k);
}

/** A diddle's d2/d1 interval ratio: N(diddleEvenness, diddleVariance), clipped. One draw. */
export function drawDiddleRatio(
  rng: Rng,
  dims: Pick<ProfileDimensions, 'diddleEvenness' | 'diddleVariance'>,
  opts: ArticulationOptions,
): number {
  const [lo, hi] = opts.diddleRatioRange;
  return clamp(rng.normal(dims.diddleEvenness, dims.diddleVariance), lo, hi);
}

/** The bounces of one buzz primary. */
export interface BuzzPlan {
  /** Interval before each bounce (from the primary, then from the previous bounce), ms. */
  intervalsMs: number[];
  /** Velocity of each bounce, non-increasing, 1..127. */
  velocities: number[];
}

/**
 * Bounces of one buzz primary. They fill a fraction of `gapMs` (the room before the next primary),
 * fuller and steadier for a player with high `buzzDensityConsistency`; the first interval is drawn
 * in the upper part of the interval range and each following one shrinks a little (a decaying
 * bounce speeds up), with jitter growing as consistency falls. The first bounce has about 0.7 of
 * the primary's velocity and each further one about 0.88 of the previous (rudiments.md §1.6).
 * The number of draws depends on the bounce count; give this model its own stream.
 */
export function planBuzzBounces(
  rng: Rng,
  gapMs: number,
  primaryVelocity: number,
  buzzDensityConsistency: number,
  opts: ArticulationOptions,
): BuzzPlan {
  const dc = clamp(buzzDensityConsistency, 0, 1);
  const [fillLo, fillHi] = opts.buzzFillRange;
  const fill = clamp(rng.normal(opts.buzzFillMean, (1 - dc) * opts.buzzFillSpread), fillLo, fillHi);
  const [iLo, iHi] = opts.buzzIntervalRangeMs;
  let interval = rng.uniform(iLo + 0.4 * (iHi - iLo), iHi);
  const firstRatio = clamp(rng.normal(opts.buzzFirstBounceRatio, 0.04), 0.6, 0.8);
  const usableMs = fill * gapMs;
  const intervalsMs: number[] = [];
  const velocities: number[] = [];
  let offset = 0;
  let velocity = primaryVelocity * firstRatio;
  while (intervalsMs.length < opts.maxBuzzBounces && offset + interval <= usableMs) {
    offset += interval;
    intervalsMs.push(interval);
    const prev = velocities.length > 0 ? velocities[velocities.length - 1]! : primaryVelocity;
    // Non-increasing: every ratio is < 1 and the result is capped by the previous velocity.
    const v = Math.min(prev, Math.max(1, Math.round(velocity)));
    velocities.push(v);
    velocity = v * clamp(rng.normal(opts.buzzBounceDecay, 0.03 + 0.05 * (1 - dc)), 0.7, 0.95);
    interval = clamp(interval * opts.buzzIntervalShrink + rng.normal(0, 2 * (1 - dc)), iLo, iHi);
  }
  return { intervalsMs, velocities };
}

/**
 * Roll sustain: velocity factor of a non-accented roll stroke that is `strokesSinceAccent` strokes
 * into the current roll (0 for the first). SOUSA scaled by the stroke's index in the whole list;
 * here an accented release starts a new roll, so counted rolls decay within each roll.
 */
export function rollDecayFactor(strokesSinceAccent: number, rollSustain: number, opts: ArticulationOptions): number {
  return Math.max(opts.rollDecayFloor, 1 - strokesSinceAccent * rollSustain * opts.rollDecayPerStroke);
}
