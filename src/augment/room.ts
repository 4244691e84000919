/**
 * Room stage: an impulse response per room type, built from that room's own RT60, early-reflection
 * spacing and pre-delay (SOUSA's table, sousa-original.md §5.2; in SOUSA every room got the same
 * IR, §13 item 4), or a user impulse response; then convolution with a wet/dry mix.
 *
 * Invariant: the direct sound is at index 0 of every IR and the pre-delay delays only the
 * reflections, so a stroke's onset stays on its sample (labels stay true).
 *
 * The chain builds the IRs in module memory (`...At` forms) and combines room and mic there
 * ({@link applyRoomMicFilterAt}): no copies out, no per-tap JavaScript loops; the typed-array forms
 * (`roomImpulseResponse`, `mixedRoomIr`) give the same bits.
 */
import { AugmentError } from '../errors.js';
import { detExp, detLn } from '../math/det.js';
import type { SousaWasm } from '../platform/wasm.js';
import type { Rng } from '../random/index.js';
import { biquadAt, scaleAt } from './dsp.js';
import { convolveIrAt, rbjBiquad, withBlocks } from './kernels.js';
import { MIC_IIR_TAIL_TAPS, applyMicIirAt, micCurveSpectralFir, micFilterAt, micFilterLength, type MicOptions } from './mic.js';
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

/** What the synthesis of a room's IR needs besides the draws: the options, RT60 and length. */
interface RoomIrPlan {
  readonly room: RoomType;
  readonly o: RoomIrOptions;
  readonly rt60: number;
  readonly preSamples: number;
  readonly length: number;
}

function roomIrPlan(roomType: RoomTypeName, opts: Partial<RoomIrOptions> | undefined): RoomIrPlan {
  const room: RoomType | undefined = ROOM_TYPES[roomType];
  if (room === undefined) {
    throw new AugmentError('ROOM_TYPE', `expected a room type ${ROOM_TYPE_NAMES.join(' | ')}, got ${String(roomType)}`);
  }
  const o = { ...DEFAULT_ROOM_IR_OPTIONS, ...opts };
  const rt60 = o.rt60S ?? room.rt60S;
  const fs = o.sampleRateHz;
  if (!(rt60 >= 0.02 && rt60 <= 20)) throw new AugmentError('ROOM_RT60', `expected rt60S in [0.02, 20] s, got ${rt60} (room ${roomType})`);
  const preSamples = Math.round((room.preDelayMs * fs) / 1000);
  const length = preSamples + Math.ceil(o.lengthRt60 * rt60 * fs) + 1;
  return { room, o, rt60, preSamples, length };
}

/** Number of taps of {@link roomImpulseResponse} for these options (what {@link roomImpulseResponseAt} fills). */
export function roomImpulseResponseLength(roomType: RoomTypeName, opts?: Partial<RoomIrOptions>): number {
  return roomIrPlan(roomType, opts).length;
}

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
  const length = roomImpulseResponseLength(roomType, opts);
  return withBlocks(wasm, [length * 4], ([ir]) => {
    roomImpulseResponseAt(wasm, ir!, length, roomType, rng, opts);
    return wasm.f32(ir!, length).slice();
  });
}

/**
 * {@link roomImpulseResponse} written to the `length` f32 at `ptr` in module memory (the caller
 * allocated them; `length` must be {@link roomImpulseResponseLength} for the same options), the
 * same bits, no copy out.
 */
export function roomImpulseResponseAt(
  wasm: SousaWasm,
  ptr: number,
  length: number,
  roomType: RoomTypeName,
  rng: Rng,
  opts?: Partial<RoomIrOptions>,
): void {
  const { room, o, rt60, preSamples, length: want } = roomIrPlan(roomType, opts);
  if (length !== want) {
    throw new AugmentError('ROOM_IR_LENGTH', `expected a block of ${want} samples for the ${roomType} IR (roomImpulseResponseLength), got ${length}`);
  }
  const fs = o.sampleRateHz;
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
  withBlocks(wasm, [wasm.exports.rngStateBytes()], ([state]) => {
    // Diffuse tail: decaying Gaussian noise from the pre-delay on (index 0 is the direct sound's alone).
    wasm.exports.rngInitSeed(state!, tailSeed);
    const tailStart = Math.max(1, preSamples);
    wasm.f32(ptr, tailStart).fill(0);
    e.decayingNoise(state!, ptr + tailStart * 4, length - tailStart, o.tailLevel, envAt(tailStart), step, fadeSamples);
  });
  const h = wasm.f32(ptr, length);
  for (const r of reflections) h[r.at] = h[r.at]! + r.amp;
  // Air absorption on the reverberant part only; causal, and h[0] is still 0 here.
  biquadAt(wasm, ptr, length, [rbjBiquad({ type: 'lowpass', frequencyHz: Math.min(o.lowpassHz, 0.45 * fs), q: Math.SQRT1_2 }, fs)]);
  wasm.f32(ptr, 1)[0] = 1;
  scaleAt(wasm, ptr, length, 1 / Math.sqrt(e.sumSquares(ptr, length)));
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

/** Number of taps of the IR actually convolved with a signal of `maxLength` samples (later taps only reach samples past its end). */
export function mixedRoomIrLength(irLength: number, maxLength: number): number {
  return Math.max(1, Math.min(irLength, maxLength));
}

function checkWetDry(wetDry: number): void {
  if (!(wetDry >= 0 && wetDry <= 1)) throw new AugmentError('ROOM_WET', `expected wet/dry in [0, 1], got ${wetDry}`);
}

/**
 * The IR actually convolved: (1 - wet) delta + wet ir, cut to `maxLength` taps (later taps only
 * reach samples past the end of a signal that long). The taps are scaled by wet rounded to f32,
 * as {@link mixRoomIrAt} does in module memory, so both give the same bits.
 */
export function mixedRoomIr(ir: Float32Array, wetDry: number, maxLength: number): Float32Array {
  checkWetDry(wetDry);
  const h = ir.slice(0, mixedRoomIrLength(ir.length, maxLength));
  const wet = Math.fround(wetDry);
  for (let i = 0; i < h.length; i++) h[i] = h[i]! * wet;
  h[0] = h[0]! + (1 - wetDry);
  return h;
}

/** {@link mixedRoomIr} in place on the `taps` f32 of an IR at `ptr` in module memory (cut it by passing fewer taps). */
export function mixRoomIrAt(wasm: SousaWasm, ptr: number, taps: number, wetDry: number): void {
  checkWetDry(wetDry);
  if (!(Number.isInteger(taps) && taps >= 1)) throw new AugmentError('ROOM_IR_LENGTH', `expected an IR of at least 1 tap, got ${taps}`);
  // scaleInPlace multiplies in f32: the product of two f32 rounded once, as mixedRoomIr's f64 product of the same two.
  scaleAt(wasm, ptr, taps, wetDry);
  const h0 = wasm.f32(ptr, 1);
  h0[0] = h0[0]! + (1 - wetDry);
}

/**
 * Convolves the n samples at `ptr` in place with {@link mixedRoomIr}, output truncated to the input
 * length; the IR is copied into module memory once and mixed there.
 */
export function applyRoomAt(wasm: SousaWasm, ptr: number, n: number, ir: Float32Array, wetDry: number): void {
  checkWetDry(wetDry);
  if (n === 0) return;
  if (ir.length === 0) throw new AugmentError('CONVOLVE_EMPTY', 'expected a non-empty impulse response, got 0 samples');
  const taps = mixedRoomIrLength(ir.length, n);
  withBlocks(wasm, [taps * 4], ([h]) => {
    wasm.f32(h!, taps).set(ir.subarray(0, taps));
    mixRoomIrAt(wasm, h!, taps, wetDry);
    convolveIrAt(wasm, ptr, n, h!, taps);
  });
}

/** The room part of {@link applyRoomMicFilterAt}: a synthetic room, built from the rest of its stream (`rng`), or a prepared user IR. */
export type RoomIrSource =
  | {
      readonly kind: 'synthetic';
      readonly type: RoomTypeName;
      readonly rng: Rng;
      readonly rt60S: number;
      readonly sampleRateHz: number;
      readonly wetDry: number;
    }
  | { readonly kind: 'user'; readonly samples: Float32Array; readonly wetDry: number };

/**
 * Convolves the n samples at `ptr` in place with the room's IR mixed with `wetDry` (when there is a
 * room) and the mic's filter, without leaving module memory. Without a room: the mic filter
 * ({@link micFilterAt}). With one: the room IR (synthesised there, or a user IR, prepared by
 * {@link prepareImpulseResponse}, copied in once) is mixed in place and cut to n taps (later taps
 * only reach samples past the end), extended by the mic IIR filters' tails and run through them
 * ({@link applyMicIirAt}: all linear and time-invariant, so they may act on the room IR instead of
 * the mic's own FIR), and the mic's curve FIR joins as a cached spectrum multiplied in at the
 * overlap-add's FFT size: no separate room x mic convolution.
 */
export function applyRoomMicFilterAt(wasm: SousaWasm, ptr: number, n: number, room: RoomIrSource | null, mic: MicOptions): void {
  if (room !== null) checkWetDry(room.wetDry);
  if (room?.kind === 'user' && room.samples.length === 0) throw new AugmentError('CONVOLVE_EMPTY', 'expected a non-empty impulse response, got 0 samples');
  if (n === 0) return;
  if (room === null) {
    const micLength = micFilterLength(mic);
    withBlocks(wasm, [micLength * 4], ([micIr]) => {
      micFilterAt(wasm, micIr!, micLength, mic);
      convolveIrAt(wasm, ptr, n, micIr!, micLength);
    });
    return;
  }
  const roomOpts = room.kind === 'synthetic' ? { rt60S: room.rt60S, sampleRateHz: room.sampleRateHz } : undefined;
  const roomLength = room.kind === 'synthetic' ? roomImpulseResponseLength(room.type, roomOpts) : room.samples.length;
  const taps = mixedRoomIrLength(roomLength, n);
  const shaped = taps + MIC_IIR_TAIL_TAPS;
  // A synthetic IR is built whole (its energy normalisation sees every tap), then cut by the mix.
  withBlocks(wasm, [Math.max(roomLength, shaped) * 4], ([ir]) => {
    if (room.kind === 'synthetic') roomImpulseResponseAt(wasm, ir!, roomLength, room.type, room.rng, roomOpts);
    else wasm.f32(ir!, taps).set(room.samples.subarray(0, taps));
    mixRoomIrAt(wasm, ir!, taps, room.wetDry);
    wasm.f32(ir! + taps * 4, shaped - taps).fill(0);
    applyMicIirAt(wasm, ir!, shaped, mic);
    convolveIrAt(wasm, ptr, n, ir!, shaped, 0, micCurveSpectralFir(wasm, mic));
  });
}
