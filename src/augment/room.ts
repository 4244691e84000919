/**
 * Room stage: an impulse response per room type, built from that room's own RT60, early-reflection
 * spacing and pre-delay (SOUSA's table, sousa-original.md §5.2; in SOUSA every room got the same
 * IR, §13 item 4), or a user impulse response; then convolution with a wet/dry mix.
 *
 * Invariant: the direct sound is at index 0 of every IR and the pre-delay delays only the
 * reflections, so a stroke's onset stays on its sample (labels stay true).
 */
import { AugmentError } from '../errors.js';
import { detExp, detLn } from '../math/det.js';
import type { SousaWasm } from '../platform/wasm.js';
import type { Rng } from '../random/index.js';
import { biquadAt, convolveAt, scaleAt } from './dsp.js';
import { rbjBiquad, withBlocks } from './kernels.js';
import { augmentExports } from './wasm-exports.js';

/** One room type of the table. */
export interface RoomType {
  /** Reverberation time (60 dB energy decay) in seconds. */
  readonly rt60S: number;
  /** Span of the early reflections after the pre-delay, in ms (they arrive at pre + (i+1) span / 6). */
  readonly earlyReflectionMs: number;
  /** Delay of the first reflection group after the direct sound, in ms. */
  readonly preDelayMs: number;
  /** Default wet share of the mix (0 = dry). */
  readonly wetDry: number;
}

/** SOUSA's room table (sousa-original.md §5.2): RT60 s / early-reflection ms / pre-delay ms / wet. */
export const ROOM_TYPES = {
  practice_room: { rt60S: 0.3, earlyReflectionMs: 8, preDelayMs: 2, wetDry: 0.15 },
  studio: { rt60S: 0.5, earlyReflectionMs: 15, preDelayMs: 5, wetDry: 0.25 },
  concert_hall: { rt60S: 2.0, earlyReflectionMs: 40, preDelayMs: 20, wetDry: 0.4 },
  gym: { rt60S: 1.5, earlyReflectionMs: 50, preDelayMs: 15, wetDry: 0.35 },
  outdoor: { rt60S: 0.1, earlyReflectionMs: 100, preDelayMs: 0, wetDry: 0.05 },
  bedroom: { rt60S: 0.25, earlyReflectionMs: 5, preDelayMs: 1, wetDry: 0.1 },
  garage: { rt60S: 0.8, earlyReflectionMs: 25, preDelayMs: 8, wetDry: 0.3 },
  church: { rt60S: 3.0, earlyReflectionMs: 60, preDelayMs: 30, wetDry: 0.5 },
} as const satisfies Record<string, RoomType>;

export type RoomTypeName = keyof typeof ROOM_TYPES;
export const ROOM_TYPE_NAMES = Object.keys(ROOM_TYPES) as RoomTypeName[];

/** Options of {@link roomImpulseResponse}. */
export interface RoomIrOptions {
  /** Reverberation time in s; default the room's table value. */
  rt60S?: number;
  /** Sample rate in Hz. Default 44100. */
  sampleRateHz: number;
  /** Number of discrete early reflections. Default 6 (SOUSA). */
  reflections: number;
  /** Level of the diffuse tail's noise relative to the direct sound (before energy normalisation). Default 0.3 (SOUSA). */
  tailLevel: number;
  /** Air-absorption low-pass on reflections and tail (not on the direct sound), Hz. Default 8000 (SOUSA). */
  lowpassHz: number;
  /** IR length after the pre-delay, in RT60s: 1 ends the tail at -60 dB (the definition of RT60). Default 1. */
  lengthRt60: number;
}

export const DEFAULT_ROOM_IR_OPTIONS: Readonly<RoomIrOptions> = Object.freeze({
  sampleRateHz: 44_100,
  reflections: 6,
  tailLevel: 0.3,
  lowpassHz: 8000,
  lengthRt60: 1,
});

// ln(10^3): the energy envelope exp(-2 * 6.9078 t / RT60) falls 60 dB in RT60.
const DECAY_PER_RT60 = 3 * Math.LN10;

/**
 * Synthetic IR of `roomType`, unit energy, direct sound at index 0 (positive). Reflections i < 6 at
 * pre + (i+1) span/6 (x U(0.9, 1.1)), amplitude 0.5 (1 - i/6) U(0.8, 1) with random sign, and a
 * Gaussian tail starting at the pre-delay and fading in over the early span (at most RT60/10); the
 * reflections and the tail follow the same exp(-6.91 t / RT60) amplitude envelope, so the
 * Schroeder decay of the whole IR has the requested RT60. Draws come from `rng` (the sample's room
 * stream) in a fixed order; the tail's noise from the wasm twin of `rng.fork('tail')`.
 */
export function roomImpulseResponse(
  wasm: SousaWasm,
  roomType: RoomTypeName,
  rng: Rng,
  opts?: Partial<RoomIrOptions>,
): Float32Array {
  const room = ROOM_TYPES[roomType];
  if (room === undefined) {
    throw new AugmentError('ROOM_TYPE', `expected a room type ${ROOM_TYPE_NAMES.join(' | ')}, got ${String(roomType)}`);
  }
  const o = { ...DEFAULT_ROOM_IR_OPTIONS, ...opts };
  const rt60 = o.rt60S ?? room.rt60S;
  const fs = o.sampleRateHz;
  if (!(rt60 >= 0.02 && rt60 <= 20)) throw new AugmentError('ROOM_RT60', `expected rt60S in [0.02, 20] s, got ${rt60} (room ${roomType})`);
  const preSamples = Math.round((room.preDelayMs * fs) / 1000);
  const length = preSamples + Math.ceil(o.lengthRt60 * rt60 * fs) + 1;
  // Amplitude envelope per sample: exp(-ln(1000) / (rt60 fs)), as a recurrence (basic operations only).
  const step = detExp(-DECAY_PER_RT60 / (rt60 * fs));
  const envAt = (i: number): number => detExp((-DECAY_PER_RT60 * i) / (rt60 * fs));

  const reflections: { at: number; amp: number }[] = [];
  for (let i = 0; i < o.reflections; i++) {
    const jitter = rng.uniform(0.9, 1.1);
    const spread = rng.uniform(0.8, 1);
    const sign = rng.float() < 0.5 ? -1 : 1;
    const ms = room.preDelayMs + (((i + 1) * room.earlyReflectionMs) / o.reflections) * jitter;
    const at = Math.max(1, Math.min(length - 1, Math.round((ms * fs) / 1000)));
    reflections.push({ at, amp: sign * 0.5 * (1 - i / o.reflections) * spread * envAt(at) });
  }
  const fadeSamples = Math.max(1, Math.round(Math.min(room.earlyReflectionMs / 1000, rt60 / 10) * fs));
  const tailSeed = rng.fork('tail').seed;

  const e = augmentExports(wasm);
  return withBlocks(wasm, [length * 4, wasm.exports.rngStateBytes()], ([ir, state]) => {
    // Diffuse tail: decaying Gaussian noise from the pre-delay on (index 0 is the direct sound's alone).
    wasm.exports.rngInitSeed(state!, tailSeed);
    const tailStart = Math.max(1, preSamples);
    wasm.f32(ir!, tailStart).fill(0);
    e.decayingNoise(state!, ir! + tailStart * 4, length - tailStart, o.tailLevel, envAt(tailStart), step, fadeSamples);
    const h = wasm.f32(ir!, length);
    for (const r of reflections) h[r.at] = h[r.at]! + r.amp;
    // Air absorption on the reverberant part only; causal, and h[0] is still 0 here.
    biquadAt(wasm, ir!, length, [rbjBiquad({ type: 'lowpass', frequencyHz: Math.min(o.lowpassHz, 0.45 * fs), q: Math.SQRT1_2 }, fs)]);
    wasm.f32(ir!, 1)[0] = 1;
    scaleAt(wasm, ir!, length, 1 / Math.sqrt(e.sumSquares(ir!, length)));
    return wasm.f32(ir!, length).slice();
  });
}

/** Scales in place to unit energy (sum of squares 1) and returns the array. */
function normalizeEnergy(h: Float32Array): Float32Array {
  let e = 0;
  for (let i = 0; i < h.length; i++) e += h[i]! * h[i]!;
  if (e > 0) {
    const g = 1 / Math.sqrt(e);
    for (let i = 0; i < h.length; i++) h[i] = h[i]! * g;
  }
  return h;
}

/**
 * Prepares a user impulse response: drops everything before its largest sample (the direct sound;
 * earlier samples are latency or noise), flips the polarity so that the direct sound is positive,
 * and scales to unit energy. Throws {@link AugmentError} naming the IR for non-finite or silent input.
 */
export function prepareImpulseResponse(samples: Float32Array, name: string): Float32Array {
  let peakAt = -1;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (!Number.isFinite(v)) {
      throw new AugmentError('IR_NOT_FINITE', `expected finite samples in impulse response "${name}", got ${v} at sample ${i}`);
    }
    if (Math.abs(v) > peak) {
      peak = Math.abs(v);
      peakAt = i;
    }
  }
  if (peakAt < 0) throw new AugmentError('IR_EMPTY', `expected a non-silent impulse response "${name}", got ${samples.length} samples of silence`);
  const sign = samples[peakAt]! < 0 ? -1 : 1;
  const out = new Float32Array(samples.length - peakAt);
  for (let i = 0; i < out.length; i++) out[i] = sign * samples[peakAt + i]!;
  return normalizeEnergy(out);
}

/** Options of {@link measureRt60S}. */
export interface Rt60MeasureOptions {
  /** Start of the fit on the Schroeder curve, dB. Default -5. */
  fromDb: number;
  /** End of the fit, dB. Default -25 (T20: the slope over 20 dB, extrapolated to 60). */
  toDb: number;
}

export const DEFAULT_RT60_MEASURE_OPTIONS: Readonly<Rt60MeasureOptions> = Object.freeze({ fromDb: -5, toDb: -25 });

/**
 * Reverberation time of an impulse response by Schroeder backward integration (Schroeder 1965,
 * "New method of measuring reverberation time"; ISO 3382-1): the energy decay curve
 * EDC(t) = sum_{u >= t} h(u)^2 in dB, a least-squares line over [fromDb, toDb], RT60 = -60 / slope.
 * NaN when the curve never falls to `toDb`.
 */
export function measureRt60S(ir: Float32Array, sampleRateHz: number, opts?: Partial<Rt60MeasureOptions>): number {
  const o = { ...DEFAULT_RT60_MEASURE_OPTIONS, ...opts };
  const n = ir.length;
  const edc = new Float64Array(n);
  let acc = 0;
  for (let i = n - 1; i >= 0; i--) {
    acc += ir[i]! * ir[i]!;
    edc[i] = acc;
  }
  if (!(acc > 0)) return NaN;
  const total = acc;
  const toDb = (e: number): number => (10 * detLn(e / total)) / Math.LN10;
  let start = -1;
  let end = -1;
  for (let i = 0; i < n; i++) {
    const db = toDb(edc[i]!);
    if (start < 0 && db <= o.fromDb) start = i;
    if (db <= o.toDb) {
      end = i;
      break;
    }
  }
  if (start < 0 || end <= start) return NaN;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  const count = end - start + 1;
  for (let i = start; i <= end; i++) {
    const x = i / sampleRateHz;
    const y = toDb(edc[i]!);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const slope = (count * sxy - sx * sy) / (count * sxx - sx * sx);
  return slope < 0 ? -60 / slope : NaN;
}

/**
 * The IR actually convolved: (1 - wet) delta + wet ir, cut to `maxLength` taps (later taps only
 * reach samples past the end of a signal that long).
 */
export function mixedRoomIr(ir: Float32Array, wetDry: number, maxLength: number): Float32Array {
  if (!(wetDry >= 0 && wetDry <= 1)) throw new AugmentError('ROOM_WET', `expected wet/dry in [0, 1], got ${wetDry}`);
  const h = ir.slice(0, Math.max(1, Math.min(ir.length, maxLength)));
  for (let i = 0; i < h.length; i++) h[i] = h[i]! * wetDry;
  h[0] = h[0]! + (1 - wetDry);
  return h;
}

/** Convolves the n samples at `ptr` in place with {@link mixedRoomIr}, output truncated to the input length. */
export function applyRoomAt(wasm: SousaWasm, ptr: number, n: number, ir: Float32Array, wetDry: number): void {
  convolveAt(wasm, ptr, n, mixedRoomIr(ir, wetDry, n));
}
