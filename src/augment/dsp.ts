/**
 * TypeScript front end of the augmentation kernels (assembly/dsp.ts, fir.ts, degrade.ts):
 * compressor, saturators, one-pole smoothing, FIR from a magnitude curve, FIR filtering with exact
 * delay compensation, rational resampling and sample-rate reduction, TPDF bit-depth reduction,
 * noise generators, gain and peak normalisation.
 *
 * Two layers:
 * - `...At(wasm, ptr, n, …)` work in place on `n` f32 samples the caller allocated in module memory;
 *   the stages chain them on one buffer, copying in once and out once.
 * - The typed-array functions (`compress`, `softSaturate`, …) copy in, call the `...At` form and
 *   copy out; they are the public kernel API and what the tests measure.
 * Long loops run in blocks (many short wasm calls) so V8 tiers the code up; every state that must
 * survive a block boundary lives in module memory. Coefficients are computed here in f64 with the
 * deterministic functions of src/math/det.ts, so every runtime feeds the kernels the same bits.
 */
import { AugmentError } from '../errors.js';
import { detCos, detExp, detLn, detPow, detSin } from '../math/det.js';
import type { SousaWasm } from '../platform/wasm.js';
import {
  convolveIrAt,
  planFor,
  wasmFor,
  withBlocks,
  rbjBiquad,
  type BiquadCoefficients,
  type KernelOptions,
} from './kernels.js';
import { augmentExports, type AugmentExports } from './wasm-exports.js';

/** Samples per wasm call for the sample-wise kernels. */
export const BLOCK_SAMPLES = 65_536;

function bad(code: string, message: string): never {
  throw new AugmentError(code, message);
}

function finiteIn(value: number, lo: number, hi: number, field: string, where: string): void {
  if (!(Number.isFinite(value) && value >= lo && value <= hi)) {
    bad('KERNEL_OPTIONS', `expected ${field} in [${lo}, ${hi}], got ${value} (in ${where})`);
  }
}

/** 10^(db / 20). */
export function dbToGain(db: number): number {
  return detPow(10, db / 20);
}

/** 20 log10(gain); -Infinity for 0. */
export function gainToDb(gain: number): number {
  return (20 * detLn(gain)) / Math.LN10;
}

/**
 * Copies `signal` into module memory, checks that it is finite (NaN or Infinity would silently
 * spread through every recursive filter), runs `body` on it in place and returns the result.
 */
function inPlace(wasm: SousaWasm, signal: Float32Array, where: string, body: (ptr: number, n: number) => void): Float32Array {
  const n = signal.length;
  if (n === 0) return new Float32Array(0);
  return withBlocks(wasm, [n * 4], ([ptr]) => {
    wasm.f32(ptr!, n).set(signal);
    const bad = firstNonFiniteAt(wasm, ptr!, n);
    if (bad >= 0) throw new AugmentError('KERNEL_NOT_FINITE', `expected finite samples, got ${signal[bad]} at index ${bad} (in ${where})`);
    body(ptr!, n);
    return wasm.f32(ptr!, n).slice();
  });
}

function blocks(n: number, body: (offset: number, count: number) => void): void {
  for (let start = 0; start < n; start += BLOCK_SAMPLES) body(start, Math.min(BLOCK_SAMPLES, n - start));
}

// ---------------------------------------------------------------------------------------------
// Gain, scans, mixing

/** buf *= gain, in place. */
export function scaleAt(wasm: SousaWasm, ptr: number, n: number, gain: number): void {
  const e = augmentExports(wasm);
  blocks(n, (o, c) => e.scaleInPlace(ptr + o * 4, c, gain));
}

/** dst += gain * src, in place on dst. */
export function addScaledAt(wasm: SousaWasm, dst: number, src: number, n: number, gain: number): void {
  const e = augmentExports(wasm);
  blocks(n, (o, c) => e.addScaled(dst + o * 4, src + o * 4, c, gain));
}

/** max |x| of finite data (NaN is skipped: check with firstNonFiniteAt where input may be bad). */
export function peakAbsAt(wasm: SousaWasm, ptr: number, n: number): number {
  return maxOverBlocks(ptr, n, augmentExports(wasm).peakAbs);
}

/** The largest of `kernel`'s results over the blocks of n f32 at ptr (NaN if any is NaN), 0 for none. */
function maxOverBlocks(ptr: number, n: number, kernel: (buf: number, count: number) => number): number {
  let peak = 0;
  blocks(n, (o, c) => {
    peak = Math.max(peak, kernel(ptr + o * 4, c));
  });
  return peak;
}

/** Root mean square (f64 accumulation); 0 for an empty buffer. */
export function rmsAt(wasm: SousaWasm, ptr: number, n: number): number {
  if (n === 0) return 0;
  const e = augmentExports(wasm);
  let sum = 0;
  blocks(n, (o, c) => {
    sum += e.sumSquares(ptr + o * 4, c);
  });
  return Math.sqrt(sum / n);
}

/** max |x|, or NaN when a sample is NaN or infinite (one pass for both; find it with firstNonFiniteAt). */
export function peakAbsFiniteAt(wasm: SousaWasm, ptr: number, n: number): number {
  return maxOverBlocks(ptr, n, augmentExports(wasm).peakAbsFinite);
}

/** Index of the first NaN/Infinity, or -1. */
export function firstNonFiniteAt(wasm: SousaWasm, ptr: number, n: number): number {
  const e = augmentExports(wasm);
  let found = -1;
  for (let start = 0; start < n && found < 0; start += BLOCK_SAMPLES) {
    const i = e.firstNonFinite(ptr + start * 4, Math.min(BLOCK_SAMPLES, n - start));
    if (i >= 0) found = start + i;
  }
  return found;
}

/** Multiplies `signal` by `gain`. */
export function applyGain(signal: Float32Array, gain: number, opts?: KernelOptions): Float32Array {
  const wasm = wasmFor(opts, 'applyGain');
  finiteIn(gain, -1e9, 1e9, 'gain', 'applyGain');
  return inPlace(wasm, signal, 'applyGain', (p, n) => scaleAt(wasm, p, n, gain));
}

/** Options of {@link peakNormalize}. */
export interface PeakNormalizeOptions extends KernelOptions {
  /** Target peak in dBFS. Default -1. */
  peakDb: number;
}

export const DEFAULT_PEAK_NORMALIZE_OPTIONS: Readonly<Omit<PeakNormalizeOptions, 'wasm'>> = Object.freeze({ peakDb: -1 });

/** Scales in place so that max |x| is 10^(peakDb/20); silence is left as is. Returns the gain used. */
export function peakNormalizeAt(wasm: SousaWasm, ptr: number, n: number, peakDb: number): number {
  const peak = peakAbsAt(wasm, ptr, n);
  if (!(peak > 0 && Number.isFinite(peak))) return 1;
  const gain = dbToGain(peakDb) / peak;
  scaleAt(wasm, ptr, n, gain);
  return gain;
}

/** Scales `signal` so that its peak is `peakDb` dBFS (default -1). */
export function peakNormalize(signal: Float32Array, opts?: Partial<PeakNormalizeOptions>): Float32Array {
  const wasm = wasmFor(opts, 'peakNormalize');
  const peakDb = opts?.peakDb ?? DEFAULT_PEAK_NORMALIZE_OPTIONS.peakDb;
  finiteIn(peakDb, -200, 0, 'peakDb', 'peakNormalize');
  return inPlace(wasm, signal, 'peakNormalize', (p, n) => peakNormalizeAt(wasm, p, n, peakDb));
}

// ---------------------------------------------------------------------------------------------
// Filters

/**
 * Runs a biquad cascade in place (zero initial state), sections two at a time. Short signals (and
 * filters whose memory is too long for it) go through the serial kernels (`biquadPair`,
 * `biquadCascade` for an odd last section); from {@link BIQUAD_LANES_MIN_SAMPLES} on, the signal
 * is split into four segments filtered side by side (`biquadLanes`), each segment's lane warmed up
 * on the samples before it. The two paths agree to float rounding (f64 arithmetic, f32 samples:
 * at most about one f32 step apart). `precision` 'f32' lets long signals run the four lanes in
 * f32 (`biquadLanesF32`, about twice as fast): for noise beds, not for the audio path.
 */
export function biquadAt(
  wasm: SousaWasm,
  ptr: number,
  n: number,
  sections: readonly BiquadCoefficients[],
  precision: BiquadPrecision = 'f64',
): void {
  if (sections.length === 0 || n === 0) return;
  const e = augmentExports(wasm);
  withBlocks(wasm, [80, 128, 32], ([coeffs, lanes, state]) => {
    for (let s = 0; s < sections.length; s += 2) {
      const group = sections.slice(s, s + 2);
      const c = wasm.f64(coeffs!, 10);
      group.forEach((q, i) => c.set([q.b0, q.b1, q.b2, q.a1, q.a2], i * 5));
      const len = Math.floor(n / 4);
      const warmUp = warmUpSamples(group, precision);
      if (n >= BIQUAD_LANES_MIN_SAMPLES && warmUp <= len) {
        biquadLanesAt(wasm, e, ptr, n, group.length, warmUp, coeffs!, lanes!, state!, precision);
        continue;
      }
      wasm.f64(state!, 4).fill(0);
      if (group.length === 2) blocks(n, (o, k) => e.biquadPair(ptr + o * 4, k, coeffs!, state!));
      else blocks(n, (o, k) => wasm.exports.biquadCascade(ptr + o * 4, k, coeffs!, state!, 1));
    }
  });
}

/** Arithmetic of biquadAt's four-lane path. */
export type BiquadPrecision = 'f64' | 'f32';

/** Signals at least this long are filtered as four parallel segments (see {@link biquadAt}). */
export const BIQUAD_LANES_MIN_SAMPLES = 16_384;

/**
 * What a segment's warm-up may leave of the unknown state before it, relative to that state: the
 * zero-input response decays as |pole|^W (times the filter's gain from state to output, at most a
 * few hundred for the lowest corners we use), so 1e-16 keeps the difference from the serial result
 * below one f32 step of the signal (1e-10 for the f32 lanes, whose own rounding is larger).
 */
const WARM_UP_DECAY = { f64: 1e-16, f32: 1e-10 } as const;

/** Largest pole radius of 1 + a1 z^-1 + a2 z^-2. */
function poleRadius(a1: number, a2: number): number {
  const disc = a1 * a1 - 4 * a2;
  if (disc < 0) return Math.sqrt(a2);
  const root = Math.sqrt(disc);
  return Math.max(Math.abs((-a1 + root) / 2), Math.abs((-a1 - root) / 2));
}

/** Warm-up length in samples for the sections (Infinity when a pole is not inside the unit circle). */
function warmUpSamples(group: readonly BiquadCoefficients[], precision: BiquadPrecision): number {
  const r = Math.max(...group.map((q) => poleRadius(q.a1, q.a2)));
  if (!(r < 1)) return Infinity;
  if (r === 0) return 2 * group.length;
  // Two sections can share a pole (a double pole decays as k r^k): a small margin covers the k.
  return Math.ceil(detLn(WARM_UP_DECAY[precision]) / detLn(r)) + 64;
}

/**
 * The four-segment path of biquadAt for 1 or 2 sections (coefficients already at `coeffs`):
 * segments [kL, (k+1)L) for k < 3 and [3L, n). Lane 0 starts from the zero state at sample 0 (the
 * true state); lanes 1..3 first run without storing over the `warmUp` samples before their
 * segments, then all four filter their segments in place; the last n - 4L samples continue lane 3
 * serially (in f64).
 */
function biquadLanesAt(
  wasm: SousaWasm,
  e: AugmentExports,
  ptr: number,
  n: number,
  sectionCount: number,
  warmUp: number,
  coeffs: number,
  lanes: number,
  state: number,
  precision: BiquadPrecision,
): void {
  const len = Math.floor(n / 4);
  const stride = len * 4;
  const kernel = precision === 'f64' ? e.biquadLanes : e.biquadLanesF32;
  const view = (): Float64Array | Float32Array => (precision === 'f64' ? wasm.f64(lanes, 16) : wasm.f32(lanes, 16));
  view().fill(0);
  // Warm-up: call lane j runs over the W samples before segment j + 1 (the fourth reads the end
  // of segment 3 and is discarded); nothing is stored, so every lane reads the original input.
  for (let from = 0; from < warmUp; from += LANE_STEPS_PER_CALL) {
    kernel(ptr + (len - warmUp + from) * 4, stride, Math.min(LANE_STEPS_PER_CALL, warmUp - from), coeffs, lanes, sectionCount, 0);
  }
  const l = view();
  for (let s = 0; s < sectionCount; s++) {
    for (const z of [s * 8, s * 8 + 4]) {
      l[z + 3] = l[z + 2]!;
      l[z + 2] = l[z + 1]!;
      l[z + 1] = l[z]!;
      l[z] = 0;
    }
  }
  for (let from = 0; from < len; from += LANE_STEPS_PER_CALL) {
    kernel(ptr + from * 4, stride, Math.min(LANE_STEPS_PER_CALL, len - from), coeffs, lanes, sectionCount, 1);
  }
  const tail = n - 4 * len;
  if (tail > 0) {
    const end = view();
    const z = wasm.f64(state, 4);
    for (let s = 0; s < sectionCount; s++) {
      z[2 * s] = end[s * 8 + 3]!;
      z[2 * s + 1] = end[s * 8 + 7]!;
    }
    wasm.exports.biquadCascade(ptr + 4 * len * 4, tail, coeffs, state, sectionCount);
  }
}

/** Steps of the four segments per biquadLanes call (short calls let V8 tier the kernel up). */
const LANE_STEPS_PER_CALL = 16_384;

/** Coefficient of a one-pole low-pass at `cutoffHz`: 1 - exp(-2 pi fc / fs). */
export function onePoleCoefficient(cutoffHz: number, sampleRateHz: number): number {
  return 1 - detExp((-2 * Math.PI * cutoffHz) / sampleRateHz);
}

/** One-pole low-pass in place (zero initial state). */
export function onePoleLowpassAt(wasm: SousaWasm, ptr: number, n: number, cutoffHz: number, sampleRateHz: number): void {
  const e = augmentExports(wasm);
  const coeff = onePoleCoefficient(cutoffHz, sampleRateHz);
  withBlocks(wasm, [8], ([state]) => {
    wasm.f64(state!, 1)[0] = 0;
    blocks(n, (o, c) => e.onePoleLowpass(ptr + o * 4, c, coeff, state!));
  });
}

/** Options of {@link onePoleLowpass}. */
export interface OnePoleOptions extends KernelOptions {
  /** Cutoff in Hz, in (0, sampleRateHz / 2). Default 1000. */
  cutoffHz: number;
  /** Sample rate in Hz. Default 44100. */
  sampleRateHz: number;
}

export const DEFAULT_ONE_POLE_OPTIONS: Readonly<Omit<OnePoleOptions, 'wasm'>> = Object.freeze({
  cutoffHz: 1000,
  sampleRateHz: 44_100,
});

/** First-order (6 dB/octave) smoothing low-pass: y += a (x - y), a = 1 - exp(-2 pi fc / fs). */
export function onePoleLowpass(signal: Float32Array, opts?: Partial<OnePoleOptions>): Float32Array {
  const o = { ...DEFAULT_ONE_POLE_OPTIONS, ...opts };
  const wasm = wasmFor(opts, 'onePoleLowpass');
  finiteIn(o.sampleRateHz, 1000, 1e6, 'sampleRateHz', 'onePoleLowpass');
  finiteIn(o.cutoffHz, 1e-3, o.sampleRateHz / 2, 'cutoffHz', 'onePoleLowpass');
  return inPlace(wasm, signal, 'onePoleLowpass', (p, n) => onePoleLowpassAt(wasm, p, n, o.cutoffHz, o.sampleRateHz));
}

// ---------------------------------------------------------------------------------------------
// Saturation

/** Options of {@link softSaturate}. */
export interface SoftSaturationOptions extends KernelOptions {
  /** Drive factor k >= 0: the curve saturates at about 1/k; 0 leaves the signal unchanged. Default 1. */
  k: number;
  /** Input bias before the tanh; non-zero makes the curve asymmetric (even harmonics). Default 0. */
  bias: number;
}

export const DEFAULT_SOFT_SATURATION_OPTIONS: Readonly<Omit<SoftSaturationOptions, 'wasm'>> = Object.freeze({ k: 1, bias: 0 });

/**
 * Soft saturation y = (tanh(k (x + bias)) - tanh(k bias)) / (k (1 - tanh(k bias)^2)): unity gain
 * and zero output for small signals, saturating smoothly.
 */
export function softSaturate(signal: Float32Array, opts?: Partial<SoftSaturationOptions>): Float32Array {
  const o = { ...DEFAULT_SOFT_SATURATION_OPTIONS, ...opts };
  const wasm = wasmFor(opts, 'softSaturate');
  finiteIn(o.k, 0, 100, 'k', 'softSaturate');
  finiteIn(o.bias, -1, 1, 'bias', 'softSaturate');
  const e = augmentExports(wasm);
  return inPlace(wasm, signal, 'softSaturate', (p, n) => blocks(n, (off, c) => e.saturateSoft(p + off * 4, c, o.k, o.bias)));
}

/** Options of {@link hardSaturate}. */
export interface HardSaturationOptions extends KernelOptions {
  /** Gain before the clipper. Default 1. */
  preGain: number;
  /** Clip level (> 0). Default 1. */
  threshold: number;
  /** Share of the clipped signal in the output, 0..1. Default 1. */
  mix: number;
}

export const DEFAULT_HARD_SATURATION_OPTIONS: Readonly<Omit<HardSaturationOptions, 'wasm'>> = Object.freeze({
  preGain: 1,
  threshold: 1,
  mix: 1,
});

/** Hard clipping with a dry/wet blend: y = (1 - mix) x + mix clamp(preGain x, -threshold, threshold). */
export function hardSaturate(signal: Float32Array, opts?: Partial<HardSaturationOptions>): Float32Array {
  const o = { ...DEFAULT_HARD_SATURATION_OPTIONS, ...opts };
  const wasm = wasmFor(opts, 'hardSaturate');
  finiteIn(o.preGain, 0, 1e6, 'preGain', 'hardSaturate');
  finiteIn(o.threshold, 1e-9, 1e6, 'threshold', 'hardSaturate');
  finiteIn(o.mix, 0, 1, 'mix', 'hardSaturate');
  const e = augmentExports(wasm);
  return inPlace(wasm, signal, 'hardSaturate', (p, n) => blocks(n, (off, c) => e.saturateHard(p + off * 4, c, o.preGain, o.threshold, o.mix)));
}

// ---------------------------------------------------------------------------------------------
// Compressor

/** Options of {@link compress}. */
export interface CompressorOptions extends KernelOptions {
  /** Threshold in dBFS. Default -18. */
  thresholdDb: number;
  /** Compression ratio >= 1 (input dB over threshold per output dB). Default 2. */
  ratio: number;
  /** Width of the soft knee in dB, centred on the threshold; 0 for a hard knee. Default 6. */
  kneeDb: number;
  /** Attack time constant in ms (gain reduction reaches 63 % of a step). Default 10. */
  attackMs: number;
  /** Release time constant in ms. Default 100. */
  releaseMs: number;
  /** Gain added after compression, in dB. Default 0. */
  makeupDb: number;
  /** Sample rate in Hz. Default 44100. */
  sampleRateHz: number;
}

export const DEFAULT_COMPRESSOR_OPTIONS: Readonly<Omit<CompressorOptions, 'wasm'>> = Object.freeze({
  thresholdDb: -18,
  ratio: 2,
  kneeDb: 6,
  attackMs: 10,
  releaseMs: 100,
  makeupDb: 0,
  sampleRateHz: 44_100,
});

function checkCompressor(o: Omit<CompressorOptions, 'wasm'>): void {
  const where = 'compressor options';
  finiteIn(o.thresholdDb, -120, 0, 'thresholdDb', where);
  finiteIn(o.ratio, 1, 1000, 'ratio', where);
  finiteIn(o.kneeDb, 0, 48, 'kneeDb', where);
  finiteIn(o.attackMs, 0.01, 10_000, 'attackMs', where);
  finiteIn(o.releaseMs, 0.01, 10_000, 'releaseMs', where);
  finiteIn(o.makeupDb, -60, 60, 'makeupDb', where);
  finiteIn(o.sampleRateHz, 1000, 1e6, 'sampleRateHz', where);
}

/** Compresses in place (fresh detector state). */
export function compressAt(wasm: SousaWasm, ptr: number, n: number, opts: Omit<CompressorOptions, 'wasm'>): void {
  checkCompressor(opts);
  const e = augmentExports(wasm);
  const attack = detExp(-1000 / (opts.attackMs * opts.sampleRateHz));
  const release = detExp(-1000 / (opts.releaseMs * opts.sampleRateHz));
  withBlocks(wasm, [e.compressorStateBytes()], ([state]) => {
    wasm.f64(state!, 1)[0] = 0;
    blocks(n, (o, c) =>
      e.compress(ptr + o * 4, c, opts.thresholdDb, opts.ratio, opts.kneeDb, attack, release, opts.makeupDb, state!),
    );
  });
}

/**
 * Feed-forward compressor with its detector in the dB domain (Giannoulis, Massberg & Reiss 2012):
 * soft-knee static curve, attack/release smoothing of the gain reduction (at an eighth of the
 * sample rate, see the `compress` kernel in assembly/dsp.ts), makeup gain.
 */
export function compress(signal: Float32Array, opts?: Partial<CompressorOptions>): Float32Array {
  const o = { ...DEFAULT_COMPRESSOR_OPTIONS, ...opts };
  const wasm = wasmFor(opts, 'compress');
  return inPlace(wasm, signal, 'compress', (p, n) => compressAt(wasm, p, n, o));
}

// ---------------------------------------------------------------------------------------------
// FIR from a magnitude curve

/** A magnitude curve: (frequency Hz, gain dB) points with increasing frequency. */
export type MagnitudeCurve = readonly (readonly [frequencyHz: number, gainDb: number])[];

/**
 * The curve's gain in dB at `frequencyHz`: linear in log-frequency between points (the points of a
 * microphone chart are spaced by octaves, and its lines are straight on the chart's log axis),
 * constant beyond the first and last points.
 */
export function magnitudeCurveDb(curve: MagnitudeCurve, frequencyHz: number): number {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (first === undefined || last === undefined) bad('FIR_CURVE', 'expected a magnitude curve with at least one point, got none');
  if (frequencyHz <= first[0]) return first[1];
  if (frequencyHz >= last[0]) return last[1];
  for (let i = 1; i < curve.length; i++) {
    const [fb, db] = curve[i]!;
    if (frequencyHz <= fb) {
      const [fa, da] = curve[i - 1]!;
      const t = (detLn(frequencyHz) - detLn(fa)) / (detLn(fb) - detLn(fa));
      return da + t * (db - da);
    }
  }
  return last[1];
}

/** How {@link firFromMagnitudeCurve} places the phase. */
export const FIR_PHASES = ['linear', 'minimum'] as const;
export type FirPhase = (typeof FIR_PHASES)[number];

/** Options of {@link firFromMagnitudeCurve}. */
export interface FirDesignOptions extends KernelOptions {
  /** Number of taps; odd for linear phase. Default 1023 (resolution about 43 Hz at 44.1 kHz). */
  taps: number;
  /** Frequency grid size, a power of two >= 8 x taps (cepstral aliasing). Default 16384. */
  nfft: number;
  /** 'minimum' (causal, no delay, energy at the start) or 'linear' (delay (taps - 1) / 2). Default 'minimum'. */
  phase: FirPhase;
  /** Sample rate in Hz. Default 44100. */
  sampleRateHz: number;
}

export const DEFAULT_FIR_DESIGN_OPTIONS: Readonly<Omit<FirDesignOptions, 'wasm'>> = Object.freeze({
  taps: 1023,
  nfft: 16_384,
  phase: 'minimum',
  sampleRateHz: 44_100,
});

/**
 * Frequency-sampling design: the curve is sampled on nfft/2 + 1 bins, turned into an impulse
 * response (linear phase: Hann-windowed; minimum phase: homomorphic method, tapered by a half
 * Hann window) and returned as `taps` f32 coefficients.
 */
export function firFromMagnitudeCurve(curve: MagnitudeCurve, opts?: Partial<FirDesignOptions>): Float32Array {
  const o = { ...DEFAULT_FIR_DESIGN_OPTIONS, ...opts };
  const wasm = wasmFor(opts, 'firFromMagnitudeCurve');
  const where = 'firFromMagnitudeCurve';
  if (!FIR_PHASES.includes(o.phase)) bad('KERNEL_OPTIONS', `expected phase ${FIR_PHASES.join(' | ')}, got ${String(o.phase)} (in ${where})`);
  if (!Number.isInteger(o.taps) || o.taps < 1 || (o.phase === 'linear' && o.taps % 2 === 0)) {
    bad('KERNEL_OPTIONS', `expected taps to be a positive integer${o.phase === 'linear' ? ', odd for linear phase' : ''}, got ${o.taps} (in ${where})`);
  }
  if (!Number.isInteger(o.nfft) || o.nfft < 8 * o.taps || (o.nfft & (o.nfft - 1)) !== 0 || o.nfft > 1 << 22) {
    bad('KERNEL_OPTIONS', `expected nfft to be a power of two >= 8 x taps (${8 * o.taps}), got ${o.nfft} (in ${where})`);
  }
  finiteIn(o.sampleRateHz, 1000, 1e6, 'sampleRateHz', where);
  for (let i = 0; i < curve.length; i++) {
    const [f, db] = curve[i]!;
    const prev = i > 0 ? curve[i - 1]![0] : 0;
    if (!(Number.isFinite(f) && f > prev && Number.isFinite(db) && Math.abs(db) <= 120)) {
      bad('FIR_CURVE', `expected curve point ${i} to have a frequency above ${prev} Hz and a gain within +-120 dB, got (${f}, ${db}) (in ${where})`);
    }
  }
  const half = o.nfft / 2;
  const e = augmentExports(wasm);
  return withBlocks(wasm, [(half + 1) * 8, o.taps * 4, e.firScratchBytes(o.nfft)], ([mag, out, scratch]) => {
    const m = wasm.f64(mag!, half + 1);
    for (let k = 0; k <= half; k++) m[k] = dbToGain(magnitudeCurveDb(curve, (k * o.sampleRateHz) / o.nfft));
    const rc = e.firFromMagnitude(mag!, o.nfft, o.taps, o.phase === 'minimum' ? 1 : 0, out!, scratch!);
    if (rc !== 0) bad('KERNEL_OPTIONS', `firFromMagnitude rejected taps ${o.taps}, nfft ${o.nfft} (in ${where})`);
    return wasm.f32(out!, o.taps).slice();
  });
}

/**
 * Convolves the `n` samples at `ptr` with `ir` in place, keeping outputs [delay, delay + n) of the
 * full convolution: delay 0 for causal filters (the output is truncated to the input's length),
 * (taps - 1) / 2 for a linear-phase FIR (exact compensation of its delay).
 */
export function convolveAt(wasm: SousaWasm, ptr: number, n: number, ir: Float32Array, delay = 0): void {
  if (n === 0) return;
  if (ir.length === 0) bad('CONVOLVE_EMPTY', 'expected a non-empty impulse response, got 0 samples');
  withBlocks(wasm, [ir.length * 4], ([irPtr]) => {
    wasm.f32(irPtr!, ir.length).set(ir);
    convolveIrAt(wasm, ptr, n, irPtr!, ir.length, delay);
  });
}

/** Options of {@link applyFir}. */
export interface ApplyFirOptions extends KernelOptions {
  /** Output samples dropped from the start: (taps - 1) / 2 undoes a linear-phase FIR's delay. Default 0. */
  delaySamples: number;
}

export const DEFAULT_APPLY_FIR_OPTIONS: Readonly<Omit<ApplyFirOptions, 'wasm'>> = Object.freeze({ delaySamples: 0 });

/** Filters `signal` with `taps`, output as long as the input, shifted back by `delaySamples`. */
export function applyFir(signal: Float32Array, taps: Float32Array, opts?: Partial<ApplyFirOptions>): Float32Array {
  const wasm = wasmFor(opts, 'applyFir');
  const delay = opts?.delaySamples ?? DEFAULT_APPLY_FIR_OPTIONS.delaySamples;
  return inPlace(wasm, signal, 'applyFir', (p, n) => convolveAt(wasm, p, n, taps, delay));
}

// ---------------------------------------------------------------------------------------------
// Resampling

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Options of {@link resample} and {@link reduceSampleRate}. */
export interface ResampleOptions extends KernelOptions {
  /** Stopband attenuation in dB of the Kaiser-windowed sinc. Default 90. */
  stopbandDb: number;
  /** Passband edge as a fraction of the lower rate's Nyquist; the stopband starts at that Nyquist. Default 0.8. */
  passbandFraction: number;
}

export const DEFAULT_RESAMPLE_OPTIONS: Readonly<Omit<ResampleOptions, 'wasm'>> = Object.freeze({
  stopbandDb: 90,
  passbandFraction: 0.8,
});

/** Largest number of polyphase rows a design may have (rates whose ratio reduces to more are refused). */
export const MAX_RESAMPLE_PHASES = 4096;

interface ResampleDesign {
  /** Output j sits at input position j M / L. */
  readonly L: number;
  readonly M: number;
  readonly taps: number;
  /** Pointer to L rows of `taps` f32 (never freed: cached per instance like FFT plans). */
  readonly coeffs: number;
}

const designs = new WeakMap<SousaWasm, Map<string, ResampleDesign>>();

/** Polyphase design converting fromHz -> toHz (cached). Kaiser (1974) formulas for beta and length. */
function resampleDesignFor(wasm: SousaWasm, fromHz: number, toHz: number, o: Omit<ResampleOptions, 'wasm'>): ResampleDesign {
  const key = `${fromHz}/${toHz}/${o.stopbandDb}/${o.passbandFraction}`;
  let byKey = designs.get(wasm);
  if (byKey === undefined) {
    byKey = new Map();
    designs.set(wasm, byKey);
  }
  const cached = byKey.get(key);
  if (cached !== undefined) return cached;
  const g = gcd(fromHz, toHz);
  const L = toHz / g;
  const M = fromHz / g;
  if (L > MAX_RESAMPLE_PHASES) {
    bad('RESAMPLE_RATE', `expected a rate ratio with at most ${MAX_RESAMPLE_PHASES} phases, got ${fromHz} -> ${toHz} Hz (${L}/${M}); pick a rate sharing a larger divisor with ${fromHz}`);
  }
  const lowHz = Math.min(fromHz, toHz);
  // Transition band from passbandFraction x low Nyquist to the low Nyquist; the -6 dB point in its middle.
  const stopHz = lowHz / 2;
  const passHz = stopHz * o.passbandFraction;
  const fc = (passHz + stopHz) / 2 / fromHz; // cycles per input sample
  const a = o.stopbandDb;
  const beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? 0.5842 * detPow(a - 21, 0.4) + 0.07886 * (a - 21) : 0;
  const deltaW = (2 * Math.PI * (stopHz - passHz)) / fromHz;
  const length = Math.ceil((a - 8) / (2.285 * deltaW)) + 1;
  const taps = Math.max(8, Math.ceil(length / 4) * 4);
  const e = augmentExports(wasm);
  const coeffs = wasm.alloc(L * taps * 4);
  if (e.resampleDesign(coeffs, L, taps, fc, beta) !== 0) {
    wasm.free(coeffs);
    bad('RESAMPLE_RATE', `resampleDesign rejected ${fromHz} -> ${toHz} Hz (taps ${taps}, fc ${fc})`);
  }
  const d: ResampleDesign = { L, M, taps, coeffs };
  byKey.set(key, d);
  return d;
}

/** Number of output samples when `n` input samples are converted fromHz -> toHz: ceil(n L / M). */
export function resampledLength(n: number, fromHz: number, toHz: number): number {
  const g = gcd(fromHz, toHz);
  return Math.ceil((n * (toHz / g)) / (fromHz / g));
}

/** Resamples the n samples at `src` into `outLength` samples at `dst` (separate buffers). */
function resampleAt(wasm: SousaWasm, src: number, n: number, dst: number, outLength: number, d: ResampleDesign): void {
  const e = augmentExports(wasm);
  const pad = d.taps;
  withBlocks(wasm, [(n + 2 * pad + 8) * 4], ([padded]) => {
    const v = wasm.f32(padded!, n + 2 * pad + 8);
    v.fill(0);
    v.set(wasm.f32(src, n), pad);
    const chunk = Math.max(256, Math.floor((1 << 21) / d.taps));
    for (let from = 0; from < outLength; from += chunk) {
      e.resampleApply(padded!, pad, d.coeffs, d.L, d.M, d.taps, dst, from, Math.min(outLength, from + chunk));
    }
  });
}

function checkRate(hz: number, field: string, where: string): void {
  if (!(Number.isInteger(hz) && hz >= 1000 && hz <= 768_000)) bad('RESAMPLE_RATE', `expected ${field} to be an integer 1000-768000 Hz, got ${hz} (in ${where})`);
}

function resolveResample(opts: Partial<ResampleOptions> | undefined, where: string): Omit<ResampleOptions, 'wasm'> {
  const o = { ...DEFAULT_RESAMPLE_OPTIONS, ...opts };
  finiteIn(o.stopbandDb, 21, 150, 'stopbandDb', where);
  finiteIn(o.passbandFraction, 0.5, 0.98, 'passbandFraction', where);
  return o;
}

/**
 * Converts `signal` from fromHz to toHz with a linear-phase (zero-delay) Kaiser-windowed sinc:
 * output j is centred exactly on input position j fromHz / toHz, so nothing moves in time.
 */
export function resample(signal: Float32Array, fromHz: number, toHz: number, opts?: Partial<ResampleOptions>): Float32Array {
  const where = 'resample';
  const wasm = wasmFor(opts, where);
  checkRate(fromHz, 'fromHz', where);
  checkRate(toHz, 'toHz', where);
  if (fromHz === toHz || signal.length === 0) return signal.slice();
  const d = resampleDesignFor(wasm, fromHz, toHz, resolveResample(opts, where));
  const n = signal.length;
  const outLength = resampledLength(n, fromHz, toHz);
  return withBlocks(wasm, [n * 4, outLength * 4], ([src, dst]) => {
    wasm.f32(src!, n).set(signal);
    const badAt = firstNonFiniteAt(wasm, src!, n);
    if (badAt >= 0) bad('KERNEL_NOT_FINITE', `expected finite samples, got ${signal[badAt]} at index ${badAt} (in ${where})`);
    resampleAt(wasm, src!, n, dst!, outLength, d);
    return wasm.f32(dst!, outLength).slice();
  });
}

/**
 * Sample-rate reduction in place: down to `targetHz` and back up to `sampleRateHz` with the
 * linear-phase resampler, so the length and every event's position are unchanged and only the band
 * above targetHz / 2 is lost (no aliasing: the stopband starts at targetHz / 2).
 */
export function reduceSampleRateAt(
  wasm: SousaWasm,
  ptr: number,
  n: number,
  sampleRateHz: number,
  targetHz: number,
  opts?: Partial<ResampleOptions>,
): void {
  const where = 'reduceSampleRate';
  checkRate(sampleRateHz, 'sampleRateHz', where);
  checkRate(targetHz, 'targetHz', where);
  if (targetHz >= sampleRateHz) bad('RESAMPLE_RATE', `expected targetHz below ${sampleRateHz}, got ${targetHz} (in ${where})`);
  if (n === 0) return;
  const o = resolveResample(opts, where);
  const down = resampleDesignFor(wasm, sampleRateHz, targetHz, o);
  const up = resampleDesignFor(wasm, targetHz, sampleRateHz, o);
  const low = resampledLength(n, sampleRateHz, targetHz);
  withBlocks(wasm, [low * 4], ([lowPtr]) => {
    resampleAt(wasm, ptr, n, lowPtr!, low, down);
    resampleAt(wasm, lowPtr!, low, ptr, n, up);
  });
}

/** {@link reduceSampleRateAt} on a typed array. */
export function reduceSampleRate(
  signal: Float32Array,
  sampleRateHz: number,
  targetHz: number,
  opts?: Partial<ResampleOptions>,
): Float32Array {
  const wasm = wasmFor(opts, 'reduceSampleRate');
  return inPlace(wasm, signal, 'reduceSampleRate', (p, n) => reduceSampleRateAt(wasm, p, n, sampleRateHz, targetHz, opts));
}

// ---------------------------------------------------------------------------------------------
// Seeded streams in module memory

/** Runs `body` with a random-stream state in module memory initialised from a stream seed (`rng.seed`). */
export function withStream<T>(wasm: SousaWasm, streamSeed: bigint, body: (state: number) => T): T {
  return withBlocks(wasm, [wasm.exports.rngStateBytes()], ([state]) => {
    wasm.exports.rngInitSeed(state!, BigInt.asUintN(64, streamSeed));
    return body(state!);
  });
}

// ---------------------------------------------------------------------------------------------
// Bit depth

/** Options of {@link quantize}. */
export interface QuantizeOptions extends KernelOptions {
  /** Bits per sample, 2..24: 2^bits - 1 levels in [-1, 1]. Default 16. */
  bits: number;
  /** Seed of the dither stream (`rngFor(seed, key).seed`). Default 0n. */
  streamSeed: bigint;
}

export const DEFAULT_QUANTIZE_OPTIONS: Readonly<Omit<QuantizeOptions, 'wasm'>> = Object.freeze({ bits: 16, streamSeed: 0n });

/** TPDF-dithered bit-depth reduction in place (input clipped to [-1, 1] by the quantiser). */
export function quantizeAt(wasm: SousaWasm, ptr: number, n: number, bits: number, streamSeed: bigint): void {
  if (!(Number.isInteger(bits) && bits >= 2 && bits <= 24)) bad('KERNEL_OPTIONS', `expected bits to be an integer 2-24, got ${bits} (in quantize)`);
  const e = augmentExports(wasm);
  withStream(wasm, streamSeed, (rng) => blocks(n, (o, c) => e.quantizeTpdf(rng, ptr + o * 4, c, bits)));
}

/** Bit-depth reduction with TPDF dither (±1 step), values on the grid k / (2^(bits-1) - 1). */
export function quantize(signal: Float32Array, opts?: Partial<QuantizeOptions>): Float32Array {
  const o = { ...DEFAULT_QUANTIZE_OPTIONS, ...opts };
  const wasm = wasmFor(opts, 'quantize');
  return inPlace(wasm, signal, 'quantize', (p, n) => quantizeAt(wasm, p, n, o.bits, o.streamSeed));
}

// ---------------------------------------------------------------------------------------------
// Noise

/** Noise types of the degradation stage (SOUSA's names). */
export const NOISE_TYPES = ['white', 'pink', 'brown', 'hvac', 'room_tone', 'tape_hiss', 'vinyl'] as const;
export type NoiseType = (typeof NOISE_TYPES)[number];

/** Options of {@link generateNoise}. */
export interface NoiseOptions extends KernelOptions {
  /** Seed of the noise stream (`rngFor(seed, key).seed`). Default 0n. */
  streamSeed: bigint;
  /** Sample rate in Hz. Default 44100. */
  sampleRateHz: number;
  /** Mains frequency of the hvac hum in Hz. Default 60. */
  humHz: number;
  /** Vinyl pops per second. Default 10. */
  popsPerSecond: number;
}

export const DEFAULT_NOISE_OPTIONS: Readonly<Omit<NoiseOptions, 'wasm'>> = Object.freeze({
  streamSeed: 0n,
  sampleRateHz: 44_100,
  humHz: 60,
  popsPerSecond: 10,
});

function lowpass(fc: number, fs: number): BiquadCoefficients {
  return rbjBiquad({ type: 'lowpass', frequencyHz: fc, q: Math.SQRT1_2 }, fs);
}

function highpass(fc: number, fs: number): BiquadCoefficients {
  return rbjBiquad({ type: 'highpass', frequencyHz: fc, q: Math.SQRT1_2 }, fs);
}

/**
 * Fills the n samples at `ptr` with noise of `type`, at an arbitrary level (callers scale by RMS):
 * - white: Gaussian (Irwin-Hall, see assembly/degrade.ts); pink: Voss-McCartney, 16 rows;
 *   brown: leaky integral of white (corner 5 Hz);
 * - hvac: 60/120/180 Hz hum at 0.3/0.1/0.05 with random phases, plus pink noise low-passed at
 *   500 Hz at one fifth of the hum's RMS;
 * - room_tone: pink band-passed 100-4000 Hz; tape_hiss: white through two 2 kHz Butterworth
 *   high-pass sections (24 dB/octave);
 * - vinyl: brown noise plus pops (popsPerSecond, 0.3 ms decay) 2-8x the brown RMS.
 * Every draw comes from the stream `streamSeed`, in one fixed order.
 */
export function generateNoiseAt(wasm: SousaWasm, ptr: number, n: number, type: NoiseType, opts: Omit<NoiseOptions, 'wasm'>): void {
  if (!NOISE_TYPES.includes(type)) bad('NOISE_TYPE', `expected a noise type ${NOISE_TYPES.join(' | ')}, got ${String(type)}`);
  const fs = opts.sampleRateHz;
  finiteIn(fs, 8000, 768_000, 'sampleRateHz', 'generateNoise');
  if (n === 0) return;
  const e = augmentExports(wasm);
  withStream(wasm, opts.streamSeed, (rng) => {
    withBlocks(wasm, [e.pinkStateBytes(), type === 'hvac' ? n * 4 : 4], ([st, tmp]) => {
      wasm.u8(st!, e.pinkStateBytes()).fill(0);
      const pink = (dst: number): void => {
        wasm.u8(st!, e.pinkStateBytes()).fill(0);
        blocks(n, (o, c) => e.noisePink(rng, st!, dst + o * 4, c));
      };
      const brown = (dst: number): void => {
        wasm.f64(st!, 1)[0] = 0;
        const leak = detExp((-2 * Math.PI * 5) / fs);
        blocks(n, (o, c) => e.noiseBrown(rng, st!, dst + o * 4, c, leak));
      };
      switch (type) {
        case 'white':
          blocks(n, (o, c) => e.fillNormalFast(rng, ptr + o * 4, c, 1));
          break;
        case 'pink':
          pink(ptr);
          break;
        case 'brown':
          brown(ptr);
          break;
        case 'room_tone':
          pink(ptr);
          biquadAt(wasm, ptr, n, [highpass(100, fs), lowpass(Math.min(4000, 0.45 * fs), fs)], 'f32');
          break;
        case 'tape_hiss':
          blocks(n, (o, c) => e.fillNormalFast(rng, ptr + o * 4, c, 1));
          biquadAt(wasm, ptr, n, [highpass(2000, fs), highpass(2000, fs)], 'f32');
          break;
        case 'hvac': {
          // A pink bed low-passed at 500 Hz under a three-harmonic hum; the hum's start phases are
          // the three draws after the bed's n.
          pink(tmp!);
          biquadAt(wasm, tmp!, n, [lowpass(500, fs)], 'f32');
          const phases = [0, 1, 2].map(() => 2 * Math.PI * wasm.exports.rngFloat(rng));
          const amps = [0.3, 0.1, 0.05] as const;
          humAt(wasm, ptr, n, { cyclesPerSample: opts.humHz / fs, amplitudes: amps, phases });
          const humRms = Math.sqrt((amps[0] * amps[0] + amps[1] * amps[1] + amps[2] * amps[2]) / 2);
          const bed = rmsAt(wasm, tmp!, n);
          if (bed > 0) addScaledAt(wasm, ptr, tmp!, n, humRms / 5 / bed);
          break;
        }
        case 'vinyl': {
          brown(ptr);
          const r = rmsAt(wasm, ptr, n);
          if (r > 0) scaleAt(wasm, ptr, n, 1 / r);
          wasm.f64(st!, 1)[0] = 0;
          const decay = detExp(-1 / (0.0003 * fs));
          blocks(n, (o, c) => e.addCrackle(rng, st!, ptr + o * 4, c, opts.popsPerSecond / fs, decay, 2, 8));
          break;
        }
      }
    });
  });
}

/** A hum: its fundamental in cycles per sample, and amplitude and start phase (radians) of harmonics 1..3. */
export interface HumSpec {
  cyclesPerSample: number;
  amplitudes: readonly [number, number, number];
  phases: readonly number[];
}

/**
 * Writes the hum sum_h amp_h cos(2 pi h f t + phase_h), h = 1..3, to the n samples at `ptr`: the
 * harmonics come from powers of one rotating phasor (f64). When the period is a whole number of
 * samples, one period is computed and copied; otherwise long signals run as four segments side by
 * side (`humLanes`), each phasor started at its segment's exact phase, and short ones serially
 * (`addHum`).
 */
export function humAt(wasm: SousaWasm, ptr: number, n: number, hum: HumSpec): void {
  const e = augmentExports(wasm);
  const { cyclesPerSample: f, amplitudes: amps, phases } = hum;
  const serial = (at: number, count: number, re: number, im: number): void =>
    withBlocks(wasm, [64], ([st]) => {
      const s = wasm.f64(st!, 8);
      s.set([re, im]);
      phases.forEach((phase, h) => s.set([detCos(phase), detSin(phase)], 2 + 2 * h));
      wasm.f32(at, count).fill(0);
      blocks(count, (o, c) => e.addHum(at + o * 4, c, st!, f, amps[0], amps[1], amps[2]));
    });
  // A whole number of samples per period (60 Hz at 44.1 or 48 kHz): one period, then copies.
  const period = Math.round(1 / f);
  if (Math.abs(period * f - 1) < 1e-12 && period * 2 <= n) {
    humAt(wasm, ptr, period, hum);
    const y = wasm.f32(ptr, n);
    for (let filled = period; filled < n; filled *= 2) y.copyWithin(filled, 0, Math.min(filled, n - filled));
    return;
  }
  const len = Math.floor(n / 4);
  if (n < BIQUAD_LANES_MIN_SAMPLES) {
    serial(ptr, n, 1, 0);
    return;
  }
  withBlocks(wasm, [64, 48], ([st, co]) => {
    const turn = (k: number): number => 2 * Math.PI * ((k * len * f) % 1);
    const s = wasm.f64(st!, 8);
    for (let k = 0; k < 4; k++) {
      s[k] = detCos(turn(k));
      s[4 + k] = detSin(turn(k));
    }
    wasm.f64(co!, 6).set(phases.flatMap((phase, h) => [amps[h]! * detCos(phase), amps[h]! * detSin(phase)]));
    for (let from = 0; from < len; from += LANE_STEPS_PER_CALL) {
      e.humLanes(ptr + from * 4, len * 4, Math.min(LANE_STEPS_PER_CALL, len - from), st!, co!, f);
    }
    const end = wasm.f64(st!, 8);
    if (n > 4 * len) serial(ptr + 4 * len * 4, n - 4 * len, end[3]!, end[7]!);
  });
}

/** `length` samples of noise of `type` (see {@link generateNoiseAt}), scaled to unit RMS. */
export function generateNoise(type: NoiseType, length: number, opts?: Partial<NoiseOptions>): Float32Array {
  const o = { ...DEFAULT_NOISE_OPTIONS, ...opts };
  const wasm = wasmFor(opts, 'generateNoise');
  if (!(Number.isInteger(length) && length >= 0)) bad('KERNEL_OPTIONS', `expected a length >= 0, got ${length} (in generateNoise)`);
  if (length === 0) return new Float32Array(0);
  return withBlocks(wasm, [length * 4], ([p]) => {
    generateNoiseAt(wasm, p!, length, type, o);
    const r = rmsAt(wasm, p!, length);
    if (r > 0) scaleAt(wasm, p!, length, 1 / r);
    return wasm.f32(p!, length).slice();
  });
}
