import { describe, expect, it } from 'vitest';
import * as tonejsMidi from '@tonejs/midi';
import { DatasetError } from '../src/errors.js';
import {
  MIDI_INVALID,
  generatePerformance,
  parseMidiFile,
  performanceToMidi,
  readMidiNotes,
  strokeTicks,
} from '../src/performance/index.js';
import type { Performance, PerformedStroke } from '../src/performance/index.js';
import { ARCHETYPES } from '../src/profiles/index.js';
import type { PlayerProfile, ProfileDimensions, SkillTier } from '../src/profiles/index.js';
import { getRudiment, loadRudiments } from '../src/rudiments/index.js';

const Midi =
  (tonejsMidi as { Midi?: typeof tonejsMidi.Midi }).Midi ??
  (tonejsMidi as unknown as { default: { Midi: typeof tonejsMidi.Midi } }).default.Midi;

function meanProfile(tier: SkillTier): PlayerProfile {
  const a = ARCHETYPES[tier];
  const dims = {} as ProfileDimensions;
  for (const [k, v] of Object.entries(a.dimensions)) dims[k as keyof ProfileDimensions] = v.mean;
  return { id: 'int000', number: 0, tier, dominantHand: 'right', tempoComfortBpm: a.tempoComfortBpm, dimensions: dims };
}

function perform(slug: string, tier: SkillTier, tempoBpm: number, key = 'm'): Performance {
  return generatePerformance({ rudiment: getRudiment(slug), profile: meanProfile(tier), tempoBpm, seed: 11, key });
}

const CASES: [string, SkillTier, number][] = [
  ['flam_accent', 'professional', 120],
  ['multiple_bounce_roll', 'beginner', 60],
  ['single_ratamacue', 'intermediate', 50],
  ['flam_drag', 'advanced', 140],
  ['five_stroke_roll', 'beginner', 130],
  ['drag', 'beginner', 97],
];

describe('performanceToMidi: the bytes', () => {
  it('writes SMF format 1, 480 PPQ, a tempo track with one set-tempo event and a named drum track', () => {
    const perf = perform('flam_accent', 'intermediate', 96);
    const bytes = performanceToMidi(perf);
    // Header chunk read by hand: "MThd", length 6, format 1, 2 tracks, 480 ticks per quarter.
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('MThd');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(4)).toBe(6);
    expect(view.getUint16(8)).toBe(1);
    expect(view.getUint16(10)).toBe(2);
    expect(view.getUint16(12)).toBe(480);
    expect(String.fromCharCode(...bytes.subarray(14, 18))).toBe('MTrk');
    // FF 51 03 tt tt tt: 60e6 / 96 = 625000 µs per quarter = 0x0989 68.
    const tempoAt = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0x51 && bytes[i + 2] === 0x03);
    expect(tempoAt).toBeGreaterThan(0);
    expect([...bytes.subarray(tempoAt + 3, tempoAt + 6)]).toEqual([0x09, 0x89, 0x68]);

    const file = parseMidiFile(bytes);
    expect(file.format).toBe(1);
    expect(file.ppq).toBe(480);
    expect(file.tracks.length).toBe(2);
    const tempos = file.tracks.flat().filter((e) => e.type === 'tempo');
    expect(tempos).toHaveLength(1);
    expect(tempos[0]!.tick).toBe(0);
    expect(tempos[0]!.microsecondsPerBeat).toBe(625_000);
    expect(file.tracks[1]!.find((e) => e.type === 'trackName')!.text).toBe('snare flam_accent');
    expect(file.tracks[0]!.filter((e) => e.type === 'noteOn')).toHaveLength(0);
    for (const t of file.tracks) expect(t[t.length - 1]!.type).toBe('endOfTrack');
  });

  for (const [slug, tier, tempo] of CASES) {
    it(`round-trips ${slug} (${tier}, ${tempo} BPM): time within half a tick, exact velocity, channel 9, key 38`, () => {
      const perf = perform(slug, tier, tempo);
      const bytes = performanceToMidi(perf);
      const notes = readMidiNotes(bytes);
      const strokes = perf.strokes.slice().sort((a, b) => a.actualTimeMs - b.actualTimeMs);
      expect(notes.length).toBe(strokes.length);
      const tickMs = 60000 / (tempo * 480);
      notes.forEach((n, i) => {
        const s = strokes[i]!;
        // The generator keeps onsets a tick apart, so plain rounding holds: half a tick, plus the
        // drift of the file's whole-µs tempo (60e6 / bpm truncated, < 1e-6 relative).
        expect(Math.abs(n.timeMs - s.actualTimeMs)).toBeLessThanOrEqual(tickMs / 2 + s.actualTimeMs * 1e-6);
        expect(n.velocity).toBe(s.actualVelocity);
        expect(n.channel).toBe(9);
        expect(n.key).toBe(38);
      });
      // Note-offs: one per note, each before the next note-on, at most 60 ticks long.
      const events = parseMidiFile(bytes).tracks[1]!.filter((e) => e.type === 'noteOn' || e.type === 'noteOff');
      expect(events.filter((e) => e.type === 'noteOff').length).toBe(notes.length);
      for (let i = 0; i < events.length; i += 2) {
        expect(events[i]!.type).toBe('noteOn');
        expect(events[i + 1]!.type).toBe('noteOff');
        expect(events[i + 1]!.channel).toBe(9);
        const length = events[i + 1]!.tick - events[i]!.tick;
        expect(length).toBeGreaterThanOrEqual(1);
        expect(length).toBeLessThanOrEqual(60);
      }
      // @tonejs/midi reads the same notes back (a second, independent parser).
      const parsed = new Midi(bytes);
      const tn = parsed.tracks.flatMap((t) => t.notes);
      expect(tn.map((n) => Math.round(n.velocity * 127))).toEqual(notes.map((n) => n.velocity));
      expect(parsed.tracks.find((t) => t.notes.length > 0)!.channel).toBe(9);
    });
  }

  it('holds every stroke of every rudiment within half a tick at the slowest tempos (beginners, 40–60 BPM)', () => {
    let worstTicks = 0;
    let notesSeen = 0;
    for (const r of loadRudiments()) {
      for (const tempo of [40, 47, 59]) {
        for (const key of ['a', 'b']) {
          const perf = generatePerformance({ rudiment: r, profile: meanProfile('beginner'), tempoBpm: tempo, seed: 5, key: `${r.slug}/${tempo}/${key}` });
          const notes = readMidiNotes(performanceToMidi(perf));
          const strokes = perf.strokes.slice().sort((a, b) => a.actualTimeMs - b.actualTimeMs);
          expect(notes.length).toBe(strokes.length);
          const tickMs = 60000 / (tempo * 480);
          notes.forEach((n, i) => {
            const t = strokes[i]!.actualTimeMs;
            worstTicks = Math.max(worstTicks, (Math.abs(n.timeMs - t) - t * 1e-6) / tickMs);
            expect(n.velocity).toBe(strokes[i]!.actualVelocity);
          });
          notesSeen += notes.length;
        }
      }
    }
    expect(notesSeen).toBeGreaterThan(5000);
    expect(worstTicks).toBeLessThanOrEqual(0.5);
    expect(worstTicks).toBeGreaterThan(0.4);
  });

  it('is deterministic: the same performance gives identical bytes, another key other bytes', () => {
    const a = performanceToMidi(perform('single_ratamacue', 'beginner', 80, 'x'));
    const b = performanceToMidi(perform('single_ratamacue', 'beginner', 80, 'x'));
    const c = performanceToMidi(perform('single_ratamacue', 'beginner', 80, 'y'));
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(c).equals(Buffer.from(a))).toBe(false);
  });

  it('honours ppq, channel, key, note length and track name options', () => {
    const perf = perform('flam', 'advanced', 100);
    const bytes = performanceToMidi(perf, { ppq: 960, channel: 0, key: 40, noteDurationTicks: 5, trackName: 'pad' });
    const file = parseMidiFile(bytes);
    expect(file.ppq).toBe(960);
    const ons = file.tracks[1]!.filter((e) => e.type === 'noteOn');
    expect(new Set(ons.map((e) => e.channel))).toEqual(new Set([0]));
    expect(new Set(ons.map((e) => e.key))).toEqual(new Set([40]));
    const offs = file.tracks[1]!.filter((e) => e.type === 'noteOff');
    offs.forEach((off, i) => expect(off.tick - ons[i]!.tick).toBe(5));
    expect(file.tracks[1]!.find((e) => e.type === 'trackName')!.text).toBe('pad');
    const tickMs = 60000 / (100 * 960);
    readMidiNotes(bytes).forEach((n, i) => {
      expect(Math.abs(n.timeMs - perf.strokes.slice().sort((a, b) => a.actualTimeMs - b.actualTimeMs)[i]!.actualTimeMs)).toBeLessThanOrEqual(tickMs);
    });
    expect(() => performanceToMidi(perf, { channel: 16 })).toThrow(DatasetError);
    expect(() => performanceToMidi(perf, { key: 128 })).toThrow(/key must be an integer 0..127, got 128/);
    expect(() => performanceToMidi(perf, { ppq: 0 })).toThrow(DatasetError);
  });

  it('keeps notes of one key apart when two strokes round to the same tick (slow tempo)', () => {
    // At 40 BPM a tick is 3.125 ms, two onset-grid slots (2.9 ms) can share it.
    expect(strokeTicks([0, 100, 102.9, 103.5, 200], 40, 480)).toEqual([0, 32, 33, 34, 64]);
    const stroke = (index: number, ms: number, velocity: number): PerformedStroke => ({
      index,
      hand: index % 2 === 0 ? 'R' : 'L',
      strokeType: 'tap',
      intendedTimeMs: ms,
      actualTimeMs: ms,
      intendedVelocity: velocity,
      actualVelocity: velocity,
      isGraceNote: false,
      isAccent: false,
      isBuzzBounce: false,
      diddlePosition: null,
      parentStrokeIndex: null,
      flamSpacingMs: null,
      buzzCount: null,
      cycleIndex: 0,
    });
    const perf: Performance = {
      rudimentSlug: 'hand_built',
      category: 'roll',
      tempoBpm: 40,
      numCycles: 1,
      leadHand: 'R',
      strokes: [stroke(0, 100, 1), stroke(1, 101.45, 127), stroke(2, 500, 64)],
      rawTimingErrorsMs: [0, 0, 0],
      durationSec: 1,
    };
    const events = parseMidiFile(performanceToMidi(perf)).tracks[1]!.filter((e) => e.type === 'noteOn' || e.type === 'noteOff');
    expect(events.map((e) => `${e.type}@${e.tick}:${e.velocity}`)).toEqual([
      'noteOn@32:1',
      'noteOff@33:0',
      'noteOn@33:127',
      'noteOff@93:0',
      'noteOn@160:64',
      'noteOff@220:0',
    ]);
  });

  it('rejects bytes that are not a MIDI file with MIDI_INVALID', () => {
    const ascii = (t: string): number[] => [...t].map((c) => c.charCodeAt(0));
    const truncatedTrack = Uint8Array.from([...ascii('MThd'), 0, 0, 0, 6, 0, 1, 0, 1, 0x01, 0xe0, ...ascii('MTrk'), 0, 0, 0, 16]);
    const bad = [new Uint8Array([1, 2, 3]), truncatedTrack];
    for (const b of bad) {
      expect(() => readMidiNotes(b)).toThrow(DatasetError);
      try {
        readMidiNotes(b);
      } catch (e) {
        expect((e as DatasetError).code).toBe(MIDI_INVALID);
      }
    }
    expect(() => readMidiNotes(truncatedTrack)).toThrow(/track 0 length 16 runs past the end of the file \(22 bytes\)/);
  });
});
