/**
 * Train/validation/test splits by player profile (never by sample, so no player is in two
 * splits), stratified by tier, 70/15/15.
 *
 * Method: profiles are ordered by tier and, inside a tier, by a seeded shuffle; the global
 * split sizes are fixed first (largest remainder), then validation and test profiles are placed
 * at evenly spaced positions of that order. Even spacing over a tier-sorted list is what
 * stratifies; fixing the sizes first is what keeps every split non-empty from 3 profiles on
 * (SOUSA rounded per tier and left the small preset with an empty validation split).
 */
import { rngFor } from '../random/index.js';
import { SKILL_TIERS, type PlayerProfile, type SkillTier } from '../profiles/types.js';

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export interface SplitOptions {
  /** Fractions of profiles for train, validation and test; must sum to 1. Default 0.7/0.15/0.15. */
  fractions: readonly [number, number, number];
}

export const DEFAULT_SPLIT_OPTIONS: Readonly<SplitOptions> = Object.freeze({ fractions: [0.7, 0.15, 0.15] as const });

export interface Splits {
  train_profile_ids: string[];
  val_profile_ids: string[];
  test_profile_ids: string[];
  stats: {
    total_profiles: number;
    train_profiles: number;
    val_profiles: number;
    test_profiles: number;
    train_skill_distribution: Record<SkillTier, number>;
    val_skill_distribution: Record<SkillTier, number>;
    test_skill_distribution: Record<SkillTier, number>;
  };
}

/** Split sizes for n profiles: largest remainder, then every split non-empty when n >= 3. */
export function splitSizes(n: number, fractions: readonly [number, number, number]): [number, number, number] {
  const raw = fractions.map((f) => f * n);
  const sizes = raw.map(Math.floor) as [number, number, number];
  let left = n - sizes[0] - sizes[1] - sizes[2];
  const order = [0, 1, 2].sort((a, b) => raw[b]! - sizes[b]! - (raw[a]! - sizes[a]!) || a - b);
  for (const i of order) {
    if (left === 0) break;
    sizes[i]!++;
    left--;
  }
  if (n >= 3) {
    for (const i of [1, 2]) {
      if (sizes[i] === 0) {
        const donor = sizes[0] > 1 ? 0 : 3 - i;
        sizes[donor]!--;
        sizes[i]!++;
      }
    }
  }
  return sizes;
}

/** Evenly spaced positions of `k` items among `n` slots. */
function evenPositions(n: number, k: number, offset: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(Math.floor(((i + offset) * n) / k));
  return out;
}

export function makeSplits(profiles: readonly PlayerProfile[], seed: number, opts?: Partial<SplitOptions>): Splits {
  const { fractions } = { ...DEFAULT_SPLIT_OPTIONS, ...opts };
  const rng = rngFor(seed, 'splits');
  const ordered: PlayerProfile[] = [];
  for (const tier of SKILL_TIERS) {
    const ids = profiles.filter((p) => p.tier === tier).sort((a, b) => (a.id < b.id ? -1 : 1));
    ordered.push(...rng.shuffled(ids));
  }
  const n = ordered.length;
  const [, nVal, nTest] = splitSizes(n, fractions);
  const assignment: SplitName[] = new Array<SplitName>(n).fill('train');
  for (const pos of evenPositions(n, nVal, 0.25)) assignment[pos] = 'validation';
  // test goes evenly over the slots still free
  const free = assignment.map((s, i) => (s === 'train' ? i : -1)).filter((i) => i >= 0);
  for (const pos of evenPositions(free.length, nTest, 0.75)) assignment[free[pos]!] = 'test';

  const byName: Record<SplitName, string[]> = { train: [], validation: [], test: [] };
  const dist: Record<SplitName, Record<SkillTier, number>> = {
    train: zeroTiers(),
    validation: zeroTiers(),
    test: zeroTiers(),
  };
  ordered.forEach((p, i) => {
    const s = assignment[i]!;
    byName[s].push(p.id);
    dist[s][p.tier]++;
  });
  for (const s of SPLIT_NAMES) byName[s].sort();
  return {
    train_profile_ids: byName.train,
    val_profile_ids: byName.validation,
    test_profile_ids: byName.test,
    stats: {
      total_profiles: n,
      train_profiles: byName.train.length,
      val_profiles: byName.validation.length,
      test_profiles: byName.test.length,
      train_skill_distribution: dist.train,
      val_skill_distribution: dist.validation,
      test_skill_distribution: dist.test,
    },
  };
}

function zeroTiers(): Record<SkillTier, number> {
  return { beginner: 0, intermediate: 0, advanced: 0, professional: 0 };
}

/** Split of one profile id. */
export function splitOf(splits: Splits, profileId: string): SplitName {
  if (splits.val_profile_ids.includes(profileId)) return 'validation';
  if (splits.test_profile_ids.includes(profileId)) return 'test';
  return 'train';
}
