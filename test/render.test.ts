/**
 * FluidSynth (WASM) rendering: onsets land on the scheduled frame, velocity is audible, calls are
 * independent of each other, and bad soundfonts or bad audio fail with SynthError.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import midiPackage from '@tonejs/midi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynthError } from '../src/errors.js';
import { DEFAULT_RENDERER_OPTIONS, createRenderer } from '../src/synth/renderer.js';
import type { RenderNote, Renderer } from '../src/synth/renderer.js';
import { tinySnareSf2 } from './helpers/tiny-sf2.js';

const TIMGM = '/usr/share/sounds/sf2/TimGM6mb.sf2';
const SR = 44_100;
const TAIL_FRAMES = Math.round(DEFAULT_RENDERER_OPTIONS.tailSec * SR);

let tim: Uint8Array;
let renderer: Renderer;

beforeAll(async () => {
  tim = new Uint8Array(readFileSync(TIMGM));
  renderer = await createRenderer([
    { name: 'timgm6mb', bytes: tim },
    { name: 'tiny', bytes: tinySnareSf2() },
  ]);
});

afterAll(() => renderer.close());

const snare = (frame: number, velocity = 100): RenderNote => ({ frame, key: 38, velocity });

function peak(x: Float32Array): number {
  let p = 0;
  for (const v of x) p = Math.max(p, Math.abs(v));
  return p;
}

/** First frame at or after `from` whose magnitude exceeds `threshold`, or -1. */
function firstAbove(x: Float32Array, from: number, threshold: number): number {
  for (let i = from; i < x.length; i++) if (Math.abs(x[i]!) > threshold) return i;
  return -1;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('onsets', () => {
  it.each([0, 64, 6400, 44_096])('a TimGM6mb snare scheduled at frame %i starts exactly there', (frame) => {
    const { channels } = renderer.render([snare(frame)], { soundfont: 'timgm6mb', channels: 2 });
    for (const ch of channels) {
      // Nothing at all before F, and sound within the first 10 frames from F.
      expect(firstAbove(ch, 0, 0)).toBeGreaterThanOrEqual(frame);
      const onset = firstAbove(ch, frame, 1e-9);
      expect(onset).toBeGreaterThanOrEqual(frame);
      expect(onset).toBeLessThan(frame + 10);
      // ...and it is the hit itself: 5 ms later the level is far above the threshold.
      expect(peak(ch.subarray(frame, frame + 220))).toBeGreaterThan(0.01);
    }
  });

  it('a later note starts at its own frame, after silence', () => {
    const second = 64 * 700; // 1.016 s: the first hit (about 0.2 s) has died out by then
    const { channels } = renderer.render([snare(640), snare(second, 90)], { soundfont: 'timgm6mb' });
    const mono = channels[0]!;
    expect(peak(mono.subarray(second - 4410, second))).toBe(0);
    const onset = firstAbove(mono, second, 1e-9);
    expect(onset).toBeGreaterThanOrEqual(second);
    expect(onset).toBeLessThan(second + 10);
  });

  it('rejects a note-on that is not on the 64-frame grid, naming the sample', () => {
    const call = () => renderer.render([snare(640), snare(1000)], { soundfont: 'timgm6mb', sampleId: 'rud-007' });
    expect(call).toThrow(SynthError);
    expect(call).toThrow(/note 1 frame must be a non-negative multiple of 64.*got 1000 \(sample rud-007\)/);
  });

  it('rejects bad keys, velocities and empty note lists', () => {
    expect(() => renderer.render([{ frame: 0, key: 128, velocity: 90 }], { soundfont: 'tiny' })).toThrow(/key must be an integer 0-127, got 128/);
    expect(() => renderer.render([{ frame: 0, key: 38, velocity: 0 }], { soundfont: 'tiny' })).toThrow(/velocity must be an integer 1-127, got 0/);
    expect(() => renderer.render([], { soundfont: 'tiny' })).toThrow(SynthError);
  });
});

describe('dynamics and mixing', () => {
  it('peaks rise strictly with velocity 40 < 80 < 120, and an accent stays well below full scale', () => {
    const peaks = [40, 80, 120, 127].map((v) => peak(renderer.render([snare(640, v)], { soundfont: 'timgm6mb' }).channels[0]!));
    expect(peaks[0]).toBeLessThan(peaks[1]!);
    expect(peaks[1]).toBeLessThan(peaks[2]!);
    // FluidSynth's default velocity curve is steep: measured 0.027, 0.109, 0.244, 0.273 at gain 0.5.
    expect(peaks[2]! / peaks[0]!).toBeGreaterThan(4);
    expect(peaks[3]).toBeGreaterThan(0.2);
    expect(peaks[3]).toBeLessThan(0.4);
  });

  it('mono is exactly the mean of the stereo channels', () => {
    const notes = [snare(0, 120), snare(64 * 90, 60), snare(64 * 180, 100)];
    const stereo = renderer.render(notes, { soundfont: 'timgm6mb', channels: 2 });
    const mono = renderer.render(notes, { soundfont: 'timgm6mb', channels: 1 });
    expect(mono.channels).toHaveLength(1);
    expect(stereo.channels).toHaveLength(2);
    expect(mono.frames).toBe(stereo.frames);
    const [l, r] = stereo.channels as [Float32Array, Float32Array];
    let differ = 0;
    let notMean = 0;
    for (let i = 0; i < l.length; i++) {
      if (mono.channels[0]![i] !== Math.fround((l[i]! + r[i]!) / 2)) notMean++;
      if (l[i] !== r[i]) differ++;
    }
    expect(notMean).toBe(0);
    // TimGM6mb's snare is not centred, so this is a real mix, not a copy of one side.
    expect(differ).toBeGreaterThan(1000);
  });

  it('ends tailSec after the last voice dies, with caller-owned arrays of exactly `frames`', () => {
    const out = renderer.render([snare(640)], { soundfont: 'timgm6mb', channels: 2 });
    for (const ch of out.channels) {
      expect(ch.length).toBe(out.frames);
      expect(ch.buffer.byteLength).toBe(out.frames * 4);
    }
    const mono = renderer.render([snare(640)], { soundfont: 'timgm6mb' }).channels[0]!;
    expect(peak(mono.subarray(mono.length - TAIL_FRAMES))).toBe(0);
    expect(mono[mono.length - TAIL_FRAMES - 1]).not.toBe(0);
    // The hit itself lasts 8768 frames (measured): sound ends where FluidSynth's voice ends.
    expect(mono.length - TAIL_FRAMES - 640).toBeGreaterThan(4000);
    expect(mono.length - TAIL_FRAMES - 640).toBeLessThan(20_000);
    expect(out.truncated).toBe(false);
  });

  it('releases a note after durationFrames, and at the latest when its key strikes again', () => {
    const next = snare(6400, 90);
    const render = (durationFrames: number) =>
      renderer.render([{ ...snare(0, 110), durationFrames }, next], { soundfont: 'timgm6mb' }).channels[0]!;
    const short = render(1);
    const untilNext = render(6400);
    const beyondNext = render(1_000_000);
    // FluidSynth honours note-offs on the drum channel: an early release changes the hit.
    expect(maxAbsDiff(short.subarray(0, 6400), untilNext.subarray(0, 6400))).toBeGreaterThan(1e-3);
    // A note-off later than the next strike of the key is moved to that strike.
    expect(maxAbsDiff(untilNext, beyondNext)).toBe(0);
    expect(() => renderer.render([{ ...snare(0), durationFrames: 0 }], { soundfont: 'timgm6mb' })).toThrow(/durationFrames must be an integer >= 1, got 0/);
  });

  it('renders notes given in any order like the sorted list', () => {
    const sorted = [snare(0, 50), snare(64 * 30, 110), snare(64 * 31, 70), snare(64 * 200, 90)];
    const shuffled = [sorted[2]!, sorted[0]!, sorted[3]!, sorted[1]!];
    const a = renderer.render(sorted, { soundfont: 'timgm6mb' }).channels[0]!;
    const b = renderer.render(shuffled, { soundfont: 'timgm6mb' }).channels[0]!;
    expect(maxAbsDiff(a, b)).toBe(0);
  });
});

describe('independence of calls', () => {
  const A: RenderNote[] = [snare(640, 100), snare(640 + 64 * 7, 70), { frame: 640 + 64 * 13, key: 42, velocity: 90 }];
  // Many overlapping voices on many keys, cut while still sounding, on another soundfont.
  const B: RenderNote[] = Array.from({ length: 300 }, (_, i) => ({ frame: i * 64, key: 35 + (i % 40), velocity: 60 + (i % 60) }));

  it('render A, then B, then A: the first and third results are identical', () => {
    const first = renderer.render(A, { soundfont: 'timgm6mb', channels: 2 });
    renderer.render(B, { soundfont: 'timgm6mb', channels: 2 });
    renderer.render([snare(0, 127)], { soundfont: 'tiny', channels: 2 });
    const third = renderer.render(A, { soundfont: 'timgm6mb', channels: 2 });
    expect(third.frames).toBe(first.frames);
    expect(maxAbsDiff(first.channels[0]!, third.channels[0]!)).toBe(0);
    expect(maxAbsDiff(first.channels[1]!, third.channels[1]!)).toBe(0);
  });

  it('a second renderer gives the same samples as the first', async () => {
    const other = await createRenderer([{ name: 'timgm6mb', bytes: tim }]);
    try {
      const a = renderer.render(A, { soundfont: 'timgm6mb' }).channels[0]!;
      const b = other.render(A, { soundfont: 'timgm6mb' }).channels[0]!;
      expect(maxAbsDiff(a, b)).toBe(0);
    } finally {
      other.close();
    }
  });

  it('cuts and fades voices still sounding after maxTailSec, and says so', async () => {
    const short = await createRenderer([{ name: 'timgm6mb', bytes: tim }], { maxTailSec: 0.05, noteOffDelayMs: 10 });
    try {
      const out = short.render([snare(640, 127)], { soundfont: 'timgm6mb' });
      expect(out.truncated).toBe(true);
      expect(out.frames).toBe(640 + Math.round(0.05 * SR));
      expect(Math.abs(out.channels[0]![out.frames - 1]!)).toBe(0);
    } finally {
      short.close();
    }
  });
});

describe('errors', () => {
  it('names a file that is not an SF2', async () => {
    const text = new TextEncoder().encode('this is not a soundfont at all');
    await expect(createRenderer([{ name: 'notes.txt', bytes: text }])).rejects.toThrow(SynthError);
    await expect(createRenderer([{ name: 'notes.txt', bytes: text }])).rejects.toThrow(
      /soundfont "notes.txt" is not an SF2 file: expected "RIFF" at byte 0 and "sfbk" at byte 8, got "this" and "not "/,
    );
  });

  it('names a truncated SF2, by its RIFF size or, if that was patched, by FluidSynth failing on it', async () => {
    const cut = tim.slice(0, 200_000);
    await expect(createRenderer([{ name: 'cut.sf2', bytes: cut }])).rejects.toMatchObject({
      code: 'SOUNDFONT_TRUNCATED',
      message: expect.stringMatching(/"cut.sf2" is truncated: its RIFF header declares 5969788 bytes, got 200000/),
    });
    const patched = tim.slice(0, 200_000);
    new DataView(patched.buffer).setUint32(4, patched.length - 8, true);
    await expect(createRenderer([{ name: 'patched.sf2', bytes: patched }])).rejects.toMatchObject({
      name: 'SynthError',
      code: 'SOUNDFONT_LOAD_FAILED',
      message: expect.stringMatching(/FluidSynth could not load soundfont "patched.sf2" \(200000 bytes\)/),
    });
  });

  it('rejects duplicate names, unknown soundfonts and missing presets', async () => {
    await expect(createRenderer([{ name: 'x', bytes: tim }, { name: 'x', bytes: tim }])).rejects.toThrow(/unique soundfont names, got "x" twice/);
    expect(() => renderer.render([snare(0)], { soundfont: 'nope' })).toThrow(/expected one of the loaded soundfonts \[timgm6mb, tiny\], got "nope"/);
    expect(() => renderer.render([snare(0)], { soundfont: 'tiny', bank: 0, program: 5, sampleId: 's9' })).toThrow(
      /soundfont "tiny" has no preset bank 0 program 5 \(sample s9\); it has 1: 128:0 Tiny Snare/,
    );
  });

  it('reports silence and clipping with the sample id', async () => {
    // TimGM6mb's standard kit has no zone on key 20.
    expect(() => renderer.render([{ frame: 0, key: 20, velocity: 100 }], { soundfont: 'timgm6mb', sampleId: 'q1' })).toThrow(
      /peaks at 0\.00e\+0 \(sample q1\); expected at least 0\.0001: bank 128 program 0 of "timgm6mb" may have no zone for keys \[20\]/,
    );
    const loud = await createRenderer([{ name: 'timgm6mb', bytes: tim }], { gain: 4 });
    try {
      expect(() => loud.render([snare(0, 127)], { soundfont: 'timgm6mb', sampleId: 'q2' })).toThrow(/peaks at 2\.\d+ \(sample q2\); expected below 1\.0/);
    } finally {
      loud.close();
    }
  });

  it('rejects bad options and use after close', async () => {
    await expect(createRenderer([{ name: 'tiny', bytes: tinySnareSf2() }], { blockFrames: 1000 })).rejects.toThrow(
      /blockFrames must be a positive multiple of 64.*got 1000/,
    );
    const r = await createRenderer([{ name: 'tiny', bytes: tinySnareSf2() }]);
    expect(r.presets('tiny')).toEqual([{ bank: 128, program: 0, name: 'Tiny Snare' }]);
    r.close();
    expect(() => r.render([snare(0)], { soundfont: 'tiny' })).toThrow(/closed/);
  });
});

describe('cross-check with native FluidSynth (Debian fluidsynth 2.3.1 CLI)', () => {
  it('renders the same waveform; its MIDI player starts notes 1-2 blocks late, direct scheduling does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sousa-native-'));
    try {
      // Hits 1 s apart so each can be compared on its own.
      const frames = [6400, 50_496, 94_656, 138_816];
      const { Midi } = midiPackage;
      const midi = new Midi();
      midi.header.setTempo(120);
      const track = midi.addTrack();
      track.channel = 9;
      for (const f of frames) track.addNote({ midi: 38, time: f / SR, duration: 0.1, velocity: 100 / 127 });
      writeFileSync(join(dir, 'hits.mid'), midi.toArray());
      const args = ['-ni', '-q', '-g', '0.5', '-R', '0', '-C', '0', '-r', '44100', '-O', 'float', '-T', 'raw', '-F', join(dir, 'hits.raw'), TIMGM, join(dir, 'hits.mid')];
      execFileSync('fluidsynth', args, { stdio: 'pipe' });
      const raw = readFileSync(join(dir, 'hits.raw'));
      const interleaved = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
      const native = Float32Array.from({ length: interleaved.length / 2 }, (_, i) => interleaved[2 * i]!);
      const ours = renderer.render(frames.map((f) => snare(f)), { soundfont: 'timgm6mb', channels: 2 }).channels[0]!;
      for (const f of frames) {
        const a = firstAbove(native, f - 2000, 1e-4);
        const b = firstAbove(ours, f - 2000, 1e-4);
        expect(b - f).toBeGreaterThanOrEqual(0);
        expect(b - f).toBeLessThan(64);
        const lag = a - b;
        expect(lag % 64).toBe(0);
        expect(lag).toBeGreaterThanOrEqual(64);
        expect(lag).toBeLessThanOrEqual(128);
        let xy = 0;
        let xx = 0;
        let yy = 0;
        for (let i = -16; i < 4000; i++) {
          const x = native[a + i]!;
          const y = ours[b + i]!;
          xy += x * y;
          xx += x * x;
          yy += y * y;
        }
        expect(xy / Math.sqrt(xx * yy)).toBeGreaterThan(0.9999);
        expect(Math.sqrt(xx / yy)).toBeCloseTo(1, 2);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
