import { describe, expect, it } from 'vitest';
import { makeSplits, splitSizes, splitOf } from '../src/dataset/splits.js';
import { SKILL_TIERS, TIER_CODES, type PlayerProfile, type SkillTier } from '../src/profiles/types.js';

function fakeProfiles(counts: Record<SkillTier, number>): PlayerProfile[] {
  const out: PlayerProfile[] = [];
  let n = 0;
  for (const tier of SKILL_TIERS) {
    for (let i = 0; i < counts[tier]; i++, n++) {
      out.push({
        id: `${TIER_CODES[tier]}${String(n).padStart(3, '0')}`,
        number: n,
        tier,
        dominantHand: 'right',
        tempoComfortBpm: [60, 120],
        dimensions: {} as PlayerProfile['dimensions'],
      });
    }
  }
  return out;
}

describe('splitSizes', () => {
  it('follows 70/15/15 by largest remainder and never leaves a split empty from 3 profiles', () => {
    const f = [0.7, 0.15, 0.15] as const;
    expect(splitSizes(100, f)).toEqual([70, 15, 15]);
    expect(splitSizes(50, f)).toEqual([35, 8, 7]);
    expect(splitSizes(10, f)).toEqual([7, 2, 1]);
    expect(splitSizes(4, f)).toEqual([2, 1, 1]);
    expect(splitSizes(3, f)).toEqual([1, 1, 1]);
    expect(splitSizes(2, f)).toEqual([2, 0, 0]);
    for (let n = 3; n <= 300; n++) {
      const s = splitSizes(n, f);
      expect(s[0] + s[1] + s[2]).toBe(n);
      expect(Math.min(...s)).toBeGreaterThan(0);
      expect(Math.abs(s[0] - 0.7 * n)).toBeLessThanOrEqual(2);
    }
  });
});

describe('makeSplits', () => {
  it('assigns every profile to exactly one split, stratified by tier, deterministically', () => {
    const profiles = fakeProfiles({ beginner: 25, intermediate: 35, advanced: 25, professional: 15 });
    const s = makeSplits(profiles, 42);
    const all = [...s.train_profile_ids, ...s.val_profile_ids, ...s.test_profile_ids];
    expect(all.length).toBe(100);
    expect(new Set(all).size).toBe(100);
    expect([s.stats.train_profiles, s.stats.val_profiles, s.stats.test_profiles]).toEqual([70, 15, 15]);
    // stratified: each tier's share in each split within one profile of proportional
    const tierCount = { beginner: 25, intermediate: 35, advanced: 25, professional: 15 };
    for (const [split, size] of [
      ['val', 15],
      ['test', 15],
      ['train', 70],
    ] as const) {
      const dist = s.stats[`${split}_skill_distribution`];
      for (const tier of SKILL_TIERS) {
        expect(Math.abs(dist[tier] - (tierCount[tier] * size) / 100)).toBeLessThanOrEqual(1.5);
      }
    }
    expect(makeSplits(profiles, 42)).toEqual(s);
    expect(makeSplits(profiles, 43)).not.toEqual(s);
    expect(splitOf(s, s.val_profile_ids[0]!)).toBe('validation');
    expect(splitOf(s, s.test_profile_ids[0]!)).toBe('test');
    expect(splitOf(s, s.train_profile_ids[0]!)).toBe('train');
  });

  it('gives the small preset (10 profiles) a non-empty validation and test split', () => {
    const s = makeSplits(fakeProfiles({ beginner: 3, intermediate: 3, advanced: 2, professional: 2 }), 42);
    expect([s.stats.train_profiles, s.stats.val_profiles, s.stats.test_profiles]).toEqual([7, 2, 1]);
    const tiny = makeSplits(fakeProfiles({ beginner: 1, intermediate: 1, advanced: 1, professional: 1 }), 42);
    expect([tiny.stats.train_profiles, tiny.stats.val_profiles, tiny.stats.test_profiles]).toEqual([2, 1, 1]);
  });
});
