/**
 * Typed view of the augmentation exports of wasm/sousa.wasm (assembly/dsp.ts, fir.ts, degrade.ts).
 * They are not (yet) part of `SousaExports` in src/platform/wasm.ts, so they are looked up here
 * once per instance and checked, with an error that says how to fix a stale build.
 */
import { AugmentError } from '../errors.js';
import type { SousaWasm } from '../platform/wasm.js';

/** Raw augmentation exports. Pointers and sizes are i32; pass f64 where the kernel takes f64. */
export interface AugmentExports {
  scaleInPlace(buf: number, n: number, gain: number): void;
  addScaled(dst: number, src: number, n: number, gain: number): void;
  peakAbs(buf: number, n: number): number;
  peakAbsFinite(buf: number, n: number): number;
  firstNonFinite(buf: number, n: number): number;
  sumSquares(buf: number, n: number): number;
  onePoleLowpass(buf: number, n: number, coeff: number, state: number): void;
  tanhApprox(x: number): number;
  saturateSoft(buf: number, n: number, k: number, bias: number): void;
  saturateHard(buf: number, n: number, preGain: number, threshold: number, mix: number): void;
  fastLog2(x: number): number;
  fastExp2(y: number): number;
  biquadPair(buf: number, n: number, coeffs: number, state: number): void;
  biquadLanes(buf: number, stride: number, steps: number, coeffs: number, state: number, sections: number, store: number): void;
  biquadLanesF32(buf: number, stride: number, steps: number, coeffs: number, state: number, sections: number, store: number): void;
  compressorStateBytes(): number;
  compressorCurveDb(xDb: number, thresholdDb: number, ratio: number, kneeDb: number): number;
  compress(
    buf: number, n: number, thresholdDb: number, ratio: number, kneeDb: number,
    attackCoeff: number, releaseCoeff: number, makeupDb: number, state: number,
  ): void;
  firScratchBytes(nfft: number): number;
  firFromMagnitude(mag: number, nfft: number, taps: number, minimumPhase: number, out: number, scratch: number): number;
  besselI0(x: number): number;
  resampleDesign(coeffs: number, phases: number, taps: number, fc: number, beta: number): number;
  resampleApply(src: number, pad: number, coeffs: number, L: number, M: number, taps: number, dst: number, from: number, to: number): void;
  xoFill(rng: number, out: number, count: number): void;
  irwinHallNormal(a: number, b: number): number;
  fillNormalFast(rng: number, out: number, n: number, sd: number): void;
  addWhiteNoise(rng: number, buf: number, n: number, gain: number): void;
  fillNormalBytes(rng: number, out: number, n: number, sd: number): void;
  decayingNoise(rng: number, out: number, n: number, sd: number, envStart: number, step: number, fadeSamples: number): void;
  pinkStateBytes(): number;
  noisePink(rng: number, state: number, out: number, n: number): void;
  noiseBrown(rng: number, state: number, out: number, n: number, leak: number): void;
  addCrackle(rng: number, state: number, out: number, n: number, probability: number, decay: number, ampLo: number, ampHi: number): void;
  addHum(out: number, n: number, state: number, cyclesPerSample: number, a1: number, a2: number, a3: number): void;
  quantizeTpdf(rng: number, buf: number, n: number, bits: number): void;
  xoJump(rng: number, count: number): void;
  humLanes(out: number, stride: number, steps: number, state: number, coeffs: number, cyclesPerSample: number): void;
}

export const AUGMENT_EXPORT_NAMES = [
  'scaleInPlace',
  'addScaled',
  'peakAbs',
  'peakAbsFinite',
  'firstNonFinite',
  'sumSquares',
  'onePoleLowpass',
  'tanhApprox',
  'saturateSoft',
  'saturateHard',
  'fastLog2',
  'fastExp2',
  'biquadPair',
  'biquadLanes',
  'biquadLanesF32',
  'compressorStateBytes',
  'compressorCurveDb',
  'compress',
  'firScratchBytes',
  'firFromMagnitude',
  'besselI0',
  'resampleDesign',
  'resampleApply',
  'xoFill',
  'irwinHallNormal',
  'fillNormalFast',
  'addWhiteNoise',
  'fillNormalBytes',
  'decayingNoise',
  'pinkStateBytes',
  'noisePink',
  'noiseBrown',
  'addCrackle',
  'addHum',
  'quantizeTpdf',
  'xoJump',
  'humLanes',
] as const satisfies readonly (keyof AugmentExports)[];

const cache = new WeakMap<SousaWasm, AugmentExports>();

/** The augmentation exports of `wasm`; throws {@link AugmentError} when the build predates them. */
export function augmentExports(wasm: SousaWasm): AugmentExports {
  let e = cache.get(wasm);
  if (e === undefined) {
    const raw = wasm.instance.exports as Record<string, unknown>;
    const missing = AUGMENT_EXPORT_NAMES.filter((name) => typeof raw[name] !== 'function');
    if (missing.length > 0) {
      throw new AugmentError(
        'WASM_STALE',
        `expected sousa.wasm to export the augmentation kernels, it lacks ${missing.join(', ')}: run \`npm run build:wasm\``,
      );
    }
    e = raw as unknown as AugmentExports;
    cache.set(wasm, e);
  }
  return e;
}
