/**
 * A performance: what one player played of one rudiment at one tempo, stroke by stroke.
 * These records are the single source of the MIDI file, the stroke labels and the scores,
 * so the three always agree.
 */
import type { Category, Hand, StrokeType } from '../rudiments/types.js';

/** One played stroke (one MIDI note, one row of strokes.parquet). */
export interface PerformedStroke {
  /** 0-based, in chronological order of intended time (graces before their primary). */
  index: number;
  hand: Hand;
  strokeType: StrokeType;
  /** Where the stroke belongs on the ideal grid (graces: nominal ornament spacing before the primary), ms from the sample start. */
  intendedTimeMs: number;
  /** Where it was played, ms from the sample start; equals its onset in the rendered audio. */
  actualTimeMs: number;
  /** Ideal MIDI velocity for this stroke's role, 1..127. */
  intendedVelocity: number;
  /** Played MIDI velocity, integer 1..127 (the note-on velocity in the MIDI file). */
  actualVelocity: number;
  /** Flam or drag grace note (buzz bounces are not grace notes). */
  isGraceNote: boolean;
  /** Accented as written in the rudiment. */
  isAccent: boolean;
  /** A generated bounce of a buzz primary (stroke type `buzz`, parent = the primary). */
  isBuzzBounce: boolean;
  /** 1/2 for the strokes of a same-hand double, else null. */
  diddlePosition: 1 | 2 | null;
  /** For graces and buzz bounces: index of the primary they belong to; else null. */
  parentStrokeIndex: number | null;
  /** For grace notes: primary.actual − grace.actual, ms; else null. */
  flamSpacingMs: number | null;
  /** For buzz primaries: 1 + number of bounces; else null. */
  buzzCount: number | null;
  /** Pattern cycle (= SOUSA "measure") this stroke belongs to, 0-based. */
  cycleIndex: number;
}

export interface Performance {
  rudimentSlug: string;
  category: Category;
  tempoBpm: number;
  numCycles: number;
  /** Hand that leads the first cycle. */
  leadHand: Hand;
  /** Strokes sorted by index (chronological by intended time). */
  strokes: PerformedStroke[];
  /** Raw per-stroke deviations before articulation (ms), indexed like `strokes`; used by the groove score. */
  rawTimingErrorsMs: number[];
  /** Duration of the exercise: last actual onset + tail, seconds. */
  durationSec: number;
}

/** Sample rate of every render, Hz. */
export const RENDER_SAMPLE_RATE_HZ = 44_100;
/**
 * FluidSynth starts notes on 64-sample block boundaries (fluid_synth_write_* renders in
 * FLUID_BUFSIZE = 64 frames). Played onsets are snapped to this grid so that the MIDI file,
 * the stroke labels and the rendered audio agree exactly (DESIGN decision 3).
 */
export const ONSET_GRID_SAMPLES = 64;

/** Snap a time in ms to the nearest onset-grid point (multiple of 64 samples at 44.1 kHz). */
export function snapToOnsetGridMs(ms: number): number {
  const block = Math.round((ms * RENDER_SAMPLE_RATE_HZ) / 1000 / ONSET_GRID_SAMPLES);
  return (block * ONSET_GRID_SAMPLES * 1000) / RENDER_SAMPLE_RATE_HZ;
}

/** The sample frame of a grid-snapped time in ms. */
export function onsetFrame(ms: number): number {
  return Math.round((ms * RENDER_SAMPLE_RATE_HZ) / 1000);
}
