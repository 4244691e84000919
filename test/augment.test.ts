// Augmentation stages and presets (src/augment/): room IRs measured by Schroeder integration,
// SNR of every noise type, every preset's output level, parameters, determinism and onsets,
// preset choice, impulse-response decoding (files written by sox and flac, independent tools)
// and the bad-input errors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AugmentError } from '../src/errors.js';
import {
  AUGMENTATION_COLUMNS,
  AUGMENTATION_COLUMN_NAMES,
  AUGMENTATION_PRESETS,
  DEFAULT_AUGMENTATION_PRESETS,
  PRESET_SPECS,
  PRESET_VARIATION,
  ROOM_TYPES,
  ROOM_TYPE_NAMES,
  augmentAt,
  augmentAudio,
  choosePresets,
  decodeImpulseResponse,
  describePresets,
  measureRt60S,
  roomImpulseResponse,
  type AugmentationParams,
} from '../src/augment/index.js';
import { applyDegradeAt } from '../src/augment/degrade.js';
import { NOISE_TYPES, convolveAt } from '../src/augment/dsp.js';
import { convolve, initKernels, withBlocks } from '../src/augment/kernels.js';
import { MIC_POSITION_NAMES, MIC_TYPES, applyMicAt, micFilter, micFilterAt, micFilterLength, type MicOptions } from '../src/augment/mic.js';
import {
  applyRoomAt,
  applyRoomMicFilterAt,
  mixRoomIrAt,
  mixedRoomIr,
  roomImpulseResponseAt,
  roomImpulseResponseLength,
} from '../src/augment/room.js';
import type { SousaWasm } from '../src/platform/wasm.js';
import { rngFor } from '../src/random/index.js';
import { AUGMENT_IDENTITY_SHA256, augmentIdentityDigest, augmentIdentitySignal } from './helpers/augment-identity.js';

const FS = 44_100;
let wasm: SousaWasm;
const dir = mkdtempSync(join(tmpdir(), 'sousa-augment-'));
beforeAll(async () => {
  wasm = await initKernels();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const db = (x: number): number => 20 * Math.log10(x);

function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
}

function peakAbs(x: Float32Array): number {
  let p = 0;
  for (const v of x) p = Math.max(p, Math.abs(v));
  return p;
}

/** Decaying noise bursts (strokes) at the given sample positions. */
function strokes(n: number, at: readonly number[], key = 'strokes'): Float32Array {
  const rng = rngFor(3, key);
  const out = new Float32Array(n);
  for (const start of at) {
    let env = 0.5;
    for (let i = start; i < n && env > 1e-5; i++, env *= 1 - 1 / (0.03 * FS)) out[i] = out[i]! + env * rng.uniform(-1, 1);
  }
  return out;
}

describe('room impulse responses', () => {
  it('decay with their room type RT60 (Schroeder, T20 x 3) within 10 %, for every room and several draws', () => {
    for (const room of ROOM_TYPE_NAMES) {
      for (let draw = 0; draw < 4; draw++) {
        const rt60 = ROOM_TYPES[room].rt60S * (0.9 + 0.05 * draw);
        const ir = roomImpulseResponse(wasm, room, rngFor(draw, `test/room/${room}`), { rt60S: rt60 });
        const measured = measureRt60S(ir, FS);
        expect(Math.abs(measured / rt60 - 1), `${room} draw ${draw}: ${measured} vs ${rt60}`).toBeLessThan(0.1);
      }
    }
  });

  it('differ between rooms: RT60 ordered as the table, reflections after each room own pre-delay', () => {
    const measured = ROOM_TYPE_NAMES.map((room) => ({
      room,
      spec: ROOM_TYPES[room].rt60S,
      rt60: measureRt60S(roomImpulseResponse(wasm, room, rngFor(1, `test/order/${room}`)), FS),
    })).sort((a, b) => a.spec - b.spec);
    for (let i = 1; i < measured.length; i++) {
      // Adjacent table values differ by 20 % or more; the measurements keep the order with room to spare.
      expect(measured[i]!.rt60 / measured[i - 1]!.rt60, `${measured[i - 1]!.room} < ${measured[i]!.room}`).toBeGreaterThan(1.1);
    }
    for (const room of ROOM_TYPE_NAMES) {
      const { preDelayMs, earlyReflectionMs } = ROOM_TYPES[room];
      const ir = roomImpulseResponse(wasm, room, rngFor(2, `test/pre/${room}`));
      // Direct sound at 0, then nothing until the pre-delay (the tail and the reflections start there).
      expect(ir[0]!, room).toBeGreaterThan(0);
      const pre = Math.round((preDelayMs * FS) / 1000);
      for (let i = 1; i < pre; i++) expect(ir[i], `${room} sample ${i}`).toBe(0);
      // The largest early reflection sits within the room's early span.
      const from = Math.max(1, pre);
      const to = pre + Math.round(((earlyReflectionMs * 1.1) / 1000) * FS) + 1;
      let maxAt = from;
      for (let i = from; i < to; i++) if (Math.abs(ir[i]!) > Math.abs(ir[maxAt]!)) maxAt = i;
      expect(maxAt, room).toBeLessThan(to);
      // Unit energy.
      expect(ir.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 4);
    }
  });

  it('are a function of the room stream', () => {
    const a = roomImpulseResponse(wasm, 'studio', rngFor(5, 'x'));
    expect(roomImpulseResponse(wasm, 'studio', rngFor(5, 'x'))).toEqual(a);
    expect(roomImpulseResponse(wasm, 'studio', rngFor(6, 'x'))).not.toEqual(a);
  });

  it('are built in module memory by roomImpulseResponseAt with the same bits, for every room', () => {
    for (const room of ROOM_TYPE_NAMES) {
      const opts = { rt60S: ROOM_TYPES[room].rt60S * 1.07, sampleRateHz: 48_000 };
      const want = roomImpulseResponse(wasm, room, rngFor(8, `test/at/${room}`), opts);
      const length = roomImpulseResponseLength(room, opts);
      expect(length).toBe(want.length);
      const got = withBlocks(wasm, [length * 4], ([ptr]) => {
        roomImpulseResponseAt(wasm, ptr!, length, room, rngFor(8, `test/at/${room}`), opts);
        return wasm.f32(ptr!, length).slice();
      });
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), room).toBe(true);
    }
    expect(() => withBlocks(wasm, [400], ([ptr]) => roomImpulseResponseAt(wasm, ptr!, 100, 'gym', rngFor(1, 'x')))).toThrow(
      /expected a block of 66813 samples for the gym IR \(roomImpulseResponseLength\), got 100/,
    );
  });

  it('are mixed wet/dry in place by mixRoomIrAt with the same bits as mixedRoomIr: (1 - wet) delta + wet ir, cut', () => {
    const ir = roomImpulseResponse(wasm, 'garage', rngFor(2, 'test/mix'));
    for (const [wet, cut] of [[0.35, ir.length], [0.372, 5000], [1, 3], [0, ir.length]] as const) {
      const want = mixedRoomIr(ir, wet, cut);
      expect(want.length).toBe(Math.min(ir.length, cut));
      // Within one f32 rounding of the exact mix.
      const exact = (i: number): number => (i === 0 ? 1 - wet : 0) + wet * ir[i]!;
      let excess = 0;
      for (let i = 0; i < want.length; i++) excess = Math.max(excess, Math.abs(want[i]! - exact(i)) - 2 ** -22 * Math.abs(exact(i)));
      expect(excess, `wet ${wet}`).toBe(0);
      const got = withBlocks(wasm, [ir.length * 4], ([ptr]) => {
        wasm.f32(ptr!, ir.length).set(ir);
        mixRoomIrAt(wasm, ptr!, want.length, wet);
        return wasm.f32(ptr!, ir.length).slice();
      });
      expect(Buffer.from(got.buffer, 0, want.length * 4).equals(Buffer.from(want.buffer)), `wet ${wet}`).toBe(true);
      // Taps past the cut are left alone.
      expect(got.subarray(want.length)).toEqual(ir.subarray(want.length));
    }
    expect(() => mixedRoomIr(ir, 1.5, 10)).toThrow(/wet\/dry in \[0, 1\], got 1.5/);
  });

  it('applyRoomAt convolves with the mixed IR (same bits as convolveAt with mixedRoomIr)', () => {
    const ir = roomImpulseResponse(wasm, 'studio', rngFor(3, 'test/apply-room'));
    const x = strokes(30_000, [100, 9000], 'test/apply-room/x');
    const run = (body: (ptr: number, n: number) => void): Float32Array =>
      withBlocks(wasm, [x.length * 4], ([ptr]) => {
        wasm.f32(ptr!, x.length).set(x);
        body(ptr!, x.length);
        return wasm.f32(ptr!, x.length).slice();
      });
    const got = run((ptr, n) => applyRoomAt(wasm, ptr, n, ir, 0.25));
    const want = run((ptr, n) => convolveAt(wasm, ptr, n, mixedRoomIr(ir, 0.25, n)));
    expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    expect(Buffer.from(got.buffer).equals(Buffer.from(x.buffer))).toBe(false);
  });

  it('measureRt60S recovers the decay of an exponentially decaying noise exactly enough', () => {
    const rng = rngFor(1, 'test/decay');
    for (const t60 of [0.2, 1, 2.5]) {
      const h = Float32Array.from({ length: Math.round(1.5 * t60 * FS) }, (_, i) => rng.uniform(-1, 1) * Math.exp((-3 * Math.LN10 * i) / (t60 * FS)));
      expect(measureRt60S(h, FS) / t60).toBeCloseTo(1, 1);
    }
  });
});

describe('microphone filter', () => {
  const mic = (type: MicOptions['type'], position: MicOptions['position'], distanceM: number): MicOptions => ({
    type,
    position,
    distanceM,
    noiseSeed: 5n,
    sampleRateHz: FS,
    selfNoiseDb: -80,
    firTaps: 1023,
  });

  it('is built in module memory by micFilterAt with the same bits as micFilter, for every type, position and both distance regimes', () => {
    for (const type of MIC_TYPES) {
      for (const position of MIC_POSITION_NAMES) {
        for (const distanceM of [0.1, 1.5]) {
          const o = mic(type, position, distanceM);
          const want = micFilter(wasm, o);
          const length = micFilterLength(o);
          expect(length).toBe(want.length);
          const got = withBlocks(wasm, [length * 4], ([ptr]) => {
            wasm.f32(ptr!, length).fill(7); // stale data must not leak through
            micFilterAt(wasm, ptr!, length, o);
            return wasm.f32(ptr!, length).slice();
          });
          expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `${type} ${position} ${distanceM}`).toBe(true);
        }
      }
    }
    expect(() => withBlocks(wasm, [400], ([ptr]) => micFilterAt(wasm, ptr!, 100, mic('dynamic', 'center', 1)))).toThrow(
      /expected a block of 2047 samples for the mic filter \(micFilterLength\), got 100/,
    );
  });

  it('applyMicAt filters with micFilter (same bits as convolveAt) and adds the self-noise', () => {
    const o = mic('ribbon', 'overhead', 0.2);
    const x = strokes(20_000, [50, 7000], 'test/apply-mic/x');
    const got = withBlocks(wasm, [x.length * 4], ([ptr]) => {
      wasm.f32(ptr!, x.length).set(x);
      applyMicAt(wasm, ptr!, x.length, { ...o, selfNoiseDb: Number.NEGATIVE_INFINITY });
      return wasm.f32(ptr!, x.length).slice();
    });
    const want = withBlocks(wasm, [x.length * 4], ([ptr]) => {
      wasm.f32(ptr!, x.length).set(x);
      convolveAt(wasm, ptr!, x.length, micFilter(wasm, o));
      return wasm.f32(ptr!, x.length).slice();
    });
    expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
  });
});

describe('room and mic combined in module memory', () => {
  it('applyRoomMicFilterAt filters as the typed-array composition: synthetic and user rooms (to float rounding), no room (same bits), IRs cut to short signals', () => {
    const o: MicOptions = { type: 'condenser', position: 'off_axis', distanceM: 0.8, noiseSeed: 1n, sampleRateHz: FS, selfNoiseDb: -80, firTaps: 1023 };
    const userIr = roomImpulseResponse(wasm, 'practice_room', rngFor(4, 'test/combined/user'));
    for (const n of [60_000, 20_000, 1500, 30]) {
      const x = strokes(n, [0, Math.floor(n / 2)], `test/combined/${n}`);
      const run = (body: (ptr: number) => void): Float32Array =>
        withBlocks(wasm, [n * 4], ([ptr]) => {
          wasm.f32(ptr!, n).set(x);
          body(ptr!);
          return wasm.f32(ptr!, n).slice();
        });
      const typed = (ir: Float32Array | null): Float32Array =>
        run((ptr) => {
          const mic = micFilter(wasm, o);
          convolveAt(wasm, ptr, n, ir === null ? mic : convolve(ir, mic, { wasm }).subarray(0, n));
        });
      const cases = [
        { name: 'gym', room: { kind: 'synthetic', type: 'gym', rng: rngFor(4, 'test/combined/gym'), rt60S: 1.4, sampleRateHz: FS, wetDry: 0.372 } as const },
        { name: 'user', room: { kind: 'user', samples: userIr, wetDry: 0.2 } as const },
        { name: 'none', room: null },
      ];
      for (const { name, room } of cases) {
        const got = run((ptr) => applyRoomMicFilterAt(wasm, ptr, n, room, o));
        let ir: Float32Array | null = null;
        if (room?.kind === 'synthetic') ir = mixedRoomIr(roomImpulseResponse(wasm, 'gym', rngFor(4, 'test/combined/gym'), { rt60S: 1.4 }), room.wetDry, n);
        if (room?.kind === 'user') ir = mixedRoomIr(userIr, room.wetDry, n);
        const want = typed(ir);
        if (room === null) {
          expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `${name}, n = ${n}`).toBe(true);
        } else {
          // With a room the mic's IIR filters run on the room IR and its curve joins as a spectrum:
          // the same filter, reached through other roundings.
          let peak = 0;
          let worst = 0;
          for (let i = 0; i < n; i++) {
            peak = Math.max(peak, Math.abs(want[i]!));
            worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
          }
          // Measured: 3.4e-7 of the peak.
          expect(worst, `${name}, n = ${n}`).toBeLessThan(2e-6 * peak);
        }
        expect(Buffer.from(got.buffer).equals(Buffer.from(x.buffer)), `${name}, n = ${n}`).toBe(false);
      }
    }
  });
});

describe('degradation', () => {
  it('adds every noise type at the requested SNR (re signal RMS) within 1 dB', () => {
    const n = 3 * FS;
    const x = strokes(n, [0, 20_000, 45_000, 70_000, 100_000]);
    const signalRms = rms(x);
    for (const type of NOISE_TYPES) {
      for (const levelDb of [-45, -30, -20]) {
        const ptr = wasm.alloc(n * 4);
        try {
          wasm.f32(ptr, n).set(x);
          applyDegradeAt(wasm, ptr, n, {
            noise: { type, levelDb },
            reducedSampleRateHz: null,
            bitDepth: null,
            noiseSeed: rngFor(1, `test/snr/${type}`).seed,
            ditherSeed: 0n,
            sampleRateHz: FS,
          });
          const y = wasm.f32(ptr, n);
          let s = 0;
          for (let i = 0; i < n; i++) s += (y[i]! - x[i]!) ** 2;
          const noiseRms = Math.sqrt(s / n);
          expect(Math.abs(db(noiseRms / signalRms) - levelDb), `${type} at ${levelDb} dB`).toBeLessThan(1);
        } finally {
          wasm.free(ptr);
        }
      }
    }
  });
});

describe('augmentAudio with every preset', () => {
  const n = Math.round(1.5 * FS);
  const signal = strokes(n, [2000, 12_000, 25_000, 40_000]);
  const results = new Map<string, { audio: Float32Array; params: AugmentationParams }>();
  beforeAll(async () => {
    for (const presetName of AUGMENTATION_PRESETS) {
      results.set(presetName, await augmentAudio(signal, { presetName, seed: 7, sampleId: 'beg001_flam_100bpm_pad_x' }));
    }
  });

  it('augmentAt works in place in module memory with the same bits and parameters as augmentAudio', () => {
    for (const presetName of ['gym', 'lo_fi'] as const) {
      const ptr = wasm.allocCopy(signal);
      try {
        const params = augmentAt(wasm, ptr, n, { presetName, seed: 7, sampleId: 'beg001_flam_100bpm_pad_x' });
        const want = results.get(presetName)!;
        expect(Buffer.from(wasm.f32(ptr, n).slice().buffer).equals(Buffer.from(want.audio.buffer)), presetName).toBe(true);
        expect(params).toEqual(want.params);
      } finally {
        wasm.free(ptr);
      }
    }
    expect(() => augmentAt(wasm, 6, 10, { presetName: 'gym', seed: 7, sampleId: 's' })).toThrow(/expected a non-empty block of f32 samples in module memory, got 10 samples at 6 \(sample s\)/);
  });

  it('returns finite audio of the same length with its peak at -1 dBFS', () => {
    for (const [preset, { audio }] of results) {
      expect(audio.length, preset).toBe(n);
      expect(audio.every(Number.isFinite), preset).toBe(true);
      expect(peakAbs(audio), preset).toBeCloseTo(10 ** (-1 / 20), 5);
      expect(peakAbs(audio), preset).toBeLessThanOrEqual(1);
    }
  });

  it('changes the sound: every preset differs from the input and from every other preset', () => {
    const norm = (x: Float32Array): Float32Array => {
      const p = peakAbs(x);
      return x.map((v) => v / p);
    };
    const input = norm(signal);
    const outs = [...results.values()].map((r) => r.audio);
    for (const [preset, { audio }] of results) {
      let d = 0;
      for (let i = 0; i < n; i++) d += (audio[i]! / 10 ** (-1 / 20) - input[i]!) ** 2;
      expect(Math.sqrt(d / n) / rms(input), preset).toBeGreaterThan(0.02);
    }
    const bytes = outs.map((o) => Buffer.from(o.buffer, o.byteOffset, o.byteLength));
    for (let a = 0; a < bytes.length; a++) for (let b = a + 1; b < bytes.length; b++) expect(bytes[a]!.equals(bytes[b]!)).toBe(false);
  });

  it('records every applied parameter under the 17 column names, null exactly when a stage is off', () => {
    for (const [preset, { params }] of results) {
      const spec = PRESET_SPECS[preset as keyof typeof PRESET_SPECS];
      expect(Object.keys(params).sort(), preset).toEqual([...AUGMENTATION_COLUMN_NAMES].sort());
      for (const v of Object.values(params)) expect(v === null || typeof v === 'string' || typeof v === 'number', preset).toBe(true);
      const v = PRESET_VARIATION;
      const within = (x: number | string | null, lo: number, hi: number): void => {
        expect(typeof x, preset).toBe('number');
        expect(x as number, preset).toBeGreaterThanOrEqual(lo - 1e-9);
        expect(x as number, preset).toBeLessThanOrEqual(hi + 1e-9);
      };
      if (spec.room === null) {
        for (const k of ['aug_room_type', 'aug_room_wet_dry', 'aug_rt60_s', 'aug_ir_name'] as const) expect(params[k], `${preset} ${k}`).toBeNull();
      } else {
        expect(params.aug_room_type).toBe(spec.room.type);
        expect(params.aug_ir_name).toBe('synthetic');
        within(params.aug_room_wet_dry, spec.room.wetDry * v.wetDryFactor[0] - 5e-4, Math.min(1, spec.room.wetDry * v.wetDryFactor[1]) + 5e-4);
        const rt = ROOM_TYPES[spec.room.type].rt60S;
        within(params.aug_rt60_s, rt * v.rt60Factor[0] - 5e-4, rt * v.rt60Factor[1] + 5e-4);
      }
      expect(params.aug_mic_type).toBe(spec.mic.type);
      expect(params.aug_mic_position).toBe(spec.mic.position);
      within(params.aug_mic_distance, spec.mic.distanceM * v.distanceFactor[0] - 5e-4, spec.mic.distanceM * v.distanceFactor[1] + 5e-4);
      expect(params.aug_preamp).toBe(spec.preamp.type);
      within(params.aug_preamp_drive, spec.preamp.drive * v.driveFactor[0] - 5e-4, Math.min(1, spec.preamp.drive * v.driveFactor[1]) + 5e-4);
      if (spec.compressor === null) {
        expect(params.aug_compression_ratio).toBeNull();
        expect(params.aug_compression_threshold_db).toBeNull();
      } else {
        within(params.aug_compression_ratio, spec.compressor.ratio * v.ratioFactor[0] - 5e-3, spec.compressor.ratio * v.ratioFactor[1] + 5e-3);
        within(params.aug_compression_threshold_db, spec.compressor.thresholdDb - 2.05, spec.compressor.thresholdDb + 2.05);
      }
      within(params.aug_eq_highpass_hz, spec.eq.highpassHz * 0.9 - 0.05, spec.eq.highpassHz * 1.1 + 0.05);
      within(params.aug_eq_lowpass_hz, spec.eq.lowpassHz * 0.9 - 0.5, Math.min(spec.eq.lowpassHz * 1.1, 0.45 * FS) + 0.5);
      if (spec.noise === null) {
        expect(params.aug_noise_type).toBeNull();
        expect(params.aug_noise_level_db).toBeNull();
      } else {
        expect(params.aug_noise_type).toBe(spec.noise.type);
        within(params.aug_noise_level_db, spec.noise.levelDb - 5.05, spec.noise.levelDb + 5.05);
      }
      expect(params.aug_bit_depth).toBe(spec.bitDepth);
      expect(params.aug_sample_rate).toBe(spec.reducedSampleRateHz);
    }
    expect(results.get('lo_fi')!.params.aug_bit_depth).toBe(12);
    expect(results.get('phone_recording')!.params.aug_bit_depth).toBe(16);
  });

  it('quantises lo_fi to 12 bits: at most 4095 distinct levels', () => {
    expect(new Set(results.get('lo_fi')!.audio).size).toBeLessThanOrEqual(4095);
    expect(new Set(results.get('clean_studio')!.audio).size).toBeGreaterThan(4095);
  });

  it('is deterministic: same bytes for the same (seed, sample, preset), different otherwise', async () => {
    for (const presetName of ['gym', 'lo_fi', 'vintage_tape'] as const) {
      const again = await augmentAudio(signal, { presetName, seed: 7, sampleId: 'beg001_flam_100bpm_pad_x' });
      expect(Buffer.from(again.audio.buffer).equals(Buffer.from(results.get(presetName)!.audio.buffer)), presetName).toBe(true);
      expect(again.params).toEqual(results.get(presetName)!.params);
      const same = (a: Float32Array): boolean => Buffer.from(a.buffer).equals(Buffer.from(again.audio.buffer));
      const other = await augmentAudio(signal, { presetName, seed: 7, sampleId: 'beg001_flam_100bpm_pad_y' });
      expect(same(other.audio), presetName).toBe(false);
      expect(other.params, presetName).not.toEqual(again.params);
      const otherSeed = await augmentAudio(signal, { presetName, seed: 8, sampleId: 'beg001_flam_100bpm_pad_x' });
      expect(same(otherSeed.audio), presetName).toBe(false);
    }
  });

  it('keeps every onset on its sample: an impulse at k has its earliest energy at k after every preset', async () => {
    const k = 20_000;
    const len = FS;
    const x = new Float32Array(len);
    x[k] = 1;
    for (const presetName of AUGMENTATION_PRESETS) {
      const { audio } = await augmentAudio(x, { presetName, seed: 3, sampleId: `onset_${presetName}` });
      const peak = peakAbs(audio);
      // Before k there is only the added noise, far below the direct sound.
      let before = 0;
      for (let i = 0; i < k; i++) before = Math.max(before, Math.abs(audio[i]!));
      expect(db(before / peak), presetName).toBeLessThan(-50);
      // The first sample within 40 dB of the peak is k itself (or the next one or two, where
      // several causal low-passes in series need a sample to rise: phone_recording, marching_field).
      let first = 0;
      while (Math.abs(audio[first]!) < peak / 100) first++;
      expect(first - k, presetName).toBeGreaterThanOrEqual(0);
      expect(first - k, presetName).toBeLessThanOrEqual(2);
      // The peak follows within 0.5 ms: the group delay of the causal band-limiting (phone_recording's
      // 300-4000 Hz chain is the slowest), never before k.
      let peakAt = 0;
      while (Math.abs(audio[peakAt]!) < peak) peakAt++;
      expect(peakAt - k, presetName).toBeGreaterThanOrEqual(0);
      expect(peakAt - k, presetName).toBeLessThanOrEqual(22);
    }
  });

  it('gives the pinned bytes for the identity case (the same hash Deno and Chromium must give)', async () => {
    const { sha256 } = await augmentIdentityDigest();
    expect(augmentIdentitySignal().length).toBe(2 * FS);
    expect(sha256).toBe(AUGMENT_IDENTITY_SHA256);
  });
});

describe('other sample rates', () => {
  it('run every preset at 8, 22.05 and 48 kHz: finite, -1 dBFS, filters capped below Nyquist', async () => {
    for (const fs of [8000, 22_050, 48_000]) {
      const x = strokes(fs, [100, Math.round(fs / 2)], `rate${fs}`);
      for (const presetName of AUGMENTATION_PRESETS) {
        const { audio, params } = await augmentAudio(x, { presetName, seed: 2, sampleId: `rate_${fs}`, sampleRateHz: fs });
        expect(audio.length).toBe(fs);
        expect(audio.every(Number.isFinite), `${presetName} at ${fs}`).toBe(true);
        expect(peakAbs(audio), `${presetName} at ${fs}`).toBeCloseTo(10 ** (-1 / 20), 5);
        expect(params.aug_eq_lowpass_hz!, `${presetName} at ${fs}`).toBeLessThanOrEqual(0.45 * fs);
      }
    }
  });
});

describe('user impulse responses', () => {
  it('are used when given, preferred by room-type prefix, with their measured RT60 recorded', async () => {
    const rng = rngFor(1, 'test/user-ir');
    const make = (t60: number): Float32Array =>
      Float32Array.from({ length: Math.round(1.2 * t60 * FS) }, (_, i) => (i === 0 ? 1 : 0.3 * rng.uniform(-1, 1) * Math.exp((-3 * Math.LN10 * i) / (t60 * FS))));
    const hall = { name: 'concert_hall_left.wav', samples: make(1.8) };
    const other = { name: 'kitchen.flac', samples: make(0.4) };
    const signal = strokes(FS, [1000, 20_000]);
    const { params } = await augmentAudio(signal, { presetName: 'concert_hall', seed: 1, sampleId: 's1', impulseResponses: [other, hall] });
    expect(params.aug_ir_name).toBe('concert_hall_left.wav');
    expect(params.aug_room_type).toBe('concert_hall');
    expect(params.aug_rt60_s! / 1.8).toBeCloseTo(1, 1);
    // No name matches the garage: one of all is used.
    const g = await augmentAudio(signal, { presetName: 'garage', seed: 1, sampleId: 's1', impulseResponses: [other, hall] });
    expect(['kitchen.flac', 'concert_hall_left.wav']).toContain(g.params.aug_ir_name);
    expect(g.params.aug_rt60_s).not.toBeNull();
  });

  it('are copied into module memory, never changed: same bytes on every use, IRs longer than the signal cut', async () => {
    const rng = rngFor(2, 'test/user-ir/long');
    const samples = Float32Array.from({ length: 3 * FS }, (_, i) => (i < 5 ? 0 : i === 5 ? -1 : 0.2 * rng.uniform(-1, 1) * Math.exp(-i / 20_000)));
    const before = samples.slice();
    const irs = [{ name: 'gym_long.wav', samples }];
    const signal = strokes(FS, [500, 30_000]);
    const a = await augmentAudio(signal, { presetName: 'gym', seed: 4, sampleId: 'u1', impulseResponses: irs });
    const b = await augmentAudio(signal, { presetName: 'gym', seed: 4, sampleId: 'u1', impulseResponses: irs });
    expect(a.params.aug_ir_name).toBe('gym_long.wav');
    expect(Buffer.from(a.audio.buffer).equals(Buffer.from(b.audio.buffer))).toBe(true);
    expect(Buffer.from(samples.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    const synthetic = await augmentAudio(signal, { presetName: 'gym', seed: 4, sampleId: 'u1' });
    expect(Buffer.from(a.audio.buffer).equals(Buffer.from(synthetic.audio.buffer))).toBe(false);
  });

  it('decode from WAV (PCM 8/16/24/32, float 32, stereo -> mono) and FLAC files written by sox and flac', async () => {
    // The reference: a stereo float file from sox (1 kHz left, 330 Hz right), read back raw by sox.
    const ref = join(dir, 'ref.wav');
    execFileSync('sox', ['-D', '-n', '-r', '44100', '-c', '2', '-b', '32', '-e', 'floating-point', ref, 'synth', '0.1', 'sine', '1000', 'sine', '330', 'vol', '0.5']);
    const raw = execFileSync('sox', [ref, '-t', 'f32', '-']);
    const inter = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const mono = Float32Array.from({ length: inter.length / 2 }, (_, i) => (inter[2 * i]! + inter[2 * i + 1]!) / 2);
    expect(mono.length).toBe(4410);
    const cases: [string, string[], number][] = [
      ['f32.wav', ['-b', '32', '-e', 'floating-point'], 1e-7],
      ['s32.wav', ['-b', '32', '-e', 'signed-integer'], 2 ** -30],
      ['s24.wav', ['-b', '24', '-e', 'signed-integer'], 2 ** -22],
      ['s16.wav', ['-b', '16', '-e', 'signed-integer'], 2 ** -14],
      ['u8.wav', ['-b', '8', '-e', 'unsigned-integer'], 2 ** -6],
    ];
    for (const [name, enc, tolerance] of cases) {
      const path = join(dir, name);
      execFileSync('sox', ['-D', ref, ...enc, path]);
      const y = await decodeImpulseResponse(new Uint8Array(readFileSync(path)), name);
      expect(y.length, name).toBe(4410);
      let err = 0;
      for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i]! - mono[i]!));
      // Two channels, each within one step of the reference, averaged: within one step.
      expect(err, name).toBeLessThan(tolerance);
    }
    execFileSync('flac', ['-s', '-f', '-o', join(dir, 's24.flac'), join(dir, 's24.wav')]);
    const fromFlac = await decodeImpulseResponse(new Uint8Array(readFileSync(join(dir, 's24.flac'))), 's24.flac');
    const fromWav = await decodeImpulseResponse(new Uint8Array(readFileSync(join(dir, 's24.wav'))), 's24.wav');
    expect(fromFlac.length).toBe(4410);
    expect(Buffer.from(fromFlac.buffer).equals(Buffer.from(fromWav.buffer))).toBe(true);
  });

  it('resample files at another rate to the output rate', async () => {
    const path = join(dir, 'r48.wav');
    execFileSync('sox', ['-D', '-n', '-r', '48000', '-c', '1', '-b', '32', '-e', 'floating-point', path, 'synth', '0.5', 'sine', '1000']);
    const y = await decodeImpulseResponse(new Uint8Array(readFileSync(path)), 'r48.wav');
    expect(y.length).toBe(22_050);
    // sox's own resampler (a different design) as the reference for the same conversion.
    const raw = execFileSync('sox', [path, '-t', 'f32', '-', 'rate', '-v', '44100']);
    const ref = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    let err = 0;
    let peak = 0;
    for (let i = 2000; i < y.length - 2000; i++) {
      err = Math.max(err, Math.abs(y[i]! - ref[i]!));
      peak = Math.max(peak, Math.abs(ref[i]!));
    }
    expect(err / peak).toBeLessThan(2e-3);
  });

  it('reject empty, non-audio, truncated and silent files with an error naming the file', async () => {
    await expect(decodeImpulseResponse(new Uint8Array(0), 'empty.wav')).rejects.toThrow(/"empty.wav", the file is empty/);
    await expect(decodeImpulseResponse(new TextEncoder().encode('hello world'), 'notes.txt')).rejects.toThrow(
      /expected a WAV \(RIFF\) or FLAC \(fLaC\) impulse response, got a file starting with bytes 68 65 6c 6c \("notes.txt"\)/,
    );
    const path = join(dir, 'cut.wav');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '1', '-b', '16', path, 'synth', '0.1', 'sine', '440']);
    const full = new Uint8Array(readFileSync(path));
    await expect(decodeImpulseResponse(full.subarray(0, 1000), 'cut.wav')).rejects.toThrow(/could not read impulse response "cut.wav": data chunk claims 8820 bytes/);
    // The same file with its 8820 data bytes zeroed.
    const silent = full.slice();
    silent.fill(0, full.length - 8820);
    await expect(decodeImpulseResponse(silent, 'silent.wav')).rejects.toThrow(/non-silent impulse response in "silent.wav", got 4410 frames of silence/);
    execFileSync('flac', ['-s', '-f', '--no-padding', '-o', join(dir, 'cut.flac'), path]);
    const badFlac = new Uint8Array(readFileSync(join(dir, 'cut.flac')));
    // Garbage in the middle of the audio frames: the frame CRCs fail.
    badFlac.fill(0xff, badFlac.length >> 1, (badFlac.length >> 1) + 100);
    await expect(decodeImpulseResponse(badFlac, 'broken.flac')).rejects.toThrow(/"broken.flac": FLAC decoding failed/);
    await expect(decodeImpulseResponse(badFlac, 'broken.flac')).rejects.toBeInstanceOf(AugmentError);
  });
});

describe('choosePresets', () => {
  it('picks n distinct presets per performance, deterministically, from the defaults', () => {
    const a = choosePresets(1, 'beg001_flam_100bpm', 3);
    expect(a).toEqual(choosePresets(1, 'beg001_flam_100bpm', 3));
    expect(new Set(a).size).toBe(3);
    for (const p of a) expect(DEFAULT_AUGMENTATION_PRESETS).toContain(p);
    // Varies with the performance and the seed, and uses every default evenly.
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const p of choosePresets(1, `perf${i}`, 2)) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...DEFAULT_AUGMENTATION_PRESETS].sort());
    for (const c of counts.values()) expect(Math.abs(c / 800 - 1)).toBeLessThan(0.1);
    expect(choosePresets(2, 'beg001_flam_100bpm', 5)).not.toEqual(choosePresets(1, 'beg001_flam_100bpm', 5));
  });

  it('restricts to the allowed presets, whatever their order or repetition', () => {
    const allowed = ['lo_fi', 'phone_recording', 'gym'];
    const a = choosePresets(4, 'p', 2, allowed);
    expect(a).toEqual(choosePresets(4, 'p', 2, [...allowed].reverse().concat('gym')));
    for (const p of a) expect(allowed).toContain(p);
    expect(choosePresets(4, 'p', 3, allowed).sort()).toEqual([...allowed].sort());
  });

  it('rejects unknown names listing the valid ones, and too many augmentations', () => {
    expect(() => choosePresets(1, 'p', 1, ['studio_warm'])).toThrow(
      /expected an augmentation preset \(clean_studio, clean_close, practice_room, concert_hall, gym, garage, vintage_tape, lo_fi, phone_recording, marching_field, indoor_competition\), got "studio_warm"/,
    );
    expect(() => choosePresets(1, 'p', 6)).toThrow(/expected 0-5 augmentations per performance/);
  });
});

describe('bad input', () => {
  it('names the valid presets for an unknown one, and the sample for NaN or Infinity', async () => {
    const x = new Float32Array(1000);
    await expect(augmentAudio(x, { presetName: 'live_room', seed: 1, sampleId: 's9' })).rejects.toThrow(/got "live_room" \(in augmentAudio, sample s9\)/);
    x[123] = Number.NaN;
    await expect(augmentAudio(x, { presetName: 'gym', seed: 1, sampleId: 'int004_flam_90bpm_pad_gym' })).rejects.toThrow(
      /expected finite audio, got NaN at index 123 \(sample int004_flam_90bpm_pad_gym, preset gym\)/,
    );
    x[123] = Number.POSITIVE_INFINITY;
    await expect(augmentAudio(x, { presetName: 'gym', seed: 1, sampleId: 's10' })).rejects.toBeInstanceOf(AugmentError);
    await expect(augmentAudio(new Float32Array(0), { presetName: 'gym', seed: 1, sampleId: 's11' })).rejects.toThrow(/non-empty Float32Array/);
  });

  it('leaves silence silent (no noise is added relative to a zero RMS)', async () => {
    const { audio } = await augmentAudio(new Float32Array(5000), { presetName: 'lo_fi', seed: 1, sampleId: 'quiet' });
    expect(peakAbs(audio)).toBe(0);
  });
});

describe('metadata', () => {
  it('describes the 11 presets with their centre values and ranges', () => {
    const d = describePresets();
    expect(d.map((p) => p.name)).toEqual([...AUGMENTATION_PRESETS]);
    expect(d.filter((p) => p.isDefault).map((p) => p.name)).toEqual([...DEFAULT_AUGMENTATION_PRESETS]);
    const studio = d[0]!.parameters;
    expect(studio.aug_room_wet_dry).toBe('0.2 (0.16-0.24)');
    expect(studio.aug_compression_threshold_db).toBe('-18 (-20--16)');
    expect(studio.aug_noise_type).toBe('off');
    expect(d.find((p) => p.name === 'lo_fi')!.parameters.aug_bit_depth).toBe('12');
    expect(d.find((p) => p.name === 'clean_close')!.parameters.aug_room_type).toBe('off');
  });

  it('declares 17 nullable columns for samples.parquet', () => {
    expect(AUGMENTATION_COLUMNS.map((c) => c.name)).toEqual([
      'aug_room_type',
      'aug_room_wet_dry',
      'aug_rt60_s',
      'aug_ir_name',
      'aug_mic_type',
      'aug_mic_position',
      'aug_mic_distance',
      'aug_preamp',
      'aug_preamp_drive',
      'aug_compression_ratio',
      'aug_compression_threshold_db',
      'aug_eq_highpass_hz',
      'aug_eq_lowpass_hz',
      'aug_noise_type',
      'aug_noise_level_db',
      'aug_bit_depth',
      'aug_sample_rate',
    ]);
    expect(AUGMENTATION_COLUMNS.every((c) => c.nullable)).toBe(true);
    expect(AUGMENTATION_COLUMNS.find((c) => c.name === 'aug_bit_depth')!.type).toBe('int32');
    expect(AUGMENTATION_COLUMNS.find((c) => c.name === 'aug_rt60_s')!.type).toBe('float64');
  });
});
