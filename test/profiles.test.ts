import { describe, expect, it } from 'vitest';
import { ProfileError } from '../src/errors.js';
import {
  ARCHETYPES,
  CORRELATED_DIMENSIONS,
  DIMENSION_BOUNDS,
  SKILL_TIERS,
  TARGET_CORRELATIONS,
  cholesky,
  dimensionIndex,
  generateProfile,
  generateProfiles,
  jacobiEigen,
  nearestCorrelationMatrix,
  profileCorrelation,
  targetCorrelationMatrix,
  tempoComfortPenalty,
  tierQuotas,
} from '../src/profiles/index.js';
import type { DimensionName, PlayerProfile, SkillTier, SquareMatrix } from '../src/profiles/index.js';
import { pearson } from './helpers/audio-analysis.js';

const ALL_DIMENSIONS = Object.keys(DIMENSION_BOUNDS) as DimensionName[];

function at(m: SquareMatrix, i: number, j: number): number {
  return m.data[i * m.size + j]!;
}

function expectProfileError(fn: () => unknown, code: string, fragment: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    expect((e as ProfileError).code).toBe(code);
    expect((e as Error).message).toContain(fragment);
    return;
  }
  throw new Error(`expected a ProfileError ${code}, nothing was thrown`);
}

// Standard normal pdf and cdf (erf by Abramowitz & Stegun 7.1.26, |error| < 1.5e-7).
const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
function Phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** E[clamp(X, lo, hi)] for X ~ N(mean, sd): the exact mean of a clamped (censored) normal. */
function clampedNormalMean(mean: number, sd: number, lo: number, hi: number): number {
  const a = (lo - mean) / sd;
  const b = (hi - mean) / sd;
  return lo * Phi(a) + hi * (1 - Phi(b)) + mean * (Phi(b) - Phi(a)) + sd * (phi(a) - phi(b));
}

/** Probability that a draw of N(mean, sd) falls outside [lo, hi]. */
function clampProbability(mean: number, sd: number, lo: number, hi: number): number {
  return Phi((lo - mean) / sd) + 1 - Phi((hi - mean) / sd);
}


function meanSd(x: readonly number[]): { mean: number; sd: number } {
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

describe('tierQuotas', () => {
  it('pins largest-remainder counts for the default 25/35/25/15 mix', () => {
    expect(tierQuotas(1)).toEqual({ beginner: 0, intermediate: 1, advanced: 0, professional: 0 });
    expect(tierQuotas(4)).toEqual({ beginner: 1, intermediate: 1, advanced: 1, professional: 1 });
    // 2.5/3.5/2.5/1.5: all remainders tie at 0.5, so the two extra go to the largest weights (int, then beg).
    expect(tierQuotas(10)).toEqual({ beginner: 3, intermediate: 4, advanced: 2, professional: 1 });
    expect(tierQuotas(50)).toEqual({ beginner: 13, intermediate: 18, advanced: 12, professional: 7 });
    expect(tierQuotas(100)).toEqual({ beginner: 25, intermediate: 35, advanced: 25, professional: 15 });
    expect(tierQuotas(0)).toEqual({ beginner: 0, intermediate: 0, advanced: 0, professional: 0 });
  });

  it('sums to n, gives every tier a profile from n = 4, and stays within 1 of the exact quota', () => {
    for (let n = 1; n <= 300; n++) {
      const q = tierQuotas(n);
      expect(SKILL_TIERS.reduce((s, t) => s + q[t], 0)).toBe(n);
      if (n >= 4) for (const t of SKILL_TIERS) expect(q[t]).toBeGreaterThanOrEqual(1);
      // The at-least-one rule only moves counts for n < 7 (pro's exact quota 0.15 n < 1).
      const exact = { beginner: 0.25 * n, intermediate: 0.35 * n, advanced: 0.25 * n, professional: 0.15 * n };
      for (const t of SKILL_TIERS) expect(Math.abs(q[t] - exact[t])).toBeLessThan(n >= 7 ? 1 : 2);
    }
  });

  it('honours custom mixes: unnormalised weights, a zero weight, the at-least-one rule', () => {
    expect(tierQuotas(6, { beginner: 1, intermediate: 1, advanced: 1, professional: 1 })).toEqual({
      beginner: 2,
      intermediate: 2,
      advanced: 1,
      professional: 1,
    });
    expect(tierQuotas(10, { beginner: 0, intermediate: 1, advanced: 1, professional: 2 })).toEqual({
      beginner: 0,
      intermediate: 3,
      advanced: 2,
      professional: 5,
    });
    // 0.5/0.5/0.5/1.5: tied remainders go to the heavier tier first, then to the earlier one.
    expect(tierQuotas(3, { beginner: 1, intermediate: 1, advanced: 1, professional: 3 })).toEqual({
      beginner: 1,
      intermediate: 0,
      advanced: 0,
      professional: 2,
    });
    // 9.7/0.1/0.1/0.1 -> 10/0/0/0 by remainders, then three profiles move from beginner.
    expect(tierQuotas(10, { beginner: 97, intermediate: 1, advanced: 1, professional: 1 })).toEqual({
      beginner: 7,
      intermediate: 1,
      advanced: 1,
      professional: 1,
    });
  });

  it('rejects bad n and bad weights with ProfileError', () => {
    expectProfileError(() => tierQuotas(-1), 'PROFILE_INVALID_REQUEST', 'got -1');
    expectProfileError(() => tierQuotas(2.5), 'PROFILE_INVALID_REQUEST', 'got 2.5');
    const zero = { beginner: 0, intermediate: 0, advanced: 0, professional: 0 };
    expectProfileError(() => tierQuotas(10, zero), 'PROFILE_INVALID_REQUEST', 'got sum 0');
    expectProfileError(
      () => tierQuotas(10, { ...zero, advanced: -1, beginner: 1 }),
      'PROFILE_INVALID_REQUEST',
      'got -1 for advanced',
    );
  });
});

describe('generateProfiles: ids and determinism', () => {
  it('numbers profiles 0..n-1 in tier order with {tier3}{number:03d} ids', () => {
    expect(generateProfiles(42, 10).map((p) => p.id)).toEqual([
      'beg000', 'beg001', 'beg002', 'int003', 'int004', 'int005', 'int006', 'adv007', 'adv008', 'pro009',
    ]);
    const hundred = generateProfiles(3, 100);
    expect(hundred.map((p) => p.number)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([0, 24, 25, 59, 60, 84, 85, 99].map((i) => hundred[i]!.id)).toEqual([
      'beg000', 'beg024', 'int025', 'int059', 'adv060', 'adv084', 'pro085', 'pro099',
    ]);
    expect(hundred.map((p) => p.tempoComfortBpm[1])).toEqual([
      ...Array<number>(25).fill(100), ...Array<number>(35).fill(150), ...Array<number>(25).fill(180), ...Array<number>(15).fill(220),
    ]);
  });

  it('gives identical profiles for the same seed and different ones for another seed', () => {
    const a = generateProfiles(42, 50);
    expect(generateProfiles(42, 50)).toEqual(a);
    const b = generateProfiles(43, 50);
    for (let i = 0; i < 50; i++) {
      expect(b[i]!.id).toBe(a[i]!.id);
      expect(b[i]!.dimensions.timingAccuracyMs).not.toBe(a[i]!.dimensions.timingAccuracyMs);
    }
  });

  it('makes each profile a function of (seed, id) only', () => {
    const fifty = generateProfiles(42, 50);
    for (const p of fifty) expect(generateProfile(42, p.tier, p.number)).toEqual(p);
    // The ids shared by a 10- and a 50-profile run (beg000-beg002) hold identical profiles.
    const ten = generateProfiles(42, 10);
    const byId = new Map(fifty.map((p) => [p.id, p]));
    const shared = ten.filter((p) => byId.has(p.id));
    expect(shared.map((p) => p.id)).toEqual(['beg000', 'beg001', 'beg002']);
    for (const p of shared) expect(p).toEqual(byId.get(p.id));
    // The hand is drawn last, so its probability changes no dimension.
    const lefty = generateProfile(42, 'advanced', 7, { leftHandedProbability: 1 });
    expect(lefty.dominantHand).toBe('left');
    expect(lefty.dimensions).toEqual(generateProfile(42, 'advanced', 7).dimensions);
  });

  it('pins golden values (seed 42, beg000), so RNG or matrix changes are noticed', () => {
    const [p] = generateProfiles(42, 100);
    expect(p!.id).toBe('beg000');
    expect(p!.dominantHand).toBe('right');
    expect(p!.dimensions.timingAccuracyMs).toBeCloseTo(55.66794855262023, 10);
    expect(p!.dimensions.lrVelocityRatio).toBeCloseTo(0.6375145062130848, 12);
    expect(p!.dimensions.fatigueCoefficient).toBeCloseTo(0.2070660749169577, 12);
  });

  it('rejects bad count, seed and options with ProfileError', () => {
    for (const count of [0, -3, 2.5, Number.NaN]) {
      expectProfileError(() => generateProfiles(1, count), 'PROFILE_INVALID_REQUEST', `got ${count}`);
    }
    for (const seed of [-1, 1.5, 2 ** 53]) {
      expectProfileError(() => generateProfiles(seed, 5), 'PROFILE_INVALID_REQUEST', `got ${seed}`);
    }
    expectProfileError(
      () => generateProfiles(1, 5, { leftHandedProbability: 1.5 }),
      'PROFILE_INVALID_REQUEST',
      'got 1.5',
    );
    expectProfileError(() => generateProfile(1, 'advanced', -1), 'PROFILE_INVALID_REQUEST', 'got -1');
  });
});

describe('correlation matrix', () => {
  const target = targetCorrelationMatrix();
  const { matrix: repaired, iterations, converged } = profileCorrelation();
  const n = CORRELATED_DIMENSIONS.length;

  it('encodes the 22 targets in a 17x17 matrix that is not positive definite', () => {
    expect(n).toBe(17);
    expect(TARGET_CORRELATIONS).toHaveLength(22);
    expect(at(target, dimensionIndex('timingAccuracyMs'), dimensionIndex('timingConsistency'))).toBe(0.7);
    expect(at(target, dimensionIndex('diddleEvenness'), dimensionIndex('subdivisionEvenness'))).toBe(0.7);
    const nonZero = Array.from(target.data).filter((v, k) => v !== 0 && k % (n + 1) !== 0).length;
    expect(nonZero).toBe(44);
    expect(jacobiEigen(target).values[0]).toBeCloseTo(-0.0643422, 6);
    expect(() => cholesky(target)).toThrow(ProfileError);
  });

  it('repairs it into a symmetric, unit-diagonal, positive-definite matrix near the targets', () => {
    expect(converged).toBe(true);
    expect(iterations).toBeLessThan(100);
    let maxDiff = 0;
    for (let i = 0; i < n; i++) {
      expect(at(repaired, i, i)).toBe(1);
      for (let j = 0; j < n; j++) {
        expect(at(repaired, i, j)).toBe(at(repaired, j, i));
        maxDiff = Math.max(maxDiff, Math.abs(at(repaired, i, j) - at(target, i, j)));
      }
    }
    expect(maxDiff).toBeLessThan(0.1);
    expect(maxDiff).toBeGreaterThan(0.01); // the targets are inconsistent, so something had to move
    // Same figures as SOUSA's own repair (TA-TC 0.67, subdiv-diddle 0.698), re-derived in numpy.
    expect(at(repaired, 0, 1)).toBeCloseTo(0.676488, 5);
    expect(at(repaired, 3, 13)).toBeCloseTo(0.698718, 5);
    const minEig = jacobiEigen(repaired).values[0]!;
    expect(minEig).toBeGreaterThan(0.9e-4);
    expect(minEig).toBeLessThan(1.1e-4);
    const l = cholesky(repaired);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += at(l, i, k) * at(l, j, k);
        expect(Math.abs(s - at(repaired, i, j))).toBeLessThan(1e-12);
        if (j > i) expect(at(l, i, j)).toBe(0);
      }
    }
  });

  it('jacobiEigen matches known eigenvalues and reconstructs its input', () => {
    // Tridiagonal (2, -1): eigenvalues 2 - 2 cos(k pi / 5), k = 1..4.
    const m: SquareMatrix = { size: 4, data: Float64Array.from([2, -1, 0, 0, -1, 2, -1, 0, 0, -1, 2, -1, 0, 0, -1, 2]) };
    const { values, vectors } = jacobiEigen(m);
    for (let k = 1; k <= 4; k++) expect(values[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / 5), 13);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let rebuilt = 0;
        let gram = 0;
        for (let k = 0; k < 4; k++) {
          rebuilt += at(vectors, i, k) * values[k]! * at(vectors, j, k);
          gram += at(vectors, k, i) * at(vectors, k, j);
        }
        expect(rebuilt).toBeCloseTo(at(m, i, j), 13);
        expect(gram).toBeCloseTo(i === j ? 1 : 0, 13);
      }
    }
  });

  it("nearestCorrelationMatrix reproduces Higham's 4x4 example", () => {
    // Example of Higham (2002) and NAG g02aa: nearest correlation matrix to tridiag(-1, 2, -1).
    const m: SquareMatrix = { size: 4, data: Float64Array.from([2, -1, 0, 0, -1, 2, -1, 0, 0, -1, 2, -1, 0, 0, -1, 2]) };
    const { matrix } = nearestCorrelationMatrix(m, { minEigenvalue: 0, tolerance: 1e-14 });
    const expected = [
      [1, -0.80841, 0.19159, 0.10678],
      [-0.80841, 1, -0.65623, 0.19159],
      [0.19159, -0.65623, 1, -0.80841],
      [0.10678, 0.19159, -0.80841, 1],
    ];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(at(matrix, i, j)).toBeCloseTo(expected[i]![j]!, 4);
  });

  it('cholesky rejects an indefinite matrix with a ProfileError naming the pivot', () => {
    const m: SquareMatrix = { size: 2, data: Float64Array.from([1, 2, 2, 1]) };
    expectProfileError(() => cholesky(m), 'PROFILE_MATRIX_NOT_PD', 'row 1 of 2');
  });
});

describe('sampled profiles: distributions', () => {
  const PER_TIER = 4000;
  const SEED = 2024;
  const samples = new Map<SkillTier, PlayerProfile[]>(
    SKILL_TIERS.map((tier) => [tier, Array.from({ length: PER_TIER }, (_, k) => generateProfile(SEED, tier, k))]),
  );
  const column = (tier: SkillTier, dim: DimensionName): number[] => samples.get(tier)!.map((p) => p.dimensions[dim]);
  const tierMean = (tier: SkillTier, dim: DimensionName): number => meanSd(column(tier, dim)).mean;
  const repaired = profileCorrelation().matrix;

  it('keeps every value within its bounds', () => {
    for (const tier of SKILL_TIERS) {
      for (const dim of ALL_DIMENSIONS) {
        const [lo, hi] = DIMENSION_BOUNDS[dim];
        const values = column(tier, dim);
        expect(Math.min(...values)).toBeGreaterThanOrEqual(lo);
        expect(Math.max(...values)).toBeLessThanOrEqual(hi);
      }
    }
    // Beginner diddle evenness sits one sd above its floor 0.6: about 16 % are clamped onto it.
    const clamped = column('beginner', 'diddleEvenness').filter((v) => v === 0.6).length / PER_TIER;
    expect(clamped).toBeCloseTo(clampProbability(0.75, 0.15, 0.6, 1.4), 1);
  });

  it('matches the archetype table: mean of the clamped normal within 4 SE, sd within 6 %', () => {
    for (const tier of SKILL_TIERS) {
      for (const dim of ALL_DIMENSIONS) {
        const { mean, sd } = ARCHETYPES[tier].dimensions[dim];
        const [lo, hi] = DIMENSION_BOUNDS[dim];
        const got = meanSd(column(tier, dim));
        const expectedMean = clampedNormalMean(mean, sd, lo, hi);
        expect(Math.abs(got.mean - expectedMean), `${tier} ${dim}`).toBeLessThan((4 * sd) / Math.sqrt(PER_TIER));
        if (clampProbability(mean, sd, lo, hi) < 1e-3) {
          expect(Math.abs(got.sd / sd - 1), `${tier} ${dim} sd`).toBeLessThan(0.06);
        }
      }
    }
  });

  it('orders tier means monotonically', () => {
    const decreasing: DimensionName[] = [
      'timingAccuracyMs', 'timingConsistency', 'tempoDrift', 'lrTimingBiasMs', 'lrConsistencyDelta',
      'flamSpacingMs', 'flamSpacingVariance', 'diddleVariance', 'rollSustain', 'fatigueCoefficient',
    ];
    const increasing: DimensionName[] = [
      'subdivisionEvenness', 'velocityMean', 'accentDifferentiation', 'accentAccuracy', 'lrVelocityRatio',
      'diddleEvenness', 'buzzDensityConsistency',
    ];
    for (const dim of decreasing) {
      const m = SKILL_TIERS.map((t) => tierMean(t, dim));
      for (let i = 1; i < 4; i++) expect(m[i], dim).toBeLessThan(m[i - 1]!);
    }
    for (const dim of increasing) {
      const m = SKILL_TIERS.map((t) => tierMean(t, dim));
      for (let i = 1; i < 4; i++) expect(m[i], dim).toBeGreaterThan(m[i - 1]!);
    }
  });

  // Correlated dimensions with < 1 % clamping: beginner loses the five rudiment spreads near their
  // bounds, the upper tiers the dimensions squeezed against 1 or 0.
  const FREE_DIMENSIONS: Record<SkillTier, number> = { beginner: 12, intermediate: 16, advanced: 11, professional: 10 };

  it('reproduces the target correlations', () => {
    for (const tier of SKILL_TIERS) {
      expect(pearson(column(tier, 'timingAccuracyMs'), column(tier, 'timingConsistency'))).toBeGreaterThan(0.5);
      for (const { a, b, r } of TARGET_CORRELATIONS) {
        if (Math.abs(r) < 0.4) continue;
        expect(Math.sign(pearson(column(tier, a), column(tier, b))), `${tier} ${a}-${b}`).toBe(Math.sign(r));
      }
      // Where clamping is negligible (< 1 % per dimension) the sample r estimates the repaired r:
      // SE <= 1/sqrt(4000) = 0.016, so 0.07 is over 4 SE.
      const free = CORRELATED_DIMENSIONS.filter((dim) => {
        const { mean, sd } = ARCHETYPES[tier].dimensions[dim];
        return clampProbability(mean, sd, ...DIMENSION_BOUNDS[dim]) < 0.01;
      });
      expect(free.length).toBe(FREE_DIMENSIONS[tier]);
      for (const a of free) {
        for (const b of free) {
          if (a >= b) continue;
          const want = at(repaired, dimensionIndex(a), dimensionIndex(b));
          expect(Math.abs(pearson(column(tier, a), column(tier, b)) - want), `${tier} ${a}-${b}`).toBeLessThan(0.07);
        }
      }
      // Fatigue is drawn independently of the correlated block.
      expect(Math.abs(pearson(column(tier, 'fatigueCoefficient'), column(tier, 'timingAccuracyMs')))).toBeLessThan(0.07);
    }
  });

  it('makes about 10 % of players left-handed', () => {
    const profiles = generateProfiles(SEED, 4000);
    const share = profiles.filter((p) => p.dominantHand === 'left').length / profiles.length;
    expect(Math.abs(share - 0.1)).toBeLessThan(0.02);
    expect(generateProfiles(SEED, 50, { leftHandedProbability: 0 }).every((p) => p.dominantHand === 'right')).toBe(true);
  });
});

describe('tempoComfortPenalty', () => {
  const beginner = generateProfile(1, 'beginner', 0);
  const pro = generateProfile(1, 'professional', 0);

  it('is 1 inside the comfort range and grows 0.01 per BPM outside it', () => {
    expect(beginner.tempoComfortBpm).toEqual([60, 100]);
    expect(pro.tempoComfortBpm).toEqual([50, 220]);
    expect(tempoComfortPenalty(beginner, 60)).toBe(1);
    expect(tempoComfortPenalty(beginner, 80)).toBe(1);
    expect(tempoComfortPenalty(beginner, 100)).toBe(1);
    expect(tempoComfortPenalty(beginner, 120)).toBeCloseTo(1.2, 12);
    expect(tempoComfortPenalty(beginner, 40)).toBeCloseTo(1.2, 12);
    expect(tempoComfortPenalty(beginner, 180)).toBeCloseTo(1.8, 12);
    expect(tempoComfortPenalty(pro, 180)).toBe(1);
    expect(tempoComfortPenalty(pro, 230)).toBeCloseTo(1.1, 12);
    expect(tempoComfortPenalty({ tempoComfortBpm: [70, 150] }, 60.5)).toBeCloseTo(1.095, 12);
  });

  it('rejects a non-positive or non-finite tempo', () => {
    for (const bpm of [0, -10, Number.NaN, Infinity]) {
      expectProfileError(() => tempoComfortPenalty(pro, bpm), 'PROFILE_INVALID_REQUEST', `got ${bpm}`);
    }
  });
});
