/**
 * Per-sample checks of the stroke labels: indices, internal consistency of every value, the
 * measures that frame them, the sticking of EVERY cycle against the rudiment definition (SOUSA
 * looked at the first cycle of 100 samples, §13 item 20), and the per-sample figures the
 * statistical checks aggregate (detrended timing SD, velocity CV, tempo drift).
 *
 * Words as in src/labels: primaries are neither grace notes nor buzz bounces.
 */
import { expandPattern, getRudiment, STROKE_TYPES } from '../rudiments/index.js';
import type { Rudiment } from '../rudiments/types.js';
import { detrend, linearFit, mean, std } from './stats.js';
import type { Tally } from './tally.js';

/** One row of samples.parquet plus what the later tables contribute. */
export interface SampleInfo {
  /** Row number in samples.parquet. */
  ordinal: number;
  id: string;
  profileId: string;
  slug: string;
  tier: string;
  tempoBpm: number;
  numCycles: number;
  leadHand: string;
  numStrokes: number;
  numMeasures: number;
  midiPath: string | null;
  audioPath: string | null;
  split: string;
  soundfont: string | null;
  preset: string;
  durationSec: number;
  /** samples.num_samples: audio frames per channel (NaN when null or absent). */
  audioFrames: number;
  /** samples.sample_rate, Hz (NaN when null or absent). */
  audioRateHz: number;
  /** The 15 scores in SCORE_NAMES order, NaN where null; null until exercises.parquet is read. */
  scores: Float64Array | null;
  /** 1 where the score is null. */
  scoreNulls: Uint8Array | null;
  exerciseRows: number;
  measureRows: number;
  strokeRows: number;
  /** Per measure in order: stroke_start, stroke_end, timing_mean_error_ms, velocity_mean. */
  measures: number[];
  /** Whether the stroke rows of this sample were already closed (a second run = not contiguous). */
  strokesSeen: boolean;
  /** Per-sample realism figures (NaN when not computable). */
  timingResidualSumSq: number;
  timingResidualCount: number;
  velocityCv: number;
  driftPct: number;
}

/** One row of strokes.parquet. */
export interface StrokeRow {
  index: number;
  hand: string | null;
  strokeType: string | null;
  intendedTimeMs: number;
  actualTimeMs: number;
  timingErrorMs: number;
  intendedVelocity: number;
  actualVelocity: number;
  velocityError: number;
  isGraceNote: boolean;
  isAccent: boolean;
  isBuzzBounce: boolean;
  /** NaN when null. */
  diddlePosition: number;
  flamSpacingMs: number;
  parentStrokeIndex: number;
  buzzCount: number;
  cycleIndex: number;
}

export interface LabelTallies {
  strokeIndices: Tally;
  strokeValues: Tally;
  measureStructure: Tally;
  sticking: Tally;
}

/** Timing and ms tolerance for recomputed values (float64 round trip through Parquet is exact; this covers summation order). */
const EPS_MS = 1e-6;
/** SOUSA check 7: no primary may be off its grid position by this much. */
export const MAX_PRIMARY_TIMING_ERROR_MS = 500;

const rudimentCache = new Map<string, Rudiment | null>();
export function rudimentOf(slug: string): Rudiment | null {
  if (!rudimentCache.has(slug)) {
    let r: Rudiment | null = null;
    try {
      r = getRudiment(slug);
    } catch {
      r = null;
    }
    rudimentCache.set(slug, r);
  }
  return rudimentCache.get(slug)!;
}

function isPrimary(s: StrokeRow): boolean {
  return !s.isGraceNote && !s.isBuzzBounce;
}

function nearly(a: number, b: number): boolean {
  return Math.abs(a - b) <= EPS_MS * Math.max(1, Math.abs(a), Math.abs(b));
}

const GRACES = { none: 0, flam: 1, drag: 2 } as const;
const VALID_TYPES: ReadonlySet<string> = new Set(STROKE_TYPES);

/** Check one sample's strokes (in file order) against itself, its measures and its rudiment. */
export function checkSampleStrokes(s: SampleInfo, rows: readonly StrokeRow[], t: LabelTallies): void {
  const where = s.id;
  // Indices: 0..n-1 in file order, chronological by intended time.
  let indexOk = true;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.index !== i) {
      t.strokeIndices.add(`${where}: row ${i} has index ${rows[i]!.index}, expected ${i} (a stroke row is missing, duplicated or out of order)`);
      indexOk = false;
      break;
    }
  }
  for (let i = 1; i < rows.length && indexOk; i++) {
    if (rows[i]!.intendedTimeMs < rows[i - 1]!.intendedTimeMs - EPS_MS) {
      t.strokeIndices.add(
        `${where}: stroke ${i} intended at ${rows[i]!.intendedTimeMs} ms, before stroke ${i - 1} at ${rows[i - 1]!.intendedTimeMs} ms (index must be chronological)`,
      );
      break;
    }
  }
  checkValues(s, rows, t.strokeValues, indexOk);
  checkAgainstMeasures(s, rows, t.measureStructure);
  checkSticking(s, rows, t.sticking);
  computeMetrics(s, rows);
}

function checkValues(s: SampleInfo, rows: readonly StrokeRow[], tally: Tally, indexOk: boolean): void {
  const before = tally.count;
  const bad = (msg: string) => {
    // One example per sample keeps the details readable; the count still covers every stroke.
    if (tally.count === before) tally.add(`${s.id}: ${msg}`);
    else tally.count++;
  };
  const bounces = new Map<number, number>();
  for (const r of rows) if (r.isBuzzBounce && Number.isInteger(r.parentStrokeIndex)) bounces.set(r.parentStrokeIndex, (bounces.get(r.parentStrokeIndex) ?? 0) + 1);
  for (const r of rows) {
    const at = `stroke ${r.index}`;
    if (r.hand !== 'R' && r.hand !== 'L') bad(`${at} hand must be R or L, got ${JSON.stringify(r.hand)}`);
    if (r.strokeType === null || !VALID_TYPES.has(r.strokeType)) bad(`${at} stroke_type must be one of ${STROKE_TYPES.join('/')}, got ${JSON.stringify(r.strokeType)}`);
    for (const [name, v] of [
      ['intended_velocity', r.intendedVelocity],
      ['actual_velocity', r.actualVelocity],
    ] as const) {
      if (!(Number.isInteger(v) && v >= 1 && v <= 127)) bad(`${at} ${name} must be an integer 1..127, got ${v}`);
    }
    if (r.velocityError !== r.actualVelocity - r.intendedVelocity) {
      bad(`${at} velocity_error must be actual - intended = ${r.actualVelocity - r.intendedVelocity}, got ${r.velocityError}`);
    }
    if (!Number.isFinite(r.intendedTimeMs) || !Number.isFinite(r.actualTimeMs) || !Number.isFinite(r.timingErrorMs)) {
      bad(`${at} times must be finite, got intended ${r.intendedTimeMs}, actual ${r.actualTimeMs}, error ${r.timingErrorMs}`);
      continue;
    }
    if (r.actualTimeMs < -EPS_MS) bad(`${at} actual_time_ms must be >= 0, got ${r.actualTimeMs}`);
    if (!(Number.isNaN(r.diddlePosition) || r.diddlePosition === 1 || r.diddlePosition === 2)) bad(`${at} diddle_position must be 1, 2 or null, got ${r.diddlePosition}`);
    if (r.isGraceNote && r.strokeType !== 'grace') bad(`${at} is_grace_note is set but stroke_type is ${r.strokeType}`);
    if (!r.isGraceNote && r.strokeType === 'grace') bad(`${at} stroke_type is grace but is_grace_note is false`);
    if (r.isBuzzBounce && r.strokeType !== 'buzz') bad(`${at} is_buzz_bounce is set but stroke_type is ${r.strokeType}`);
    if (r.isGraceNote && r.isBuzzBounce) bad(`${at} is both a grace note and a buzz bounce`);
    const hasParent = !Number.isNaN(r.parentStrokeIndex);
    if (isPrimary(r)) {
      if (hasParent) bad(`${at} is a primary stroke but has parent_stroke_index ${r.parentStrokeIndex}`);
      if (!Number.isNaN(r.flamSpacingMs)) bad(`${at} is a primary stroke but has flam_spacing_ms ${r.flamSpacingMs}`);
      if (!nearly(r.timingErrorMs, r.actualTimeMs - r.intendedTimeMs)) {
        bad(`${at} timing_error_ms must be actual - intended = ${r.actualTimeMs - r.intendedTimeMs}, got ${r.timingErrorMs}`);
      }
      if (Math.abs(r.timingErrorMs) >= MAX_PRIMARY_TIMING_ERROR_MS) bad(`${at} timing error ${r.timingErrorMs} ms is beyond ±${MAX_PRIMARY_TIMING_ERROR_MS} ms`);
      const expectedBuzz = r.strokeType === 'buzz' ? 1 + (bounces.get(r.index) ?? 0) : Number.NaN;
      if (!(Number.isNaN(expectedBuzz) ? Number.isNaN(r.buzzCount) : r.buzzCount === expectedBuzz)) {
        bad(`${at} buzz_count must be ${Number.isNaN(expectedBuzz) ? 'null' : `1 + bounces = ${expectedBuzz}`}, got ${Number.isNaN(r.buzzCount) ? 'null' : r.buzzCount}`);
      }
      continue;
    }
    // Grace notes and bounces hang off a primary.
    if (!hasParent || !indexOk || r.parentStrokeIndex < 0 || r.parentStrokeIndex >= rows.length) {
      bad(`${at} needs a parent_stroke_index in 0..${rows.length - 1}, got ${Number.isNaN(r.parentStrokeIndex) ? 'null' : r.parentStrokeIndex}`);
      continue;
    }
    const p = rows[r.parentStrokeIndex]!;
    if (!isPrimary(p)) bad(`${at} points at stroke ${p.index}, which is not a primary`);
    if (r.isGraceNote) {
      const spacing = p.actualTimeMs - r.actualTimeMs;
      if (!nearly(r.flamSpacingMs, spacing)) bad(`${at} flam_spacing_ms must be primary.actual - grace.actual = ${spacing}, got ${r.flamSpacingMs}`);
      if (!(spacing > 0)) bad(`${at} grace note is not before its primary (spacing ${spacing} ms)`);
      const err = spacing - (p.intendedTimeMs - r.intendedTimeMs);
      if (!nearly(r.timingErrorMs, err)) bad(`${at} grace timing_error_ms must be the spacing error ${err}, got ${r.timingErrorMs}`);
      if (r.hand === p.hand) bad(`${at} grace note is played by the same hand (${r.hand}) as its primary`);
    } else {
      if (!Number.isNaN(r.flamSpacingMs)) bad(`${at} buzz bounce has flam_spacing_ms ${r.flamSpacingMs}`);
      if (!nearly(r.timingErrorMs, r.actualTimeMs - r.intendedTimeMs)) {
        bad(`${at} timing_error_ms must be actual - intended = ${r.actualTimeMs - r.intendedTimeMs}, got ${r.timingErrorMs}`);
      }
      if (r.hand !== p.hand) bad(`${at} buzz bounce is played by ${r.hand}, its primary by ${p.hand}`);
    }
  }
}

function checkAgainstMeasures(s: SampleInfo, rows: readonly StrokeRow[], tally: Tally): void {
  const m = s.measures;
  const count = m.length / 4;
  if (count !== s.measureRows || count === 0) return; // counted by measure_counts / references
  if (m[0] !== 0 || m[m.length - 3] !== rows.length) {
    tally.add(`${s.id}: measures cover strokes ${m[0]}..${m[m.length - 3]}, expected 0..${rows.length}`);
    return;
  }
  for (let c = 0; c < count; c++) {
    const start = m[4 * c]!;
    const end = m[4 * c + 1]!;
    const timed: number[] = [];
    const vel: number[] = [];
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      if (r.cycleIndex !== c) {
        tally.add(`${s.id}: stroke ${i} has cycle_index ${r.cycleIndex} but lies in measure ${c} (strokes ${start}..${end - 1})`);
        return;
      }
      if (!r.isBuzzBounce) timed.push(r.timingErrorMs);
      vel.push(r.actualVelocity);
    }
    const tm = timed.length ? mean(timed) : 0;
    const vm = vel.length ? mean(vel) : 0;
    if (!nearly(tm, m[4 * c + 2]!) || !nearly(vm, m[4 * c + 3]!)) {
      tally.add(
        `${s.id}: measure ${c} says timing_mean_error_ms ${m[4 * c + 2]} / velocity_mean ${m[4 * c + 3]}, its strokes give ${tm} / ${vm}`,
      );
      return;
    }
  }
}

function checkSticking(s: SampleInfo, rows: readonly StrokeRow[], tally: Tally): void {
  const rudiment = rudimentOf(s.slug);
  if (rudiment === null) {
    tally.add(`${s.id}: unknown rudiment slug ${JSON.stringify(s.slug)}`);
    return;
  }
  if (s.leadHand !== 'R' && s.leadHand !== 'L') {
    tally.add(`${s.id}: lead_hand must be R or L, got ${JSON.stringify(s.leadHand)}`);
    return;
  }
  if (!(Number.isInteger(s.numCycles) && s.numCycles >= 1 && s.numCycles <= 10_000)) {
    tally.add(`${s.id}: num_cycles must be a positive integer, got ${s.numCycles}`);
    return;
  }
  const expected = expandPattern(rudiment, s.numCycles, s.leadHand);
  const graceCount = new Map<number, number>();
  for (const r of rows) if (r.isGraceNote && Number.isInteger(r.parentStrokeIndex)) graceCount.set(r.parentStrokeIndex, (graceCount.get(r.parentStrokeIndex) ?? 0) + 1);
  const primaries = rows.filter(isPrimary);
  const per = rudiment.strokes.length;
  const cycles = Math.max(s.numCycles, primaries.length ? primaries[primaries.length - 1]!.cycleIndex + 1 : 0);
  for (let c = 0; c < cycles; c++) {
    const want = expected.slice(c * per, (c + 1) * per);
    const got = primaries.filter((p) => p.cycleIndex === c);
    const wantHands = want.map((w) => w.hand).join('');
    const gotHands = got.map((g) => g.hand ?? '?').join('');
    if (wantHands !== gotHands) {
      tally.add(`${s.id}: cycle ${c} sticking ${gotHands || '(no strokes)'}, expected ${wantHands || '(no cycle)'} (${rudiment.slug}, lead ${s.leadHand})`);
      continue;
    }
    for (let k = 0; k < want.length; k++) {
      const w = want[k]!;
      const g = got[k]!;
      const problem =
        w.accent !== g.isAccent
          ? `is_accent ${g.isAccent}, written ${w.accent}`
          : (w.diddle ?? Number.NaN) !== g.diddlePosition && !(w.diddle === null && Number.isNaN(g.diddlePosition))
            ? `diddle_position ${Number.isNaN(g.diddlePosition) ? 'null' : g.diddlePosition}, written ${w.diddle ?? 'null'}`
            : w.buzz !== (g.strokeType === 'buzz')
              ? `stroke_type ${g.strokeType}, written ${w.buzz ? 'buzz' : 'not buzz'}`
              : (graceCount.get(g.index) ?? 0) !== GRACES[w.ornament]
                ? `${graceCount.get(g.index) ?? 0} grace note(s), written ${w.ornament} (${GRACES[w.ornament]})`
                : null;
      if (problem !== null) {
        tally.add(`${s.id}: cycle ${c} stroke ${g.index}: ${problem}`);
        break;
      }
    }
  }
}

function computeMetrics(s: SampleInfo, rows: readonly StrokeRow[]): void {
  const primaries = rows.filter(isPrimary);
  const intended = primaries.map((p) => p.intendedTimeMs);
  if (primaries.length >= 3) {
    const res = detrend(
      intended,
      primaries.map((p) => p.timingErrorMs),
    );
    let ss = 0;
    for (const r of res) ss += r * r;
    s.timingResidualSumSq = ss;
    s.timingResidualCount = res.length;
    const fit = linearFit(
      intended,
      primaries.map((p) => p.actualTimeMs),
    );
    // Played span / written span - 1: a slope of 1.02 means the player ended 2 % slow.
    s.driftPct = Math.abs(fit.slope - 1) * 100;
  }
  const soft = primaries.filter((p) => !p.isAccent).map((p) => p.actualVelocity);
  if (soft.length >= 2) s.velocityCv = std(soft) / mean(soft);
}

/** Scores that may be null, and when they must be (what src/labels/scores.ts computes). */
export function expectedNullScores(s: SampleInfo): { flam: boolean; diddle: boolean; roll: boolean } | null {
  const r = rudimentOf(s.slug);
  if (r === null || (s.leadHand !== 'R' && s.leadHand !== 'L') || !(Number.isInteger(s.numCycles) && s.numCycles >= 1 && s.numCycles <= 10_000)) return null;
  const pattern = expandPattern(r, s.numCycles, s.leadHand);
  let diddle = false;
  for (let i = 1; i < pattern.length; i++) {
    const a = pattern[i - 1]!;
    const b = pattern[i]!;
    if (a.diddle === 1 && b.diddle === 2 && a.hand === b.hand) diddle = true;
  }
  return {
    flam: !r.strokes.some((x) => x.ornament === 'flam'),
    diddle: !diddle,
    roll: r.category !== 'roll',
  };
}
