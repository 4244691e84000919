/**
 * MIDI ↔ stroke labels, for every sample (SOUSA compared the first 50 rows that had a file):
 * one note per stroke, note times equal to the played times within one tick, exact velocities,
 * General MIDI snare (key 38) on the drum channel (index 9), the file's tempo equal to tempo_bpm.
 */
import { parseMidiFile, readMidiNotes } from '../performance/index.js';
import type { SampleInfo, StrokeRow } from './labels.js';
import { shortError } from './tables.js';

export const GM_DRUM_CHANNEL = 9;
export const GM_ACOUSTIC_SNARE = 38;

export interface MidiComparison {
  /** Notes compared (0 when the file could not be parsed). */
  notes: number;
  /** Largest |note time − label actual time|, ms. */
  maxTimeDiffMs: number;
  /** One tick at the file's resolution and the sample's tempo, ms. */
  tickMs: number;
  /** First problem found, or null when the file matches its labels. */
  problem: string | null;
}

/** Compare a MIDI file with the stroke rows of its sample. */
export function compareMidi(s: SampleInfo, rows: readonly StrokeRow[], bytes: Uint8Array): MidiComparison {
  let ppq: number;
  let tempoUs: number[];
  let notes: ReturnType<typeof readMidiNotes>;
  try {
    const info = parseMidiFile(bytes);
    ppq = info.ppq;
    tempoUs = info.tracks.flat().filter((e) => e.type === 'tempo').map((e) => e.microsecondsPerBeat);
    notes = readMidiNotes(bytes);
  } catch (e) {
    return { notes: 0, maxTimeDiffMs: Number.NaN, tickMs: Number.NaN, problem: `${s.midiPath} does not parse (${shortError(e)})` };
  }
  const tickMs = 60_000 / s.tempoBpm / ppq;
  const out: MidiComparison = { notes: 0, maxTimeDiffMs: 0, tickMs, problem: null };
  const expectedUs = Math.round(60_000_000 / s.tempoBpm);
  if (tempoUs.length !== 1 || Math.abs(tempoUs[0]! - expectedUs) > 1) {
    out.problem = `${s.midiPath}: tempo events ${JSON.stringify(tempoUs)} µs/beat, expected one of ${expectedUs} (${s.tempoBpm} BPM)`;
    return out;
  }
  if (notes.length !== rows.length) {
    out.problem = `${s.midiPath}: ${notes.length} notes, ${rows.length} stroke labels`;
    return out;
  }
  // Labels are chronological by intended time; the file by played time.
  const labels = [...rows].sort((a, b) => a.actualTimeMs - b.actualTimeMs || a.index - b.index);
  for (let i = 0; i < notes.length; i++) {
    const n = notes[i]!;
    const l = labels[i]!;
    const d = Math.abs(n.timeMs - l.actualTimeMs);
    out.notes++;
    if (d > out.maxTimeDiffMs) out.maxTimeDiffMs = d;
    const problem =
      d > tickMs + 1e-6
        ? `note ${i} at ${n.timeMs.toFixed(3)} ms, stroke ${l.index} played at ${l.actualTimeMs.toFixed(3)} ms (more than one tick, ${tickMs.toFixed(3)} ms, apart)`
        : n.velocity !== l.actualVelocity
          ? `note ${i} velocity ${n.velocity}, stroke ${l.index} actual_velocity ${l.actualVelocity}`
          : n.channel !== GM_DRUM_CHANNEL
            ? `note ${i} on channel index ${n.channel}, expected ${GM_DRUM_CHANNEL} (GM drums)`
            : n.key !== GM_ACOUSTIC_SNARE
              ? `note ${i} key ${n.key}, expected ${GM_ACOUSTIC_SNARE} (GM acoustic snare)`
              : null;
    if (problem !== null && out.problem === null) out.problem = `${s.midiPath}: ${problem}`;
  }
  return out;
}
