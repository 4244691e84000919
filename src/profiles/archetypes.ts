/**
 * The four skill-tier archetypes as data: per dimension a normal distribution (mean, sd) and the
 * bounds every sampled value is clamped to, plus each tier's fixed tempo-comfort range.
 * Values are SOUSA's archetype table (sousa-original.md §3.2); units follow the field names of
 * {@link ProfileDimensions}.
 */
import type { ProfileDimensions, SkillTier } from './types.js';

/** Name of one sampled profile dimension. */
export type DimensionName = keyof ProfileDimensions;

/** A normal distribution for one dimension of one tier, before clamping. */
export interface DimensionDistribution {
  /** Mean of the normal, in the dimension's unit. */
  readonly mean: number;
  /** Standard deviation of the normal, in the dimension's unit (> 0). */
  readonly sd: number;
}

/** One tier's archetype. */
export interface TierArchetype {
  /** Distribution of every dimension (including fatigue) for this tier. */
  readonly dimensions: Readonly<Record<DimensionName, DimensionDistribution>>;
  /** Tempo range (BPM, inclusive) without a comfort penalty. */
  readonly tempoComfortBpm: readonly [number, number];
}

/** Inclusive [min, max] every sampled value is clamped to, per dimension (same for all tiers). */
export const DIMENSION_BOUNDS: Readonly<Record<DimensionName, readonly [number, number]>> = {
  timingAccuracyMs: [0, 100],
  timingConsistency: [0, 1],
  tempoDrift: [-0.5, 0.5],
  subdivisionEvenness: [0, 1],
  velocityMean: [30, 127],
  velocityVariance: [0, 0.5],
  accentDifferentiation: [0, 20],
  accentAccuracy: [0, 1],
  lrVelocityRatio: [0.5, 1],
  lrTimingBiasMs: [-20, 20],
  lrConsistencyDelta: [0, 0.3],
  flamSpacingMs: [10, 80],
  flamSpacingVariance: [0, 0.5],
  diddleEvenness: [0.6, 1.4],
  diddleVariance: [0, 0.3],
  rollSustain: [0, 0.5],
  buzzDensityConsistency: [0, 1],
  fatigueCoefficient: [0, 0.3],
};

const d = (mean: number, sd: number): DimensionDistribution => ({ mean, sd });

/** SOUSA's archetype table (sousa-original.md §3.2), mean (sd) per tier. */
export const ARCHETYPES: Readonly<Record<SkillTier, TierArchetype>> = {
  beginner: {
    tempoComfortBpm: [60, 100],
    dimensions: {
      timingAccuracyMs: d(50, 10),
      timingConsistency: d(0.6, 0.15),
      tempoDrift: d(0.025, 0.015),
      subdivisionEvenness: d(0.6, 0.15),
      velocityMean: d(85, 15),
      velocityVariance: d(0.12, 0.04),
      accentDifferentiation: d(6, 2),
      accentAccuracy: d(0.7, 0.1),
      lrVelocityRatio: d(0.72, 0.08),
      lrTimingBiasMs: d(8, 5),
      lrConsistencyDelta: d(0.15, 0.05),
      flamSpacingMs: d(50, 15),
      flamSpacingVariance: d(0.3, 0.1),
      diddleEvenness: d(0.75, 0.15),
      diddleVariance: d(0.2, 0.05),
      rollSustain: d(0.3, 0.1),
      buzzDensityConsistency: d(0.5, 0.15),
      fatigueCoefficient: d(0.15, 0.05),
    },
  },
  intermediate: {
    tempoComfortBpm: [70, 150],
    dimensions: {
      timingAccuracyMs: d(28, 8),
      timingConsistency: d(0.35, 0.1),
      tempoDrift: d(0.012, 0.008),
      subdivisionEvenness: d(0.8, 0.1),
      velocityMean: d(90, 10),
      velocityVariance: d(0.15, 0.04),
      accentDifferentiation: d(10, 2),
      accentAccuracy: d(0.88, 0.05),
      lrVelocityRatio: d(0.85, 0.05),
      lrTimingBiasMs: d(4, 3),
      lrConsistencyDelta: d(0.08, 0.03),
      flamSpacingMs: d(35, 8),
      flamSpacingVariance: d(0.15, 0.05),
      diddleEvenness: d(0.9, 0.08),
      diddleVariance: d(0.1, 0.03),
      rollSustain: d(0.15, 0.05),
      buzzDensityConsistency: d(0.75, 0.1),
      fatigueCoefficient: d(0.08, 0.03),
    },
  },
  advanced: {
    tempoComfortBpm: [60, 180],
    dimensions: {
      timingAccuracyMs: d(14, 4),
      timingConsistency: d(0.15, 0.05),
      tempoDrift: d(0.006, 0.004),
      subdivisionEvenness: d(0.92, 0.05),
      velocityMean: d(95, 8),
      velocityVariance: d(0.1, 0.03),
      accentDifferentiation: d(14, 2),
      accentAccuracy: d(0.96, 0.02),
      lrVelocityRatio: d(0.94, 0.03),
      lrTimingBiasMs: d(1.5, 1.5),
      lrConsistencyDelta: d(0.03, 0.015),
      flamSpacingMs: d(28, 4),
      flamSpacingVariance: d(0.08, 0.03),
      diddleEvenness: d(0.97, 0.03),
      diddleVariance: d(0.05, 0.02),
      rollSustain: d(0.05, 0.03),
      buzzDensityConsistency: d(0.9, 0.05),
      fatigueCoefficient: d(0.03, 0.02),
    },
  },
  professional: {
    tempoComfortBpm: [50, 220],
    dimensions: {
      timingAccuracyMs: d(7, 2),
      timingConsistency: d(0.08, 0.03),
      tempoDrift: d(0.002, 0.002),
      subdivisionEvenness: d(0.97, 0.02),
      velocityMean: d(100, 5),
      velocityVariance: d(0.07, 0.02),
      accentDifferentiation: d(16, 1.5),
      accentAccuracy: d(0.99, 0.005),
      lrVelocityRatio: d(0.98, 0.015),
      lrTimingBiasMs: d(0.5, 0.5),
      lrConsistencyDelta: d(0.01, 0.005),
      flamSpacingMs: d(25, 2),
      flamSpacingVariance: d(0.04, 0.015),
      diddleEvenness: d(0.99, 0.01),
      diddleVariance: d(0.02, 0.01),
      rollSustain: d(0.02, 0.01),
      buzzDensityConsistency: d(0.96, 0.02),
      fatigueCoefficient: d(0.01, 0.005),
    },
  },
};
