import { describe, expect, it } from 'vitest';
import { DatasetError } from '../src/errors.js';
import {
  exerciseScores,
  FLAM_SPACING_SCORE,
  flamSpacingScore,
  measureLabels,
  OVERALL_WEIGHTS,
  strokeLabels,
  TIER_SCORE_STATS,
  timingAccuracySigmoid,
  timingConsistencySigmoid,
  type ExerciseScores,
} from '../src/labels/index.js';
import type { Performance, PerformedStroke } from '../src/performance/types.js';
import { SKILL_TIERS } from '../src/profiles/types.js';
import { rngFor } from '../src/random/index.js';
import type { Category, Hand, StrokeType } from '../src/rudiments/types.js';

// ---- builders: performances written by hand, stroke by stroke ----

type Spec = Partial<Omit<PerformedStroke, 'index'>> & { hand: Hand; intendedTimeMs: number };

const IDEAL_VELOCITY: Record<StrokeType, number> = { accent: 120, tap: 65, diddle: 75, grace: 40, buzz: 70 };

/** Strokes in the given order; defaults: played exactly as intended, tap, cycle 0. */
function mk(specs: readonly Spec[]): PerformedStroke[] {
  const strokes = specs.map((sp, index): PerformedStroke => {
    const strokeType = sp.strokeType ?? (sp.isGraceNote ? 'grace' : sp.isAccent ? 'accent' : 'tap');
    const intendedVelocity = sp.intendedVelocity ?? IDEAL_VELOCITY[strokeType];
    return {
      strokeType,
      actualTimeMs: sp.intendedTimeMs,
      intendedVelocity,
      actualVelocity: intendedVelocity,
      isGraceNote: false,
      isAccent: false,
      isBuzzBounce: false,
      diddlePosition: null,
      parentStrokeIndex: null,
      flamSpacingMs: null,
      buzzCount: null,
      cycleIndex: 0,
      ...sp,
      index,
    };
  });
  for (const s of strokes) {
    const parent = s.isGraceNote && s.parentStrokeIndex !== null ? strokes[s.parentStrokeIndex] : undefined;
    if (parent !== undefined) s.flamSpacingMs = parent.actualTimeMs - s.actualTimeMs;
  }
  return strokes;
}

function perfOf(
  strokes: PerformedStroke[],
  opts: { category?: Category; numCycles?: number; raw?: number[] } = {},
): Performance {
  return {
    rudimentSlug: 'test_rudiment',
    category: opts.category ?? 'diddle',
    tempoBpm: 120,
    numCycles: opts.numCycles ?? Math.max(1, ...strokes.map((s) => s.cycleIndex + 1)),
    leadHand: 'R',
    strokes,
    rawTimingErrorsMs: opts.raw ?? strokes.map((s) => s.actualTimeMs - s.intendedTimeMs),
    durationSec: (Math.max(0, ...strokes.map((s) => s.actualTimeMs)) + 500) / 1000,
  };
}

function scoresOf(perf: Performance, tier: (typeof SKILL_TIERS)[number] = 'advanced'): ExerciseScores {
  return exerciseScores(perf, strokeLabels(perf), tier);
}

/** Single paradiddle R L R R / L R L L at 120 BPM 16ths (125 ms), accents on the first stroke, 2 cycles. */
function paradiddle(): Spec[] {
  const hands: Hand[] = ['R', 'L', 'R', 'R', 'L', 'R', 'L', 'L'];
  return hands.map((hand, i) => {
    const pos = i % 4;
    const diddle = pos === 2 ? 1 : pos === 3 ? 2 : null;
    return {
      hand,
      intendedTimeMs: 125 * i,
      isAccent: pos === 0,
      strokeType: pos === 0 ? 'accent' : diddle !== null ? 'diddle' : 'tap',
      diddlePosition: diddle,
      cycleIndex: Math.floor(i / 4),
    };
  });
}

/** R L R L … primaries at a fixed spacing. */
function alternating(n: number, spacingMs: number, extra: (i: number) => Partial<Spec> = () => ({})): Spec[] {
  return Array.from({ length: n }, (_, i) => ({
    hand: (i % 2 === 0 ? 'R' : 'L') as Hand,
    intendedTimeMs: spacingMs * i,
    ...extra(i),
  }));
}

// ---- the anchors SOUSA's tests pin ----

describe('sigmoids and weights', () => {
  it('keeps the timing-accuracy anchors: 0 ms > 90, 25 ms = 50, 50 ms ≈ 7.5', () => {
    expect(timingAccuracySigmoid(0)).toBeGreaterThan(90);
    expect(timingAccuracySigmoid(0)).toBeCloseTo(92.4142, 3);
    expect(timingAccuracySigmoid(25)).toBeCloseTo(50, 10);
    expect(timingAccuracySigmoid(50)).toBeCloseTo(7.5858, 3);
  });

  it('keeps the timing-consistency anchors: 0 ms ≈ 87, 15 ms = 50', () => {
    expect(timingConsistencySigmoid(0)).toBeCloseTo(86.7036, 3);
    expect(timingConsistencySigmoid(15)).toBeCloseTo(50, 10);
  });

  it('weights the overall score with SOUSA weights summing to 1', () => {
    const sum = Object.values(OVERALL_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 12);
    expect(OVERALL_WEIGHTS.timingAccuracy).toBe(0.2);
    expect(OVERALL_WEIGHTS.handBalance).toBe(0.15);
    expect(Object.keys(OVERALL_WEIGHTS)).toHaveLength(8);
  });

  it('scores flam spacing: 20–40 ms = 100, −5/ms below, −3/ms above, floor 0', () => {
    expect(flamSpacingScore(30)).toBe(100);
    expect(flamSpacingScore(FLAM_SPACING_SCORE.lowMs)).toBe(100);
    expect(flamSpacingScore(FLAM_SPACING_SCORE.highMs)).toBe(100);
    expect(flamSpacingScore(10)).toBe(50);
    expect(flamSpacingScore(60)).toBe(40);
    expect(flamSpacingScore(0)).toBe(0);
    expect(flamSpacingScore(200)).toBe(0);
  });

  it('has tier statistics ordered by tier (calibrated on this generator)', () => {
    const t = TIER_SCORE_STATS;
    expect(t.beginner.meanScore).toBeLessThan(t.intermediate.meanScore);
    expect(t.intermediate.meanScore).toBeLessThan(t.advanced.meanScore);
    expect(t.advanced.meanScore).toBeLessThan(t.professional.meanScore);
    for (const v of Object.values(t)) expect(v.sdScore).toBeGreaterThan(0);
  });
});

// ---- stroke labels ----

describe('strokeLabels', () => {
  it('labels primaries with actual − intended and velocity errors', () => {
    const perf = perfOf(mk([{ hand: 'R', intendedTimeMs: 100, actualTimeMs: 112.5, actualVelocity: 60 }]));
    const [s] = strokeLabels(perf);
    expect(s!.timingErrorMs).toBe(12.5);
    expect(s!.velocityError).toBe(-5);
    expect(s!.hand).toBe('R');
  });

  it('gives a grace note its spacing error, SOUSA spacing − 30 for a nominal 30 ms flam', () => {
    // Primary 8 ms late, grace 53 ms before it: spacing 53 → error +23, whatever the primary did.
    const perf = perfOf(
      mk([
        { hand: 'L', intendedTimeMs: 470, actualTimeMs: 455, isGraceNote: true, parentStrokeIndex: 1 },
        { hand: 'R', intendedTimeMs: 500, actualTimeMs: 508, isAccent: true },
      ]),
      { category: 'flam' },
    );
    const labels = strokeLabels(perf);
    expect(labels[0]!.flamSpacingMs).toBe(53);
    expect(labels[0]!.timingErrorMs).toBe(53 - 30);
    expect(labels[1]!.timingErrorMs).toBe(8);
  });

  it('uses the nominal spacing of each grace, so drag graces are judged against their own offsets', () => {
    // Drag graces nominally 60 and 25 ms before the primary; played 70 and 20 ms before.
    const perf = perfOf(
      mk([
        { hand: 'L', intendedTimeMs: 440, actualTimeMs: 430, isGraceNote: true, parentStrokeIndex: 2 },
        { hand: 'L', intendedTimeMs: 475, actualTimeMs: 480, isGraceNote: true, parentStrokeIndex: 2 },
        { hand: 'R', intendedTimeMs: 500 },
      ]),
      { category: 'drag' },
    );
    const labels = strokeLabels(perf);
    expect(labels[0]!.timingErrorMs).toBe(10);
    expect(labels[1]!.timingErrorMs).toBe(-5);
  });

  it('rejects strokes out of index order and dangling parents', () => {
    const bad = mk([{ hand: 'R', intendedTimeMs: 0 }, { hand: 'L', intendedTimeMs: 100 }]);
    bad[1]!.index = 5;
    expect(() => strokeLabels(perfOf(bad))).toThrow(DatasetError);
    const dangling = mk([{ hand: 'L', intendedTimeMs: 0, isGraceNote: true, parentStrokeIndex: 7 }]);
    expect(() => strokeLabels(perfOf(dangling))).toThrow(/parentStrokeIndex must be 0..0, got 7/);
    const silent = mk([{ hand: 'R', intendedTimeMs: 0, actualVelocity: 0 }]);
    expect(() => strokeLabels(perfOf(silent))).toThrow(/velocities must be 1..127/);
  });
});

// ---- measures ----

describe('measureLabels', () => {
  // Four cycles of R L R L at 100 ms; cycle 2 has a flam grace, cycle 3 a buzz primary with two bounces.
  const specs: Spec[] = [
    // cycle 0: perfect, all velocity 80
    ...[0, 100, 200, 300].map((t, i) => ({
      hand: (i % 2 ? 'L' : 'R') as Hand,
      intendedTimeMs: t,
      intendedVelocity: 80,
      cycleIndex: 0,
    })),
    // cycle 1: errors +2 −2 +4 −4; R at 100, L at 60 (intended 80)
    ...[400, 500, 600, 700].map((t, i) => ({
      hand: (i % 2 ? 'L' : 'R') as Hand,
      intendedTimeMs: t,
      actualTimeMs: t + [2, -2, 4, -4][i]!,
      intendedVelocity: 80,
      actualVelocity: i % 2 ? 60 : 100,
      cycleIndex: 1,
    })),
    // cycle 2: flam grace 20 ms before its primary (error −10), primaries +5 0 +3 −2
    { hand: 'L', intendedTimeMs: 770, actualTimeMs: 785, isGraceNote: true, parentStrokeIndex: 9, cycleIndex: 2 },
    ...[800, 900, 1000, 1100].map((t, i) => ({
      hand: (i % 2 ? 'L' : 'R') as Hand,
      intendedTimeMs: t,
      actualTimeMs: t + [5, 0, 3, -2][i]!,
      intendedVelocity: 80,
      cycleIndex: 2,
    })),
    // cycle 3: buzz primary R with two bounces 30 ms late (must not count), primaries +1 −1 +1 −1
    { hand: 'R', intendedTimeMs: 1200, actualTimeMs: 1201, strokeType: 'buzz', buzzCount: 3, intendedVelocity: 80, cycleIndex: 3 },
    ...[1225, 1250].map((t, j) => ({
      hand: 'R' as Hand,
      intendedTimeMs: t,
      actualTimeMs: t + 30,
      strokeType: 'buzz' as StrokeType,
      isBuzzBounce: true,
      parentStrokeIndex: 13,
      intendedVelocity: [60, 50][j]!,
      cycleIndex: 3,
    })),
    ...[1300, 1400, 1500].map((t, i) => ({
      hand: (i % 2 ? 'R' : 'L') as Hand,
      intendedTimeMs: t,
      actualTimeMs: t + [-1, 1, -1][i]!,
      intendedVelocity: 80,
      cycleIndex: 3,
    })),
  ];
  const perf = perfOf(mk(specs), { category: 'roll', numCycles: 4 });
  const measures = measureLabels(perf, strokeLabels(perf));

  it('makes one measure per cycle with the right stroke ranges (bounces stay in their cycle)', () => {
    expect(measures.map((m) => [m.index, m.strokeStart, m.strokeEnd])).toEqual([
      [0, 0, 4],
      [1, 4, 8],
      [2, 8, 13],
      [3, 13, 19],
    ]);
  });

  it('computes the stats of a perfect cycle', () => {
    expect(measures[0]).toEqual({
      index: 0,
      strokeStart: 0,
      strokeEnd: 4,
      timingMeanErrorMs: 0,
      timingStdMs: 0,
      timingMaxErrorMs: 0,
      velocityMean: 80,
      velocityStd: 0,
      velocityConsistency: 1,
      lrVelocityRatio: 1,
      lrTimingDiffMs: 0,
    });
  });

  it('computes timing and hand stats of an uneven cycle', () => {
    const m = measures[1]!;
    expect(m.timingMeanErrorMs).toBeCloseTo(0, 12);
    expect(m.timingStdMs).toBeCloseTo(Math.sqrt(10), 12); // (4 + 4 + 16 + 16) / 4
    expect(m.timingMaxErrorMs).toBe(4);
    expect(m.velocityMean).toBe(80);
    expect(m.velocityStd).toBe(20);
    expect(m.velocityConsistency).toBe(0.75);
    expect(m.lrVelocityRatio).toBeCloseTo(0.6, 12); // (60/80) / (100/80)
    expect(m.lrTimingDiffMs).toBe(-6); // mean L −3 − mean R +3
  });

  it('counts a grace by its spacing error and uses primaries only for hand stats', () => {
    const m = measures[2]!;
    // errors −10 (grace), 5, 0, 3, −2
    expect(m.timingMeanErrorMs).toBeCloseTo(-0.8, 12);
    expect(m.timingStdMs).toBeCloseTo(Math.sqrt(26.96), 12);
    expect(m.timingMaxErrorMs).toBe(10);
    // velocities 40 (grace), 80 × 4
    expect(m.velocityMean).toBe(72);
    expect(m.velocityStd).toBeCloseTo(16, 12);
    expect(m.velocityConsistency).toBeCloseTo(1 - 16 / 72, 12);
    expect(m.lrVelocityRatio).toBe(1);
    expect(m.lrTimingDiffMs).toBe(-5); // L (0, −2) → −1; R (5, 3) → 4
  });

  it('excludes buzz bounces from timing stats but not from velocity stats', () => {
    const m = measures[3]!;
    expect(m.timingMeanErrorMs).toBeCloseTo(0, 12);
    expect(m.timingStdMs).toBeCloseTo(1, 12);
    expect(m.timingMaxErrorMs).toBe(1);
    // velocities 80, 60, 50, 80, 80, 80
    expect(m.velocityMean).toBeCloseTo(430 / 6, 12);
    expect(m.velocityStd).toBeCloseTo(12.133516482134196, 10);
  });

  it('gives null hand ratios for a one-handed cycle', () => {
    const p = perfOf(mk(alternating(4, 100, () => ({ hand: 'L' }))));
    const [m] = measureLabels(p, strokeLabels(p));
    expect(m!.lrVelocityRatio).toBeNull();
    expect(m!.lrTimingDiffMs).toBeNull();
  });

  it('rejects cycles that are not contiguous', () => {
    const s = mk(alternating(4, 100, (i) => ({ cycleIndex: [0, 1, 0, 1][i]! })));
    const p = perfOf(s, { numCycles: 2 });
    expect(() => measureLabels(p, strokeLabels(p))).toThrow(/contiguous/);
    const q = perfOf(mk(alternating(2, 100, (i) => ({ cycleIndex: i * 3 }))), { numCycles: 2 });
    expect(() => measureLabels(q, strokeLabels(q))).toThrow(DatasetError);
  });
});

// ---- exercise scores ----

describe('exerciseScores on hand-crafted performances', () => {
  it('scores a perfect paradiddle at the ceiling of each formula', () => {
    const s = scoresOf(perfOf(mk(paradiddle())), 'professional');
    expect(s.timingAccuracy).toBeCloseTo(92.41418199787564, 10);
    expect(s.timingConsistency).toBeCloseTo(86.70357598021707, 10);
    expect(s.tempoStability).toBe(100);
    expect(s.subdivisionEvenness).toBe(100);
    // SOUSA: 100 − 2·std(v) = 100 − 2·21.3 with accents; relative errors are all 0 here.
    expect(s.velocityControl).toBe(100);
    expect(s.accentDifferentiation).toBeCloseTo(8 * ((120 - 65) / 127) * 20, 10); // accents 120 vs taps 65 (diddles are not taps)
    expect(s.accentAccuracy).toBe(100);
    // Velocity balance 100; timing balance 0.4·100 + 0.6·sigmoid(0): SOUSA's blend caps at 97.72.
    expect(s.handBalance).toBeCloseTo(97.7242545993627, 10);
    expect(s.weakHandIndex).toBe(50);
    expect(s.flamQuality).toBeNull();
    expect(s.diddleQuality).toBe(100);
    expect(s.rollSustain).toBeNull();
    expect(s.grooveFeelProxy).toBe(1);
    const overall =
      0.2 * s.timingAccuracy +
      0.15 * s.timingConsistency +
      0.1 * (100 + 100 + 100 + s.accentDifferentiation + 100) +
      0.15 * s.handBalance;
    expect(s.overallScore).toBeCloseTo(overall, 10);
    const z = (overall - TIER_SCORE_STATS.professional.meanScore) / TIER_SCORE_STATS.professional.sdScore;
    expect(s.tierConfidence).toBeCloseTo(Math.exp(-0.5 * z * z), 12);
  });

  it('measures the accent contrast against unaccented taps and buzz strokes', () => {
    // Accents 120 and 110, taps 60 and 70: (115 − 65) / 127 × 20 × 8.
    const p = perfOf(
      mk(
        alternating(4, 100, (i) => ({
          isAccent: i < 2,
          strokeType: i < 2 ? 'accent' : 'tap',
          actualVelocity: [120, 110, 60, 70][i]!,
        })),
      ),
    );
    expect(scoresOf(p).accentDifferentiation).toBeCloseTo((8 * 50 * 20) / 127, 10);
    const noAccents = perfOf(mk(alternating(4, 100)));
    expect(scoresOf(noAccents).accentDifferentiation).toBe(80);
  });

  it('counts accents louder than the mean primary velocity', () => {
    // Velocities 120 (A), 65, 60 (A, missed), 65: mean 77.5, one accent of two above it.
    const p = perfOf(
      mk(
        alternating(4, 100, (i) => ({
          isAccent: i % 2 === 0,
          strokeType: i % 2 === 0 ? 'accent' : 'tap',
          actualVelocity: [120, 65, 60, 65][i]!,
        })),
      ),
    );
    expect(scoresOf(p).accentAccuracy).toBe(50);
  });

  it('does not count a written long–short rhythm as uneven, but counts played unevenness', () => {
    // Sextuplet-into-quarter style grid: IOIs 83.3, 83.3, 83.3, 250 ms, played exactly.
    const grid = [0, 250 / 3, 500 / 3, 250, 500, 750 + 250 / 3];
    const exact = perfOf(mk(grid.map((t, i) => ({ hand: (i % 2 ? 'L' : 'R') as Hand, intendedTimeMs: t }))));
    expect(scoresOf(exact).subdivisionEvenness).toBeCloseTo(100, 10);
    // Even grid, second stroke 10 ms late: ratios 1.1, 0.9, 1.0 → std √(0.02/3).
    const uneven = perfOf(mk(alternating(4, 100, (i) => ({ actualTimeMs: i === 1 ? 110 : 100 * i }))));
    expect(scoresOf(uneven).subdivisionEvenness).toBeCloseTo(100 - 100 * Math.sqrt(0.02 / 3), 10);
  });

  it('measures velocity control relative to each stroke’s intended level', () => {
    // Errors +10 %, −10 % alternately around accents and taps: std 10 % → 100 − 20.
    const p = perfOf(
      mk(
        alternating(8, 100, (i) => {
          const intended = i % 4 === 0 ? 110 : 50;
          return { intendedVelocity: intended, actualVelocity: intended * (i % 2 ? 0.9 : 1.1), isAccent: i % 4 === 0 };
        }),
      ),
    );
    expect(scoresOf(p).velocityControl).toBeCloseTo(80, 10);
  });

  it('turns a linear drift of 5 ms per second into tempo stability 50', () => {
    const p = perfOf(mk(alternating(9, 250, (i) => ({ actualTimeMs: 250 * i * 1.005 }))));
    expect(scoresOf(p).tempoStability).toBeCloseTo(50, 10);
  });

  it('puts a late left hand at the left end of weakHandIndex (0 = left weak)', () => {
    const late = (hand: Hand) =>
      perfOf(mk(alternating(8, 125, (i) => ({ actualTimeMs: 125 * i + ((i % 2 ? 'L' : 'R') === hand ? 10 : 0) }))));
    const leftLate = scoresOf(late('L'));
    expect(leftLate.weakHandIndex).toBe(0);
    expect(scoresOf(late('R')).weakHandIndex).toBe(100);
    // Velocity balance 100; timing balance 0.4·(1/10)·100 + 0.6·sigmoid(5 ms).
    expect(leftLate.handBalance).toBeCloseTo(78.42391233933647, 10);
    // Partial weakness: left 6 ms, right 2 ms off → 100·2/8.
    const partial = perfOf(mk(alternating(8, 125, (i) => ({ actualTimeMs: 125 * i + (i % 2 ? 6 : -2) }))));
    expect(scoresOf(partial).weakHandIndex).toBe(25);
  });

  it('rates hand balance on velocity relative to intended, 100 when one hand plays', () => {
    // Left plays at 80 % of intended, right exact, timing perfect.
    const soft = perfOf(mk(alternating(8, 125, (i) => ({ actualVelocity: i % 2 ? 52 : 65 }))));
    expect(scoresOf(soft).handBalance).toBeCloseTo(0.5 * 80 + 0.5 * (40 + 0.6 * 92.41418199787564), 10);
    const oneHand = perfOf(mk(alternating(4, 125, () => ({ hand: 'R', actualVelocity: 30 }))));
    expect(scoresOf(oneHand).handBalance).toBe(100);
    expect(scoresOf(oneHand).weakHandIndex).toBe(50);
  });

  it('scores flam spacing 30 ms → 100, 10 ms → 50, 60 ms → 40, in any category', () => {
    const flams = (spacings: number[], category: Category) =>
      perfOf(
        mk(
          spacings.flatMap((sp, k): Spec[] => [
            { hand: 'L', intendedTimeMs: 500 * k + 470, actualTimeMs: 500 * k + 500 - sp, isGraceNote: true, parentStrokeIndex: 2 * k + 1 },
            { hand: 'R', intendedTimeMs: 500 * k + 500, isAccent: true },
          ]),
        ),
        { category },
      );
    expect(scoresOf(flams([30, 30], 'flam')).flamQuality).toBe(100);
    expect(scoresOf(flams([10], 'flam')).flamQuality).toBe(50);
    expect(scoresOf(flams([60], 'flam')).flamQuality).toBe(40);
    expect(scoresOf(flams([10, 60, 30], 'flam')).flamQuality).toBeCloseTo(190 / 3, 12);
    // A flam inside a drag-category rudiment is still a flam (SOUSA returned null there).
    expect(scoresOf(flams([60], 'drag')).flamQuality).toBe(40);
  });

  it('does not score drag graces as flams', () => {
    const drag = perfOf(
      mk([
        { hand: 'L', intendedTimeMs: 440, isGraceNote: true, parentStrokeIndex: 2 },
        { hand: 'L', intendedTimeMs: 475, isGraceNote: true, parentStrokeIndex: 2 },
        { hand: 'R', intendedTimeMs: 500, isAccent: true },
      ]),
      { category: 'drag' },
    );
    expect(scoresOf(drag).flamQuality).toBeNull();
  });

  it('scores a diddle ratio of 1.2 as 60, in any category with doubles', () => {
    // R R doubles at 100 ms written, the second stroke 120 ms after the first.
    const doubles = (category: Category) =>
      perfOf(
        mk([
          { hand: 'R', intendedTimeMs: 0, diddlePosition: 1, strokeType: 'diddle' },
          { hand: 'R', intendedTimeMs: 100, actualTimeMs: 120, diddlePosition: 2, strokeType: 'diddle' },
          { hand: 'L', intendedTimeMs: 200, diddlePosition: 1, strokeType: 'diddle' },
          { hand: 'L', intendedTimeMs: 300, actualTimeMs: 320, diddlePosition: 2, strokeType: 'diddle' },
        ]),
        { category },
      );
    expect(scoresOf(doubles('diddle')).diddleQuality).toBeCloseTo(60, 10);
    expect(scoresOf(doubles('flam')).diddleQuality).toBeCloseTo(60, 10);
    expect(scoresOf(perfOf(mk(alternating(4, 100)))).diddleQuality).toBeNull();
  });

  it('measures roll sustain from relative velocity and reports decay', () => {
    // 8 primaries; last quarter (2 strokes) at 80 % of intended → 80.
    const decaying = perfOf(mk(alternating(8, 100, (i) => ({ actualVelocity: i >= 6 ? 52 : 65 }))), { category: 'roll' });
    expect(scoresOf(decaying).rollSustain).toBeCloseTo(80, 10);
    // A written accent at the end is not a sustain gain, and played exactly it scores 100.
    const accented = perfOf(
      mk(alternating(8, 100, (i) => ({ isAccent: i === 7, strokeType: i === 7 ? 'accent' : 'tap' }))),
      { category: 'roll' },
    );
    expect(scoresOf(accented).rollSustain).toBe(100);
    const rising = perfOf(mk(alternating(8, 100, (i) => ({ actualVelocity: 60 + i }))), { category: 'roll' });
    expect(scoresOf(rising).rollSustain).toBe(100);
    expect(scoresOf(perfOf(mk(alternating(3, 100)), { category: 'roll' })).rollSustain).toBe(80);
    expect(scoresOf(perfOf(mk(alternating(8, 100)), { category: 'diddle' })).rollSustain).toBeNull();
  });

  it('keeps buzz bounces out of timing scores', () => {
    const buzz = (bounceErrorMs: number) => {
      const specs: Spec[] = [];
      for (let k = 0; k < 4; k++) {
        const t = 125 * k;
        specs.push({ hand: k % 2 ? 'L' : 'R', intendedTimeMs: t, actualTimeMs: t + [3, -4, 6, -1][k]!, strokeType: 'buzz', buzzCount: 3 });
        const parent = specs.length - 1;
        for (const j of [1, 2]) {
          specs.push({
            hand: k % 2 ? 'L' : 'R',
            intendedTimeMs: t + 30 * j,
            actualTimeMs: t + 30 * j + bounceErrorMs,
            strokeType: 'buzz',
            isBuzzBounce: true,
            parentStrokeIndex: parent,
          });
        }
      }
      return scoresOf(perfOf(mk(specs), { category: 'roll' }));
    };
    const clean = buzz(0);
    const messy = buzz(-40);
    expect(messy.timingAccuracy).toBe(clean.timingAccuracy);
    expect(messy.timingConsistency).toBe(clean.timingConsistency);
    expect(messy.subdivisionEvenness).toBe(clean.subdivisionEvenness);
    expect(clean.timingAccuracy).toBeCloseTo(timingAccuracySigmoid(3.5), 10); // mean |3, −4, 6, −1|
  });

  it('builds groove from the raw deviations of primaries, without a swing term', () => {
    const strokes = mk(alternating(8, 125, (i) => ({ actualTimeMs: 125 * i + 40 })));
    // Label errors are 40 ms everywhere, raw deviations alternate ±25 ms:
    // accuracy 1 − 25/50 = 0.5; |autocorrelation| at lag k = (8 − k)/8 → mean 22/32.
    const raw = strokes.map((_, i) => (i % 2 ? -25 : 25));
    const s = scoresOf(perfOf(strokes, { raw }));
    expect(s.grooveFeelProxy).toBeCloseTo(0.5 + 0.3 * (22 / 32), 12);
    expect(scoresOf(perfOf(strokes, { raw: raw.map(() => 0) })).grooveFeelProxy).toBe(1);
    expect(scoresOf(perfOf(mk(alternating(3, 125)))).grooveFeelProxy).toBe(0.5);
  });

  it('answers an empty performance as SOUSA: zeros, weak hand 50, confidence 0.5', () => {
    const s = scoresOf(perfOf([], { numCycles: 4 }));
    expect(s).toEqual({
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
    });
    expect(measureLabels(perfOf([], { numCycles: 4 }), [])).toEqual([]);
  });

  it('rejects raw deviations that do not match the strokes', () => {
    const p = perfOf(mk(alternating(4, 100)), { raw: [0, 0, 0] });
    expect(() => scoresOf(p)).toThrow(/expected 4, got 4 labels and 3 raw errors/);
  });
});

// ---- fuzz: every output finite and in range ----

const RANGES: Record<keyof ExerciseScores, [number, number]> = {
  timingAccuracy: [0, 100],
  timingConsistency: [0, 100],
  tempoStability: [0, 100],
  subdivisionEvenness: [0, 100],
  velocityControl: [0, 100],
  accentDifferentiation: [0, 100],
  accentAccuracy: [0, 100],
  handBalance: [0, 100],
  weakHandIndex: [0, 100],
  flamQuality: [0, 100],
  diddleQuality: [0, 100],
  rollSustain: [0, 100],
  grooveFeelProxy: [0, 1],
  overallScore: [0, 100],
  tierConfidence: [0, 1],
};

function randomPerformance(seed: number): Performance {
  const rng = rngFor(seed, `labels-fuzz/${seed}`);
  const category = rng.pick(['roll', 'diddle', 'flam', 'drag'] as const);
  const numCycles = rng.intBetween(1, 4);
  const perCycle = rng.intBetween(1, 6);
  const spacingMs = rng.uniform(30, 300);
  const sd = rng.pick([0, 0.5, 5, 40, 200]);
  const specs: Spec[] = [];
  const raw: number[] = [];
  const vel = () => rng.intBetween(1, 127);
  for (let c = 0; c < numCycles; c++) {
    for (let k = 0; k < perCycle; k++) {
      const t = spacingMs * (c * perCycle + k);
      const hand: Hand = rng.bernoulli(0.5) ? 'R' : 'L';
      const graces = rng.pick([0, 0, 1, 2]);
      const first = specs.length;
      for (let g = 0; g < graces; g++) {
        specs.push({
          hand: hand === 'R' ? 'L' : 'R',
          intendedTimeMs: t - 30 * (graces - g),
          actualTimeMs: t - 30 * (graces - g) + rng.normal(0, sd),
          isGraceNote: true,
          parentStrokeIndex: first + graces,
          intendedVelocity: vel(),
          actualVelocity: vel(),
          cycleIndex: c,
        });
        raw.push(rng.normal(0, sd));
      }
      const bounces = rng.pick([0, 0, 0, 3]);
      const diddle = k % 2 === 0 && k + 1 < perCycle && rng.bernoulli(0.3) ? 1 : null;
      specs.push({
        hand,
        intendedTimeMs: t,
        actualTimeMs: t + rng.normal(0, sd),
        isAccent: rng.bernoulli(0.3),
        strokeType: bounces > 0 ? 'buzz' : rng.pick(['tap', 'accent', 'diddle'] as const),
        diddlePosition: diddle ?? (rng.bernoulli(0.2) ? 2 : null),
        buzzCount: bounces > 0 ? bounces + 1 : null,
        intendedVelocity: vel(),
        actualVelocity: vel(),
        cycleIndex: c,
      });
      raw.push(rng.normal(0, sd));
      const parent = specs.length - 1;
      for (let b = 1; b <= bounces; b++) {
        specs.push({
          hand,
          intendedTimeMs: t + b * 3,
          actualTimeMs: t + b * 3 + rng.normal(0, sd),
          strokeType: 'buzz',
          isBuzzBounce: true,
          parentStrokeIndex: parent,
          intendedVelocity: vel(),
          actualVelocity: vel(),
          cycleIndex: c,
        });
        raw.push(rng.normal(0, sd));
      }
    }
  }
  return perfOf(mk(specs), { category, numCycles, raw });
}

describe('fuzz', () => {
  it('keeps every label finite and every score in range over 1000 random performances', () => {
    let flamSeen = 0;
    let diddleSeen = 0;
    for (let seed = 0; seed < 1000; seed++) {
      const perf = randomPerformance(seed);
      const strokes = strokeLabels(perf);
      for (const s of strokes) {
        expect(Number.isFinite(s.timingErrorMs) && Number.isFinite(s.velocityError)).toBe(true);
      }
      const measures = measureLabels(perf, strokes);
      expect(measures.length).toBe(perf.numCycles);
      expect(measures.at(-1)!.strokeEnd).toBe(strokes.length);
      for (const m of measures) {
        for (const v of Object.values(m)) {
          if (v !== null) expect(Number.isFinite(v)).toBe(true);
        }
      }
      const tier = SKILL_TIERS[seed % 4]!;
      const scores = exerciseScores(perf, strokes, tier);
      for (const [key, [lo, hi]] of Object.entries(RANGES) as [keyof ExerciseScores, [number, number]][]) {
        const v = scores[key];
        if (v === null) continue;
        if (!(Number.isFinite(v) && v >= lo && v <= hi)) {
          throw new Error(`seed ${seed}: ${key} = ${v} outside [${lo}, ${hi}]`);
        }
      }
      if (scores.flamQuality !== null) flamSeen++;
      if (scores.diddleQuality !== null) diddleSeen++;
      expect(scores.rollSustain === null).toBe(perf.category !== 'roll');
    }
    // The fuzz must actually reach the ornament scores.
    expect(flamSeen).toBeGreaterThan(100);
    expect(diddleSeen).toBeGreaterThan(100);
  });
});
