/**
 * Degradation stage: additive noise at an SNR relative to the signal's RMS (SOUSA's
 * `noise_level_db`, e.g. -45 = noise RMS 45 dB below the signal RMS), optional sample-rate
 * reduction (down and back up, linear phase: nothing moves), then bit-depth reduction with TPDF
 * dither at a -1 dBFS recording level. SOUSA's wow/flutter is not implemented: it warps time and
 * the labels would no longer match the audio (DESIGN decision 3).
 */
import { AugmentError } from '../errors.js';
import type { SousaWasm } from '../platform/wasm.js';
import {
  NOISE_TYPES,
  addScaledAt,
  dbToGain,
  generateNoiseAt,
  peakNormalizeAt,
  quantizeAt,
  reduceSampleRateAt,
  rmsAt,
  type NoiseType,
} from './dsp.js';
import { withBlocks } from './kernels.js';

/** Options of the degradation stage. */
export interface DegradeOptions {
  /** Additive noise, or null for none. */
  noise: { type: NoiseType; levelDb: number } | null;
  /** Target sample rate of the sample-rate reduction in Hz, or null for none. */
  reducedSampleRateHz: number | null;
  /** Bits per sample after reduction (2-24), or null for none. */
  bitDepth: number | null;
  /** Seed of the noise stream. */
  noiseSeed: bigint;
  /** Seed of the dither stream. */
  ditherSeed: bigint;
  /** Sample rate in Hz. */
  sampleRateHz: number;
}

/** Level the signal is recorded at before bit-depth reduction, dBFS peak. */
export const RECORDING_PEAK_DB = -1;

/** Runs the degradation stage in place. Returns the noise gain applied (0 without noise). */
export function applyDegradeAt(wasm: SousaWasm, ptr: number, n: number, opts: DegradeOptions): number {
  const fs = opts.sampleRateHz;
  let noiseGain = 0;
  if (opts.noise !== null) {
    const { type, levelDb } = opts.noise;
    if (!NOISE_TYPES.includes(type)) throw new AugmentError('NOISE_TYPE', `expected a noise type ${NOISE_TYPES.join(' | ')}, got ${String(type)}`);
    if (!(levelDb >= -140 && levelDb <= 20)) throw new AugmentError('NOISE_LEVEL', `expected a noise level in [-140, 20] dB re signal RMS, got ${levelDb}`);
    const signalRms = rmsAt(wasm, ptr, n);
    if (signalRms > 0) {
      withBlocks(wasm, [n * 4], ([noise]) => {
        generateNoiseAt(wasm, noise!, n, type, { streamSeed: opts.noiseSeed, sampleRateHz: fs, humHz: 60, popsPerSecond: 10 });
        const noiseRms = rmsAt(wasm, noise!, n);
        if (noiseRms > 0) {
          noiseGain = (signalRms * dbToGain(levelDb)) / noiseRms;
          addScaledAt(wasm, ptr, noise!, n, noiseGain);
        }
      });
    }
  }
  if (opts.reducedSampleRateHz !== null) reduceSampleRateAt(wasm, ptr, n, fs, opts.reducedSampleRateHz);
  if (opts.bitDepth !== null) {
    peakNormalizeAt(wasm, ptr, n, RECORDING_PEAK_DB);
    quantizeAt(wasm, ptr, n, opts.bitDepth, opts.ditherSeed);
  }
  return noiseGain;
}
