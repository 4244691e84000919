/** Player-profile data model (SOUSA §3: four tiers, 17 correlated dimensions + fatigue). */

export const SKILL_TIERS = ['beginner', 'intermediate', 'advanced', 'professional'] as const;
export type SkillTier = (typeof SKILL_TIERS)[number];

/** Three-letter tier codes used in profile and sample ids. */
export const TIER_CODES: Readonly<Record<SkillTier, string>> = {
  beginner: 'beg',
  intermediate: 'int',
  advanced: 'adv',
  professional: 'pro',
};

export type DominantHand = 'right' | 'left';

/** The sampled performance dimensions of one player (units as in sousa-original.md §3.2). */
export interface ProfileDimensions {
  /** σ of grid timing error, ms. */
  timingAccuracyMs: number;
  /** Extra stroke-to-stroke timing scatter, 0..1 (×10 ms in the deviation model). */
  timingConsistency: number;
  /** Tempo drift, fraction of a beat per beat. */
  tempoDrift: number;
  /** Evenness of subdivisions, 0..1 (1 = perfectly even). */
  subdivisionEvenness: number;
  /** Mean MIDI velocity of the player's strokes, 30..127. */
  velocityMean: number;
  /** Relative velocity σ (fraction of intended velocity), 0..0.5. */
  velocityVariance: number;
  /** Accent vs tap contrast, 0..20 (velocity units / 3 in the accent-miss model). */
  accentDifferentiation: number;
  /** Probability of playing an accent (or non-accent) as written, 0..1. */
  accentAccuracy: number;
  /** Weak/strong hand velocity ratio, 0.5..1. */
  lrVelocityRatio: number;
  /** Weak-hand timing bias, ms (positive = late). */
  lrTimingBiasMs: number;
  /** Extra relative velocity σ of the weak hand, 0..0.3. */
  lrConsistencyDelta: number;
  /** Mean flam grace-to-primary spacing, ms. */
  flamSpacingMs: number;
  /** Relative σ of flam spacing, 0..0.5. */
  flamSpacingVariance: number;
  /** Mean d2/d1 interval ratio of doubles, 0.6..1.4 (1 = even). */
  diddleEvenness: number;
  /** σ of the diddle ratio, 0..0.3. */
  diddleVariance: number;
  /** Velocity decay along a roll, 0..0.5. */
  rollSustain: number;
  /** Consistency of buzz density, 0..1. */
  buzzDensityConsistency: number;
  /** Fatigue: growth of error / loss of velocity along an exercise, 0..0.3. */
  fatigueCoefficient: number;
}

export interface PlayerProfile {
  /** Deterministic id `{tier3}{number:03d}`, e.g. `beg000`, `pro003`. */
  readonly id: string;
  /** Sequential number within the run (0-based, across tiers). */
  readonly number: number;
  readonly tier: SkillTier;
  readonly dominantHand: DominantHand;
  /** Tempo range (BPM) inside which the player has no comfort penalty. */
  readonly tempoComfortBpm: readonly [number, number];
  readonly dimensions: Readonly<ProfileDimensions>;
}
