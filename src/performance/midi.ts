/**
 * Performance → Standard MIDI File bytes (written with @tonejs/midi), and a small independent
 * reader of those bytes for tests and validation.
 *
 * The file: format 1, a tempo track (name + one set-tempo event) and a drum track on channel
 * index 9 (MIDI channel 10, DESIGN decision 4; SOUSA wrote channel 0, which FluidSynth plays as a
 * piano, §13.1), GM acoustic snare by default, one note per stroke at its actual time and exact
 * actual velocity. At 480 PPQ a tick is 125/BPM ms, coarser than the 1.451 ms onset grid below
 * 86 BPM: the stroke labels and the renderer use the performance's times; the generator keeps
 * strokes a tick apart, so each note is within half a tick of them.
 */
import * as tonejsMidi from '@tonejs/midi';
import { DatasetError } from '../errors.js';
import type { Performance } from './types.js';

type MidiClass = typeof tonejsMidi.Midi;
// @tonejs/midi is CommonJS. Node's ESM loader exposes it only as `default`; CommonJS transpilers
// (tsx on a .cts/CJS caller) and some bundlers expose the named export instead. Accept both.
const Midi: MidiClass =
  (tonejsMidi as { Midi?: MidiClass }).Midi ?? (tonejsMidi as unknown as { default: { Midi: MidiClass } }).default.Midi;

/** Error code for bytes that are not a readable Standard MIDI File. */
export const MIDI_INVALID = 'MIDI_INVALID';

export interface MidiOptions {
  /** Ticks per quarter note. Default 480. */
  ppq: number;
  /** Channel index 0..15 of every note (9 = GM drum channel 10). Default 9. */
  channel: number;
  /** MIDI key of every stroke (38 = GM acoustic snare). Default 38. */
  key: number;
  /** Longest note length, ticks; a note always ends no later than the next note-on of its key. Default 60 (1/8 beat). */
  noteDurationTicks: number;
  /** Name of the drum track; null: `snare <rudiment slug>`. Default null. */
  trackName: string | null;
}

export const DEFAULT_MIDI_OPTIONS: Readonly<MidiOptions> = Object.freeze({
  ppq: 480,
  channel: 9,
  key: 38,
  noteDurationTicks: 60,
  trackName: null,
});

/** The fields of a @tonejs/midi Note that its encoder reads. */
interface PlainNote {
  midi: number;
  ticks: number;
  durationTicks: number;
  velocity: number;
  noteOffVelocity: number;
}

function midiError(message: string): DatasetError {
  return new DatasetError(MIDI_INVALID, message);
}

/**
 * Note-on ticks of strokes at `timesMs` (ascending), one key: tick = round(ms × ppq × bpm / 60000).
 * Two strokes that round to the same tick (possible below 86 BPM, where a tick is longer than an
 * onset-grid slot) would make overlapping notes of one key; the later one moves one tick on.
 */
export function strokeTicks(timesMs: readonly number[], tempoBpm: number, ppq: number): number[] {
  const ticks: number[] = new Array<number>(timesMs.length);
  let prev = -1;
  for (let i = 0; i < timesMs.length; i++) {
    const t = Math.max(prev + 1, Math.round((timesMs[i]! * ppq * tempoBpm) / 60000));
    ticks[i] = t;
    prev = t;
  }
  return ticks;
}

/**
 * The same file as {@link performanceToMidiTonejs}, byte for byte (test/midi.test.ts checks
 * every rudiment against it), written directly into one buffer. @tonejs/midi's encoder builds the
 * file byte by byte through growable arrays and cost ~270 µs per file, more than generating the
 * performance and all its labels together; this writer takes a few µs. @tonejs/midi stays the
 * reference encoder and the reader of user MIDI files.
 */
export function performanceToMidi(perf: Performance, opts: Partial<MidiOptions> = {}): Uint8Array {
  const o: MidiOptions = { ...DEFAULT_MIDI_OPTIONS, ...opts };
  checkMidiOptions(o, perf);
  const strokes = perf.strokes.slice().sort((a, b) => a.actualTimeMs - b.actualTimeMs || a.index - b.index);
  const ticks = strokeTicks(
    strokes.map((s) => s.actualTimeMs),
    perf.tempoBpm,
    o.ppq,
  );
  const headerName = utf8.encode(`sousa-wasm ${perf.rudimentSlug}`);
  const trackName = utf8.encode(o.trackName ?? `snare ${perf.rudimentSlug}`);
  // upper bound: header 14 + 2 track headers 16 + metas + notes × 2 events × (4 delta + 3 bytes)
  const out = new Uint8Array(64 + headerName.length + trackName.length + strokes.length * 14);
  let p = 0;
  const u8 = (v: number) => {
    out[p++] = v;
  };
  const u16 = (v: number) => {
    u8((v >> 8) & 0xff);
    u8(v & 0xff);
  };
  const u32 = (v: number) => {
    u16((v >>> 16) & 0xffff);
    u16(v & 0xffff);
  };
  const vlq = (v: number) => {
    let buf = v & 0x7f;
    while ((v >>>= 7) > 0) buf = (buf << 8) | 0x80 | (v & 0x7f);
    for (;;) {
      u8(buf & 0xff);
      if (buf & 0x80) buf >>>= 8;
      else break;
    }
  };
  const bytes = (b: Uint8Array) => {
    out.set(b, p);
    p += b.length;
  };
  // MThd: format 1, two tracks, ppq
  bytes(MTHD);
  u32(6);
  u16(1);
  u16(2);
  u16(o.ppq);
  // track 0: name, tempo, end
  bytes(MTRK);
  const len0 = p;
  u32(0);
  vlq(0), u8(0xff), u8(0x03), vlq(headerName.length), bytes(headerName);
  const usPerBeat = Math.floor(60_000_000 / perf.tempoBpm);
  vlq(0), u8(0xff), u8(0x51), u8(3), u8((usPerBeat >> 16) & 0xff), u16(usPerBeat & 0xffff);
  vlq(0), u8(0xff), u8(0x2f), u8(0);
  patch32(out, len0, p - len0 - 4);
  // track 1: name, program change 0, notes, end
  bytes(MTRK);
  const len1 = p;
  u32(0);
  vlq(0), u8(0xff), u8(0x03), vlq(trackName.length), bytes(trackName);
  vlq(0), u8(0xc0 | o.channel), u8(0);
  let last = 0;
  for (let i = 0; i < strokes.length; i++) {
    const v = strokes[i]!.actualVelocity;
    if (!(Number.isInteger(v) && v >= 1 && v <= 127)) {
      throw midiError(`stroke velocity must be an integer 1..127, got ${v} (performanceToMidi of ${perf.rudimentSlug}, stroke ${strokes[i]!.index})`);
    }
    const tick = ticks[i]!;
    const next = i + 1 < ticks.length ? ticks[i + 1]! : Infinity;
    const off = tick + Math.min(o.noteDurationTicks, next - tick);
    vlq(tick - last), u8(0x90 | o.channel), u8(o.key), u8(v);
    vlq(off - tick), u8(0x80 | o.channel), u8(o.key), u8(0);
    last = off;
  }
  vlq(0), u8(0xff), u8(0x2f), u8(0);
  patch32(out, len1, p - len1 - 4);
  return out.slice(0, p);
}

const utf8 = new TextEncoder();
const MTHD = new Uint8Array([0x4d, 0x54, 0x68, 0x64]);
const MTRK = new Uint8Array([0x4d, 0x54, 0x72, 0x6b]);

function patch32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function checkMidiOptions(o: MidiOptions, perf: Performance): void {
  if (!(Number.isInteger(o.ppq) && o.ppq >= 1 && o.ppq <= 0x7fff)) {
    throw midiError(`ppq must be an integer 1..32767, got ${o.ppq} (performanceToMidi of ${perf.rudimentSlug})`);
  }
  if (!(Number.isInteger(o.channel) && o.channel >= 0 && o.channel <= 15)) {
    throw midiError(`channel must be an integer 0..15, got ${o.channel} (performanceToMidi of ${perf.rudimentSlug})`);
  }
  if (!(Number.isInteger(o.key) && o.key >= 0 && o.key <= 127)) {
    throw midiError(`key must be an integer 0..127, got ${o.key} (performanceToMidi of ${perf.rudimentSlug})`);
  }
  if (!(Number.isInteger(o.noteDurationTicks) && o.noteDurationTicks >= 1)) {
    throw midiError(`noteDurationTicks must be an integer >= 1, got ${o.noteDurationTicks} (performanceToMidi of ${perf.rudimentSlug})`);
  }
}

/**
 * The MIDI file of a performance, encoded by @tonejs/midi. Notes are written in actual-time order; each note-off falls at
 * most `noteDurationTicks` after its note-on and no later than the next note-on (at an equal tick
 * the note-off is written first). Throws {@link DatasetError} (`MIDI_INVALID`) for unusable options.
 */
export function performanceToMidiTonejs(perf: Performance, opts: Partial<MidiOptions> = {}): Uint8Array {
  const o: MidiOptions = { ...DEFAULT_MIDI_OPTIONS, ...opts };
  checkMidiOptions(o, perf);
  const strokes = perf.strokes.slice().sort((a, b) => a.actualTimeMs - b.actualTimeMs || a.index - b.index);
  const ticks = strokeTicks(
    strokes.map((s) => s.actualTimeMs),
    perf.tempoBpm,
    o.ppq,
  );

  const midi = new Midi();
  // The Header reads ppq from a private map that only parsing fills; fromJSON is its public setter.
  midi.header.fromJSON({ name: `sousa-wasm ${perf.rudimentSlug}`, ppq: o.ppq, meta: [], tempos: [], timeSignatures: [], keySignatures: [] });
  midi.header.setTempo(perf.tempoBpm);
  const track = midi.addTrack();
  track.name = o.trackName ?? `snare ${perf.rudimentSlug}`;
  track.channel = o.channel;
  const notes: PlainNote[] = new Array<PlainNote>();
  for (let i = 0; i < strokes.length; i++) {
    const s = strokes[i]!;
    const v = s.actualVelocity;
    if (!(Number.isInteger(v) && v >= 1 && v <= 127)) {
      throw midiError(`stroke velocity must be an integer 1..127, got ${v} (performanceToMidi of ${perf.rudimentSlug}, stroke ${s.index})`);
    }
    const tick = ticks[i]!;
    const next = i + 1 < ticks.length ? ticks[i + 1]! : Infinity;
    notes.push({
      midi: o.key,
      ticks: tick,
      durationTicks: Math.min(o.noteDurationTicks, next - tick),
      // The encoder writes floor(velocity × 127): +0.5 keeps the integer exact through the division.
      velocity: (v + 0.5) / 127,
      noteOffVelocity: 0,
    });
  }
  // Track.addNote builds a Note holding a WeakMap link to the header per note, which the encoder
  // never reads; that was half the cost of a file (measured, 40 notes: ~130 µs vs ~60 µs). The
  // encoder reads only these five fields, and the notes are already in tick order. The tests parse
  // the bytes independently, so a change of encoder internals cannot go unnoticed.
  (track.notes as unknown as PlainNote[]).push(...notes);
  return midi.toArray();
}

/** One event of a parsed MIDI track. */
export interface MidiEvent {
  /** Absolute tick. */
  tick: number;
  /** Status kind. */
  type: 'noteOn' | 'noteOff' | 'tempo' | 'trackName' | 'endOfTrack' | 'otherMeta' | 'channel' | 'sysex';
  /** Channel index for channel messages, else -1. */
  channel: number;
  /** Key for note events, else -1. */
  key: number;
  /** Velocity for note events (a note-on with velocity 0 is reported as a note-off), else -1. */
  velocity: number;
  /** Microseconds per quarter note for tempo events, else -1. */
  microsecondsPerBeat: number;
  /** Text of a track-name event, else ''. */
  text: string;
}

/** A parsed Standard MIDI File. */
export interface MidiFileInfo {
  /** SMF format (0, 1 or 2). */
  format: number;
  /** Ticks per quarter note. */
  ppq: number;
  /** Events of each track, in file order. */
  tracks: MidiEvent[][];
}

/**
 * Parse Standard MIDI File bytes (metrical time division only), independently of @tonejs/midi so
 * tests check what is really in the file. Throws {@link DatasetError} (`MIDI_INVALID`).
 */
export function parseMidiFile(bytes: Uint8Array): MidiFileInfo {
  let pos = 0;
  const need = (k: number, what: string): void => {
    if (pos + k > bytes.length) {
      throw midiError(`MIDI file truncated: expected ${k} more bytes for ${what} at offset ${pos}, file has ${bytes.length}`);
    }
  };
  const u8 = (what: string): number => {
    need(1, what);
    return bytes[pos++]!;
  };
  const u16 = (): number => (u8('u16') << 8) | u8('u16');
  const u32 = (): number => ((u16() << 16) >>> 0) + u16();
  const tag = (): string => {
    need(4, 'chunk tag');
    const t = String.fromCharCode(bytes[pos]!, bytes[pos + 1]!, bytes[pos + 2]!, bytes[pos + 3]!);
    pos += 4;
    return t;
  };
  const vlq = (): number => {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const b = u8('variable-length quantity');
      v = v * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) return v;
    }
    throw midiError(`variable-length quantity longer than 4 bytes at offset ${pos}`);
  };

  const head = tag();
  if (head !== 'MThd') throw midiError(`expected a MIDI file starting with "MThd", got ${JSON.stringify(head)}`);
  const headLen = u32();
  if (headLen < 6) throw midiError(`MThd length must be >= 6, got ${headLen}`);
  const format = u16();
  const numTracks = u16();
  const division = u16();
  if (division & 0x8000) throw midiError(`only metrical time division is supported, got SMPTE division 0x${division.toString(16)}`);
  pos += headLen - 6;

  const tracks: MidiEvent[][] = [];
  for (let t = 0; t < numTracks; t++) {
    const id = tag();
    const len = u32();
    const end = pos + len;
    if (end > bytes.length) throw midiError(`track ${t} length ${len} runs past the end of the file (${bytes.length} bytes)`);
    if (id !== 'MTrk') {
      pos = end; // unknown chunks are skipped, as the SMF spec asks
      t--;
      continue;
    }
    const events: MidiEvent[] = [];
    let tick = 0;
    let running = -1;
    while (pos < end) {
      tick += vlq();
      let status = bytes[pos]!;
      if (status & 0x80) pos++;
      else if (running >= 0) status = running;
      else throw midiError(`data byte without a running status in track ${t} at offset ${pos}`);
      const ev: MidiEvent = { tick, type: 'channel', channel: -1, key: -1, velocity: -1, microsecondsPerBeat: -1, text: '' };
      if (status === 0xff) {
        const metaType = u8('meta type');
        const mlen = vlq();
        need(mlen, 'meta data');
        const data = bytes.subarray(pos, pos + mlen);
        pos += mlen;
        if (metaType === 0x51 && mlen === 3) {
          ev.type = 'tempo';
          ev.microsecondsPerBeat = (data[0]! << 16) | (data[1]! << 8) | data[2]!;
        } else if (metaType === 0x03) {
          ev.type = 'trackName';
          ev.text = new TextDecoder().decode(data);
        } else if (metaType === 0x2f) {
          ev.type = 'endOfTrack';
        } else {
          ev.type = 'otherMeta';
        }
        running = -1;
      } else if (status === 0xf0 || status === 0xf7) {
        pos += vlq();
        ev.type = 'sysex';
        running = -1;
      } else {
        running = status;
        const kind = status & 0xf0;
        ev.channel = status & 0x0f;
        const a = u8('channel data');
        const b = kind === 0xc0 || kind === 0xd0 ? -1 : u8('channel data');
        if (kind === 0x90 || kind === 0x80) {
          ev.key = a;
          ev.velocity = b;
          ev.type = kind === 0x90 && b > 0 ? 'noteOn' : 'noteOff';
        }
      }
      events.push(ev);
    }
    if (pos !== end) throw midiError(`track ${t} events run past its chunk end (${pos} > ${end})`);
    tracks.push(events);
  }
  return { format, ppq: division, tracks };
}

/** One sounding note read back from a MIDI file. */
export interface MidiNote {
  /** Note-on time, ms, through the file's tempo map. */
  timeMs: number;
  velocity: number;
  /** Channel index 0..15. */
  channel: number;
  key: number;
}

/**
 * Note-ons of a MIDI file (all tracks), in time order, with times through the tempo map (120 BPM
 * until the first set-tempo event, as the SMF spec says). Throws {@link DatasetError} (`MIDI_INVALID`).
 */
export function readMidiNotes(bytes: Uint8Array): MidiNote[] {
  const file = parseMidiFile(bytes);
  const tempos = file.tracks
    .flat()
    .filter((e) => e.type === 'tempo')
    .sort((a, b) => a.tick - b.tick);
  // Cumulative ms at each tempo change.
  const changes: { tick: number; ms: number; usPerBeat: number }[] = [{ tick: 0, ms: 0, usPerBeat: 500_000 }];
  for (const e of tempos) {
    const last = changes[changes.length - 1]!;
    const ms = last.ms + ((e.tick - last.tick) * last.usPerBeat) / file.ppq / 1000;
    if (e.tick === last.tick) changes[changes.length - 1] = { tick: e.tick, ms: last.ms, usPerBeat: e.microsecondsPerBeat };
    else changes.push({ tick: e.tick, ms, usPerBeat: e.microsecondsPerBeat });
  }
  const tickToMs = (tick: number): number => {
    let c = changes[0]!;
    for (const x of changes) if (x.tick <= tick) c = x;
    return c.ms + ((tick - c.tick) * c.usPerBeat) / file.ppq / 1000;
  };
  const notes: (MidiNote & { order: number })[] = [];
  let order = 0;
  for (const track of file.tracks) {
    for (const e of track) {
      if (e.type === 'noteOn') {
        notes.push({ timeMs: tickToMs(e.tick), velocity: e.velocity, channel: e.channel, key: e.key, order: order++ });
      }
    }
  }
  notes.sort((a, b) => a.timeMs - b.timeMs || a.order - b.order);
  return notes.map(({ timeMs, velocity, channel, key }) => ({ timeMs, velocity, channel, key }));
}
