/**
 * Microphone stage: the mic type's frequency curve (minimum-phase FIR, so nothing moves earlier
 * than the direct sound), the position's filter and level, proximity effect or distance roll-off,
 * and self-noise (white). Values from SOUSA's mic model (sousa-original.md §5.2). SOUSA applied its
 * 255-tap curve FIR with filtfilt, which doubled every dB value; here the curve is applied once,
 * with 1023 taps so that the 20-200 Hz points are resolved.
 */
import { AugmentError } from '../errors.js';
import { detPow } from '../math/det.js';
import type { SousaWasm } from '../platform/wasm.js';
import {
  BLOCK_SAMPLES,
  biquadAt,
  dbToGain,
  firFromMagnitudeCurve,
  onePoleCoefficient,
  rmsAt,
  scaleAt,
  withStream,
  type MagnitudeCurve,
} from './dsp.js';
import { augmentExports } from './wasm-exports.js';
import { cachedFirSpectrum, convolveIrAt, rbjBiquad, withBlocks, type BiquadCoefficients, type SpectralFir } from './kernels.js';

/** Frequency curves (Hz, dB) of the four microphone types (SOUSA's points). */
export const MIC_CURVES = {
  dynamic: [[20, -6], [80, -3], [200, 0], [1000, 0], [3000, 3], [5000, 2], [8000, 0], [12000, -3], [16000, -8], [20000, -15]],
  condenser: [[20, -3], [50, 0], [200, 0], [1000, 0], [5000, 1], [10000, 2], [15000, 1], [20000, -2]],
  ribbon: [[20, -2], [100, 0], [500, 1], [1000, 0], [3000, -1], [5000, -2], [8000, -4], [12000, -8], [16000, -15], [20000, -25]],
  piezo: [[20, -15], [100, -8], [300, -2], [800, 3], [2000, 5], [4000, 2], [6000, -2], [10000, -8], [16000, -15], [20000, -25]],
} as const satisfies Record<string, MagnitudeCurve>;

export type MicType = keyof typeof MIC_CURVES;
export const MIC_TYPES = Object.keys(MIC_CURVES) as MicType[];

/** Position filters and levels (SOUSA): a low-pass (Butterworth order 2, or one-pole for order 1) and a gain. */
export const MIC_POSITIONS = {
  center: { lowpassHz: null, order: 0, gain: 1 },
  off_axis: { lowpassHz: 10_000, order: 2, gain: 0.95 },
  overhead: { lowpassHz: 5000, order: 1, gain: 0.85 },
  distant: { lowpassHz: 3000, order: 2, gain: 0.6 },
} as const;

export type MicPosition = keyof typeof MIC_POSITIONS;
export const MIC_POSITION_NAMES = Object.keys(MIC_POSITIONS) as MicPosition[];

/** Options of the mic stage. */
export interface MicOptions {
  /** Microphone type (frequency curve). */
  type: MicType;
  /** Position relative to the drum. */
  position: MicPosition;
  /** Distance from the drum head in metres (> 0). */
  distanceM: number;
  /** Seed of the self-noise stream. */
  noiseSeed: bigint;
  /** Sample rate in Hz. Default 44100. */
  sampleRateHz: number;
  /** Self-noise level relative to the signal RMS, dB. Default -80 (SOUSA). */
  selfNoiseDb: number;
  /** Taps of the curve FIR. Default 1023. */
  firTaps: number;
}

export const DEFAULT_MIC_OPTIONS: Readonly<Pick<MicOptions, 'sampleRateHz' | 'selfNoiseDb' | 'firTaps'>> = Object.freeze({
  sampleRateHz: 44_100,
  selfNoiseDb: -80,
  firTaps: 1023,
});

/** Below this distance the proximity effect boosts the lows (SOUSA: 0.3 m). */
export const PROXIMITY_LIMIT_M = 0.3;

const firCache = new Map<string, Float32Array>();

/** The (cached) minimum-phase FIR of a mic type's curve at a sample rate. */
export function micFir(type: MicType, sampleRateHz: number, taps: number, wasm: SousaWasm): Float32Array {
  const key = `${type}/${sampleRateHz}/${taps}`;
  let fir = firCache.get(key);
  if (fir === undefined) {
    let nfft = 1024;
    while (nfft < 16 * taps) nfft *= 2;
    fir = firFromMagnitudeCurve(MIC_CURVES[type], { taps, nfft, phase: 'minimum', sampleRateHz, wasm });
    firCache.set(key, fir);
  }
  return fir;
}

/** Low-shelf boost of the proximity effect at distance d < 0.3 m: (0.3 - d) x 20 dB below 200 Hz. */
export function proximityBoostDb(distanceM: number): number {
  return distanceM < PROXIMITY_LIMIT_M ? (PROXIMITY_LIMIT_M - distanceM) * 20 : 0;
}

/** Distance roll-off at d >= 0.3 m: one-pole low-pass at clamp(20000 / (1 + 2d), 3000, 15000) Hz and gain 1 / (1 + d^1.5). */
export function distanceRollOff(distanceM: number): { lowpassHz: number; gain: number } | null {
  if (distanceM < PROXIMITY_LIMIT_M) return null;
  return {
    lowpassHz: Math.min(15_000, Math.max(3000, 20_000 / (1 + 2 * distanceM))),
    gain: 1 / (1 + detPow(distanceM, 1.5)),
  };
}

function checkMic(opts: MicOptions): void {
  if (!MIC_TYPES.includes(opts.type)) throw new AugmentError('MIC_TYPE', `expected a mic type ${MIC_TYPES.join(' | ')}, got ${String(opts.type)}`);
  if (MIC_POSITIONS[opts.position] === undefined) {
    throw new AugmentError('MIC_POSITION', `expected a mic position ${MIC_POSITION_NAMES.join(' | ')}, got ${String(opts.position)}`);
  }
  if (!(opts.distanceM > 0 && opts.distanceM <= 100)) throw new AugmentError('MIC_DISTANCE', `expected a mic distance in (0, 100] m, got ${opts.distanceM}`);
}

/**
 * Taps the mic filter adds to the curve FIR for the IIR filters' responses: the longest of them,
 * the 200 Hz shelf, has decayed by more than 140 dB after 1024 samples.
 */
export const MIC_IIR_TAIL_TAPS = 1024;

/** Number of taps of {@link micFilter}: firTaps + {@link MIC_IIR_TAIL_TAPS}. */
export function micFilterLength(opts: Pick<MicOptions, 'firTaps'>): number {
  if (!(Number.isInteger(opts.firTaps) && opts.firTaps >= 1)) throw new AugmentError('MIC_FIR_TAPS', `expected firTaps to be a positive integer, got ${opts.firTaps}`);
  return opts.firTaps + MIC_IIR_TAIL_TAPS;
}

/**
 * The linear part of the mic as one minimum-phase FIR: the type's curve FIR, then the position's
 * low-pass, the proximity shelf or the distance roll-off, and their gains, all applied to the FIR
 * itself (firTaps + 1024 taps, see {@link MIC_IIR_TAIL_TAPS}). A cascade of minimum-phase filters
 * is minimum phase, so the result keeps every onset on its sample; running the IIR filters on 2k
 * taps instead of on the signal saves a pass over the audio per filter.
 */
export function micFilter(wasm: SousaWasm, opts: MicOptions): Float32Array {
  checkMic(opts);
  const length = micFilterLength(opts);
  return withBlocks(wasm, [length * 4], ([ptr]) => {
    micFilterAt(wasm, ptr!, length, opts);
    return wasm.f32(ptr!, length).slice();
  });
}

/**
 * {@link micFilter} written to the `length` f32 at `ptr` in module memory (the caller allocated
 * them; `length` must be {@link micFilterLength}), the same bits, no copy out.
 */
export function micFilterAt(wasm: SousaWasm, ptr: number, length: number, opts: MicOptions): void {
  checkMic(opts);
  if (length !== micFilterLength(opts)) {
    throw new AugmentError('MIC_FILTER_LENGTH', `expected a block of ${micFilterLength(opts)} samples for the mic filter (micFilterLength), got ${length}`);
  }
  // Designed (and cached) before the view below: the first design allocates in module memory.
  const curve = micFir(opts.type, opts.sampleRateHz, opts.firTaps, wasm);
  const h = wasm.f32(ptr, length);
  h.fill(0);
  h.set(curve);
  applyMicIirAt(wasm, ptr, length, opts);
}

/** A one-pole low-pass y += a (x - y) as a biquad section (b0 = a, a1 = a - 1), so it can share biquadAt's paths. */
function onePoleSection(cutoffHz: number, sampleRateHz: number): BiquadCoefficients {
  const a = onePoleCoefficient(cutoffHz, sampleRateHz);
  return { b0: a, b1: 0, b2: 0, a1: a - 1, a2: 0 };
}

/**
 * The mic's filters other than the curve FIR, in place on `length` f32 at `ptr`: the position's
 * low-pass, the proximity shelf or the distance roll-off (one-pole low-passes as first-order
 * sections), and their gains. Linear and time-invariant, so they may run on the curve FIR (as
 * {@link micFilterAt} does) or on anything else the curve will be convolved with.
 */
export function applyMicIirAt(wasm: SousaWasm, ptr: number, length: number, opts: MicOptions): void {
  checkMic(opts);
  const fs = opts.sampleRateHz;
  const position = MIC_POSITIONS[opts.position];
  const sections: BiquadCoefficients[] = [];
  let gain: number = position.gain;
  if (position.lowpassHz !== null) {
    const fc = Math.min(position.lowpassHz, 0.45 * fs);
    sections.push(position.order === 1 ? onePoleSection(fc, fs) : rbjBiquad({ type: 'lowpass', frequencyHz: fc, q: Math.SQRT1_2 }, fs));
  }
  const boost = proximityBoostDb(opts.distanceM);
  if (boost > 0) sections.push(rbjBiquad({ type: 'lowshelf', frequencyHz: 200, q: Math.SQRT1_2, gainDb: boost }, fs));
  const roll = distanceRollOff(opts.distanceM);
  if (roll !== null) {
    sections.push(onePoleSection(Math.min(roll.lowpassHz, 0.45 * fs), fs));
    gain *= roll.gain;
  }
  biquadAt(wasm, ptr, length, sections);
  scaleAt(wasm, ptr, length, gain);
}

/** The mic curve FIR's spectrum at `fftSize`, for {@link convolveIrAt}'s `fir` (cached per instance). */
export function micCurveSpectralFir(wasm: SousaWasm, opts: MicOptions): SpectralFir {
  const fs = opts.sampleRateHz;
  return {
    taps: opts.firTaps,
    spectrum: (fftSize) => cachedFirSpectrum(wasm, `mic/${opts.type}/${fs}/${opts.firTaps}`, micFir(opts.type, fs, opts.firTaps, wasm), fftSize),
  };
}

/**
 * Adds the mic's self-noise in place: white Gaussian noise (a capsule's and preamp's thermal noise
 * is white; SOUSA used pink) at `selfNoiseDb` relative to the signal's RMS, generated and added in
 * one pass (the generator has unit variance, so its RMS need not be measured).
 */
export function addSelfNoiseAt(wasm: SousaWasm, ptr: number, n: number, opts: MicOptions): void {
  const rms = rmsAt(wasm, ptr, n);
  if (!(rms > 0) || !Number.isFinite(opts.selfNoiseDb)) return;
  const e = augmentExports(wasm);
  const gain = rms * dbToGain(opts.selfNoiseDb);
  withStream(wasm, opts.noiseSeed, (rng) => {
    for (let o = 0; o < n; o += BLOCK_SAMPLES) e.addWhiteNoise(rng, ptr + o * 4, Math.min(BLOCK_SAMPLES, n - o), gain);
  });
}

/** Runs the mic stage in place on the n samples at `ptr`: {@link micFilterAt}, then {@link addSelfNoiseAt}. */
export function applyMicAt(wasm: SousaWasm, ptr: number, n: number, opts: MicOptions): void {
  const length = micFilterLength(opts);
  withBlocks(wasm, [length * 4], ([h]) => {
    micFilterAt(wasm, h!, length, opts);
    convolveIrAt(wasm, ptr, n, h!, length);
  });
  addSelfNoiseAt(wasm, ptr, n, opts);
}
