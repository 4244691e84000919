import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import {
  DEFAULT_PERFORMANCE_OPTIONS,
  PERFORMANCE_INVALID,
  generatePerformance,
  snapToOnsetGridMs,
} from '../src/performance/index.js';
import type { Performance, PerformanceOptions, PerformedStroke } from '../src/performance/index.js';
import { ARCHETYPES, SKILL_TIERS } from '../src/profiles/index.js';
import type { DominantHand, PlayerProfile, ProfileDimensions, SkillTier } from '../src/profiles/index.js';
import { getRudiment, loadRudiments } from '../src/rudiments/index.js';
import type { Hand } from '../src/rudiments/index.js';

const SLOT_MS = (64 * 1000) / 44100;

/** The archetype-mean profile of a tier (sousa-original.md §3.2), with overrides. */
function meanProfile(
  tier: SkillTier,
  overrides: Partial<ProfileDimensions> = {},
  dominantHand: DominantHand = 'right',
): PlayerProfile {
  const a = ARCHETYPES[tier];
  const dims = {} as ProfileDimensions;
  for (const [k, v] of Object.entries(a.dimensions)) dims[k as keyof ProfileDimensions] = v.mean;
  return { id: `${tier.slice(0, 3)}000`, number: 0, tier, dominantHand, tempoComfortBpm: a.tempoComfortBpm, dimensions: { ...dims, ...overrides } };
}

/** A player without any randomness in timing or dynamics: the ideal performance, snapped. */
const ROBOT: Partial<ProfileDimensions> = {
  timingAccuracyMs: 0,
  timingConsistency: 0,
  tempoDrift: 0,
  subdivisionEvenness: 1,
  velocityMean: 95,
  velocityVariance: 0,
  accentDifferentiation: 14,
  accentAccuracy: 1,
  lrVelocityRatio: 1,
  lrTimingBiasMs: 0,
  lrConsistencyDelta: 0,
  flamSpacingMs: 30,
  flamSpacingVariance: 0,
  diddleEvenness: 1,
  diddleVariance: 0,
  rollSustain: 0,
  fatigueCoefficient: 0,
};

function perform(
  slug: string,
  profile: PlayerProfile,
  tempoBpm: number,
  key = 'k',
  opts: Partial<PerformanceOptions> = {},
  seed = 42,
): Performance {
  return generatePerformance({ rudiment: getRudiment(slug), profile, tempoBpm, seed, key }, opts);
}

const primaries = (p: Performance): PerformedStroke[] => p.strokes.filter((s) => !s.isGraceNote && !s.isBuzzBounce);
const graces = (p: Performance): PerformedStroke[] => p.strokes.filter((s) => s.isGraceNote);
const bounces = (p: Performance): PerformedStroke[] => p.strokes.filter((s) => s.isBuzzBounce);
const swap = (h: string): string => (h === 'R' ? 'L' : 'R');
const slotOf = (ms: number): number => Math.round(ms / SLOT_MS);

/**
 * Golden facts of one right-lead cycle, written out here (not read from the rudiment data) so the
 * test fails if either the data or the generator drifts: beat positions, hands, graces per primary.
 */
interface Golden {
  cycleBeats: number;
  mirror: boolean;
  beats: number[];
  hands: string;
  graces: number[];
}
const GOLDEN: Record<string, Golden> = {
  flam: { cycleBeats: 1 / 2, mirror: true, beats: [0], hands: 'R', graces: [1] },
  flam_accent: { cycleBeats: 1, mirror: true, beats: [0, 1 / 3, 2 / 3], hands: 'RLR', graces: [1, 0, 0] },
  single_paradiddle: { cycleBeats: 1, mirror: true, beats: [0, 1 / 4, 1 / 2, 3 / 4], hands: 'RLRR', graces: [0, 0, 0, 0] },
  multiple_bounce_roll: { cycleBeats: 1, mirror: false, beats: [0, 1 / 4, 1 / 2, 3 / 4], hands: 'RLRL', graces: [0, 0, 0, 0] },
  drag: { cycleBeats: 1 / 2, mirror: true, beats: [0], hands: 'R', graces: [2] },
  single_ratamacue: { cycleBeats: 1, mirror: true, beats: [0, 1 / 6, 1 / 3, 1 / 2], hands: 'RLRL', graces: [2, 0, 0, 0] },
  five_stroke_roll: { cycleBeats: 1, mirror: true, beats: [0, 1 / 8, 1 / 4, 3 / 8, 1 / 2], hands: 'RRLLR', graces: [0, 0, 0, 0, 0] },
  flam_drag: { cycleBeats: 1, mirror: true, beats: [0, 1 / 3, 1 / 2, 2 / 3], hands: 'RLLR', graces: [1, 0, 0, 0] },
};

/** Every structural invariant a performance must satisfy, whatever the player. */
function checkInvariants(perf: Performance, leadInMs = DEFAULT_PERFORMANCE_OPTIONS.leadInMs): void {
  const s = perf.strokes;
  expect(perf.rawTimingErrorsMs.length).toBe(s.length);
  let maxActual = 0;
  const usedSlots = new Set<number>();
  const lastOfHand: Record<Hand, number> = { R: -Infinity, L: -Infinity };
  const bySlot = s.slice().sort((a, b) => a.actualTimeMs - b.actualTimeMs);
  // Any two onsets at least one 480-PPQ MIDI tick (and one slot) apart, so MIDI ticks never collide.
  const minGapMs = Math.max(SLOT_MS, 60000 / (perf.tempoBpm * 480));
  for (let i = 1; i < bySlot.length; i++) {
    expect(bySlot[i]!.actualTimeMs - bySlot[i - 1]!.actualTimeMs).toBeGreaterThanOrEqual(minGapMs - 1e-9);
  }
  for (const x of bySlot) {
    const slot = slotOf(x.actualTimeMs);
    expect(usedSlots.has(slot), `two strokes in slot ${slot}`).toBe(false);
    usedSlots.add(slot);
    expect(slot - lastOfHand[x.hand]).toBeGreaterThanOrEqual(2);
    lastOfHand[x.hand] = slot;
  }
  for (let i = 0; i < s.length; i++) {
    const x = s[i]!;
    expect(x.index).toBe(i);
    if (i > 0) expect(x.intendedTimeMs).toBeGreaterThanOrEqual(s[i - 1]!.intendedTimeMs);
    expect(snapToOnsetGridMs(x.actualTimeMs)).toBe(x.actualTimeMs);
    expect(x.actualTimeMs).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(x.actualVelocity) && x.actualVelocity >= 1 && x.actualVelocity <= 127).toBe(true);
    expect(Number.isInteger(x.intendedVelocity) && x.intendedVelocity >= 1 && x.intendedVelocity <= 127).toBe(true);
    expect(Math.abs(perf.rawTimingErrorsMs[i]!)).toBeLessThanOrEqual(300);
    maxActual = Math.max(maxActual, x.actualTimeMs);
    if (x.isGraceNote) {
      const p = s[x.parentStrokeIndex!]!;
      expect(x.strokeType).toBe('grace');
      expect(x.parentStrokeIndex!).toBeGreaterThan(i);
      expect(p.isGraceNote || p.isBuzzBounce).toBe(false);
      expect(x.hand).toBe(swap(p.hand));
      expect(x.cycleIndex).toBe(p.cycleIndex);
      expect(x.flamSpacingMs).toBe(p.actualTimeMs - x.actualTimeMs);
      expect(x.flamSpacingMs!).toBeGreaterThanOrEqual(5);
      expect(x.flamSpacingMs!).toBeLessThanOrEqual(100);
      expect(x.intendedTimeMs).toBeLessThan(p.intendedTimeMs);
    } else if (x.isBuzzBounce) {
      const p = s[x.parentStrokeIndex!]!;
      expect(x.strokeType).toBe('buzz');
      expect(p.buzzCount).not.toBeNull();
      expect(x.hand).toBe(p.hand);
      expect(x.cycleIndex).toBe(p.cycleIndex);
      expect(x.intendedTimeMs - p.intendedTimeMs).toBeCloseTo(x.actualTimeMs - p.actualTimeMs, 9);
      expect(x.flamSpacingMs).toBeNull();
    } else {
      expect(x.parentStrokeIndex).toBeNull();
      expect(x.flamSpacingMs).toBeNull();
      // Primaries sit exactly on the written grid.
      const beats = ((x.intendedTimeMs - leadInMs) * perf.tempoBpm) / 60000;
      expect(Math.abs(beats * 24 - Math.round(beats * 24))).toBeLessThan(1e-9);
    }
  }
  expect(perf.durationSec).toBe(maxActual / 1000 + 0.5);
  // Buzz: bounces 20–35 ms apart, velocities non-increasing and below the primary.
  for (const p of s.filter((x) => x.buzzCount !== null)) {
    const chain = s.filter((x) => x.isBuzzBounce && x.parentStrokeIndex === p.index);
    expect(p.buzzCount).toBe(1 + chain.length);
    let prev = p;
    for (const b of chain) {
      const gap = b.actualTimeMs - prev.actualTimeMs;
      expect(gap).toBeGreaterThanOrEqual(20);
      expect(gap).toBeLessThanOrEqual(35);
      expect(b.actualVelocity).toBeLessThanOrEqual(prev.actualVelocity);
      expect(b.intendedVelocity).toBeLessThan(prev.intendedVelocity);
      prev = b;
    }
  }
  // Drag graces: same hand, in order, the second nearer the primary.
  for (const p of s.filter((x) => !x.isGraceNote && !x.isBuzzBounce)) {
    const gs = s.filter((x) => x.isGraceNote && x.parentStrokeIndex === p.index);
    if (gs.length === 2) {
      expect(gs[0]!.hand).toBe(gs[1]!.hand);
      expect(gs[0]!.actualTimeMs).toBeLessThan(gs[1]!.actualTimeMs);
      expect(gs[0]!.intendedTimeMs).toBe(p.intendedTimeMs - 40);
      expect(gs[1]!.intendedTimeMs).toBe(p.intendedTimeMs - 20);
    } else if (gs.length === 1) {
      expect(gs[0]!.intendedTimeMs).toBe(p.intendedTimeMs - 30);
    }
  }
}

describe('generatePerformance: golden structure', () => {
  for (const [slug, g] of Object.entries(GOLDEN)) {
    it(`${slug}: counts, hands, grid, graces and buzz over tiers and tempos`, () => {
      const r = getRudiment(slug);
      expect(r.cycleBeats).toBe(g.cycleBeats);
      expect(r.mirror).toBe(g.mirror);
      const [lo, hi] = r.tempoRangeBpm;
      let bounceTotal = 0;
      for (const tier of SKILL_TIERS) {
        for (const tempo of [lo, Math.round((lo + hi) / 2), hi]) {
          for (const key of ['a', 'b', 'c']) {
            const perf = perform(slug, meanProfile(tier), tempo, `${tier}/${tempo}/${key}`);
            checkInvariants(perf);
            const prim = primaries(perf);
            const perCycleGraces = g.graces.reduce((a, b) => a + b, 0);
            expect(prim.length).toBe(g.beats.length * 4);
            expect(graces(perf).length).toBe(perCycleGraces * 4);
            const b = bounces(perf).length;
            bounceTotal += b;
            const buzzSum = prim.reduce((acc, x) => acc + (x.buzzCount ?? 1) - 1, 0);
            expect(b).toBe(buzzSum);
            expect(perf.strokes.length).toBe(g.beats.length * 4 + perCycleGraces * 4 + b);
            // Hands: the right-lead cycle, swapped for a left lead and on odd cycles when mirrored.
            let expected = '';
            for (let c = 0; c < 4; c++) {
              const swapped = (perf.leadHand === 'L') !== (g.mirror && c % 2 === 1);
              expected += swapped ? [...g.hands].map(swap).join('') : g.hands;
            }
            expect(prim.map((x) => x.hand).join('')).toBe(expected);
            // Intended times exactly on the written positions.
            prim.forEach((x, i) => {
              const c = Math.floor(i / g.beats.length);
              const beat = c * g.cycleBeats + g.beats[i % g.beats.length]!;
              expect(x.intendedTimeMs).toBeCloseTo(100 + (beat * 60000) / tempo, 9);
              expect(x.cycleIndex).toBe(c);
              const gs = perf.strokes.filter((s) => s.isGraceNote && s.parentStrokeIndex === x.index);
              expect(gs.length).toBe(g.graces[i % g.beats.length]);
            });
          }
        }
      }
      if (slug === 'multiple_bounce_roll') {
        // 16th buzzes at 60–120 BPM leave 125–250 ms: between 1 and 7 bounces each, 3.8 on average here.
        expect(bounceTotal / (4 * 3 * 3 * 16)).toBeGreaterThan(2);
        expect(bounceTotal / (4 * 3 * 3 * 16)).toBeLessThan(7);
      } else {
        expect(bounceTotal).toBe(0);
      }
    });
  }

  it('flam_accent: triplets at 0, 1/3, 2/3 beat and stroke types', () => {
    const perf = perform('flam_accent', meanProfile('professional'), 120);
    const prim = primaries(perf);
    [0, 500 / 3, 1000 / 3].forEach((ms, i) => expect(prim[i]!.intendedTimeMs - 100).toBeCloseTo(ms, 9));
    expect(prim.slice(0, 3).map((s) => s.strokeType)).toEqual(['accent', 'tap', 'tap']);
    expect(graces(perf).map((s) => s.strokeType)).toEqual(['grace', 'grace', 'grace', 'grace']);
  });

  it('holds every invariant for all 40 rudiments, tiers, extreme tempos and left-handers', () => {
    let n = 0;
    for (const r of loadRudiments()) {
      for (const tier of SKILL_TIERS) {
        for (const tempo of [r.tempoRangeBpm[0], r.tempoRangeBpm[1], 2 * r.tempoRangeBpm[1]]) {
          for (const hand of ['right', 'left'] as const) {
            const perf = generatePerformance({
              rudiment: r,
              profile: meanProfile(tier, {}, hand),
              tempoBpm: tempo,
              seed: 3,
              key: `${r.slug}/${tier}/${tempo}/${hand}`,
            });
            checkInvariants(perf);
            const perCycle = r.strokes.length + r.strokes.reduce((a, s) => a + (s.ornament === 'flam' ? 1 : s.ornament === 'drag' ? 2 : 0), 0);
            expect(perf.strokes.length - bounces(perf).length).toBe(perCycle * 4);
            n++;
          }
        }
      }
    }
    expect(n).toBe(40 * 4 * 3 * 2);
  });
});

describe('generatePerformance: the player model', () => {
  it('plays the ideal grid exactly (within half a slot) for a player without deviations', () => {
    for (const slug of ['single_paradiddle', 'flam_accent', 'single_ratamacue', 'five_stroke_roll']) {
      const perf = perform(slug, meanProfile('professional', ROBOT), 100);
      for (const s of primaries(perf)) {
        expect(Math.abs(s.actualTimeMs - s.intendedTimeMs)).toBeLessThanOrEqual(SLOT_MS / 2 + 1e-9);
      }
      // Grace spacing in whole slots: flam 30 ms → 21 slots, drag gaps 20 ms → 14 slots each.
      for (const g of graces(perf)) {
        const p = perf.strokes[g.parentStrokeIndex!]!;
        const nominal = p.intendedTimeMs - g.intendedTimeMs;
        const expectedSlots = nominal === 30 ? 21 : nominal === 20 ? 14 : 28;
        expect(Math.round(g.flamSpacingMs! / SLOT_MS)).toBe(expectedSlots);
      }
    }
  });

  it('uses ideal velocity levels: accent 110, tap 77, d2 72, flam grace 64/55, drag 55/50, bounces 54, 47, 42…', () => {
    const robot = meanProfile('professional', ROBOT);
    const para = perform('single_paradiddle', robot, 100);
    expect(primaries(para).slice(0, 4).map((s) => s.intendedVelocity)).toEqual([110, 77, 77, 72]);
    // velocityMean 95 and accentDifferentiation 14 are the reference: played = ideal.
    expect(primaries(para).slice(0, 4).map((s) => s.actualVelocity)).toEqual([110, 77, 77, 72]);
    const flamacue = perform('flamacue', robot, 100);
    const fg = graces(flamacue).slice(0, 2).map((g) => [g.intendedVelocity, flamacue.strokes[g.parentStrokeIndex!]!.isAccent]);
    expect(fg).toEqual([
      [55, false],
      [55, false],
    ]);
    const fa = perform('flam_accent', robot, 100);
    expect(graces(fa)[0]!.intendedVelocity).toBe(64);
    expect(graces(fa)[0]!.actualVelocity).toBe(64);
    const drag = perform('drag', robot, 100);
    expect(graces(drag).slice(0, 2).map((g) => g.intendedVelocity)).toEqual([55, 50]);
    const buzz = perform('multiple_bounce_roll', robot, 60);
    const chain = bounces(buzz).filter((b) => b.parentStrokeIndex === 0);
    expect(chain.length).toBeGreaterThanOrEqual(3);
    // 0.7 × 77, then × 0.88 per bounce: the second at 0.62 of the primary (spec #4: 0.50–0.70).
    expect(chain.slice(0, 3).map((b) => b.intendedVelocity)).toEqual([54, 47, 42]);
    expect(buzz.strokes[0]!.actualVelocity).toBe(77);
    // First bounce 0.6–0.8 of the primary.
    for (const p of primaries(buzz)) {
      const first = buzz.strokes.find((b) => b.isBuzzBounce && b.parentStrokeIndex === p.index);
      if (!first) continue;
      expect(first.actualVelocity / p.actualVelocity).toBeGreaterThanOrEqual(0.59);
      expect(first.actualVelocity / p.actualVelocity).toBeLessThanOrEqual(0.81);
    }
    // Accented d1: d2 at tap level (rudiments.md §1.6).
    const dd = perform('single_dragadiddle', robot, 100);
    expect(primaries(dd).slice(0, 2).map((s) => [s.intendedVelocity, s.diddlePosition])).toEqual([
      [110, 1],
      [77, 2],
    ]);
  });

  it('scales levels by velocityMean and the accent/tap contrast by accentDifferentiation', () => {
    const levels = (over: Partial<ProfileDimensions>): [number, number] => {
      const p = primaries(perform('single_paradiddle', meanProfile('professional', { ...ROBOT, ...over }), 100));
      return [p[0]!.actualVelocity, p[1]!.actualVelocity];
    };
    // accent = 110 × vm / 95; tap = accent × (1 − 0.3 × AD / 14)
    expect(levels({ velocityMean: 57 })).toEqual([66, 46]);
    expect(levels({ velocityMean: 114 })).toEqual([127, 89]); // 132 capped at 127; tap 127 × 0.7
    expect(levels({ accentDifferentiation: 7 })).toEqual([110, 94]);
    expect(levels({ accentDifferentiation: 20 })).toEqual([110, 63]);
  });

  it('puts the weak-hand bias late, on the non-dominant hand only', () => {
    for (const [hand, weak] of [
      ['right', 'L'],
      ['left', 'R'],
    ] as const) {
      const perf = perform('single_stroke_roll', meanProfile('professional', { ...ROBOT, lrTimingBiasMs: 10 }, hand), 100);
      for (const s of primaries(perf)) {
        const err = s.actualTimeMs - s.intendedTimeMs;
        if (s.hand === weak) expect(Math.abs(err - 10)).toBeLessThanOrEqual(SLOT_MS / 2 + 1e-9);
        else expect(Math.abs(err)).toBeLessThanOrEqual(SLOT_MS / 2 + 1e-9);
      }
    }
  });

  it('drifts linearly by tempoDrift × ms per beat per beat, in one direction per performance', () => {
    const signs = new Set<number>();
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const perf = perform('single_stroke_roll', meanProfile('professional', { ...ROBOT, tempoDrift: 0.01 }), 100, key);
      const prim = primaries(perf);
      const last = prim[prim.length - 1]!;
      const beats = ((last.intendedTimeMs - 100) * 100) / 60000; // 3.75
      const err = last.actualTimeMs - last.intendedTimeMs;
      expect(Math.abs(Math.abs(err) - beats * 0.01 * 600)).toBeLessThanOrEqual(SLOT_MS / 2 + 1e-9);
      signs.add(Math.sign(err));
    }
    expect([...signs].sort()).toEqual([-1, 1]);
  });

  it('places d2 at d1 + intended gap × diddleEvenness', () => {
    const perf = perform('double_stroke_open_roll', meanProfile('professional', { ...ROBOT, diddleEvenness: 0.8 }), 100);
    const prim = primaries(perf);
    for (let i = 0; i + 1 < prim.length; i += 2) {
      const [d1, d2] = [prim[i]!, prim[i + 1]!];
      expect(d1.diddlePosition).toBe(1);
      expect(d2.diddlePosition).toBe(2);
      expect(Math.abs(d2.actualTimeMs - d1.actualTimeMs - 0.8 * 150)).toBeLessThanOrEqual(SLOT_MS + 1e-9);
    }
  });

  it('decays roll strokes by rollSustain × 0.05 per stroke since the last accent, and loses velocity to fatigue', () => {
    const roll = primaries(perform('single_stroke_roll', meanProfile('professional', { ...ROBOT, rollSustain: 0.4 }), 100));
    roll.forEach((s, k) => expect(s.actualVelocity).toBe(Math.round(77 * Math.max(0.5, 1 - k * 0.02))));
    // A counted roll starts again after each accented release (d2 = 0.94 × tap: 72.4 × 0.98, 72.4 × 0.94).
    const five = primaries(perform('five_stroke_roll', meanProfile('professional', { ...ROBOT, rollSustain: 0.4 }), 100));
    expect(five.slice(0, 10).map((s) => s.actualVelocity)).toEqual([77, 71, 74, 68, 110, 77, 71, 74, 68, 110]);
    const tired = primaries(perform('single_stroke_roll', meanProfile('professional', { ...ROBOT, fatigueCoefficient: 0.3 }), 100));
    expect(tired[0]!.actualVelocity).toBe(77);
    expect(tired[tired.length - 1]!.actualVelocity).toBe(Math.round(77 * (1 - 0.15)));
  });

  it('plays the second drag grace about 10 % under the first, whatever the accent contrast', () => {
    // accentDifferentiation 22 (contrast 1.57): first grace 110 × (1 − 0.5 × 1.57) = 23.6. Scaling
    // the second grace's own distance below the accent would give 110 × (1 − 0.55 × 1.57) = 15 (−4 dB).
    const sharp = perform('drag', meanProfile('professional', { ...ROBOT, accentDifferentiation: 22 }), 100);
    const gs = graces(sharp);
    expect(gs.length).toBe(8);
    for (let k = 0; k < gs.length; k += 2) expect([gs[k]!.actualVelocity, gs[k + 1]!.actualVelocity]).toEqual([24, 21]);
    // With noise, over many drags of a professional: second / first has median 0.9.
    const ratios: number[] = [];
    for (let k = 0; k < 40; k++) {
      const g = graces(perform('single_drag_tap', meanProfile('professional'), 100, `d${k}`));
      for (let j = 0; j + 1 < g.length; j += 2) ratios.push(g[j + 1]!.actualVelocity / g[j]!.actualVelocity);
    }
    ratios.sort((a, b) => a - b);
    expect(ratios[ratios.length >> 1]!).toBeGreaterThan(0.85);
    expect(ratios[ratios.length >> 1]!).toBeLessThan(0.95);
  });

  it('keeps each drag gap at 10 ms or more where the gap before the primary allows it', () => {
    let minGap = Infinity;
    for (let k = 0; k < 100; k++) {
      const perf = perform('drag', meanProfile('advanced', { flamSpacingMs: 15, flamSpacingVariance: 0.5 }), 60, `tight${k}`);
      const g = graces(perf);
      for (let j = 0; j + 1 < g.length; j += 2) {
        const p = perf.strokes[g[j]!.parentStrokeIndex!]!;
        minGap = Math.min(minGap, g[j + 1]!.actualTimeMs - g[j]!.actualTimeMs, p.actualTimeMs - g[j + 1]!.actualTimeMs);
      }
    }
    // 10 ms snaps to 7 slots (10.2 ms); without the clip, 15 ± 7.5 ms gaps reach 5 ms.
    expect(minGap).toBeGreaterThanOrEqual(10 - SLOT_MS / 2);
    expect(minGap).toBeLessThan(12);
  });

  it('sustains a buzz roll: the bounces run up to about one bounce interval before the next primary', () => {
    for (const tempo of [60, 90, 120]) {
      const perf = perform('multiple_bounce_roll', meanProfile('professional'), tempo, `sustain${tempo}`);
      const prim = primaries(perf);
      const voids: number[] = [];
      for (let i = 0; i + 1 < prim.length; i++) {
        const chain = bounces(perf).filter((b) => b.parentStrokeIndex === prim[i]!.index);
        const last = chain.length > 0 ? chain[chain.length - 1]!.actualTimeMs : prim[i]!.actualTimeMs;
        voids.push(prim[i + 1]!.actualTimeMs - last);
        // Second bounce 0.5–0.7 of the primary (spec #4), give or take rounding.
        if (chain.length >= 2) {
          expect(chain[1]!.actualVelocity / prim[i]!.actualVelocity).toBeGreaterThanOrEqual(0.49);
          expect(chain[1]!.actualVelocity / prim[i]!.actualVelocity).toBeLessThanOrEqual(0.71);
        }
      }
      // Before: fill 0.85 and at most 7 bounces left 40-80 ms of silence before each stroke.
      for (const v of voids) expect(v).toBeLessThanOrEqual(45);
      expect(voids.reduce((a, b) => a + b, 0) / voids.length).toBeLessThan(30);
    }
  });

  it('clips flam spacing to 5..100 ms and keeps graces in the last 40 % of the gap', () => {
    const wide = perform('flam_accent', meanProfile('professional', { ...ROBOT, flamSpacingMs: 80, flamSpacingVariance: 0 }), 60);
    // 80 ms fits the 40 % window of a 333 ms triplet gap: 55 slots.
    for (const g of graces(wide)) expect(Math.round(g.flamSpacingMs! / SLOT_MS)).toBe(55);
    // At 180 BPM the gap before the flam is a triplet 8th (111 ms): 40 % is 44 ms.
    const fast = perform('flam_accent', meanProfile('professional', { ...ROBOT, flamSpacingMs: 80 }), 180);
    for (const g of graces(fast).slice(1)) {
      const p = fast.strokes[g.parentStrokeIndex!]!;
      const prev = primaries(fast).filter((s) => s.intendedTimeMs < p.intendedTimeMs).pop()!;
      expect(g.flamSpacingMs!).toBeLessThanOrEqual(0.4 * (p.actualTimeMs - prev.actualTimeMs) + SLOT_MS);
      expect(g.flamSpacingMs!).toBeGreaterThan(40);
    }
    let minSpacing = Infinity;
    let maxSpacing = 0;
    for (let k = 0; k < 200; k++) {
      const perf = perform('flam', meanProfile('beginner', { flamSpacingVariance: 0.5 }), 60, `wide${k}`);
      for (const g of graces(perf)) {
        minSpacing = Math.min(minSpacing, g.flamSpacingMs!);
        maxSpacing = Math.max(maxSpacing, g.flamSpacingMs!);
      }
    }
    expect(minSpacing).toBeGreaterThanOrEqual(5);
    expect(minSpacing).toBeLessThan(10);
    expect(maxSpacing).toBeLessThanOrEqual(100);
    expect(maxSpacing).toBeGreaterThan(90);
  });

  it('leads with the dominant hand about 70 % of the time, mirrored cycles visible in the hands', () => {
    for (const hand of ['right', 'left'] as const) {
      const dominant = hand === 'right' ? 'R' : 'L';
      let dominantLeads = 0;
      for (let k = 0; k < 400; k++) {
        if (perform('flam', meanProfile('advanced', {}, hand), 100, `lead${k}`).leadHand === dominant) dominantLeads++;
      }
      // Binomial(400, 0.7): mean 280, sd 9.2.
      expect(dominantLeads).toBeGreaterThan(250);
      expect(dominantLeads).toBeLessThan(310);
    }
    const always = perform('flam_accent', meanProfile('advanced', {}, 'left'), 100, 'x', { dominantLeadProbability: 1 });
    expect(always.leadHand).toBe('L');
    expect(primaries(always).map((s) => s.hand).join('')).toBe('LRLRLRLRLRLR');
    expect(graces(always).map((s) => s.hand).join('')).toBe('RLRL');
    const never = perform('flam_accent', meanProfile('advanced', {}, 'left'), 100, 'x', { dominantLeadProbability: 0 });
    expect(never.leadHand).toBe('R');
  });
});

describe('generatePerformance: determinism and streams', () => {
  it('is a pure function of (seed, key, inputs); a different key or seed gives another performance', () => {
    const a = perform('flam_drag', meanProfile('intermediate'), 100, 'same');
    const b = perform('flam_drag', meanProfile('intermediate'), 100, 'same');
    expect(b).toEqual(a);
    const c = perform('flam_drag', meanProfile('intermediate'), 100, 'other');
    const d = perform('flam_drag', meanProfile('intermediate'), 100, 'same', {}, 43);
    const times = (p: Performance): number[] => p.strokes.map((s) => s.actualTimeMs);
    expect(times(c)).not.toEqual(times(a));
    expect(times(d)).not.toEqual(times(a));
  });

  it('keeps each model on its own stream: buzz and ornament settings do not move the timing draws', () => {
    const base = perform('multiple_bounce_roll', meanProfile('beginner'), 80, 's');
    const denser = perform('multiple_bounce_roll', meanProfile('beginner', { buzzDensityConsistency: 1 }), 80, 's');
    expect(bounces(denser).length).not.toBe(bounces(base).length);
    const rawOf = (p: Performance): number[] => p.strokes.filter((s) => !s.isBuzzBounce).map((s) => p.rawTimingErrorsMs[s.index]!);
    expect(rawOf(denser)).toEqual(rawOf(base));
    expect(primaries(denser).map((s) => s.actualVelocity)).toEqual(primaries(base).map((s) => s.actualVelocity));
    const f1 = perform('flam_accent', meanProfile('beginner'), 80, 's');
    const f2 = perform('flam_accent', meanProfile('beginner', { flamSpacingMs: 20 }), 80, 's');
    expect(graces(f2).map((g) => g.flamSpacingMs)).not.toEqual(graces(f1).map((g) => g.flamSpacingMs));
    expect(rawOf(f2)).toEqual(rawOf(f1));
    expect(f2.strokes.map((s) => s.actualVelocity)).toEqual(f1.strokes.map((s) => s.actualVelocity));
  });

  it('rejects a non-positive tempo, a bad cycle count and bad options with PERFORMANCE_INVALID', () => {
    const profile = meanProfile('advanced');
    const rudiment = getRudiment('flam');
    const bad = [
      () => generatePerformance({ rudiment, profile, tempoBpm: 0, seed: 1, key: 'k' }),
      () => generatePerformance({ rudiment, profile, tempoBpm: Number.NaN, seed: 1, key: 'k' }),
      () => generatePerformance({ rudiment, profile, tempoBpm: 100, seed: 1, key: 'k', numCycles: 0 }),
      () => generatePerformance({ rudiment, profile, tempoBpm: 100, seed: 1, key: 'k', numCycles: 1.5 }),
      () => generatePerformance({ rudiment, profile, tempoBpm: 100, seed: 1, key: 'k' }, { dominantLeadProbability: 2 }),
    ];
    for (const f of bad) {
      expect(f).toThrow(ConfigError);
      try {
        f();
      } catch (e) {
        expect((e as ConfigError).code).toBe(PERFORMANCE_INVALID);
      }
    }
    expect(() => generatePerformance({ rudiment, profile, tempoBpm: 0, seed: 1, key: 'k' })).toThrow(/tempoBpm must be a finite number > 0, got 0/);
    const eight = generatePerformance({ rudiment, profile, tempoBpm: 100, seed: 1, key: 'k', numCycles: 8 });
    expect(eight.numCycles).toBe(8);
    expect(primaries(eight).length).toBe(8);
  });
});

describe('generatePerformance: realism against the literature (sousa-original.md §8.2)', () => {
  // Archetype-mean players, 90 BPM (inside every tier's comfort range), a mix of grids and roles.
  const SLUGS = ['single_paradiddle', 'single_stroke_roll', 'flam_accent', 'single_ratamacue', 'five_stroke_roll', 'multiple_bounce_roll'];
  const PER_RUDIMENT = 30;
  const TIMING_RANGE: Record<SkillTier, [number, number]> = {
    professional: [5, 15],
    advanced: [8, 25],
    intermediate: [20, 45],
    beginner: [35, 80],
  };
  const CV_RANGE: Record<SkillTier, [number, number]> = {
    professional: [0.05, 0.12],
    advanced: [0.08, 0.18],
    intermediate: [0.12, 0.25],
    beginner: [0.18, 0.35],
  };

  function tierStats(tier: SkillTier): { timingSdMs: number; velocityCv: number } {
    const residuals: number[] = [];
    const cvs: number[] = [];
    for (const slug of SLUGS) {
      for (let k = 0; k < PER_RUDIMENT; k++) {
        const prim = primaries(perform(slug, meanProfile(tier), 90, `${tier}/${slug}/${k}`, {}, 7));
        // Detrend each performance's timing errors linearly against time (drift is not scatter).
        const x = prim.map((s) => s.intendedTimeMs);
        const y = prim.map((s) => s.actualTimeMs - s.intendedTimeMs);
        const mx = x.reduce((a, b) => a + b, 0) / x.length;
        const my = y.reduce((a, b) => a + b, 0) / y.length;
        let sxy = 0;
        let sxx = 0;
        x.forEach((xi, i) => {
          sxy += (xi - mx) * (y[i]! - my);
          sxx += (xi - mx) ** 2;
        });
        const slope = sxy / sxx;
        x.forEach((xi, i) => residuals.push(y[i]! - my - slope * (xi - mx)));
        const v = prim.filter((s) => !s.isAccent).map((s) => s.actualVelocity);
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        cvs.push(Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) / m);
      }
    }
    return {
      timingSdMs: Math.sqrt(residuals.reduce((a, b) => a + b * b, 0) / residuals.length),
      velocityCv: cvs.reduce((a, b) => a + b, 0) / cvs.length,
    };
  }

  it('puts detrended primary timing SD and unaccented velocity CV inside each tier range, monotone across tiers', () => {
    const stats = SKILL_TIERS.map((t) => ({ tier: t, ...tierStats(t) }));
    for (const s of stats) {
      expect(s.timingSdMs, `${s.tier} timing SD`).toBeGreaterThanOrEqual(TIMING_RANGE[s.tier][0]);
      expect(s.timingSdMs, `${s.tier} timing SD`).toBeLessThanOrEqual(TIMING_RANGE[s.tier][1]);
      expect(s.velocityCv, `${s.tier} velocity CV`).toBeGreaterThanOrEqual(CV_RANGE[s.tier][0]);
      expect(s.velocityCv, `${s.tier} velocity CV`).toBeLessThanOrEqual(CV_RANGE[s.tier][1]);
    }
    // SKILL_TIERS runs beginner → professional: both measures strictly decrease.
    for (let i = 1; i < stats.length; i++) {
      expect(stats[i]!.timingSdMs).toBeLessThan(stats[i - 1]!.timingSdMs);
      expect(stats[i]!.velocityCv).toBeLessThan(stats[i - 1]!.velocityCv);
    }
  });
});
