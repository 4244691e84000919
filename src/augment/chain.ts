/**
 * Recording chain: gain staging, preamp (saturation by type), compressor, EQ (SOUSA's order,
 * sousa-original.md §5.2). Every filter is causal (RBJ biquads, Butterworth Q): SOUSA's zero-phase
 * filtfilt EQ put filter ringing before the onsets; here nothing precedes the direct sound.
 *
 * Gain staging: the chain input is scaled to a -1 dBFS peak first, as an engineer sets the preamp
 * gain, so drive and compressor threshold act the same whatever the soundfont's level.
 */
import { AugmentError } from '../errors.js';
import { detLn } from '../math/det.js';
import type { SousaWasm } from '../platform/wasm.js';
import { augmentExports } from './wasm-exports.js';
import { BLOCK_SAMPLES, biquadAt, compressAt, peakNormalizeAt } from './dsp.js';
import { rbjBiquad, type BiquadCoefficients } from './kernels.js';

/**
 * Preamp models (SOUSA's four types; the curves are ours, SOUSA's description in brackets):
 * - clean: symmetric tanh, k = 0.3 drive [tanh soft clip at drive x 0.3]; drive 0 is transparent.
 * - warm: asymmetric tanh, k = 4 drive, bias 0.1, plus a peaking bump of 20 log10(1 + drive) dB at
 *   200 Hz, Q 0.7 (one octave either side) [asymmetric tanh plus a 100-400 Hz bump].
 * - aggressive: hard clip of (1 + 2 drive) x at 1 - 0.7 drive, blended min(1, 0.5 + drive) wet
 *   [hard clip at 1 - 0.7 drive of x (1 + 2 drive), mixed].
 * - vintage: symmetric tanh, k = 3 drive, then a Butterworth high-pass at 80 Hz [soft clip + 80 Hz HP].
 */
export const PREAMP_TYPES = ['clean', 'warm', 'aggressive', 'vintage'] as const;
export type PreampType = (typeof PREAMP_TYPES)[number];

/** Options of the chain stage. */
export interface ChainOptions {
  /** Preamp type. */
  preamp: PreampType;
  /** Preamp drive, 0..1. */
  drive: number;
  /** Compressor, or null when off. Knee, attack, release and makeup as in SOUSA (6 dB, 10 ms, 100 ms, 0 dB). */
  compressor: { ratio: number; thresholdDb: number } | null;
  /** EQ high-pass corner in Hz (Butterworth, 12 dB/octave). */
  highpassHz: number;
  /** EQ low-pass corner in Hz (Butterworth, 12 dB/octave). */
  lowpassHz: number;
  /** Sample rate in Hz. */
  sampleRateHz: number;
}

/** Compressor settings SOUSA fixes for every preset. */
export const CHAIN_COMPRESSOR_DEFAULTS = Object.freeze({ kneeDb: 6, attackMs: 10, releaseMs: 100, makeupDb: 0 });

/** Peak level the chain input is staged to, dBFS. */
export const CHAIN_INPUT_PEAK_DB = -1;

function butterworth(type: 'lowpass' | 'highpass', hz: number, fs: number): BiquadCoefficients {
  return rbjBiquad({ type, frequencyHz: hz, q: Math.SQRT1_2 }, fs);
}

/** Runs the preamp in place. */
export function applyPreampAt(wasm: SousaWasm, ptr: number, n: number, type: PreampType, drive: number, fs: number): void {
  if (!PREAMP_TYPES.includes(type)) throw new AugmentError('PREAMP_TYPE', `expected a preamp type ${PREAMP_TYPES.join(' | ')}, got ${String(type)}`);
  if (!(drive >= 0 && drive <= 1)) throw new AugmentError('PREAMP_DRIVE', `expected a preamp drive in [0, 1], got ${drive}`);
  const e = augmentExports(wasm);
  const each = (fn: (p: number, c: number) => void): void => {
    for (let o = 0; o < n; o += BLOCK_SAMPLES) fn(ptr + o * 4, Math.min(BLOCK_SAMPLES, n - o));
  };
  switch (type) {
    case 'clean':
      each((p, c) => e.saturateSoft(p, c, 0.3 * drive, 0));
      break;
    case 'warm':
      each((p, c) => e.saturateSoft(p, c, 4 * drive, 0.1));
      if (drive > 0) {
        const bumpDb = (20 * detLn(1 + drive)) / Math.LN10;
        biquadAt(wasm, ptr, n, [rbjBiquad({ type: 'peaking', frequencyHz: 200, q: 0.7, gainDb: bumpDb }, fs)]);
      }
      break;
    case 'aggressive':
      each((p, c) => e.saturateHard(p, c, 1 + 2 * drive, 1 - 0.7 * drive, Math.min(1, 0.5 + drive)));
      break;
    case 'vintage':
      each((p, c) => e.saturateSoft(p, c, 3 * drive, 0));
      biquadAt(wasm, ptr, n, [butterworth('highpass', 80, fs)]);
      break;
  }
}

/** Runs the chain stage in place: gain staging, preamp, compressor, EQ. */
export function applyChainAt(wasm: SousaWasm, ptr: number, n: number, opts: ChainOptions): void {
  const fs = opts.sampleRateHz;
  if (!(opts.highpassHz > 0 && opts.lowpassHz > opts.highpassHz && opts.lowpassHz < fs / 2)) {
    throw new AugmentError(
      'EQ_RANGE',
      `expected 0 < highpassHz < lowpassHz < ${fs / 2} Hz, got ${opts.highpassHz} and ${opts.lowpassHz}`,
    );
  }
  peakNormalizeAt(wasm, ptr, n, CHAIN_INPUT_PEAK_DB);
  applyPreampAt(wasm, ptr, n, opts.preamp, opts.drive, fs);
  const eq = [butterworth('highpass', opts.highpassHz, fs), butterworth('lowpass', opts.lowpassHz, fs)] as const;
  if (opts.compressor !== null) compressAt(wasm, ptr, n, { ...CHAIN_COMPRESSOR_DEFAULTS, ...opts.compressor, sampleRateHz: fs });
  biquadAt(wasm, ptr, n, eq);
}
