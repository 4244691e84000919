/**
 * (rudiment, player profile, tempo) → {@link Performance}: ideal grid → human deviations →
 * articulations → onset grid. Pure and deterministic: every draw comes from
 * `rngFor(seed, 'perf/' + key)` (which itself draws only the lead hand), forked per concern
 * ('timing', 'diddles', 'ornaments', 'velocity', 'buzz'), so one model's draws never shift another's.
 *
 * Facts: sousa-original.md §4 (SOUSA's deviation model) with the fixes of §13.7–16, rudiments.md §1.
 */
import { ConfigError } from '../errors.js';
import { rngFor } from '../random/index.js';
import { tempoComfortPenalty } from '../profiles/sampler.js';
import type { PlayerProfile, ProfileDimensions } from '../profiles/types.js';
import { expandPattern } from '../rudiments/expand.js';
import type { Hand, PatternStroke, Rudiment, StrokeType } from '../rudiments/types.js';
import {
  DEFAULT_ARTICULATION_OPTIONS,
  clamp,
  drawDiddleRatio,
  drawDragGapsMs,
  drawFlamSpacingMs,
  fitGraceGaps,
  planBuzzBounces,
  rollDecayFactor,
} from './articulations.js';
import type { ArticulationOptions, BuzzPlan } from './articulations.js';
import { ONSET_GRID_SAMPLES, RENDER_SAMPLE_RATE_HZ } from './types.js';
import type { Performance, PerformedStroke } from './types.js';

/** Error code for unusable performance inputs or options. */
export const PERFORMANCE_INVALID = 'PERFORMANCE_INVALID';

/**
 * Ideal velocities of the stroke roles as fractions of the accent (rudiments.md §1.6).
 * Diddle d1 takes the level of the stroke it stands for; buzz primaries are taps.
 */
export interface VelocityRatios {
  /** Unaccented primary (spec 0.65–0.77). Default 0.7. */
  tap: number;
  /** Unaccented d2 relative to its d1 (spec 0.90–0.98); after an accented d1, d2 is a tap. Default 0.94. */
  diddleSecond: number;
  /** Flam grace before an accented primary (spec 0.50–0.70). Default 0.58. */
  flamGraceOnAccent: number;
  /** Flam grace before an unaccented primary: kept clearly below the tap. Default 0.5. */
  flamGraceOnTap: number;
  /**
   * Drag graces, first and second (spec 0.45–0.65, the second about 10 % softer). Default [0.5, 0.45].
   * The player's contrast scales the first; the second keeps its ratio to the first.
   */
  dragGraces: readonly [number, number];
}

export interface PerformanceOptions extends ArticulationOptions {
  /** Pattern cycles played when the input does not say. Default 4. */
  numCycles: number;
  /** Intended time of the first primary, ms, so graces before it stay at or after 0. Default 100. */
  leadInMs: number;
  /** Silence after the last onset, s (durationSec = last onset + tail). Default 0.5. */
  tailSec: number;
  /** Probability that the player leads with the dominant hand. Default 0.7. */
  dominantLeadProbability: number;
  /** Ideal MIDI velocity of an accent; the other roles are fractions of it. Default 110. */
  idealAccentVelocity: number;
  /** Ideal role velocities relative to the accent. */
  velocityRatios: Readonly<VelocityRatios>;
  /** Profile velocityMean at which the player's levels equal the ideal levels (the tiers' middle). Default 95. */
  referenceVelocityMean: number;
  /** Profile accentDifferentiation at which the player's accent/tap contrast equals the ideal one. Default 14. */
  referenceAccentDifferentiation: number;
  /** Range of the player's contrast factor (accentDifferentiation / reference). Default [0.1, 1.6]. */
  accentContrastRange: readonly [number, number];
  /** ms of timing scatter per unit of timingConsistency (SOUSA: 10). Default 10. */
  timingConsistencyScaleMs: number;
  /** Largest systematic shift of mid-beat subdivisions for subdivisionEvenness 0, in beats. Default 0.05. */
  subdivisionWarpBeats: number;
  /** Timing error growth at the end of the exercise per unit of fatigueCoefficient (SOUSA: 0.5). Default 0.5. */
  fatigueTimingScale: number;
  /** Velocity loss at the end of the exercise per unit of fatigueCoefficient (SOUSA: 0.5). Default 0.5. */
  fatigueVelocityScale: number;
  /** Timing errors are clipped to ± this, ms (SOUSA: 300). Default 300. */
  timingClipMs: number;
  /** Minimum distance between two onsets of one hand, in onset-grid slots (64 samples). Default 2. */
  sameHandMinGapSlots: number;
  /**
   * MIDI resolution (ticks per quarter) the onsets must stay apart at: any two onsets are at least
   * one tick apart, so the MIDI file holds every stroke within half a tick. Only matters below
   * 86 BPM at 480 (where a tick is longer than a slot); 0 = one slot apart. Default 480.
   */
  midiPpq: number;
}

export const DEFAULT_VELOCITY_RATIOS: Readonly<VelocityRatios> = Object.freeze({
  tap: 0.7,
  diddleSecond: 0.94,
  flamGraceOnAccent: 0.58,
  flamGraceOnTap: 0.5,
  dragGraces: [0.5, 0.45] as const,
});

export const DEFAULT_PERFORMANCE_OPTIONS: Readonly<PerformanceOptions> = Object.freeze({
  ...DEFAULT_ARTICULATION_OPTIONS,
  numCycles: 4,
  leadInMs: 100,
  tailSec: 0.5,
  dominantLeadProbability: 0.7,
  idealAccentVelocity: 110,
  velocityRatios: DEFAULT_VELOCITY_RATIOS,
  referenceVelocityMean: 95,
  referenceAccentDifferentiation: 14,
  accentContrastRange: [0.1, 1.6] as const,
  timingConsistencyScaleMs: 10,
  subdivisionWarpBeats: 0.05,
  fatigueTimingScale: 0.5,
  fatigueVelocityScale: 0.5,
  timingClipMs: 300,
  sameHandMinGapSlots: 2,
  midiPpq: 480,
});

/** What to perform. */
export interface PerformanceInput {
  rudiment: Rudiment;
  profile: PlayerProfile;
  /** Quarter-note tempo, BPM (> 0). */
  tempoBpm: number;
  /** Global seed of the run. */
  seed: number;
  /** Stable sample key; the draws come from `rngFor(seed, 'perf/' + key)`. */
  key: string;
  /** Pattern cycles to play (>= 1); default `options.numCycles`. */
  numCycles?: number;
}

/** One onset-grid slot, ms (64 samples at 44.1 kHz ≈ 1.451 ms). */
const SLOT_MS = (ONSET_GRID_SAMPLES * 1000) / RENDER_SAMPLE_RATE_HZ;

function toSlot(ms: number): number {
  return Math.round((ms * RENDER_SAMPLE_RATE_HZ) / 1000 / ONSET_GRID_SAMPLES);
}

/** Same expression as `snapToOnsetGridMs`, so snapped times are bit-identical to it. */
function slotToMs(slot: number): number {
  return (slot * ONSET_GRID_SAMPLES * 1000) / RENDER_SAMPLE_RATE_HZ;
}

function otherHand(hand: Hand): Hand {
  return hand === 'R' ? 'L' : 'R';
}

const PRIMARY = 0;
const GRACE = 1;
const BOUNCE = 2;
type Kind = typeof PRIMARY | typeof GRACE | typeof BOUNCE;

/** A stroke on its way to the onset grid. */
interface Onset {
  /** Generation order (graces, primary, bounces per primary, in pattern order): the tie-break. */
  seq: number;
  kind: Kind;
  hand: Hand;
  /** Index of the primary in the pattern. */
  primary: number;
  /** Onset-grid slot (integer). */
  slot: number;
  intendedMs: number;
  intendedVelocity: number;
  actualVelocity: number;
}

function invalid(message: string): ConfigError {
  return new ConfigError(PERFORMANCE_INVALID, message);
}

function checkInputs(input: PerformanceInput, numCycles: number, o: PerformanceOptions): void {
  const where = `(generatePerformance of ${input.rudiment.slug}, key ${input.key})`;
  if (!(Number.isFinite(input.tempoBpm) && input.tempoBpm > 0)) {
    throw invalid(`tempoBpm must be a finite number > 0, got ${input.tempoBpm} ${where}`);
  }
  if (!(Number.isSafeInteger(numCycles) && numCycles >= 1)) {
    throw invalid(`numCycles must be an integer >= 1, got ${numCycles} ${where}`);
  }
  if (input.rudiment.strokes.length === 0) {
    throw invalid(`the rudiment must have at least one primary stroke, got none ${where}`);
  }
  if (!(o.leadInMs >= 0 && Number.isFinite(o.leadInMs))) {
    throw invalid(`leadInMs must be a finite number >= 0, got ${o.leadInMs} ${where}`);
  }
  if (!(o.tailSec >= 0 && Number.isFinite(o.tailSec))) {
    throw invalid(`tailSec must be a finite number >= 0, got ${o.tailSec} ${where}`);
  }
  if (!(o.dominantLeadProbability >= 0 && o.dominantLeadProbability <= 1)) {
    throw invalid(`dominantLeadProbability must be 0..1, got ${o.dominantLeadProbability} ${where}`);
  }
  const [lo, hi] = o.flamSpacingRangeMs;
  if (!(lo > 0 && hi > lo)) {
    throw invalid(`flamSpacingRangeMs must be [lo, hi] with 0 < lo < hi, got [${lo}, ${hi}] ${where}`);
  }
  const [bLo, bHi] = o.buzzIntervalRangeMs;
  if (!(bLo >= 2 * SLOT_MS && bHi >= bLo)) {
    throw invalid(`buzzIntervalRangeMs must be [lo, hi] with ${(2 * SLOT_MS).toFixed(2)} <= lo <= hi, got [${bLo}, ${bHi}] ${where}`);
  }
}

/**
 * The player's dynamic levels. velocityMean scales all levels (SOUSA ignored it, §13.15):
 * accent = idealAccent × velocityMean / referenceVelocityMean, at most 127. accentDifferentiation
 * scales the distance of every role below the accent: a role at ideal ratio r is played at
 * 1 − (1 − r) × c of the player's accent, c = accentDifferentiation / reference, so a beginner
 * (6) plays taps at about 0.87 of the accent and a professional (16) at about 0.66.
 */
function playerLevel(idealRatio: number, accent: number, contrast: number): number {
  return accent * (1 - (1 - idealRatio) * contrast);
}

/**
 * Generate one performance. Throws {@link ConfigError} (`PERFORMANCE_INVALID`) for a non-positive
 * tempo, a bad cycle count or unusable options. See README.md for the model.
 */
export function generatePerformance(input: PerformanceInput, opts: Partial<PerformanceOptions> = {}): Performance {
  const o: PerformanceOptions = { ...DEFAULT_PERFORMANCE_OPTIONS, ...opts };
  const numCycles = input.numCycles ?? o.numCycles;
  checkInputs(input, numCycles, o);
  const { rudiment, profile, tempoBpm } = input;
  const d: Readonly<ProfileDimensions> = profile.dimensions;
  const root = rngFor(input.seed, 'perf/' + input.key);

  const dominant: Hand = profile.dominantHand === 'left' ? 'L' : 'R';
  const weak = otherHand(dominant);
  // The root stream draws only this; every model below has its own fork.
  const leadHand = root.bernoulli(o.dominantLeadProbability) ? dominant : weak;
  const pattern: readonly PatternStroke[] = expandPattern(rudiment, numCycles, leadHand);
  const n = pattern.length;
  const msPerBeat = 60000 / tempoBpm;

  // Ideal grid.
  const intended = new Float64Array(n);
  for (let i = 0; i < n; i++) intended[i] = o.leadInMs + pattern[i]!.beat * msPerBeat;
  const firstMs = intended[0]!;
  const spanMs = intended[n - 1]! - firstMs;
  const progress = (i: number): number => (spanMs > 0 ? (intended[i]! - firstMs) / spanMs : 0);

  // Timing deviations (§4.2 with the signs made explicit: positive = late).
  const timing = root.fork('timing');
  const driftDir = timing.bernoulli(0.5) ? 1 : -1; // +1: the player drags (falls behind), −1: rushes
  const warpDir = timing.bernoulli(0.5) ? 1 : -1; // +1: mid-beat notes late (swung), −1: early
  const sigmaMs = d.timingAccuracyMs * tempoComfortPenalty(profile, tempoBpm);
  const consistencyMs = d.timingConsistency * o.timingConsistencyScaleMs;
  const driftMsPerBeat = driftDir * d.tempoDrift * msPerBeat;
  // SOUSA ignored subdivisionEvenness (§13.15): an uneven player shifts notes inside the beat
  // systematically, most at the half beat (4f(1 − f) is 0 on the beat, 1 at f = 1/2).
  const warpMs = warpDir * (1 - clamp(d.subdivisionEvenness, 0, 1)) * o.subdivisionWarpBeats * msPerBeat;
  const raw = new Float64Array(n);
  const actual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = pattern[i]!;
    // Two draws per primary, always, so the stream stays aligned whatever the hands are.
    let err = sigmaMs * timing.standardNormal() + consistencyMs * timing.standardNormal();
    if (p.hand === weak) err += d.lrTimingBiasMs;
    err += p.beat * driftMsPerBeat;
    const f = p.beat - Math.floor(p.beat);
    err += warpMs * 4 * f * (1 - f);
    err *= 1 + progress(i) * d.fatigueCoefficient * o.fatigueTimingScale;
    err = clamp(err, -o.timingClipMs, o.timingClipMs);
    raw[i] = err;
    actual[i] = intended[i]! + err;
  }

  // Diddles: d2 follows d1 by the intended gap × a ratio around the player's evenness (all categories).
  const diddles = root.fork('diddles');
  const lastD1: Record<Hand, number> = { R: -1, L: -1 };
  for (let i = 0; i < n; i++) {
    const p = pattern[i]!;
    if (p.diddle === 1) {
      lastD1[p.hand] = i;
    } else if (p.diddle === 2) {
      const ratio = drawDiddleRatio(diddles, d, o);
      const j = lastD1[p.hand];
      if (j >= 0) actual[i] = actual[j]! + (intended[i]! - intended[j]!) * ratio;
      lastD1[p.hand] = -1;
    }
  }

  // No negative onsets; one hand's strokes stay in written order, a little apart.
  const lastHandMs: Record<Hand, number> = { R: -Infinity, L: -Infinity };
  const sameHandMs = o.sameHandMinGapSlots * SLOT_MS;
  for (let i = 0; i < n; i++) {
    const h = pattern[i]!.hand;
    const a = Math.max(actual[i]!, 0, lastHandMs[h] + sameHandMs);
    actual[i] = a;
    lastHandMs[h] = a;
  }

  // Grace gaps in ms (earliest first, the last one ends at the primary), for every ornament (§13.10).
  const ornaments = root.fork('ornaments');
  const graceGaps: (number[] | null)[] = new Array<number[] | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    const p = pattern[i]!;
    if (p.ornament === 'none') continue;
    const gaps = p.ornament === 'flam' ? [drawFlamSpacingMs(ornaments, d, o)] : drawDragGapsMs(ornaments, d, o);
    // Graces fall in the last part of the gap since the preceding stroke; before the first
    // primary only time 0 bounds them.
    const windowMs = i === 0 ? actual[i]! : o.graceWindowFraction * (actual[i]! - actual[i - 1]!);
    graceGaps[i] = fitGraceGaps(gaps, windowMs, o.flamSpacingRangeMs[0]);
  }

  // Velocities: graces of a primary, then the primary, three draws each.
  const velocity = root.fork('velocity');
  const ratios = o.velocityRatios;
  const playerAccent = Math.min(127, (o.idealAccentVelocity * d.velocityMean) / o.referenceVelocityMean);
  const contrast = clamp(
    d.accentDifferentiation / o.referenceAccentDifferentiation,
    o.accentContrastRange[0],
    o.accentContrastRange[1],
  );
  const playerTap = playerLevel(ratios.tap, playerAccent, contrast);
  const idealVelocity = (ratio: number): number => clamp(Math.round(o.idealAccentVelocity * ratio), 1, 127);
  const play = (level: number, missLevel: number, hand: Hand, isPrimary: boolean, prog: number): number => {
    const z1 = velocity.standardNormal();
    const z2 = velocity.standardNormal();
    const u = velocity.float();
    // A missed accent is played at tap level, a false accent at accent level.
    const v = isPrimary && u > d.accentAccuracy ? missLevel : level;
    let err = v * d.velocityVariance * z1;
    if (hand === weak) err += v * (d.lrConsistencyDelta * z2 - (1 - d.lrVelocityRatio));
    err -= prog * d.fatigueCoefficient * v * o.fatigueVelocityScale;
    return clamp(Math.round(v + err), 1, 127);
  };
  const primaryIdealVel = new Int32Array(n);
  const primaryVel = new Int32Array(n);
  const graceIdealVel: (number[] | null)[] = new Array<number[] | null>(n).fill(null);
  const graceVel: (number[] | null)[] = new Array<number[] | null>(n).fill(null);
  const d1Accent: Record<Hand, boolean> = { R: false, L: false };
  let sinceAccent = 0;
  for (let i = 0; i < n; i++) {
    const p = pattern[i]!;
    const prog = progress(i);
    if (p.ornament !== 'none') {
      const graceRatios =
        p.ornament === 'flam'
          ? [p.accent ? ratios.flamGraceOnAccent : ratios.flamGraceOnTap]
          : [ratios.dragGraces[0], ratios.dragGraces[1]];
      const gh = otherHand(p.hand);
      const first = playerLevel(graceRatios[0]!, playerAccent, contrast);
      // A drag's second grace is the rebound of the first: it keeps the ideal ratio to the first
      // grace (about 10 % softer) whatever the player's accent contrast. Scaling its own distance
      // below the accent instead would make it up to 40 % softer than the first (contrast 1.6).
      const levels = graceRatios.length === 1 ? [first] : [first, (first * graceRatios[1]!) / graceRatios[0]!];
      graceIdealVel[i] = graceRatios.map(idealVelocity);
      graceVel[i] = levels.map((level) => play(level, 0, gh, false, prog));
    }
    let ratio = ratios.tap;
    if (p.accent) ratio = 1;
    else if (p.diddle === 2 && !d1Accent[p.hand]) ratio = ratios.tap * ratios.diddleSecond;
    if (p.diddle === 1) d1Accent[p.hand] = p.accent;
    let level = playerLevel(ratio, playerAccent, contrast);
    if (rudiment.category === 'roll') {
      if (p.accent) sinceAccent = 0;
      else level *= rollDecayFactor(sinceAccent++, d.rollSustain, o);
    }
    primaryIdealVel[i] = idealVelocity(ratio);
    primaryVel[i] = play(level, p.accent ? playerTap : playerAccent, p.hand, true, prog);
  }

  // Buzz bounces fill the room before the next primary (the other hand comes in there).
  const buzz = root.fork('buzz');
  const endMs = o.leadInMs + numCycles * rudiment.cycleBeats * msPerBeat;
  const bounces: (BuzzPlan | null)[] = new Array<BuzzPlan | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    if (!pattern[i]!.buzz) continue;
    const gapMs =
      i + 1 < n
        ? Math.min(intended[i + 1]! - intended[i]!, actual[i + 1]! - actual[i]!)
        : endMs - intended[i]!;
    bounces[i] = planBuzzBounces(buzz, gapMs, primaryVel[i]!, d.buzzDensityConsistency, o);
  }

  // Onto the onset grid. Graces and bounces are placed in whole slots from their primary's slot so
  // their spacing survives snapping; then one sweep in time order pushes strokes later where needed.
  const minGraceSlots = Math.ceil(o.flamSpacingRangeMs[0] / SLOT_MS - 1e-9);
  const maxGraceSlots = Math.floor(o.flamSpacingRangeMs[1] / SLOT_MS + 1e-9);
  const minBounceSlots = Math.ceil(o.buzzIntervalRangeMs[0] / SLOT_MS - 1e-9);
  const maxBounceSlots = Math.floor(o.buzzIntervalRangeMs[1] / SLOT_MS + 1e-9);
  // Any two onsets at least one MIDI tick apart: then their ticks round to distinct values.
  const anyGap = o.midiPpq > 0 ? Math.max(1, Math.ceil(60000 / (tempoBpm * o.midiPpq) / SLOT_MS - 1e-9)) : 1;
  const sameHand = Math.max(o.sameHandMinGapSlots, anyGap);
  const onsets: Onset[] = [];
  const graceCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = pattern[i]!;
    const ps = toSlot(actual[i]!);
    const gaps = graceGaps[i];
    if (gaps) {
      const gh = otherHand(p.hand);
      const ideal = graceIdealVel[i]!;
      const played = graceVel[i]!;
      // Offsets before the primary in slots; the last grace is nearest. Nominal offsets give the
      // intended times: a flam at −nominal spacing, a drag at −(gap1 + gap2) and −gap2.
      const last = gaps.length - 1;
      const offsets: number[] = new Array<number>(gaps.length);
      const nominal: number[] = new Array<number>(gaps.length);
      let off = 0;
      let nom = 0;
      for (let g = last; g >= 0; g--) {
        const wanted = Math.round(gaps[g]! / SLOT_MS);
        off = g === last ? Math.max(minGraceSlots, wanted) : off + Math.max(sameHand, wanted);
        // The earliest grace stays within the maximum spacing; later ones keep their order inside it.
        offsets[g] = Math.min(off, maxGraceSlots - g * sameHand);
        nom += last === 0 ? o.nominalFlamSpacingMs : o.nominalDragGapsMs[g]!;
        nominal[g] = nom;
      }
      for (let g = 0; g < gaps.length; g++) {
        onsets.push({
          seq: onsets.length,
          kind: GRACE,
          hand: gh,
          primary: i,
          slot: ps - offsets[g]!,
          intendedMs: intended[i]! - nominal[g]!,
          intendedVelocity: ideal[g]!,
          actualVelocity: played[g]!,
        });
      }
      graceCount[i] = gaps.length;
    }
    onsets.push({
      seq: onsets.length,
      kind: PRIMARY,
      hand: p.hand,
      primary: i,
      slot: ps,
      intendedMs: intended[i]!,
      intendedVelocity: primaryIdealVel[i]!,
      actualVelocity: primaryVel[i]!,
    });
    const plan = bounces[i];
    if (plan) {
      let cumMs = 0;
      let cumSlots = 0;
      let idealVel = primaryIdealVel[i]! * o.buzzFirstBounceRatio;
      for (let b = 0; b < plan.intervalsMs.length; b++) {
        cumMs += plan.intervalsMs[b]!;
        // Round the running offset, not each interval, so rounding does not accumulate.
        const step = clamp(Math.round(cumMs / SLOT_MS) - cumSlots, minBounceSlots, maxBounceSlots);
        cumSlots += step;
        onsets.push({
          seq: onsets.length,
          kind: BOUNCE,
          hand: p.hand,
          primary: i,
          slot: ps + cumSlots,
          intendedMs: 0, // set once the primary's final slot is known
          intendedVelocity: clamp(Math.round(idealVel), 1, 127),
          actualVelocity: plan.velocities[b]!,
        });
        idealVel *= o.buzzBounceDecay;
      }
    }
  }

  // The sweep: increasing slots at least `anyGap` apart (no two onsets share a slot or a MIDI
  // tick), one hand's onsets at least `sameHand` slots apart, a primary at least the minimum spacing after its last grace, bounces at
  // least the minimum interval apart. Only ever pushes later, so written order is kept.
  const byTime = onsets.slice().sort((a, b) => a.slot - b.slot || a.seq - b.seq);
  const lastGrace = new Float64Array(n).fill(-Infinity);
  const chain = new Float64Array(n).fill(-Infinity);
  const primarySlot = new Float64Array(n);
  const lastHand: Record<Hand, number> = { R: -Infinity, L: -Infinity };
  let lastAny = -anyGap;
  for (const s of byTime) {
    let slot = Math.max(s.slot, lastAny + anyGap, lastHand[s.hand] + sameHand);
    if (s.kind === PRIMARY) {
      if (graceCount[s.primary]! > 0) slot = Math.max(slot, lastGrace[s.primary]! + minGraceSlots);
      primarySlot[s.primary] = slot;
      chain[s.primary] = slot;
    } else if (s.kind === GRACE) {
      lastGrace[s.primary] = slot;
    } else {
      slot = Math.max(slot, chain[s.primary]! + minBounceSlots);
      chain[s.primary] = slot;
    }
    s.slot = slot;
    lastAny = slot;
    lastHand[s.hand] = slot;
  }

  for (const s of onsets) {
    if (s.kind === BOUNCE) s.intendedMs = intended[s.primary]! + slotToMs(s.slot) - slotToMs(primarySlot[s.primary]!);
  }

  // Chronological by intended time; graces precede and bounces follow their primary.
  const ordered = onsets.slice().sort((a, b) => a.intendedMs - b.intendedMs || a.seq - b.seq);
  const primaryIndex = new Int32Array(n);
  ordered.forEach((s, k) => {
    if (s.kind === PRIMARY) primaryIndex[s.primary] = k;
  });
  const strokes: PerformedStroke[] = new Array<PerformedStroke>(ordered.length);
  const rawTimingErrorsMs: number[] = new Array<number>(ordered.length);
  let lastOnsetMs = 0;
  for (let k = 0; k < ordered.length; k++) {
    const s = ordered[k]!;
    const p = pattern[s.primary]!;
    const actualMs = slotToMs(s.slot);
    if (actualMs > lastOnsetMs) lastOnsetMs = actualMs;
    const primaryMs = slotToMs(primarySlot[s.primary]!);
    let strokeType: StrokeType;
    if (s.kind === GRACE) strokeType = 'grace';
    else if (s.kind === BOUNCE) strokeType = 'buzz';
    else if (p.accent) strokeType = 'accent';
    else if (p.buzz) strokeType = 'buzz';
    else if (p.diddle !== null) strokeType = 'diddle';
    else strokeType = 'tap';
    const isPrimary = s.kind === PRIMARY;
    strokes[k] = {
      index: k,
      hand: s.hand,
      strokeType,
      intendedTimeMs: s.intendedMs,
      actualTimeMs: actualMs,
      intendedVelocity: s.intendedVelocity,
      actualVelocity: s.actualVelocity,
      isGraceNote: s.kind === GRACE,
      isAccent: isPrimary && p.accent,
      isBuzzBounce: s.kind === BOUNCE,
      diddlePosition: isPrimary ? p.diddle : null,
      parentStrokeIndex: isPrimary ? null : primaryIndex[s.primary]!,
      flamSpacingMs: s.kind === GRACE ? primaryMs - actualMs : null,
      buzzCount: isPrimary && p.buzz ? 1 + (bounces[s.primary]?.intervalsMs.length ?? 0) : null,
      cycleIndex: p.cycleIndex,
    };
    // Graces and bounces move with their primary before articulation: they carry its raw error.
    rawTimingErrorsMs[k] = raw[s.primary]!;
  }

  return {
    rudimentSlug: rudiment.slug,
    category: rudiment.category,
    tempoBpm,
    numCycles,
    leadHand,
    strokes,
    rawTimingErrorsMs,
    durationSec: lastOnsetMs / 1000 + o.tailSec,
  };
}
