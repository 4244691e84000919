/**
 * Typed-array front end of the DSP kernels in wasm/sousa.wasm (assembly/fft.ts, convolve.ts,
 * biquad.ts): real FFT, convolution (direct or FFT overlap-add), biquad cascades, and the RBJ
 * "Audio EQ Cookbook" coefficient formulas.
 *
 * The functions are synchronous, so the module must be instantiated first: `await initKernels()`
 * once per thread (or pass `{ wasm }` from `instantiateSousa`). The typed-array functions copy
 * their input into module memory, run the kernel in blocks (many short wasm calls, so V8 tiers the
 * code up instead of running one long call in its baseline compiler), copy the result out and free
 * what they allocated; `convolveInto` and `convolveIrAt` work on blocks the caller allocated in
 * module memory, for stages that keep their data there. Views on module memory are made after the
 * last allocation of each call.
 */
import { AugmentError } from '../errors.js';
import { detCos, detLn, detPow, detSin } from '../math/det.js';
import { instantiateSousa, sharedSousa, type SousaWasm, type WasmSource } from '../platform/wasm.js';

let defaultWasm: SousaWasm | undefined;

/**
 * Instantiates the kernels for this thread (the shared default instance, or one from `source`)
 * and makes it the default for the functions below. Safe to call more than once.
 */
export async function initKernels(source?: WasmSource): Promise<SousaWasm> {
  const wasm = source === undefined ? await sharedSousa() : await instantiateSousa(source);
  defaultWasm = wasm;
  return wasm;
}

/**
 * The instance the kernels run on by default: the one set by {@link initKernels}, or (first call)
 * the shared default instance, which then becomes the default.
 */
export async function ensureKernels(): Promise<SousaWasm> {
  return defaultWasm ?? initKernels();
}

/** Options every kernel accepts. */
export interface KernelOptions {
  /** Instance to run on. Default: the one set by {@link initKernels}. */
  wasm?: SousaWasm;
}

/** The instance to run on (`opts.wasm` or the {@link initKernels} default); throws when there is none. */
export function wasmFor(opts: KernelOptions | undefined, where: string): SousaWasm {
  const wasm = opts?.wasm ?? defaultWasm;
  if (wasm === undefined) {
    throw new AugmentError(
      'KERNELS_NOT_READY',
      `expected the wasm kernels to be initialised before ${where}, they are not: ` +
        'call `await initKernels()` once, or pass `{ wasm }` from instantiateSousa()',
    );
  }
  return wasm;
}

const plans = new WeakMap<SousaWasm, Map<number, number>>();

/** The (cached, never freed: one per size) FFT plan for size n in this instance. */
export function planFor(wasm: SousaWasm, n: number): number {
  let bySize = plans.get(wasm);
  if (bySize === undefined) {
    bySize = new Map();
    plans.set(wasm, bySize);
  }
  let plan = bySize.get(n);
  if (plan === undefined) {
    const bytes = wasm.exports.rfftPlanBytes(n) >>> 0;
    if (bytes === 0) throw new AugmentError('FFT_SIZE', `expected an FFT size that is a power of two in 4..2^28, got ${n}`);
    plan = wasm.alloc(bytes);
    wasm.exports.rfftPlanInit(plan, n);
    bySize.set(n, plan);
  }
  return plan;
}

function isPow2(n: number): boolean {
  return Number.isInteger(n) && n >= 4 && n <= 2 ** 28 && (n & (n - 1)) === 0;
}

/** Runs `body` with blocks from `wasm.alloc`, freeing them whatever happens. */
export function withBlocks<T>(wasm: SousaWasm, sizes: readonly number[], body: (ptrs: number[]) => T): T {
  const ptrs: number[] = [];
  try {
    for (const bytes of sizes) ptrs.push(wasm.alloc(bytes));
    return body(ptrs);
  } finally {
    for (const p of ptrs) wasm.free(p);
  }
}

// ---------------------------------------------------------------------------------------------
// FFT

/** Options of {@link rfft} and {@link irfft}. */
export interface RfftOptions extends KernelOptions {
  /** Transform size: a power of two >= 4; shorter input is zero-padded. Default: the input length. */
  size?: number;
}

/**
 * Real FFT: the bins 0..n/2 of the DFT of `x` (zero-padded to `size`), interleaved as
 * (re, im) pairs: n + 2 floats. Unnormalised, sign convention e^(-2 pi i k t / n), like numpy.
 */
export function rfft(x: Float32Array, opts?: RfftOptions): Float32Array {
  const wasm = wasmFor(opts, 'rfft');
  const n = opts?.size ?? x.length;
  if (!isPow2(n)) throw new AugmentError('FFT_SIZE', `expected an rfft size that is a power of two in 4..2^28, got ${n}`);
  if (x.length > n) throw new AugmentError('FFT_SIZE', `expected at most ${n} samples for an rfft of size ${n}, got ${x.length}`);
  const m = n / 2;
  const plan = planFor(wasm, n);
  return withBlocks(wasm, [x.length * 4 || 4, m * 4, m * 4, (n + 2) * 4], ([src, re, im, out]) => {
    wasm.f32(src!, x.length).set(x);
    wasm.exports.rfftLoad(src!, x.length, re!, im!, m);
    wasm.exports.rfftForward(plan, n, re!, im!);
    wasm.exports.rfftUnpack(plan, n, re!, im!, out!);
    return wasm.f32(out!, n + 2).slice();
  });
}

/**
 * Inverse of {@link rfft}: `spectrum` holds bins 0..n/2 as (re, im) pairs (n + 2 floats); returns
 * the n real samples, scaled by 1/n so that irfft(rfft(x)) = x. The imaginary parts of bins 0 and
 * n/2 are ignored.
 */
export function irfft(spectrum: Float32Array, n: number, opts?: KernelOptions): Float32Array {
  const wasm = wasmFor(opts, 'irfft');
  if (!isPow2(n)) throw new AugmentError('FFT_SIZE', `expected an irfft size that is a power of two in 4..2^28, got ${n}`);
  if (spectrum.length !== n + 2) {
    throw new AugmentError('FFT_SIZE', `expected ${n + 2} floats (bins 0..${n / 2} as re, im) for irfft size ${n}, got ${spectrum.length}`);
  }
  const m = n / 2;
  const plan = planFor(wasm, n);
  return withBlocks(wasm, [(n + 2) * 4, m * 4, m * 4, n * 4], ([src, re, im, out]) => {
    wasm.f32(src!, n + 2).set(spectrum);
    wasm.exports.rfftPack(plan, n, src!, re!, im!);
    // The inverse is unnormalised (times scale * n/2): scale 1/(n/2) makes it exact.
    wasm.exports.rfftInverse(plan, n, re!, im!, 1 / m);
    wasm.exports.rfftStore(re!, im!, out!, n, 0);
    return wasm.f32(out!, n).slice();
  });
}

// ---------------------------------------------------------------------------------------------
// Convolution

/** How {@link convolve} computes. */
export const CONVOLVE_METHODS = ['auto', 'direct', 'fft'] as const;
export type ConvolveMethod = (typeof CONVOLVE_METHODS)[number];

/** Options of {@link convolve}. */
export interface ConvolveOptions extends KernelOptions {
  /** 'direct' (SIMD dot products), 'fft' (overlap-add) or 'auto' (direct for short IRs). Default 'auto'. */
  method: ConvolveMethod;
  /** 'full': signal + ir - 1 samples (the tail included); 'signal': the first signal.length samples. Default 'full'. */
  outputLength: 'full' | 'signal';
  /** FFT size for the 'fft' method, a power of two > ir length; 0 picks the cheapest. Default 0. */
  fftSize: number;
  /** 'auto' uses direct convolution up to this many IR taps (measured crossover: 32-48). Default 40. */
  directMaxTaps: number;
}

export const DEFAULT_CONVOLVE_OPTIONS: Readonly<ConvolveOptions> = Object.freeze({
  method: 'auto',
  outputLength: 'full',
  fftSize: 0,
  directMaxTaps: 40,
});

/**
 * FFT size that minimises the estimated work of overlap-add for a signal of `signalLength`
 * samples and an IR of `irLength` taps: (2 transforms per block + 1 for the IR) of n/2-point
 * complex FFTs, plus linear passes. Powers of two only.
 */
export function chooseFftSize(signalLength: number, irLength: number): number {
  const minLog = Math.max(2, ceilLog2(irLength + 1));
  const maxLog = Math.max(minLog, Math.min(24, ceilLog2(signalLength + irLength)));
  let best = 2 ** minLog;
  let bestCost = Infinity;
  for (let k = minLog; k <= maxLog; k++) {
    const n = 2 ** k;
    const block = n - irLength + 1;
    if (block < 1) continue;
    const blocks = Math.ceil(signalLength / block);
    // (n/2) log2(n/2) per complex FFT; ~3 n for load, multiply, separate, store per block; and a
    // fixed cost per block for the JS -> wasm call and its bookkeeping (about 1000 butterflies,
    // measured: without it, 4-tap IRs picked n = 16 and ran 4x slower than n = 256).
    const fft = (n / 2) * (k - 1);
    const cost = (2 * blocks + 1) * fft + blocks * (3 * n + 1000);
    if (cost < bestCost) {
      bestCost = cost;
      best = n;
    }
  }
  return best;
}

/** Linear convolution of `signal` with `ir` (float32 in and out). */
export function convolve(signal: Float32Array, ir: Float32Array, opts?: Partial<ConvolveOptions>): Float32Array {
  const o: ConvolveOptions = { ...DEFAULT_CONVOLVE_OPTIONS, ...opts };
  const wasm = wasmFor(opts, 'convolve');
  if (signal.length === 0 || ir.length === 0) {
    throw new AugmentError(
      'CONVOLVE_EMPTY',
      `expected a non-empty signal and IR for convolve, got ${signal.length} and ${ir.length} samples`,
    );
  }
  const outLength = o.outputLength === 'signal' ? signal.length : signal.length + ir.length - 1;
  return withBlocks(wasm, [signal.length * 4, ir.length * 4, outLength * 4], ([a, b, y]) => {
    wasm.f32(a!, signal.length).set(signal);
    wasm.f32(b!, ir.length).set(ir);
    convolveInto(wasm, a!, signal.length, b!, ir.length, y!, outLength, o);
    return wasm.f32(y!, outLength).slice();
  });
}

/** Options of {@link convolveInto}: those of {@link convolve} but the output length, which is an argument. */
export type ConvolveIntoOptions = Omit<ConvolveOptions, 'outputLength' | 'wasm'>;

/**
 * {@link convolve} from and into module memory: writes the first `outLength` samples (1 to
 * aLength + bLength - 1) of the linear convolution of the `aLength` f32 at `aPtr` with the
 * `bLength` f32 at `bPtr` to `dst`, which must not overlap either input. Same method choice and
 * the same bits as `convolve` (outputs past `outLength` are simply not computed).
 */
export function convolveInto(
  wasm: SousaWasm,
  aPtr: number,
  aLength: number,
  bPtr: number,
  bLength: number,
  dst: number,
  outLength: number,
  opts?: Partial<ConvolveIntoOptions>,
): void {
  const o = { ...DEFAULT_CONVOLVE_OPTIONS, ...opts };
  if (!(Number.isInteger(aLength) && aLength >= 1 && Number.isInteger(bLength) && bLength >= 1)) {
    throw new AugmentError('CONVOLVE_EMPTY', `expected a non-empty signal and IR for convolve, got ${aLength} and ${bLength} samples`);
  }
  if (!(Number.isInteger(outLength) && outLength >= 1 && outLength <= aLength + bLength - 1)) {
    throw new AugmentError('CONVOLVE_LENGTH', `expected an output length in [1, ${aLength + bLength - 1}], got ${outLength}`);
  }
  if (!CONVOLVE_METHODS.includes(o.method)) {
    throw new AugmentError('CONVOLVE_METHOD', `expected method ${CONVOLVE_METHODS.join(' | ')}, got ${String(o.method)}`);
  }
  const overlaps = (p: number, count: number): boolean => dst < p + count * 4 && p < dst + outLength * 4;
  if (overlaps(aPtr, aLength) || overlaps(bPtr, bLength)) {
    throw new AugmentError('CONVOLVE_OVERLAP', `expected the output block at ${dst} (${outLength} samples) not to overlap the inputs at ${aPtr} and ${bPtr}`);
  }
  // Convolution commutes: let the shorter operand play the IR.
  const [x, xLength, h, hLength] = bLength > aLength ? [bPtr, bLength, aPtr, aLength] : [aPtr, aLength, bPtr, bLength];
  const direct = o.method === 'direct' || (o.method === 'auto' && hLength <= o.directMaxTaps);
  if (direct) convolveDirectInto(wasm, x, xLength, h, hLength, dst, outLength);
  else convolveFftInto(wasm, x, xLength, h, hLength, dst, outLength, o.fftSize);
}

function convolveDirectInto(wasm: SousaWasm, x: number, xLength: number, h: number, hLength: number, y: number, outLength: number): void {
  const pad = hLength - 1;
  const padded = xLength + 2 * pad;
  withBlocks(wasm, [padded * 4, hLength * 4], ([xPad, hRev]) => {
    const xp = wasm.f32(xPad!, padded);
    xp.fill(0);
    xp.set(wasm.f32(x, xLength), pad);
    const hr = wasm.f32(hRev!, hLength);
    const hv = wasm.f32(h, hLength);
    for (let j = 0; j < hLength; j++) hr[j] = hv[hLength - 1 - j]!;
    // About 2^21 multiply-adds per call.
    const chunk = Math.max(16, Math.floor(2 ** 21 / hLength / 16) * 16);
    for (let from = 0; from < outLength; from += chunk) {
      wasm.exports.convolveDirect(xPad!, hRev!, hLength, y, from, Math.min(outLength, from + chunk));
    }
  });
}

function convolveFftInto(
  wasm: SousaWasm,
  x: number,
  xLength: number,
  h: number,
  hLength: number,
  dst: number,
  outLength: number,
  fftSize: number,
): void {
  const n = fftSize === 0 ? chooseFftSize(xLength, hLength) : fftSize;
  if (!isPow2(n) || n < hLength + 1) {
    throw new AugmentError('FFT_SIZE', `expected fftSize to be a power of two above the IR length ${hLength}, got ${fftSize}`);
  }
  // Whole blocks only: `convolve` gives the head of its full result bit for bit.
  overlapAddInto(wasm, x, xLength, h, hLength, dst, outLength, n, false);
}

/**
 * A second FIR the IR is convolved with on the way, as a spectrum: `spectrum(fftSize)` gives the
 * packed real spectrum (unscaled `rfftForward` output, split re/im of fftSize/2 floats each, in
 * module memory, valid for the call) of an FIR of `taps` taps zero-padded to fftSize.
 */
export interface SpectralFir {
  readonly taps: number;
  spectrum(fftSize: number): { re: number; im: number };
}

/**
 * Convolves the `n` samples at `ptr` in place with the `irLength`-tap IR at `irPtr`, both in module
 * memory, keeping outputs [delay, delay + n) of the full convolution (FFT overlap-add): the form of
 * `convolveAt` (src/augment/dsp.ts) for an IR that is already in module memory, with the same bits.
 * With `fir`, the IR convolved is the IR * that FIR, formed by multiplying the two spectra at the
 * overlap-add's FFT size (no separate convolution of the two). The IR is read before `ptr` is
 * written, so the two blocks may overlap.
 */
export function convolveIrAt(wasm: SousaWasm, ptr: number, n: number, irPtr: number, irLength: number, delay = 0, fir?: SpectralFir): void {
  if (n === 0) return;
  if (!(Number.isInteger(irLength) && irLength >= 1)) throw new AugmentError('CONVOLVE_EMPTY', `expected a non-empty impulse response, got ${irLength} samples`);
  if (fir !== undefined && !(Number.isInteger(fir.taps) && fir.taps >= 1)) throw new AugmentError('CONVOLVE_EMPTY', `expected a non-empty FIR, got ${fir.taps} taps`);
  // The IR actually applied, with the FIR's taps.
  const h = irLength + (fir === undefined ? 0 : fir.taps - 1);
  if (!(Number.isInteger(delay) && delay >= 0 && delay < h)) throw new AugmentError('CONVOLVE_DELAY', `expected a delay in [0, ${h}), got ${delay}`);
  const outLength = n + delay;
  withBlocks(wasm, [outLength * 4], ([dst]) => {
    overlapAddInto(wasm, ptr, n, irPtr, irLength, dst!, outLength, chooseFftSize(n, h), true, fir);
    wasm.f32(ptr, n).set(wasm.f32(dst! + delay * 4, n));
  });
}

/**
 * The overlap-add both convolveFftInto and convolveIrAt run: writes outputs [0, outLength) of
 * x * ir (* fir) to `dst` (which must not overlap x), blocks of fftSize - h + 1 samples of x. With
 * `cutLastBlock`, a short last block, which owes only the outputs up to the end and so needs only
 * that many taps of the IR, may run at a smaller FFT size with the IR cut (three transforms of the
 * smaller size instead of two of the full one: worth it from half the size down).
 */
function overlapAddInto(
  wasm: SousaWasm,
  x: number,
  xLength: number,
  irPtr: number,
  irLength: number,
  dst: number,
  outLength: number,
  fftSize: number,
  cutLastBlock: boolean,
  fir?: SpectralFir,
): void {
  const h = irLength + (fir === undefined ? 0 : fir.taps - 1);
  const m = fftSize / 2;
  const block = fftSize - h + 1;
  const plan = planFor(wasm, fftSize);
  // Before the blocks below: a first call may allocate the FIR's spectra.
  const firSpectrum = fir?.spectrum(fftSize);
  const lastStart = Math.floor((xLength - 1) / block) * block;
  const lastCount = xLength - lastStart;
  const lastTaps = Math.min(irLength, outLength - lastStart);
  const lastH = lastTaps + (fir === undefined ? 0 : fir.taps - 1);
  let smallSize = 4;
  while (smallSize < lastCount + lastH) smallSize *= 2;
  const small =
    cutLastBlock && lastStart > 0 && lastStart < outLength && 2 * smallSize <= fftSize
      ? { size: smallSize, plan: planFor(wasm, smallSize), fir: fir?.spectrum(smallSize) }
      : null;
  const e = wasm.exports;
  withBlocks(wasm, [m * 4, m * 4, m * 4, m * 4], ([hre, him, re, im]) => {
    wasm.f32(dst, outLength).fill(0);
    e.rfftLoad(irPtr, irLength, hre!, him!, m);
    e.rfftForward(plan, fftSize, hre!, him!);
    if (firSpectrum !== undefined) e.spectrumMultiply(hre!, him!, firSpectrum.re, firSpectrum.im, m);
    for (let start = 0; start < xLength && start < outLength; start += block) {
      const count = Math.min(block, xLength - start);
      if (small !== null && start === lastStart) {
        // The cut IR's spectrum at the small size goes where the full one was (no longer needed).
        const sm = small.size / 2;
        e.rfftLoad(irPtr, lastTaps, hre!, him!, sm);
        e.rfftForward(small.plan, small.size, hre!, him!);
        if (small.fir !== undefined) e.spectrumMultiply(hre!, him!, small.fir.re, small.fir.im, sm);
        e.convolveFftBlock(small.plan, small.size, hre!, him!, x + start * 4, count, re!, im!, dst + start * 4, outLength - start);
      } else {
        const outCount = Math.min(count + h - 1, outLength - start);
        e.convolveFftBlock(plan, fftSize, hre!, him!, x + start * 4, count, re!, im!, dst + start * 4, outCount);
      }
    }
  });
}

/**
 * Packed spectrum at `fftSize` of the `taps` f32 FIR `fir`, as {@link SpectralFir} wants it:
 * computed once per (wasm instance, key, size) into module memory that is kept (like FFT plans).
 */
export function cachedFirSpectrum(wasm: SousaWasm, key: string, fir: Float32Array, fftSize: number): { re: number; im: number } {
  let byKey = firSpectra.get(wasm);
  if (byKey === undefined) {
    byKey = new Map();
    firSpectra.set(wasm, byKey);
  }
  const k = `${key}/${fftSize}`;
  let spec = byKey.get(k);
  if (spec === undefined) {
    if (!(fir.length >= 1 && fir.length < fftSize)) throw new AugmentError('FFT_SIZE', `expected an FFT size above the FIR's ${fir.length} taps, got ${fftSize}`);
    const m = fftSize / 2;
    const plan = planFor(wasm, fftSize);
    const re = wasm.alloc(m * 4);
    const im = wasm.alloc(m * 4);
    withBlocks(wasm, [fir.length * 4], ([src]) => {
      wasm.f32(src!, fir.length).set(fir);
      wasm.exports.rfftLoad(src!, fir.length, re, im, m);
      wasm.exports.rfftForward(plan, fftSize, re, im);
    });
    spec = { re, im };
    byKey.set(k, spec);
  }
  return spec;
}

const firSpectra = new WeakMap<SousaWasm, Map<string, { re: number; im: number }>>();

// ---------------------------------------------------------------------------------------------
// Biquads

/** Filter shapes of the RBJ Audio EQ Cookbook. */
export const BIQUAD_TYPES = [
  'lowpass',
  'highpass',
  'bandpass',
  'notch',
  'allpass',
  'peaking',
  'lowshelf',
  'highshelf',
] as const;
export type BiquadType = (typeof BIQUAD_TYPES)[number];

/** One RBJ biquad design. */
export interface BiquadDesign {
  /** Filter shape. */
  type: BiquadType;
  /** Centre, corner or shelf-midpoint frequency in Hz, inside (0, sampleRateHz / 2). */
  frequencyHz: number;
  /** Quality factor (> 0); 1/sqrt(2) gives a Butterworth low/high pass and the steepest monotone shelf. */
  q: number;
  /** Gain in dB for 'peaking', 'lowshelf' and 'highshelf'; ignored by the others. Default 0. */
  gainDb?: number;
}

/** Biquad coefficients normalised so that a0 = 1: H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2). */
export interface BiquadCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/**
 * Coefficients of an RBJ cookbook biquad (R. Bristow-Johnson, "Cookbook formulae for audio EQ
 * biquad filter coefficients"): the bilinear transform of the analog prototype, prewarped at
 * `frequencyHz`.
 */
export function rbjBiquad(design: BiquadDesign, sampleRateHz: number): BiquadCoefficients {
  const { type, frequencyHz, q } = design;
  const gainDb = design.gainDb ?? 0;
  if (!(sampleRateHz > 0 && Number.isFinite(sampleRateHz))) {
    throw new AugmentError('BIQUAD_DESIGN', `expected sampleRateHz > 0, got ${sampleRateHz}`);
  }
  if (!(frequencyHz > 0 && frequencyHz < sampleRateHz / 2)) {
    throw new AugmentError(
      'BIQUAD_DESIGN',
      `expected frequencyHz in (0, ${sampleRateHz / 2}) for a ${type} at ${sampleRateHz} Hz, got ${frequencyHz}`,
    );
  }
  if (!(q > 0 && Number.isFinite(q))) throw new AugmentError('BIQUAD_DESIGN', `expected q > 0 for a ${type}, got ${q}`);
  if (!Number.isFinite(gainDb)) throw new AugmentError('BIQUAD_DESIGN', `expected a finite gainDb for a ${type}, got ${gainDb}`);
  const w0 = (2 * Math.PI * frequencyHz) / sampleRateHz;
  const cos = detCos(w0);
  const alpha = detSin(w0) / (2 * q);
  const A = detPow(10, gainDb / 40);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (type) {
    case 'lowpass':
      [b0, b1, b2, a0, a1, a2] = [(1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha];
      break;
    case 'highpass':
      [b0, b1, b2, a0, a1, a2] = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha];
      break;
    case 'bandpass': // constant 0 dB peak gain
      [b0, b1, b2, a0, a1, a2] = [alpha, 0, -alpha, 1 + alpha, -2 * cos, 1 - alpha];
      break;
    case 'notch':
      [b0, b1, b2, a0, a1, a2] = [1, -2 * cos, 1, 1 + alpha, -2 * cos, 1 - alpha];
      break;
    case 'allpass':
      [b0, b1, b2, a0, a1, a2] = [1 - alpha, -2 * cos, 1 + alpha, 1 + alpha, -2 * cos, 1 - alpha];
      break;
    case 'peaking':
      [b0, b1, b2, a0, a1, a2] = [1 + alpha * A, -2 * cos, 1 - alpha * A, 1 + alpha / A, -2 * cos, 1 - alpha / A];
      break;
    case 'lowshelf': {
      const k = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 - (A - 1) * cos + k);
      b1 = 2 * A * (A - 1 - (A + 1) * cos);
      b2 = A * (A + 1 - (A - 1) * cos - k);
      a0 = A + 1 + (A - 1) * cos + k;
      a1 = -2 * (A - 1 + (A + 1) * cos);
      a2 = A + 1 + (A - 1) * cos - k;
      break;
    }
    case 'highshelf': {
      const k = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 + (A - 1) * cos + k);
      b1 = -2 * A * (A - 1 + (A + 1) * cos);
      b2 = A * (A + 1 + (A - 1) * cos - k);
      a0 = A + 1 - (A - 1) * cos + k;
      a1 = 2 * (A - 1 - (A + 1) * cos);
      a2 = A + 1 - (A - 1) * cos - k;
      break;
    }
    default:
      throw new AugmentError('BIQUAD_DESIGN', `expected type ${BIQUAD_TYPES.join(' | ')}, got ${String(type)}`);
  }
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

/** Magnitude in dB of a cascade at `frequencyHz`, evaluated from the coefficients. */
export function biquadMagnitudeDb(
  sections: readonly BiquadCoefficients[],
  frequencyHz: number,
  sampleRateHz: number,
): number {
  const w = (2 * Math.PI * frequencyHz) / sampleRateHz;
  const c1 = detCos(w);
  const c2 = detCos(2 * w);
  let db = 0;
  for (const s of sections) {
    const num = s.b0 ** 2 + s.b1 ** 2 + s.b2 ** 2 + 2 * (s.b0 * s.b1 + s.b1 * s.b2) * c1 + 2 * s.b0 * s.b2 * c2;
    const den = 1 + s.a1 ** 2 + s.a2 ** 2 + 2 * (s.a1 + s.a1 * s.a2) * c1 + 2 * s.a2 * c2;
    db += (10 * detLn(num / den)) / Math.LN10;
  }
  return db;
}

/** Options of {@link biquadCascade}. */
export interface BiquadCascadeOptions extends KernelOptions {
  /** Samples per wasm call; the filter state carries over between calls. Default 65536. */
  blockSamples: number;
}

export const DEFAULT_BIQUAD_CASCADE_OPTIONS: Readonly<Omit<BiquadCascadeOptions, 'wasm'>> = Object.freeze({
  blockSamples: 65536,
});

/**
 * Filters `signal` through the biquad `sections` in series (transposed direct form II, f64
 * arithmetic, zero initial state) and returns the result.
 */
export function biquadCascade(
  signal: Float32Array,
  sections: readonly BiquadCoefficients[],
  opts?: Partial<BiquadCascadeOptions>,
): Float32Array {
  const wasm = wasmFor(opts, 'biquadCascade');
  const blockSamples = opts?.blockSamples ?? DEFAULT_BIQUAD_CASCADE_OPTIONS.blockSamples;
  if (!(Number.isInteger(blockSamples) && blockSamples >= 1)) {
    throw new AugmentError('BIQUAD_BLOCK', `expected blockSamples to be a positive integer, got ${blockSamples}`);
  }
  sections.forEach((s, i) => {
    for (const key of ['b0', 'b1', 'b2', 'a1', 'a2'] as const) {
      if (!Number.isFinite(s[key])) {
        throw new AugmentError('BIQUAD_DESIGN', `expected finite coefficients, got ${key} = ${s[key]} in section ${i}`);
      }
    }
  });
  if (sections.length === 0 || signal.length === 0) return signal.slice();
  const count = sections.length;
  return withBlocks(wasm, [count * 40, count * 16, signal.length * 4], ([coeffs, state, buf]) => {
    const c = wasm.f64(coeffs!, count * 5);
    sections.forEach((s, i) => c.set([s.b0, s.b1, s.b2, s.a1, s.a2], i * 5));
    wasm.f64(state!, count * 2).fill(0);
    wasm.f32(buf!, signal.length).set(signal);
    for (let start = 0; start < signal.length; start += blockSamples) {
      const len = Math.min(blockSamples, signal.length - start);
      wasm.exports.biquadCascade(buf! + start * 4, len, coeffs!, state!, count);
    }
    return wasm.f32(buf!, signal.length).slice();
  });
}

/** ceil(log2(n)) for a positive integer n, exactly (no floating-point log). */
function ceilLog2(n: number): number {
  let k = 0;
  while (2 ** k < n) k++;
  return k;
}
