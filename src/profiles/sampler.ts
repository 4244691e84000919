/**
 * Player-profile sampling: tier quotas, deterministic ids, correlated dimensions.
 *
 * Unlike SOUSA (random tier draws, uuid4 ids), tiers come from fixed quotas and a profile is a pure
 * function of (seed, id): all its draws come from `rngFor(seed, 'profile/' + id)`, so generating more
 * or fewer profiles, or generating them elsewhere, never changes a profile that keeps its id.
 */
import { ProfileError } from '../errors.js';
import { rngFor } from '../random/index.js';
import { ARCHETYPES, DIMENSION_BOUNDS } from './archetypes.js';
import { CORRELATED_DIMENSIONS, profileCholesky } from './correlation.js';
import { SKILL_TIERS, TIER_CODES } from './types.js';
import type { DominantHand, PlayerProfile, ProfileDimensions, SkillTier } from './types.js';

/** Fraction of players per tier in SOUSA's default configuration (25/35/25/15 %). */
export const DEFAULT_TIER_MIX: Readonly<Record<SkillTier, number>> = {
  beginner: 0.25,
  intermediate: 0.35,
  advanced: 0.25,
  professional: 0.15,
};

/** Options of {@link generateProfiles} and {@link generateProfile}. */
export interface ProfileOptions {
  /** Relative weight of each tier; normalised by its sum (default 25/35/25/15). */
  tierMix: Readonly<Record<SkillTier, number>>;
  /** Probability that a player is left-handed (default 0.1, SOUSA §3.4). */
  leftHandedProbability: number;
}

export const DEFAULT_PROFILE_OPTIONS: Readonly<ProfileOptions> = {
  tierMix: DEFAULT_TIER_MIX,
  leftHandedProbability: 0.1,
};

// Remainders closer than this count as tied, so float noise in n * weight cannot pick the winner.
const REMAINDER_TIE = 1e-9;

function invalid(message: string): ProfileError {
  return new ProfileError('PROFILE_INVALID_REQUEST', message);
}

function validateMix(mix: Readonly<Record<SkillTier, number>>, where: string): number {
  let sum = 0;
  for (const tier of SKILL_TIERS) {
    const w = mix[tier];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw invalid(`tier weight must be a finite number >= 0, got ${String(w)} for ${tier} (${where})`);
    }
    sum += w;
  }
  if (!(sum > 0)) throw invalid(`tier weights must not all be 0, got sum ${sum} (${where})`);
  return sum;
}

/**
 * Number of profiles per tier for `n` profiles: largest-remainder (Hamilton) rounding of
 * `n * weight / sum`, ties going to the larger weight, then to the earlier tier. When n >= 4 every
 * tier with a positive weight gets at least one profile, taken from the tier with the most
 * (a tier weighted 0 is left at 0 on purpose). Deterministic; the counts sum to `n`.
 */
export function tierQuotas(
  n: number,
  mix: Readonly<Record<SkillTier, number>> = DEFAULT_TIER_MIX,
): Record<SkillTier, number> {
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(`n must be an integer >= 0, got ${n} (tierQuotas)`);
  const sum = validateMix(mix, 'tierQuotas');
  const counts: Record<SkillTier, number> = { beginner: 0, intermediate: 0, advanced: 0, professional: 0 };
  const remainders: { tier: SkillTier; order: number; weight: number; rest: number }[] = [];
  let assigned = 0;
  SKILL_TIERS.forEach((tier, order) => {
    const exact = (n * mix[tier]) / sum;
    // Round a float-noise shortfall (e.g. 2.9999999999999996) up to the integer it stands for.
    const whole = Math.floor(exact + REMAINDER_TIE);
    counts[tier] = whole;
    assigned += whole;
    remainders.push({ tier, order, weight: mix[tier], rest: exact - whole });
  });
  remainders.sort((x, y) =>
    Math.abs(x.rest - y.rest) > REMAINDER_TIE ? y.rest - x.rest : y.weight - x.weight || x.order - y.order,
  );
  for (let i = 0; assigned < n; i++, assigned++) counts[remainders[i % remainders.length]!.tier]++;
  if (n >= SKILL_TIERS.length) {
    for (const tier of SKILL_TIERS) {
      if (counts[tier] > 0 || mix[tier] === 0) continue;
      let donor: SkillTier = SKILL_TIERS[0];
      for (const t of SKILL_TIERS) if (counts[t] > counts[donor]) donor = t;
      counts[donor]--;
      counts[tier]++;
    }
  }
  return counts;
}

/** Profile id: tier code + the 0-based run position, zero-padded to 3 digits (`int025`, `pro1000`). */
export function profileId(tier: SkillTier, number: number): string {
  return `${TIER_CODES[tier]}${String(number).padStart(3, '0')}`;
}

function validateSeed(seed: number, where: string): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw invalid(`seed must be a non-negative safe integer, got ${seed} (${where})`);
  }
}

function validateOptions(o: ProfileOptions, where: string): void {
  validateMix(o.tierMix, where);
  const p = o.leftHandedProbability;
  if (!(p >= 0 && p <= 1)) throw invalid(`leftHandedProbability must be in [0, 1], got ${p} (${where})`);
}

function clamp(x: number, [lo, hi]: readonly [number, number]): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * One profile: tier `tier` at run position `number`. Draws, all from `rngFor(seed, 'profile/' + id)`
 * in this order: 17 standard normals (correlated through the Cholesky factor of the repaired
 * correlation matrix, scaled by the tier's sd, shifted by its mean, clamped to the bounds), one
 * normal for fatigue (independent), one uniform for the dominant hand.
 */
export function generateProfile(
  seed: number,
  tier: SkillTier,
  number: number,
  opts: Partial<ProfileOptions> = {},
): PlayerProfile {
  validateSeed(seed, 'generateProfile');
  if (!SKILL_TIERS.includes(tier)) {
    throw invalid(`tier must be one of ${SKILL_TIERS.join('/')}, got ${String(tier)} (generateProfile)`);
  }
  if (!Number.isSafeInteger(number) || number < 0) {
    throw invalid(`number must be an integer >= 0, got ${number} (generateProfile)`);
  }
  const o: ProfileOptions = { ...DEFAULT_PROFILE_OPTIONS, ...opts };
  validateOptions(o, 'generateProfile');
  return sampleProfile(seed, tier, number, o);
}

function sampleProfile(seed: number, tier: SkillTier, number: number, o: ProfileOptions): PlayerProfile {
  const id = profileId(tier, number);
  const rng = rngFor(seed, `profile/${id}`);
  const archetype = ARCHETYPES[tier];
  const l = profileCholesky();
  const n = l.size;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = rng.standardNormal();
  const dims = {} as ProfileDimensions;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j <= i; j++) z += l.data[i * n + j]! * e[j]!;
    const name = CORRELATED_DIMENSIONS[i]!;
    const { mean, sd } = archetype.dimensions[name];
    dims[name] = clamp(mean + sd * z, DIMENSION_BOUNDS[name]);
  }
  const fatigue = archetype.dimensions.fatigueCoefficient;
  dims.fatigueCoefficient = clamp(rng.normal(fatigue.mean, fatigue.sd), DIMENSION_BOUNDS.fatigueCoefficient);
  const dominantHand: DominantHand = rng.float() < o.leftHandedProbability ? 'left' : 'right';
  return {
    id,
    number,
    tier,
    dominantHand,
    tempoComfortBpm: archetype.tempoComfortBpm,
    dimensions: Object.freeze(dims),
  };
}

/**
 * `count` profiles with tiers by {@link tierQuotas}, in tier order (all beginners, then
 * intermediate, advanced, professional), numbered 0..count-1 in that order: with the default mix
 * and 100 profiles, beg000-beg024, int025-int059, adv060-adv084, pro085-pro099.
 */
export function generateProfiles(seed: number, count: number, opts: Partial<ProfileOptions> = {}): PlayerProfile[] {
  validateSeed(seed, 'generateProfiles');
  if (!Number.isSafeInteger(count) || count < 1) {
    throw invalid(`count must be a positive integer, got ${count} (generateProfiles)`);
  }
  const o: ProfileOptions = { ...DEFAULT_PROFILE_OPTIONS, ...opts };
  validateOptions(o, 'generateProfiles');
  const quotas = tierQuotas(count, o.tierMix);
  const out: PlayerProfile[] = [];
  for (const tier of SKILL_TIERS) {
    for (let k = 0; k < quotas[tier]; k++) out.push(sampleProfile(seed, tier, out.length, o));
  }
  return out;
}

/**
 * Multiplier of the timing σ for playing at `tempoBpm` (SOUSA §3.4): 1 inside the profile's comfort
 * range (inclusive), else 1 + 0.01 per BPM outside it.
 */
export function tempoComfortPenalty(profile: Pick<PlayerProfile, 'tempoComfortBpm'>, tempoBpm: number): number {
  if (!(Number.isFinite(tempoBpm) && tempoBpm > 0)) {
    throw invalid(`tempoBpm must be a finite number > 0, got ${tempoBpm} (tempoComfortPenalty)`);
  }
  const [lo, hi] = profile.tempoComfortBpm;
  const distance = tempoBpm < lo ? lo - tempoBpm : tempoBpm > hi ? tempoBpm - hi : 0;
  return 1 + 0.01 * distance;
}
