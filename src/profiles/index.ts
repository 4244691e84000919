/** Player profiles: four skill tiers, 17 correlated dimensions + fatigue (see README.md). */
export * from './types.js';
export { ARCHETYPES, DIMENSION_BOUNDS } from './archetypes.js';
export type { DimensionDistribution, DimensionName, TierArchetype } from './archetypes.js';
export {
  CORRELATED_DIMENSIONS,
  DEFAULT_JACOBI_OPTIONS,
  DEFAULT_NEAREST_CORRELATION_OPTIONS,
  TARGET_CORRELATIONS,
  cholesky,
  dimensionIndex,
  jacobiEigen,
  nearestCorrelationMatrix,
  profileCholesky,
  profileCorrelation,
  targetCorrelationMatrix,
} from './correlation.js';
export type {
  Eigen,
  JacobiOptions,
  SquareMatrix,
  NearestCorrelationOptions,
  NearestCorrelationResult,
  TargetCorrelation,
} from './correlation.js';
export {
  DEFAULT_PROFILE_OPTIONS,
  DEFAULT_TIER_MIX,
  generateProfile,
  generateProfiles,
  profileId,
  tempoComfortPenalty,
  tierQuotas,
} from './sampler.js';
export type { ProfileOptions } from './sampler.js';
