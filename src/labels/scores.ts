/**
 * Exercise scores (exercises.parquet): the 15 per-performance scores of SOUSA §6.4, with the
 * original's sigmoid anchors and overall weights, and its label defects (§13.12–14) fixed.
 * Every changed formula is listed in ./README.md. Scores are 0–100 unless stated; standard
 * deviations are population (ddof = 0). Every output is finite or null.
 *
 * Stroke sets used below:
 * - timed strokes: all but buzz bounces (graces count with their spacing error);
 * - primaries: neither graces nor buzz bounces, i.e. the strokes on the written grid.
 */
import { DatasetError } from '../errors.js';
import type { Performance } from '../performance/types.js';
import type { SkillTier } from '../profiles/types.js';
import { detExp } from '../math/det.js';
import { mean, populationStd } from './measures.js';
import { isPrimary, isTimed, type StrokeLabel } from './strokes.js';

/** One row of exercises.parquet (before the dataset writer adds `sampleId`). */
export interface ExerciseScores {
  /** Sigmoid of the mean |timing error| of timed strokes: 0 ms → 92.4, 25 ms → 50, 50 ms → 7.6. */
  timingAccuracy: number;
  /** Sigmoid of the std of timing errors of timed strokes: 0 ms → 86.7, 15 ms → 50. */
  timingConsistency: number;
  /** 100 − 10 × |linear drift of primary timing errors, ms per s|, floor 0. */
  tempoStability: number;
  /** 100 − 100 × std(actual / intended inter-onset interval) over consecutive primaries, floor 0. */
  subdivisionEvenness: number;
  /** 100 − 2 × std of the velocity error in % of each stroke's intended velocity, floor 0. */
  velocityControl: number;
  /** 8 × (mean accent − mean tap velocity) / 127 × 20, clipped 0–100; 80 without accents or taps. */
  accentDifferentiation: number;
  /** % of accented primaries louder than the mean primary velocity; 100 without accents. */
  accentAccuracy: number;
  /** 50/50 blend of hand velocity balance and hand timing balance; 100 if one hand plays. */
  handBalance: number;
  /** 100 × meanAbsErr(R) / (meanAbsErr(L) + meanAbsErr(R)): 0 = left hand weak, 50 = balanced, 100 = right hand weak. */
  weakHandIndex: number;
  /** Mean flam-spacing score (100 inside 20–40 ms); null without flam graces. */
  flamQuality: number | null;
  /** 100 − 200 × mean |actual/intended gap − 1| of same-hand doubles; null without doubles. */
  diddleQuality: number | null;
  /** 100 × relative velocity of the last quarter / first quarter of primaries, max 100; null unless a roll. */
  rollSustain: number | null;
  /** 0–1: accuracy of the raw (pre-articulation) deviations plus 0.3 × their mean |autocorrelation|, lags 1–4. */
  grooveFeelProxy: number;
  /** Weighted sum of the eight general scores with {@link OVERALL_WEIGHTS}. */
  overallScore: number;
  /** 0–1: exp(−z²/2) of overallScore against the tier's {@link TIER_SCORE_STATS}. */
  tierConfidence: number;
}

/** The overall-score weights of SOUSA (sum 1). Rudiment-specific scores and groove are not weighted. */
export const OVERALL_WEIGHTS = {
  timingAccuracy: 0.2,
  timingConsistency: 0.15,
  tempoStability: 0.1,
  subdivisionEvenness: 0.1,
  velocityControl: 0.1,
  accentDifferentiation: 0.1,
  accentAccuracy: 0.1,
  handBalance: 0.15,
} as const;

/**
 * Mean and population standard deviation of overallScore per tier, for tierConfidence.
 * Calibrated on this generator (SOUSA's table, 34.3/6.6, 45.7/10.1, 61.0/10.8, 73.5/10.7, came
 * from its own generator and formulas and no longer fits): `sousa-wasm generate --preset medium`
 * (seed 42, 6,000 samples), then per tier avg/stddev_pop of overall_score in DuckDB.
 * Recalibrate when the performance model or the score formulas change.
 */
export const TIER_SCORE_STATS: Readonly<Record<SkillTier, { readonly meanScore: number; readonly sdScore: number }>> = {
  beginner: { meanScore: 29.6, sdScore: 8.9 },
  intermediate: { meanScore: 45.7, sdScore: 9.8 },
  advanced: { meanScore: 71.1, sdScore: 7.5 },
  professional: { meanScore: 81.4, sdScore: 4.0 },
};

/** Flam spacing (primary − grace onset) scoring window, SOUSA's values. */
export const FLAM_SPACING_SCORE = {
  /** Spacings from this value (ms) … */
  lowMs: 20,
  /** … to this value (ms) score 100. */
  highMs: 40,
  /** Points lost per ms below `lowMs` (too tight: the flam merges into one note). */
  tightPenaltyPerMs: 5,
  /** Points lost per ms above `highMs` (too open: two separate notes). */
  widePenaltyPerMs: 3,
} as const;

/** SOUSA's timing-accuracy sigmoid: 100 / (1 + exp((x − 25) / 10)), x = mean |error| in ms. */
export function timingAccuracySigmoid(meanAbsErrorMs: number): number {
  return 100 / (1 + detExp((meanAbsErrorMs - 25) / 10));
}

/** SOUSA's timing-consistency sigmoid: 100 / (1 + exp((x − 15) / 8)), x = std of errors in ms. */
export function timingConsistencySigmoid(stdMs: number): number {
  return 100 / (1 + detExp((stdMs - 15) / 8));
}

/** Score of one flam spacing (primary onset − grace onset), ms. */
export function flamSpacingScore(spacingMs: number): number {
  const w = FLAM_SPACING_SCORE;
  if (spacingMs < w.lowMs) return Math.max(0, 100 - w.tightPenaltyPerMs * (w.lowMs - spacingMs));
  if (spacingMs > w.highMs) return Math.max(0, 100 - w.widePenaltyPerMs * (spacingMs - w.highMs));
  return 100;
}

/** Diddle score from the actual/intended gap ratios of same-hand doubles: 100 − 200 × mean |r − 1|, floor 0. */
export function diddleRatioScore(ratios: readonly number[]): number {
  return Math.max(0, 100 - 200 * mean(ratios.map((r) => Math.abs(r - 1))));
}

/** Compute the 15 exercise scores. `strokes` are `strokeLabels(perf)`; `tier` is the player's. */
export function exerciseScores(perf: Performance, strokes: readonly StrokeLabel[], tier: SkillTier): ExerciseScores {
  if (strokes.length !== perf.strokes.length || perf.rawTimingErrorsMs.length !== perf.strokes.length) {
    throw new DatasetError(
      'LABEL_INPUT_INVALID',
      `exerciseScores needs one label and one raw timing error per stroke: expected ${perf.strokes.length}, got ${strokes.length} labels and ${perf.rawTimingErrorsMs.length} raw errors (in ${perf.rudimentSlug})`,
    );
  }
  if (strokes.length === 0) return emptyScores();

  const timed = strokes.filter(isTimed);
  const primaries = strokes.filter(isPrimary);
  const errors = timed.map((s) => s.timingErrorMs);

  const general = {
    timingAccuracy: errors.length > 0 ? timingAccuracySigmoid(mean(errors.map(Math.abs))) : 0,
    timingConsistency: errors.length > 0 ? timingConsistencySigmoid(populationStd(errors)) : 0,
    tempoStability: tempoStability(primaries),
    subdivisionEvenness: subdivisionEvenness(primaries),
    velocityControl: velocityControl(timed),
    accentDifferentiation: accentDifferentiation(primaries),
    accentAccuracy: accentAccuracy(primaries),
    handBalance: handBalance(primaries),
  };
  let overallScore = 0;
  for (const key of Object.keys(OVERALL_WEIGHTS) as (keyof typeof OVERALL_WEIGHTS)[]) {
    overallScore += OVERALL_WEIGHTS[key] * general[key];
  }
  const stats = TIER_SCORE_STATS[tier];
  const z = (overallScore - stats.meanScore) / stats.sdScore;

  return {
    ...general,
    weakHandIndex: weakHandIndex(primaries),
    flamQuality: flamQuality(strokes),
    diddleQuality: diddleQuality(primaries),
    rollSustain: perf.category === 'roll' ? rollSustain(primaries) : null,
    grooveFeelProxy: grooveFeelProxy(perf, primaries),
    overallScore,
    tierConfidence: detExp(-0.5 * z * z),
  };
}

/** SOUSA's answer for an empty performance: zeros, a balanced weak-hand index, confidence 0.5. */
function emptyScores(): ExerciseScores {
  return {
    timingAccuracy: 0,
    timingConsistency: 0,
    tempoStability: 0,
    subdivisionEvenness: 0,
    velocityControl: 0,
    accentDifferentiation: 0,
    accentAccuracy: 0,
    handBalance: 0,
    weakHandIndex: 50,
    flamQuality: null,
    diddleQuality: null,
    rollSustain: null,
    grooveFeelProxy: 0,
    overallScore: 0,
    tierConfidence: 0.5,
  };
}

/** Least-squares slope of timing error against intended time, converted to ms per second. */
function tempoStability(primaries: readonly StrokeLabel[]): number {
  if (primaries.length < 2) return 100;
  const xs = primaries.map((s) => s.intendedTimeMs);
  const ys = primaries.map((s) => s.timingErrorMs);
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) * (xs[i]! - mx);
  }
  const slopeMsPerSec = sxx > 0 ? (sxy / sxx) * 1000 : 0;
  return Math.max(0, 100 - 10 * Math.abs(slopeMsPerSec));
}

/**
 * Ratio of played to written inter-onset interval between consecutive primaries, so a written
 * long–short rhythm is not counted as unevenness (SOUSA used raw IOIs of all strokes, graces included).
 */
function subdivisionEvenness(primaries: readonly StrokeLabel[]): number {
  const ratios: number[] = [];
  for (let i = 1; i < primaries.length; i++) {
    const a = primaries[i - 1]!;
    const b = primaries[i]!;
    // SOUSA's 1 ms floor on the written interval guards a division by zero on malformed grids.
    ratios.push((b.actualTimeMs - a.actualTimeMs) / Math.max(b.intendedTimeMs - a.intendedTimeMs, 1));
  }
  return Math.max(0, 100 - 100 * populationStd(ratios));
}

/** Spread of the velocity error relative to each stroke's intended level (accents, graces are by design). */
function velocityControl(timed: readonly StrokeLabel[]): number {
  if (timed.length === 0) return 0;
  const relErrorPct = timed.map((s) => (100 * s.velocityError) / s.intendedVelocity);
  return Math.max(0, 100 - 2 * populationStd(relErrorPct));
}

function accentDifferentiation(primaries: readonly StrokeLabel[]): number {
  const accents = primaries.filter((s) => s.isAccent).map((s) => s.actualVelocity);
  const taps = primaries
    .filter((s) => !s.isAccent && (s.strokeType === 'tap' || s.strokeType === 'buzz'))
    .map((s) => s.actualVelocity);
  if (accents.length === 0 || taps.length === 0) return 80;
  // SOUSA calls this "dB" but it is a linear velocity contrast scaled to 0–20; kept for parity.
  const contrast = ((mean(accents) - mean(taps)) / 127) * 20;
  return Math.min(100, Math.max(0, 8 * contrast));
}

function accentAccuracy(primaries: readonly StrokeLabel[]): number {
  const accents = primaries.filter((s) => s.isAccent);
  if (accents.length === 0) return 100;
  const threshold = mean(primaries.map((s) => s.actualVelocity));
  return (100 * accents.filter((s) => s.actualVelocity > threshold).length) / accents.length;
}

interface HandStats {
  /** Mean actual/intended velocity. */
  relVelocity: number;
  /** Mean |timing error|, ms. */
  meanAbsErrorMs: number;
}

function handStats(primaries: readonly StrokeLabel[], hand: 'L' | 'R'): HandStats | null {
  const xs = primaries.filter((s) => s.hand === hand);
  if (xs.length === 0) return null;
  return {
    relVelocity: mean(xs.map((s) => s.actualVelocity / s.intendedVelocity)),
    meanAbsErrorMs: mean(xs.map((s) => Math.abs(s.timingErrorMs))),
  };
}

/**
 * SOUSA's blend: 0.5 × velocity balance + 0.5 × (0.4 × timing balance + 0.6 × accuracy sigmoid).
 * Velocities are taken relative to intended, so a pattern that puts all accents in one hand is
 * not "unbalanced". The accuracy sigmoid caps a perfect two-hand performance at 97.7.
 */
function handBalance(primaries: readonly StrokeLabel[]): number {
  const l = handStats(primaries, 'L');
  const r = handStats(primaries, 'R');
  if (l === null || r === null) return 100;
  const velBalance = (100 * Math.min(l.relVelocity, r.relVelocity)) / Math.max(l.relVelocity, r.relVelocity);
  // 1 ms floor: below it, differences between hands are below the onset grid (1.45 ms) anyway.
  const el = Math.max(l.meanAbsErrorMs, 1);
  const er = Math.max(r.meanAbsErrorMs, 1);
  const timBalance =
    0.4 * ((100 * Math.min(el, er)) / Math.max(el, er)) +
    0.6 * timingAccuracySigmoid((l.meanAbsErrorMs + r.meanAbsErrorMs) / 2);
  return 0.5 * velBalance + 0.5 * timBalance;
}

function weakHandIndex(primaries: readonly StrokeLabel[]): number {
  const l = handStats(primaries, 'L');
  const r = handStats(primaries, 'R');
  if (l === null || r === null) return 50;
  const total = l.meanAbsErrorMs + r.meanAbsErrorMs;
  return total > 0 ? (100 * r.meanAbsErrorMs) / total : 50;
}

/**
 * Flam graces are graces whose primary has exactly one grace, in any category (SOUSA scored only
 * the flam category). Drag graces (two per primary) are not scored: the 20–40 ms window is a
 * flam criterion and SOUSA defines no drag score.
 */
function flamQuality(strokes: readonly StrokeLabel[]): number | null {
  const graceCount = new Map<number, number>();
  for (const s of strokes) {
    if (s.isGraceNote && s.parentStrokeIndex !== null) {
      graceCount.set(s.parentStrokeIndex, (graceCount.get(s.parentStrokeIndex) ?? 0) + 1);
    }
  }
  const scores: number[] = [];
  for (const s of strokes) {
    if (!s.isGraceNote || s.parentStrokeIndex === null || graceCount.get(s.parentStrokeIndex) !== 1) continue;
    const primary = strokes[s.parentStrokeIndex]!;
    scores.push(flamSpacingScore(primary.actualTimeMs - s.actualTimeMs));
  }
  return scores.length > 0 ? mean(scores) : null;
}

/** Every same-hand double (consecutive primaries marked 1 then 2), in any category. */
function diddleQuality(primaries: readonly StrokeLabel[]): number | null {
  const ratios: number[] = [];
  for (let i = 1; i < primaries.length; i++) {
    const a = primaries[i - 1]!;
    const b = primaries[i]!;
    if (a.diddlePosition !== 1 || b.diddlePosition !== 2 || a.hand !== b.hand) continue;
    const writtenGapMs = b.intendedTimeMs - a.intendedTimeMs;
    if (!(writtenGapMs > 0)) continue;
    ratios.push((b.actualTimeMs - a.actualTimeMs) / writtenGapMs);
  }
  return ratios.length > 0 ? diddleRatioScore(ratios) : null;
}

/**
 * Last quarter vs first quarter of the primaries' actual/intended velocity, so written accents
 * (e.g. the accented release of a five-stroke roll) are not read as sustain.
 */
function rollSustain(primaries: readonly StrokeLabel[]): number {
  if (primaries.length < 4) return 80;
  const q = Math.floor(primaries.length / 4);
  const rel = primaries.map((s) => s.actualVelocity / s.intendedVelocity);
  return Math.min(100, (100 * mean(rel.slice(-q))) / mean(rel.slice(0, q)));
}

/**
 * Raw (pre-articulation) deviations of the primaries. SOUSA's swing bonus is dropped: rudiments are
 * written straight, this generator has no swing model, and a long–short feel is already measured
 * as unevenness by subdivisionEvenness.
 */
function grooveFeelProxy(perf: Performance, primaries: readonly StrokeLabel[]): number {
  const raw = primaries.map((s) => perf.rawTimingErrorsMs[s.index]!);
  if (raw.some((x) => !Number.isFinite(x))) {
    throw new DatasetError(
      'LABEL_INPUT_INVALID',
      `rawTimingErrorsMs must be finite ms for every primary stroke (in ${perf.rudimentSlug})`,
    );
  }
  if (raw.length === 0) return 0;
  if (raw.length < 4) return 0.5;
  const accuracy = Math.max(0, 1 - mean(raw.map(Math.abs)) / 50);
  return Math.min(1, accuracy + 0.3 * meanAbsAutocorrelation(raw));
}

/** Mean |autocorrelation| at lags 1–4; 1 for a constant series, 0.5 below 6 values (SOUSA). */
function meanAbsAutocorrelation(xs: readonly number[]): number {
  if (xs.length < 6) return 0.5;
  // A constant series (up to rounding) has no defined autocorrelation; SOUSA scores it 1.
  if (populationStd(xs) < 1e-9) return 1;
  const m = mean(xs);
  let denom = 0;
  for (const x of xs) denom += (x - m) * (x - m);
  let sum = 0;
  for (let lag = 1; lag <= 4; lag++) {
    let num = 0;
    for (let i = 0; i + lag < xs.length; i++) num += (xs[i]! - m) * (xs[i + lag]! - m);
    sum += Math.abs(num / denom);
  }
  return sum / 4;
}
