/**
 * Built-in snare kits (src/synth/kits) and the SF2 validator (src/synth/sf2.ts).
 * Cross-checked with two independent SF2 readers: spessasynth_core's loader and native fluidsynth.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tonejsMidi from '@tonejs/midi';
import {
  BasicInstrument,
  BasicPreset,
  BasicSoundBank,
  EmptySample,
  GeneratorTypes,
  SoundBankLoader,
} from 'spessasynth_core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynthError } from '../src/errors.js';
import { rngFor } from '../src/random/index.js';
import { detCos, detExp, detPow, detSin } from '../src/math/det.js';
import {
  BUILTIN_KITS,
  DEFAULT_KIT_SEED,
  KIT_NAMES,
  KIT_ROUND_ROBIN_VARIANTS,
  KIT_VELOCITY_ATTENUATION_CB,
  KIT_VELOCITY_LAYERS,
  getKit,
  headFundamentalHz,
  kitZoneFor,
  synthesizeKitSamples,
  synthesizeKitSf2,
  velocityForVariant,
  zoneAttenuation,
} from '../src/synth/kits/index.js';
import type { KitSamples } from '../src/synth/kits/index.js';
import { synthesizeHit } from '../src/synth/kits/synthesize-hit.js';
import { parseSf2Summary } from '../src/synth/sf2.js';

type MidiClass = typeof tonejsMidi.Midi;
// CommonJS package: Node's ESM loader exposes it as `default` only (see src/performance/midi.ts).
const Midi: MidiClass =
  (tonejsMidi as { Midi?: MidiClass }).Midi ?? (tonejsMidi as unknown as { default: { Midi: MidiClass } }).default.Midi;
const SR = 44_100;
const FLUIDR3 = '/usr/share/sounds/sf2/FluidR3_GM.sf2';
const TIMGM = '/usr/share/sounds/sf2/TimGM6mb.sf2';

// ---------- measurement helpers ----------

function toFloat(pcm: Int16Array): Float64Array {
  return Float64Array.from(pcm, (x) => x / 32768);
}

function peakOf(x: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < x.length; i++) p = Math.max(p, Math.abs(x[i]!));
  return p;
}

function rms(x: ArrayLike<number>, from: number, to: number): number {
  let e = 0;
  for (let i = from; i < to; i++) e += x[i]! * x[i]!;
  return Math.sqrt(e / Math.max(1, to - from));
}

const dB = (ratio: number): number => 20 * Math.log10(ratio);

/** Time from the loudest 5 ms frame to the last frame within 40 dB of it, ms. */
function decayMs(x: Float64Array): number {
  const w = Math.round(0.005 * SR);
  const frames: number[] = [];
  for (let i = 0; i + w <= x.length; i += w) frames.push(rms(x, i, i + w));
  const peakFrame = frames.indexOf(Math.max(...frames));
  const floor = frames[peakFrame]! / 100;
  let last = peakFrame;
  frames.forEach((f, i) => {
    if (f >= floor) last = i;
  });
  return ((last - peakFrame + 1) * w * 1000) / SR;
}

/** In-place radix-2 FFT (n a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/**
 * Power-weighted spectral centroid of the first 4096 samples (93 ms) from `start`, Hz. Rectangular
 * window with a Hann taper on the last quarter only, so the attack counts fully.
 */
function centroidHz(x: ArrayLike<number>, start = 0): number {
  const n = 4096;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const q = n / 4;
  for (let i = 0; i < n && start + i < x.length; i++) {
    const taper = i < n - q ? 1 : 0.5 + 0.5 * Math.cos((Math.PI * (i - (n - q))) / q);
    re[i] = x[start + i]! * taper;
  }
  fft(re, im);
  let num = 0;
  let den = 0;
  for (let k = 0; k <= n / 2; k++) {
    const p = re[k]! * re[k]! + im[k]! * im[k]!;
    num += ((k * SR) / n) * p;
    den += p;
  }
  return num / den;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function expectSynthError(fn: () => unknown, code: string, ...fragments: string[]): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SynthError);
    expect((e as SynthError).code).toBe(code);
    for (const f of fragments) expect((e as Error).message).toContain(f);
    return;
  }
  throw new Error(`expected a SynthError ${code}, nothing was thrown`);
}

function bufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Left channel of a 16-bit PCM WAV file as floats. */
function readWavLeft(path: string): { sampleRateHz: number; left: Float64Array } {
  const b = readFileSync(path);
  expect(b.toString('ascii', 0, 4)).toBe('RIFF');
  expect(b.toString('ascii', 8, 12)).toBe('WAVE');
  let pos = 12;
  let channels = 0;
  let sampleRateHz = 0;
  let bits = 0;
  while (pos + 8 <= b.length) {
    const id = b.toString('ascii', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(pos + 10);
      sampleRateHz = b.readUInt32LE(pos + 12);
      bits = b.readUInt16LE(pos + 22);
    } else if (id === 'data') {
      expect(bits).toBe(16);
      const frames = Math.floor(size / (2 * channels));
      const left = new Float64Array(frames);
      for (let i = 0; i < frames; i++) left[i] = b.readInt16LE(pos + 8 + i * 2 * channels) / 32768;
      return { sampleRateHz, left };
    }
    pos += 8 + size + (size & 1);
  }
  throw new Error(`no data chunk in ${path}`);
}

// ---------- fixtures ----------

const kitSamples = new Map<string, KitSamples>();
const kitBytes = new Map<string, Uint8Array>();
let work = '';

beforeAll(() => {
  for (const name of KIT_NAMES) {
    kitSamples.set(name, synthesizeKitSamples(name));
    kitBytes.set(name, synthesizeKitSf2(name));
  }
  work = mkdtempSync(join(tmpdir(), 'sousa-sf2-'));
});

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

// ---------- tests ----------

describe('kit definitions and the round-robin mapping', () => {
  it('has the six kits with 8-character lowercase stems', () => {
    expect(KIT_NAMES).toEqual(['pad', 'concert', 'marching', 'kitsnare', 'piccolo', 'rimclick']);
    for (const k of BUILTIN_KITS) {
      expect(k.name).toMatch(/^[a-z]{1,8}$/);
      expect(k.keys).toContain(38);
      expect(k.keys).toContain(40);
    }
    expect(getKit('rimclick').keys).toContain(37);
    expect(DEFAULT_KIT_SEED).toBe(1);
  });

  it('places head fundamentals where those drums are tuned', () => {
    // Ideal membrane: f01 = 2.4048 / (2 pi a) * sqrt(T / sigma).
    const f = (n: string): number => headFundamentalHz(getKit(n).head!);
    expect(f('concert')).toBeCloseTo(215.3, 1);
    expect(f('marching')).toBeCloseTo(424.5, 1);
    expect(f('kitsnare')).toBeCloseTo(180.1, 1);
    expect(f('piccolo')).toBeCloseTo(438.1, 1);
    expect(f('kitsnare')).toBeLessThan(f('concert'));
    expect(f('concert')).toBeLessThan(f('marching'));
    expect(getKit('pad').head).toBeNull();
    expect(getKit('pad').wires).toBeNull();
  });

  it('covers every velocity with contiguous layers', () => {
    expect(KIT_VELOCITY_LAYERS[0].minVelocity).toBe(1);
    expect(KIT_VELOCITY_LAYERS.at(-1)!.maxVelocity).toBe(127);
    for (let i = 1; i < KIT_VELOCITY_LAYERS.length; i++) {
      expect(KIT_VELOCITY_LAYERS[i]!.minVelocity).toBe(KIT_VELOCITY_LAYERS[i - 1]!.maxVelocity + 1);
    }
  });

  it('interleaves round-robin variants by velocity, shifted on key 40', () => {
    for (let v = 1; v <= 127; v++) {
      expect(kitZoneFor(38, v).variant).toBe(v % 4);
      expect(kitZoneFor(40, v).variant).toBe((v + 2) % 4);
      expect(kitZoneFor(37, v).variant).toBe((v + 1) % 4);
      expect(kitZoneFor(38, v).layer).toBe(kitZoneFor(40, v).layer);
    }
    expect(kitZoneFor(38, 31).layer).toBe(0);
    expect(kitZoneFor(38, 32).layer).toBe(1);
    expect(kitZoneFor(38, 127).layer).toBe(4);
    expect(kitZoneFor(38, 0)).toEqual(kitZoneFor(38, 1));
  });

  it('velocityForVariant picks the nearest velocity in the same layer that plays the variant', () => {
    for (const key of [37, 38, 40]) {
      for (let v = 1; v <= 127; v++) {
        for (let r = 0; r < KIT_ROUND_ROBIN_VARIANTS; r++) {
          const w = velocityForVariant(v, r, key);
          expect(kitZoneFor(key, w)).toEqual({ layer: kitZoneFor(key, v).layer, variant: r });
          expect(Math.abs(w - v)).toBeLessThanOrEqual(3);
        }
      }
    }
    expect(velocityForVariant(100, 100 % 4)).toBe(100);
    expect(velocityForVariant(100, 2)).toBe(102); // 98 and 102 tie: the louder one
    expectSynthError(() => velocityForVariant(100, 4), 'KIT_VARIANT_RANGE', 'got 4');
  });

  it('writes the GM velocity law into the zones: attenuation 0 at each layer top, exact in between', () => {
    expect(KIT_VELOCITY_ATTENUATION_CB).toBe(720);
    for (const layer of KIT_VELOCITY_LAYERS) expect(zoneAttenuation(layer.maxVelocity)).toBe(0);
    // 10 * log10(31 / 1) dB = 149.1 cB, over FluidSynth's 0.4 generator scale.
    expect(zoneAttenuation(1)).toBe(373);
    expect(zoneAttenuation(104)).toBe(Math.round((100 * Math.log10(127 / 104)) / 0.4));
  });

  it('rejects unknown kits and bad sample rates with SynthError', () => {
    expectSynthError(() => synthesizeKitSf2('timpani'), 'KIT_UNKNOWN', 'pad, concert, marching', 'got "timpani"');
    expectSynthError(() => synthesizeKitSf2('pad', { sampleRateHz: 1000 }), 'KIT_SAMPLE_RATE', 'got 1000');
  });
});

describe('deterministic math', () => {
  it('matches Math.exp/sin/cos/pow to a few ulp', () => {
    for (let x = -50; x <= 50; x += 0.173) {
      expect(Math.abs(detExp(x) - Math.exp(x)) / Math.exp(x)).toBeLessThan(4e-16);
    }
    for (let x = -2000; x <= 2000; x += 0.977) {
      expect(Math.abs(detSin(x) - Math.sin(x))).toBeLessThan(1e-15);
      expect(Math.abs(detCos(x) - Math.cos(x))).toBeLessThan(1e-15);
    }
    expect(Math.abs(detPow(0.3, 0.8) - 0.3 ** 0.8)).toBeLessThan(1e-15);
    expect(detExp(-1000)).toBe(0);
    expect(detExp(0)).toBe(1);
  });
});

describe('SF2 bytes', () => {
  it('are identical for the same seed and differ for another seed', () => {
    const again = synthesizeKitSf2('pad');
    expect(sha256(again)).toBe(sha256(kitBytes.get('pad')!));
    const other = synthesizeKitSf2('pad', { seed: 2 });
    expect(sha256(other)).not.toBe(sha256(again));
    expect(other.length).toBeGreaterThan(0);
  });

  it('differ between kits and stay within 2 MB each', () => {
    const hashes = new Set(KIT_NAMES.map((n) => sha256(kitBytes.get(n)!)));
    expect(hashes.size).toBe(KIT_NAMES.length);
    for (const n of KIT_NAMES) {
      const size = kitBytes.get(n)!.length;
      expect(size).toBeGreaterThan(50_000);
      expect(size).toBeLessThan(2_000_000);
    }
  });

  it('hold golden bytes (seed 1): any change to the synthesis must be deliberate', () => {
    // Update these after a deliberate change (and note it in src/synth/kits/README.md). Last change:
    // tuning log 6, snare wires thrown within a millisecond and decaying in burst + buzz (issue 3).
    const golden: Record<string, string> = {
      pad: '275cee663cf75f64472ab271bf8deef16767f1cf2a5cb1d4c3c8c26ad1269f25',
      concert: 'c8d00ff7254f275a2591e84c2951584e2f7e7a427adda2d11d10abc8eef5560b',
      marching: '018f625dbe57b49d9b512446d97b742d27c31f18c5bbaa041b91b1af94b17c7a',
      kitsnare: '944ff84748706f54bdda69c07496bc368e62b6f5a932072056c63e72231a3bba',
      piccolo: 'ffd829515798c8ca0631e49e2d7c287b9c1fcd496c964d44a0069cee722d3a22',
      rimclick: 'd4b84bd2fc2bfd1df1a1c9f71a99ae74e98c9771461a5206158d8869bdcea4e5',
    };
    for (const n of KIT_NAMES) expect(`${n}:${sha256(kitBytes.get(n)!)}`).toBe(`${n}:${golden[n]}`);
  });

  it('carry a fixed creation date and software string, no wall-clock time', () => {
    const text = Buffer.from(kitBytes.get('concert')!).toString('latin1');
    expect(text).toContain('2026-01-01T00:00:00Z');
    expect(text).toContain('sousa-wasm kit synth 1');
    expect(text.slice(0, 4)).toBe('RIFF');
    expect(text.slice(8, 12)).toBe('sfbk');
  });

  it('store exactly the synthesised PCM at the requested sample rate', () => {
    const bank = SoundBankLoader.fromArrayBuffer(bufferOf(kitBytes.get('concert')!));
    const ks = kitSamples.get('concert')!;
    expect(bank.samples.map((s) => s.name)).toEqual(ks.samples.map((s) => s.name));
    for (const [i, s] of bank.samples.entries()) {
      const ours = ks.samples[i]!.pcm;
      const theirs = s.getAudioData();
      expect(s.sampleRate).toBe(SR);
      expect(theirs.length).toBe(ours.length);
      for (let j = 0; j < ours.length; j += 97) expect(Math.round(theirs[j]! * 32768)).toBe(ours[j]);
    }
    const pad48 = SoundBankLoader.fromArrayBuffer(bufferOf(synthesizeKitSf2('pad', { sampleRateHz: 48_000 })));
    expect(pad48.samples[0]!.sampleRate).toBe(48_000);
  });
});

describe('spessasynth_core reads our kits back', () => {
  it.each(KIT_NAMES)('%s: two presets, 5 layers x 4 variants on the GM snare keys', (name) => {
    const bank = SoundBankLoader.fromArrayBuffer(bufferOf(kitBytes.get(name)!));
    const kit = getKit(name);
    expect(bank.presets.length).toBe(2);
    const drum = bank.presets.find((p) => p.isGMGSDrum)!;
    const melodic = bank.presets.find((p) => !p.isGMGSDrum)!;
    expect([drum.program, melodic.program, melodic.bankMSB]).toEqual([0, 0, 0]);
    expect(drum.name).toBe(`${name} snare`);
    expect(bank.samples.length).toBe(20);
    expect(bank.instruments.length).toBe(1);
    expect(bank.instruments[0]!.zones.length).toBe(127 * kit.keys.length);

    for (const key of [37, 38, 39, 40, 41]) {
      const layersSeen = new Map<number, Set<string>>();
      for (let v = 1; v <= 127; v++) {
        const voices = drum.getVoiceParameters(key, v);
        if (!kit.keys.includes(key)) {
          expect(voices.length).toBe(0);
          continue;
        }
        expect(voices.length).toBe(1);
        const { layer, variant } = kitZoneFor(key, v);
        const voice = voices[0]!;
        expect(voice.sample.name).toBe(`${name}-v${layer + 1}${'abcd'[variant]}`);
        // spessasynth applies the same 0.4 generator scale as FluidSynth.
        expect(voice.generators[GeneratorTypes.initialAttenuation]).toBe(Math.floor(zoneAttenuation(v) * 0.4));
        expect(voice.generators[GeneratorTypes.scaleTuning]).toBe(0);
        const velMod = voice.modulators.find(
          (m) => m.destination === GeneratorTypes.initialAttenuation && m.primarySource.toSourceEnum() === 0x0502,
        )!;
        expect(velMod.transformAmount).toBe(720);
        if (!layersSeen.has(layer)) layersSeen.set(layer, new Set());
        layersSeen.get(layer)!.add(voice.sample.name);
      }
      if (kit.keys.includes(key)) {
        expect(layersSeen.size).toBe(5);
        for (const names of layersSeen.values()) expect(names.size).toBe(4);
      }
    }
    // Both presets play the same instrument.
    expect(melodic.getVoiceParameters(38, 90)[0]!.sample.name).toBe(drum.getVoiceParameters(38, 90)[0]!.sample.name);
  });
});

describe('our own parser reads our kits', () => {
  it.each(KIT_NAMES)('%s', (name) => {
    const s = parseSf2Summary(kitBytes.get(name)!, `${name}.sf2`);
    expect(s.name).toBe(`sousa-wasm ${name} snare`);
    expect(s.version).toBe('2.4');
    expect(s.sampleCount).toBe(20);
    expect(s.presets.map((p) => [p.bank, p.program, p.name])).toEqual([
      [0, 0, `${name} snare`],
      [128, 0, `${name} snare`],
    ]);
    expect(s.presets[1]!.keys).toEqual([...getKit(name).keys].sort((a, b) => a - b));
    expect(s.snare).toMatchObject({ bank: 128, program: 0, key: 38, onPercussionBank: true });
    const expectedKeys = name === 'rimclick' ? [38, 40, 37] : [38, 40];
    expect(s.snare.keys.map((k) => k.key)).toEqual(expectedKeys);
    for (const k of s.snare.keys) {
      // 20 samples reachable; each velocity plays another sample than its neighbour (round robin).
      expect(k).toEqual({ key: k.key, velocityCoverage: 127, sampleCount: 20, velocityRegions: 127 });
    }
    expect(s.notes).toEqual([]);
  });
});

describe('sample data', () => {
  const topLayer = KIT_VELOCITY_LAYERS.length - 1;
  const layerOf = (name: string, layer: number) => kitSamples.get(name)!.samples.filter((s) => s.layer === layer);

  it('has no NaN or infinity before quantisation', () => {
    for (const kit of BUILTIN_KITS) {
      const { audio } = synthesizeHit(kit, 1, rngFor(DEFAULT_KIT_SEED, `test/${kit.name}`), SR, 4410);
      expect(audio.every((x) => Number.isFinite(x))).toBe(true);
      expect(peakOf(audio)).toBeGreaterThan(0);
    }
  });

  it.each(KIT_NAMES)('%s: levels, onsets, lengths and variation are sane', (name) => {
    const ks = kitSamples.get(name)!;
    const kit = getKit(name);
    expect(ks.samples.length).toBe(KIT_VELOCITY_LAYERS.length * KIT_ROUND_ROBIN_VARIANTS);
    let kitPeak = 0;
    for (const s of ks.samples) {
      const x = toFloat(s.pcm);
      const p = peakOf(x);
      kitPeak = Math.max(kitPeak, p);
      expect(p).toBeLessThanOrEqual(0.999);
      // The sample starts at the stroke's onset: 10 % of its peak within the first millisecond.
      expect(x.slice(0, 44).some((v) => Math.abs(v) >= 0.1 * p)).toBe(true);
      expect(s.pcm.length).toBeLessThanOrEqual(Math.ceil((kit.maxLengthMs / 1000) * SR));
      expect(s.pcm.at(-1)).toBe(0); // faded out
    }
    expect(kitPeak).toBeGreaterThan(0.5);
    // Round-robin variants are different strokes at the same level.
    for (let layer = 0; layer < KIT_VELOCITY_LAYERS.length; layer++) {
      const [a, b] = layerOf(name, layer).map((s) => toFloat(s.pcm));
      const n = Math.min(a!.length, b!.length, 4410);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += a![i]! * b![i]!;
      expect(dot / (n * rms(a!, 0, n) * rms(b!, 0, n))).toBeLessThan(0.99);
      const levels = layerOf(name, layer).map((s) => dB(rms(toFloat(s.pcm), 0, 2205)));
      expect(Math.max(...levels) - Math.min(...levels)).toBeLessThan(2);
    }
  });

  it.each(KIT_NAMES)('%s: the top layer is louder and brighter than the bottom one', (name) => {
    const bottom = layerOf(name, 0).map((s) => toFloat(s.pcm));
    const top = layerOf(name, topLayer).map((s) => toFloat(s.pcm));
    // Stored levels differ by (127/31)^0.5 = 6.1 dB in RMS; peaks rise at least as much.
    expect(dB(mean(top.map(peakOf)) / mean(bottom.map(peakOf)))).toBeGreaterThan(4);
    const rmsRatio = dB(mean(top.map((x) => rms(x, 0, 2205))) / mean(bottom.map((x) => rms(x, 0, 2205))));
    expect(rmsRatio).toBeGreaterThan(5.1);
    expect(rmsRatio).toBeLessThan(7.1);
    expect(mean(top.map((x) => centroidHz(x)))).toBeGreaterThan(1.2 * mean(bottom.map((x) => centroidHz(x))));
  });

  it.each(KIT_NAMES)('%s: every layer snaps (attack peak within 4 ms) and has fallen 10 dB 15 ms later', (name) => {
    // The onset criterion of issue 3 needs this: a second drag grace 15-20 ms after the first must
    // bring an attack of its own, not land on a ring that is still swelling. Envelope of the first
    // difference (a 6 dB/oct high-pass that weights the stick and the wires over the head), 1 ms
    // frames every 0.25 ms, energy averaged over the 4 round-robin variants. Before the burst + buzz
    // wire model the wired kits peaked at 5.6-14.8 ms and were only 2-6 dB down 15 ms later.
    const frame = Math.round(0.001 * SR);
    const hop = Math.round(0.00025 * SR);
    for (let layer = 0; layer < KIT_VELOCITY_LAYERS.length; layer++) {
      const env: number[] = [];
      for (const s of layerOf(name, layer)) {
        const x = toFloat(s.pcm);
        for (let k = 0, i = 0; i + frame <= Math.min(x.length, 0.05 * SR); k++, i += hop) {
          let e = 0;
          for (let j = Math.max(1, i); j < i + frame; j++) e += (x[j]! - x[j - 1]!) ** 2;
          env[k] = (env[k] ?? 0) + e;
        }
      }
      const peak = Math.max(...env);
      const at = env.indexOf(peak);
      const peakMs = (at * hop * 1000) / SR + 0.5;
      expect(peakMs).toBeLessThanOrEqual(4);
      const later = env[at + Math.round(0.015 * SR / hop)]!;
      expect(10 * Math.log10(later / peak)).toBeLessThan(-10);
    }
  });

  it('decays within each kit\'s expected time and has the expected brightness order', () => {
    // T40 (loudest 5 ms frame to the last frame within 40 dB), top layer, mean of the variants.
    const expected: Record<string, [number, number]> = {
      pad: [20, 150],
      concert: [200, 450],
      marching: [100, 300],
      kitsnare: [250, 600],
      piccolo: [120, 350],
      rimclick: [40, 200],
    };
    const decay: Record<string, number> = {};
    const centroid: Record<string, number> = {};
    for (const name of KIT_NAMES) {
      const top = layerOf(name, topLayer).map((s) => toFloat(s.pcm));
      decay[name] = mean(top.map(decayMs));
      centroid[name] = mean(top.map((x) => centroidHz(x)));
      expect(decay[name]).toBeGreaterThanOrEqual(expected[name]![0]);
      expect(decay[name]).toBeLessThanOrEqual(expected[name]![1]);
    }
    expect(decay.concert!).toBeGreaterThan(decay.marching! * 1.3);
    expect(decay.kitsnare!).toBeGreaterThan(decay.concert!);
    expect(decay.pad!).toBeLessThan(decay.rimclick!);
    expect(centroid.marching!).toBeGreaterThan(1.5 * centroid.kitsnare!);
    expect(centroid.piccolo!).toBeGreaterThan(1.5 * centroid.kitsnare!);
    expect(centroid.rimclick!).toBeGreaterThan(centroid.concert!);
    expect(centroid.kitsnare!).toBeGreaterThan(300);
    expect(centroid.marching!).toBeLessThan(5000);
  });
});

describe('native fluidsynth renders our kits', () => {
  const hasFluidsynth = existsSync('/usr/bin/fluidsynth');

  it.runIf(hasFluidsynth).each(KIT_NAMES)('%s: a loud and a soft note on channel 10 key 38', (name) => {
    const sf2 = join(work, `${name}.sf2`);
    writeFileSync(sf2, kitBytes.get(name)!);
    const midi = new Midi();
    const track = midi.addTrack();
    track.channel = 9;
    track.addNote({ midi: 38, time: 0.1, duration: 0.05, velocity: 100 / 127 });
    track.addNote({ midi: 38, time: 1.6, duration: 0.05, velocity: 50 / 127 });
    const mid = join(work, `${name}.mid`);
    writeFileSync(mid, midi.toArray());
    const wav = join(work, `${name}.wav`);
    execFileSync('fluidsynth', ['-ni', '-q', '-R', '0', '-C', '0', '-F', wav, '-r', '44100', sf2, mid], { stdio: 'pipe' });
    const { sampleRateHz, left } = readWavLeft(wav);
    expect(sampleRateHz).toBe(SR);

    const note = (fromSec: number, toSec: number): { onset: number; attackRms: number; tailRms: number } => {
      const from = Math.round(fromSec * SR);
      const seg = left.subarray(from, Math.round(toSec * SR));
      const p = peakOf(seg);
      const onset = from + seg.findIndex((v) => Math.abs(v) > p * 0.01);
      return {
        onset,
        attackRms: rms(left, onset, onset + 2205),
        tailRms: rms(left, Math.round((toSec - 0.1) * SR), Math.round(toSec * SR)),
      };
    };
    const loud = note(0.05, 1.5);
    const soft = note(1.55, Math.min(3.0, left.length / SR));
    // Non-silent, starts where the note is (FluidSynth's 64-frame blocks, plus one block of player latency).
    expect(peakOf(left)).toBeGreaterThan(0.01);
    expect(loud.onset).toBeGreaterThanOrEqual(Math.floor((0.1 * SR) / 64) * 64);
    expect(loud.onset).toBeLessThan(0.1 * SR + 256);
    // Decays: the last 100 ms before the next note are 40 dB below the attack.
    expect(dB(loud.tailRms / loud.attackRms)).toBeLessThan(-40);
    // GM velocity law (v/127)^2 carried across layers: 50 vs 100 is -12.0 dB (timbre and
    // round-robin spread allow +-2.5 dB).
    expect(dB(soft.attackRms / loud.attackRms)).toBeGreaterThan(-14.5);
    expect(dB(soft.attackRms / loud.attackRms)).toBeLessThan(-9.5);
  });
});

describe('parseSf2Summary on other soundfonts and bad bytes', () => {
  it.runIf(existsSync(FLUIDR3))('finds the GM standard kit in FluidR3_GM', () => {
    const s = parseSf2Summary(readFileSync(FLUIDR3), 'FluidR3_GM.sf2');
    expect(s.name).toBe('Fluid R3 GM');
    expect(s.version).toBe('2.1');
    expect(s.presets.length).toBe(189);
    expect(s.sampleCount).toBe(1418);
    expect(s.snare).toMatchObject({ bank: 128, program: 0, presetName: 'Standard', key: 38, onPercussionBank: true });
    expect(s.snare.keys.map((k) => k.key)).toEqual([38, 40, 37]);
    expect(s.snare.keys[0]).toEqual({ key: 38, velocityCoverage: 127, sampleCount: 2, velocityRegions: 1 });
    expect(s.presets.find((p) => p.bank === 0 && p.program === 0)!.name).toBe('Yamaha Grand Piano');
  });

  it.runIf(existsSync(TIMGM))('finds the GM standard kit in TimGM6mb', () => {
    const s = parseSf2Summary(readFileSync(TIMGM), 'TimGM6mb.sf2');
    expect(s.presets.length).toBe(136);
    expect(s.snare).toMatchObject({ bank: 128, program: 0, presetName: 'Standard', key: 38 });
    expect(s.snare.keys[0]).toEqual({ key: 38, velocityCoverage: 127, sampleCount: 1, velocityRegions: 1 });
    expect(s.presets.filter((p) => p.bank === 128).map((p) => p.program)).toEqual([0, 8, 16, 24, 25, 32, 40, 48]);
  });

  it('rejects truncated files, naming the file', () => {
    const bytes = kitBytes.get('pad')!;
    expectSynthError(() => parseSf2Summary(bytes.subarray(0, bytes.length >> 1), 'cut.sf2'), 'SF2_TRUNCATED', 'cut.sf2', 'truncated');
    expectSynthError(() => parseSf2Summary(bytes.subarray(0, bytes.length - 1), 'one-short.sf2'), 'SF2_TRUNCATED', 'one-short.sf2');
  });

  it('rejects garbage, text and other RIFF forms', () => {
    const rng = rngFor(7, 'test/garbage');
    const garbage = Uint8Array.from({ length: 4096 }, () => rng.int(256));
    expectSynthError(() => parseSf2Summary(garbage, 'noise.sf2'), 'SF2_NOT_RIFF', 'noise.sf2');
    const html = new TextEncoder().encode('<html><body>404 Not Found</body></html>');
    expectSynthError(() => parseSf2Summary(html, 'page.sf2'), 'SF2_NOT_RIFF', 'first bytes "<htm"', 'page.sf2');
    const wave = new Uint8Array(44);
    wave.set(new TextEncoder().encode('RIFF'), 0);
    new DataView(wave.buffer).setUint32(4, 36, true);
    wave.set(new TextEncoder().encode('WAVE'), 8);
    expectSynthError(() => parseSf2Summary(wave, 'a.wav'), 'SF2_NOT_RIFF', "RIFF 'WAVE'", 'a.wav');
    expectSynthError(() => parseSf2Summary(new Uint8Array(3), 'tiny.sf2'), 'SF2_NOT_RIFF', '3 bytes');
  });

  it('rejects a file without preset data', () => {
    const bytes = kitBytes.get('pad')!.slice();
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.indexOf('pdta');
    expect(at).toBeGreaterThan(0);
    bytes.set(new TextEncoder().encode('xxxx'), at);
    expectSynthError(() => parseSf2Summary(bytes, 'nopdta.sf2'), 'SF2_MALFORMED', "'pdta'", 'nopdta.sf2');
  });

  /** A one-sample bank with one instrument over `keys`, pitched (scaleTuning 100), and `presets`. */
  function tinyBank(presets: { name: string; bank: number; program: number }[], keys: [number, number]): Uint8Array {
    const bank = new BasicSoundBank();
    bank.soundBankInfo.creationDate = new Date('2026-01-01T00:00:00Z');
    const sample = new EmptySample();
    sample.name = 'tone';
    sample.setAudioData(Float32Array.from({ length: 441 }, (_, i) => Math.round(8000 * Math.sin(i / 7)) / 32768), SR);
    bank.addSamples(sample);
    const inst = new BasicInstrument();
    inst.name = 'tone';
    inst.createZone(sample).keyRange = { min: keys[0], max: keys[1] };
    bank.addInstruments(inst);
    for (const p of presets) {
      const preset = new BasicPreset(bank);
      preset.name = p.name;
      preset.program = p.program;
      preset.isGMGSDrum = p.bank === 128;
      preset.bankMSB = p.bank === 128 ? 0 : p.bank;
      preset.createZone(inst);
      bank.addPresets(preset);
    }
    bank.flush();
    return new Uint8Array(bank.writeSF2({ software: 'test', writeDefaultModulators: false, writeExtendedLimits: false }));
  }

  it('rejects a file with no presets', () => {
    expectSynthError(() => parseSf2Summary(tinyBank([], [0, 127]), 'empty.sf2'), 'SF2_NO_PRESETS', 'empty.sf2');
  });

  it('rejects a melodic-only font and a kit without snare keys', () => {
    const piano = tinyBank([{ name: 'Piano', bank: 0, program: 0 }], [21, 108]);
    expectSynthError(() => parseSf2Summary(piano, 'piano.sf2'), 'SF2_NO_SNARE', "'Piano'", 'piano.sf2');
    const toms = tinyBank([{ name: 'Toms', bank: 128, program: 0 }], [41, 50]);
    expectSynthError(() => parseSf2Summary(toms, 'toms.sf2'), 'SF2_NO_SNARE', 'none sounding keys 38/40', 'toms.sf2');
  });

  it('accepts a drum-only font with its kit on bank 0 and says so', () => {
    const bank = SoundBankLoader.fromArrayBuffer(bufferOf(kitBytes.get('marching')!));
    bank.deletePreset(bank.presets.find((p) => p.isGMGSDrum)!);
    bank.soundBankInfo.creationDate = new Date('2026-01-01T00:00:00Z');
    const bytes = new Uint8Array(bank.writeSF2({ software: 'test', writeDefaultModulators: false, writeExtendedLimits: false }));
    const s = parseSf2Summary(bytes, 'marching-bank0.sf2');
    expect(s.snare).toMatchObject({ bank: 0, program: 0, presetName: 'marching snare', key: 38, onPercussionBank: false });
    expect(s.notes.length).toBe(1);
    expect(s.notes[0]).toContain('drum-only');
    // A pitched single-key-range preset named like a kit is accepted too.
    const named = tinyBank([{ name: 'Snare Kit', bank: 0, program: 0 }], [30, 50]);
    expect(parseSf2Summary(named, 'named.sf2').snare.presetName).toBe('Snare Kit');
  });
});
