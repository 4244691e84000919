// DSP kernels (assembly/fft.ts, convolve.ts, biquad.ts through src/augment/kernels.ts) against
// independent references computed here in f64: a naive DFT, a naive convolution, and the analog
// prototypes of the RBJ cookbook evaluated at the bilinear-warped frequency.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AugmentError } from '../src/errors.js';
import {
  biquadCascade,
  biquadMagnitudeDb,
  chooseFftSize,
  convolve,
  convolveInto,
  cachedFirSpectrum,
  convolveIrAt,
  initKernels,
  irfft,
  rbjBiquad,
  rfft,
  withBlocks,
  type BiquadDesign,
} from '../src/augment/kernels.js';
import { convolveAt } from '../src/augment/dsp.js';
import type { SousaWasm } from '../src/platform/wasm.js';
import { rngFor } from '../src/random/index.js';

let wasm: SousaWasm;
beforeAll(async () => {
  wasm = await initKernels();
});

function noise(key: string, n: number): Float32Array {
  const rng = rngFor(7n, key);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

/** Bins 0..n/2 of the DFT of x (f64), interleaved re, im. */
function naiveRdft(x: Float32Array, n: number, bins?: readonly number[]): Float64Array {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    cos[t] = Math.cos((2 * Math.PI * t) / n);
    sin[t] = Math.sin((2 * Math.PI * t) / n);
  }
  const out = new Float64Array(n + 2);
  for (const k of bins ?? Array.from({ length: n / 2 + 1 }, (_, i) => i)) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < x.length; t++) {
      const idx = (k * t) % n;
      re += x[t]! * cos[idx]!;
      im -= x[t]! * sin[idx]!;
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

function naiveConvolve(x: Float32Array, h: Float32Array): Float64Array {
  const y = new Float64Array(x.length + h.length - 1);
  for (let i = 0; i < x.length; i++) for (let j = 0; j < h.length; j++) y[i + j]! += x[i]! * h[j]!;
  return y;
}

/** max |a - b| / max |b| over the first b.length (or `indices`) entries. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>, indices?: readonly number[]): number {
  let err = 0;
  let peak = 0;
  const idx = indices ?? Array.from({ length: b.length }, (_, i) => i);
  for (const i of idx) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    peak = Math.max(peak, Math.abs(b[i]!));
  }
  return err / peak;
}

describe('rfft', () => {
  const SIZES = [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

  it.each(SIZES)('matches a naive f64 DFT at n = %i (relative error < 1e-5)', (n) => {
    const x = noise(`rfft/${n}`, n);
    const got = rfft(x);
    expect(got.length).toBe(n + 2);
    const err = relErr(got, naiveRdft(x, n));
    expect(err).toBeLessThan(1e-5);
    expect(err).toBeGreaterThan(0); // f32 arithmetic: an exact match would mean the reference is not independent
  });

  it('matches the naive DFT on 64 bins at n = 2^17 (the convolution size)', () => {
    const n = 2 ** 17;
    const x = noise('rfft/big', n);
    const rng = rngFor(7n, 'rfft/bins');
    const bins = [0, 1, 2, n / 4, n / 2 - 1, n / 2, ...Array.from({ length: 58 }, () => rng.int(n / 2 + 1))];
    const ref = naiveRdft(x, n, bins);
    const idx = bins.flatMap((k) => [2 * k, 2 * k + 1]);
    // relative to the typical bin magnitude (sqrt(n/3) for uniform noise), not to a peak
    const rms = Math.sqrt(n / 3);
    const got = rfft(x);
    const maxAbs = Math.max(...idx.map((i) => Math.abs(got[i]! - ref[i]!)));
    expect(maxAbs / rms).toBeLessThan(1e-5);
  });

  it('zero-pads shorter input and puts a cosine on its bin', () => {
    const n = 256;
    const k0 = 19;
    const x = Float32Array.from({ length: 200 }, (_, t) => Math.cos((2 * Math.PI * k0 * t) / n));
    expect(relErr(rfft(x, { size: n }), naiveRdft(x, n))).toBeLessThan(1e-5);
    const full = Float32Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * k0 * t) / n));
    const X = rfft(full);
    expect(X[2 * k0]).toBeCloseTo(n / 2, 3);
    for (let k = 0; k <= n / 2; k++) if (k !== k0) expect(Math.hypot(X[2 * k]!, X[2 * k + 1]!)).toBeLessThan(1e-3);
  });

  it('transforms a unit impulse to exactly one in every bin', () => {
    const x = new Float32Array(1024);
    x[0] = 1;
    const X = rfft(x);
    for (let k = 0; k <= 512; k++) {
      expect(X[2 * k]).toBe(1);
      expect(Math.abs(X[2 * k + 1]!)).toBe(0); // the sign of zero is not specified
    }
  });

  it.each([4, 16, 128, 2048, 65536])('irfft inverts rfft at n = %i', (n) => {
    const x = noise(`irfft/${n}`, n);
    const y = irfft(rfft(x), n);
    expect(relErr(y, x)).toBeLessThan(2e-6);
    // and irfft matches the naive inverse DFT of an arbitrary Hermitian spectrum
    if (n <= 2048) {
      const spec = noise(`irfft/spec/${n}`, n + 2);
      spec[1] = 0;
      spec[n + 1] = 0;
      const ref = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        let acc = spec[0]! + spec[n]! * (t % 2 === 0 ? 1 : -1);
        for (let k = 1; k < n / 2; k++) {
          const a = (2 * Math.PI * ((k * t) % n)) / n;
          acc += 2 * (spec[2 * k]! * Math.cos(a) - spec[2 * k + 1]! * Math.sin(a));
        }
        ref[t] = acc / n;
      }
      expect(relErr(irfft(spec, n), ref)).toBeLessThan(1e-5);
    }
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => rfft(new Float32Array(100))).toThrow(AugmentError);
    expect(() => rfft(new Float32Array(100))).toThrow(/power of two.*got 100/);
    expect(() => rfft(new Float32Array(300), { size: 256 })).toThrow(/at most 256 samples/);
    expect(() => irfft(new Float32Array(10), 16)).toThrow(/expected 18 floats/);
  });
});

describe('convolve', () => {
  const CASES: Array<[number, number]> = [
    [1, 1],
    [5, 3],
    [3, 10], // IR longer than the signal
    [100, 41],
    [1000, 300],
    [4097, 1000],
    [5000, 2049],
    [20000, 129],
  ];

  it.each(CASES)('FFT, direct and naive f64 agree for %i x %i (relative < 1e-5)', (nx, nh) => {
    const x = noise(`conv/x/${nx}/${nh}`, nx);
    const h = noise(`conv/h/${nx}/${nh}`, nh);
    const ref = naiveConvolve(x, h);
    const viaFft = convolve(x, h, { method: 'fft' });
    const viaDirect = convolve(x, h, { method: 'direct' });
    expect(viaFft.length).toBe(nx + nh - 1);
    expect(viaDirect.length).toBe(nx + nh - 1);
    expect(relErr(viaFft, ref)).toBeLessThan(1e-5);
    expect(relErr(viaDirect, ref)).toBeLessThan(1e-5);
    expect(relErr(viaFft, viaDirect)).toBeLessThan(1e-5);
  });

  it('gives the same result whatever the FFT size (block count)', () => {
    const x = noise('conv/sizes/x', 3000);
    const h = noise('conv/sizes/h', 500);
    const ref = naiveConvolve(x, h);
    for (const fftSize of [512, 1024, 4096, 8192]) {
      expect(relErr(convolve(x, h, { method: 'fft', fftSize }), ref)).toBeLessThan(1e-5);
    }
    expect(() => convolve(x, h, { method: 'fft', fftSize: 256 })).toThrow(/above the IR length 500/);
  });

  it('direct convolution with a delayed impulse shifts the signal exactly', () => {
    const x = noise('conv/delay', 777);
    const h = new Float32Array(13);
    h[12] = 1;
    const y = convolve(x, h, { method: 'direct' });
    expect(Array.from(y.subarray(0, 12))).toEqual(new Array(12).fill(0));
    expect(y.subarray(12)).toEqual(x);
  });

  it("outputLength 'signal' keeps the head of the full result", () => {
    const x = noise('conv/head/x', 1000);
    const h = noise('conv/head/h', 200);
    const full = convolve(x, h);
    const head = convolve(x, h, { outputLength: 'signal' });
    expect(head.length).toBe(1000);
    expect(head).toEqual(full.subarray(0, 1000));
  });

  it('5 s x 1 s at 44.1 kHz matches f64 sums at 300 output samples', () => {
    const x = noise('conv/room/x', 220_500);
    const rng = rngFor(7n, 'conv/room/h');
    const h = Float32Array.from({ length: 44_100 }, (_, i) => rng.standardNormal() * Math.exp(-i / 8820));
    expect(chooseFftSize(x.length, h.length)).toBe(131_072);
    const y = convolve(x, h);
    expect(y.length).toBe(264_599);
    const picks = [0, 1, 44_099, 44_100, 86_972, 86_973, 220_499, 264_598];
    for (let i = 0; i < 292; i++) picks.push(rng.int(y.length));
    const ref = new Float64Array(y.length);
    for (const i of picks) {
      let acc = 0;
      for (let j = Math.max(0, i - x.length + 1); j <= Math.min(i, h.length - 1); j++) acc += h[j]! * x[i - j]!;
      ref[i] = acc;
    }
    // relative to the output RMS (about sqrt(sum h^2 / 3)), the scale of every sample
    const rms = Math.sqrt(h.reduce((a, v) => a + v * v, 0) / 3);
    const maxAbs = Math.max(...picks.map((i) => Math.abs(y[i]! - ref[i]!)));
    expect(maxAbs / rms).toBeLessThan(1e-5);
  });

  it('convolveIrAt with a short last block (run at a smaller FFT size with the IR cut) and with a spectral FIR: the convolution, at every block', () => {
    // 121,073 samples, a 30,000-tap IR: FFT size 2^16, blocks of 35,537; the fourth and last block
    // has 14,462 samples, whose outputs need only that many taps: it runs at 2^15 with the IR cut.
    const n = 121_073;
    const taps = 30_000;
    const x = noise('irat/small/x', n);
    const rng = rngFor(9n, 'irat/small/h');
    const h = Float32Array.from({ length: taps }, (_, i) => rng.uniform(-1, 1) * Math.exp(-i / 8000));
    const firTaps = Float32Array.from({ length: 33 }, (_, i) => (i === 0 ? 1 : 0.3 * Math.exp(-i / 5) * (i % 2 ? 1 : -1)));
    for (const withFir of [false, true]) {
      for (const delay of [0, 777]) {
        const y = withBlocks(wasm, [n * 4, taps * 4], ([px, ph]) => {
          wasm.f32(px!, n).set(x);
          wasm.f32(ph!, taps).set(h);
          const fir = withFir ? { taps: firTaps.length, spectrum: (size: number) => cachedFirSpectrum(wasm, 'test/irat-small', firTaps, size) } : undefined;
          convolveIrAt(wasm, px!, n, ph!, taps, delay, fir);
          return wasm.f32(px!, n).slice();
        });
        const full = withFir ? Float64Array.from({ length: taps + firTaps.length - 1 }, (_, t) => {
          let acc = 0;
          for (let u = 0; u < firTaps.length; u++) if (t - u >= 0 && t - u < taps) acc += h[t - u]! * firTaps[u]!;
          return acc;
        }) : Float64Array.from(h);
        // Outputs in the first block, at the join and all through the last block.
        for (const i of [0, 5, 35_536, 35_537, 71_074, 106_610, 106_611, 106_612, 115_000, n - 1 - delay, n - 1]) {
          let acc = 0;
          for (let j = 0; j < full.length; j++) if (i + delay - j >= 0 && i + delay - j < n) acc += full[j]! * x[i + delay - j]!;
          expect(Math.abs(y[i]! - acc), `fir ${withFir}, delay ${delay}, output ${i}`).toBeLessThan(2e-4);
        }
      }
    }
  });

  it('frees what it allocates: memory stops growing after the first call', () => {
    const x = noise('conv/leak/x', 50_000);
    const h = noise('conv/leak/h', 5_000);
    convolve(x, h);
    convolve(x, h, { method: 'direct' });
    const bytes = wasm.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) {
      convolve(x, h);
      convolve(x, h.subarray(0, 20));
      rfft(x.subarray(0, 4096));
    }
    expect(wasm.memory.buffer.byteLength).toBe(bytes);
  });

  it('rejects empty input', () => {
    expect(() => convolve(new Float32Array(0), new Float32Array(3))).toThrow(AugmentError);
    expect(() => convolve(new Float32Array(3), new Float32Array(0))).toThrow(/got 3 and 0 samples/);
  });
});

describe('convolution in module memory', () => {
  /** Runs `body` with `arrays` copied into module memory, then returns the `outLength` floats at the last block. */
  function inMemory(arrays: readonly Float32Array[], outLength: number, body: (ptrs: number[]) => void): Float32Array {
    return withBlocks(wasm, [...arrays.map((a) => a.length * 4), outLength * 4], (ptrs) => {
      arrays.forEach((a, i) => wasm.f32(ptrs[i]!, a.length).set(a));
      wasm.f32(ptrs[arrays.length]!, outLength).fill(Number.NaN); // every output must be written
      body(ptrs);
      return wasm.f32(ptrs[arrays.length]!, outLength).slice();
    });
  }
  /** Same bits (not just equal values: -0, NaN). */
  const same = (a: Float32Array, b: Float32Array): boolean => {
    const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
    const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  };

  it.each([
    [5000, 2047, 'auto'],
    [2047, 5000, 'auto'], // the longer operand second: swapped as convolve does
    [100, 41, 'auto'],
    [100, 40, 'auto'], // direct
    [3000, 500, 'direct'],
    [3000, 500, 'fft'],
  ] as const)('convolveInto gives the bits of convolve for %i x %i (%s), full and cut', (na, nb, method) => {
    const a = noise(`into/a/${na}/${nb}`, na);
    const b = noise(`into/b/${na}/${nb}`, nb);
    const full = convolve(a, b, { method });
    const ref = naiveConvolve(a, b);
    expect(relErr(full, ref)).toBeLessThan(1e-5);
    for (const outLength of [full.length, Math.max(na, nb), 37]) {
      const got = inMemory([a, b], outLength, ([pa, pb, y]) => convolveInto(wasm, pa!, na, pb!, nb, y!, outLength, { method }));
      expect(same(got, full.slice(0, outLength)), `outLength ${outLength}`).toBe(true);
    }
  });

  it('convolveInto rejects an output that overlaps an input, or is longer than the full convolution', () => {
    const a = noise('into/bad/a', 300);
    const b = noise('into/bad/b', 50);
    withBlocks(wasm, [300 * 4, 50 * 4, 349 * 4], ([pa, pb, y]) => {
      wasm.f32(pa!, 300).set(a);
      wasm.f32(pb!, 50).set(b);
      expect(() => convolveInto(wasm, pa!, 300, pb!, 50, pa! + 40, 100)).toThrow(/not to overlap the inputs/);
      expect(() => convolveInto(wasm, pa!, 300, pb!, 50, y!, 350)).toThrow(/output length in \[1, 349\], got 350/);
      expect(() => convolveInto(wasm, pa!, 0, pb!, 50, y!, 10)).toThrow(/got 0 and 50 samples/);
      // Nothing was written to the input by the refused calls.
      expect(same(wasm.f32(pa!, 300).slice(), a)).toBe(true);
    });
  });

  it('convolveIrAt gives the bits of convolveAt (IR from a typed array), with and without delay', () => {
    const x = noise('irat/x', 50_000);
    for (const [taps, delay] of [[2047, 0], [20_001, 0], [301, 150], [1, 0]] as const) {
      const rng = rngFor(7n, `irat/h/${taps}`);
      const h = Float32Array.from({ length: taps }, (_, i) => rng.uniform(-1, 1) * Math.exp(-i / 3000));
      const viaTyped = withBlocks(wasm, [x.length * 4], ([px]) => {
        wasm.f32(px!, x.length).set(x);
        convolveAt(wasm, px!, x.length, h, delay);
        return wasm.f32(px!, x.length).slice();
      });
      const viaPtr = withBlocks(wasm, [x.length * 4, taps * 4], ([px, ph]) => {
        wasm.f32(px!, x.length).set(x);
        wasm.f32(ph!, taps).set(h);
        convolveIrAt(wasm, px!, x.length, ph!, taps, delay);
        return wasm.f32(px!, x.length).slice();
      });
      expect(same(viaPtr, viaTyped), `${taps} taps, delay ${delay}`).toBe(true);
      // And it is the convolution: outputs [delay, delay + n) of the full one, within f32 accuracy.
      const picks = [0, 1, 2, taps, 49_999];
      for (const i of picks) {
        let acc = 0;
        for (let j = 0; j < taps; j++) if (i + delay - j >= 0 && i + delay - j < x.length) acc += h[j]! * x[i + delay - j]!;
        expect(Math.abs(viaPtr[i]! - acc), `${taps} taps, output ${i}`).toBeLessThan(1e-4);
      }
    }
    expect(() => convolveIrAt(wasm, 64, 10, 64, 0)).toThrow(/non-empty impulse response, got 0 samples/);
    expect(() => convolveIrAt(wasm, 64, 10, 64, 5, 5)).toThrow(/delay in \[0, 5\), got 5/);
  });

  it('frees what it allocates: memory stops growing after the first call', () => {
    const x = noise('irat/leak/x', 40_000);
    const h = noise('irat/leak/h', 3000);
    const run = (): void =>
      withBlocks(wasm, [x.length * 4, h.length * 4, 42_999 * 4], ([px, ph, y]) => {
        wasm.f32(px!, x.length).set(x);
        wasm.f32(ph!, h.length).set(h);
        convolveInto(wasm, px!, x.length, ph!, h.length, y!, 42_999);
        convolveInto(wasm, px!, x.length, ph!, 30, y!, 1000);
        convolveIrAt(wasm, px!, x.length, ph!, h.length);
      });
    run();
    const bytes = wasm.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) run();
    expect(wasm.memory.buffer.byteLength).toBe(bytes);
  });
});

// ---- biquads ----

interface Complex {
  re: number;
  im: number;
}
const cmul = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
const cabs = (a: Complex) => Math.hypot(a.re, a.im);
/** p(s) = c2 s^2 + c1 s + c0 at s = j w. */
const quad = (c2: number, c1: number, c0: number, w: number): Complex => ({ re: c0 - c2 * w * w, im: c1 * w });

/**
 * |H| in dB of the cookbook's analog prototype at the frequency the bilinear transform maps f to:
 * s = j tan(pi f / fs) / tan(pi f0 / fs).
 */
function analogRbjDb(d: BiquadDesign, fHz: number, fsHz: number): number {
  const w = Math.tan((Math.PI * fHz) / fsHz) / Math.tan((Math.PI * d.frequencyHz) / fsHz);
  const q = d.q;
  const A = 10 ** ((d.gainDb ?? 0) / 40);
  const den = quad(1, 1 / q, 1, w);
  let mag: number;
  switch (d.type) {
    case 'lowpass':
      mag = 1 / cabs(den);
      break;
    case 'highpass':
      mag = cabs(quad(1, 0, 0, w)) / cabs(den);
      break;
    case 'bandpass':
      mag = cabs(quad(0, 1 / q, 0, w)) / cabs(den);
      break;
    case 'notch':
      mag = cabs(quad(1, 0, 1, w)) / cabs(den);
      break;
    case 'allpass':
      mag = cabs(quad(1, -1 / q, 1, w)) / cabs(den);
      break;
    case 'peaking':
      mag = cabs(quad(1, A / q, 1, w)) / cabs(quad(1, 1 / (A * q), 1, w));
      break;
    case 'lowshelf':
      mag = (A * cabs(quad(1, Math.sqrt(A) / q, A, w))) / cabs(quad(A, Math.sqrt(A) / q, 1, w));
      break;
    case 'highshelf':
      mag = (A * cabs(quad(A, Math.sqrt(A) / q, 1, w))) / cabs(quad(1, Math.sqrt(A) / q, A, w));
      break;
  }
  return 20 * Math.log10(mag);
}

/** |DTFT| in dB of an impulse response at f. */
function responseDb(h: Float32Array, fHz: number, fsHz: number): number {
  let acc: Complex = { re: 0, im: 0 };
  const w = (2 * Math.PI * fHz) / fsHz;
  for (let n = 0; n < h.length; n++) {
    if (h[n] === 0) continue;
    acc = { re: acc.re + h[n]! * Math.cos(w * n), im: acc.im - h[n]! * Math.sin(w * n) };
  }
  return 20 * Math.log10(cabs(acc));
}

function impulse(n: number): Float32Array {
  const x = new Float32Array(n);
  x[0] = 1;
  return x;
}

describe('biquad cascade (RBJ)', () => {
  const FS = 48_000;
  const FREQS = [20, 55, 100, 250, 700, 1000, 2500, 5000, 9000, 15_000, 21_000];
  const DESIGNS: BiquadDesign[] = [
    { type: 'lowpass', frequencyHz: 1000, q: Math.SQRT1_2 },
    { type: 'highpass', frequencyHz: 200, q: 0.5 },
    { type: 'bandpass', frequencyHz: 3000, q: 2 },
    { type: 'notch', frequencyHz: 60, q: 10 },
    { type: 'allpass', frequencyHz: 1000, q: 0.7 },
    { type: 'peaking', frequencyHz: 2500, q: 1.4, gainDb: 6 },
    { type: 'lowshelf', frequencyHz: 150, q: Math.SQRT1_2, gainDb: -4 },
    { type: 'highshelf', frequencyHz: 8000, q: Math.SQRT1_2, gainDb: 3 },
  ];

  it.each(DESIGNS.map((d) => [d.type, d] as const))('%s: wasm response within 0.01 dB of the analog prototype', (_t, d) => {
    const h = biquadCascade(impulse(1 << 15), [rbjBiquad(d, FS)]);
    for (const f of FREQS) {
      const want = analogRbjDb(d, f, FS);
      expect(Math.abs(responseDb(h, f, FS) - want), `${d.type} at ${f} Hz`).toBeLessThan(0.01);
      // the |H|^2 cosine-series formula loses digits near zeros of H (a high pass at 20 Hz): 1e-3 dB
      expect(Math.abs(biquadMagnitudeDb([rbjBiquad(d, FS)], f, FS) - want)).toBeLessThan(1e-3);
    }
  });

  it('hits the design points: -3.01 dB corner, gain at the peak, gain on the shelf', () => {
    const lp = rbjBiquad({ type: 'lowpass', frequencyHz: 1000, q: Math.SQRT1_2 }, FS);
    expect(biquadMagnitudeDb([lp], 1000, FS)).toBeCloseTo(-3.0103, 3);
    const pk = rbjBiquad({ type: 'peaking', frequencyHz: 2500, q: 1.4, gainDb: 6 }, FS);
    expect(biquadMagnitudeDb([pk], 2500, FS)).toBeCloseTo(6, 6);
    const ls = rbjBiquad({ type: 'lowshelf', frequencyHz: 150, q: Math.SQRT1_2, gainDb: -4 }, FS);
    expect(biquadMagnitudeDb([ls], 5, FS)).toBeCloseTo(-4, 2);
    expect(biquadMagnitudeDb([ls], 150, FS)).toBeCloseTo(-2, 6); // shelf midpoint: half the gain
  });

  it('a cascade multiplies the sections (dB add up)', () => {
    const designs = [DESIGNS[1]!, DESIGNS[5]!, DESIGNS[6]!, DESIGNS[7]!];
    const h = biquadCascade(
      impulse(1 << 15),
      designs.map((d) => rbjBiquad(d, FS)),
    );
    for (const f of FREQS) {
      const want = designs.reduce((db, d) => db + analogRbjDb(d, f, FS), 0);
      expect(Math.abs(responseDb(h, f, FS) - want)).toBeLessThan(0.01);
    }
  });

  it('carries the state across blocks: block size does not change a single bit', () => {
    const x = noise('biquad/blocks', 10_000);
    const sections = DESIGNS.slice(0, 3).map((d) => rbjBiquad(d, FS));
    const whole = biquadCascade(x, sections);
    expect(biquadCascade(x, sections, { blockSamples: 977 })).toEqual(whole);
    expect(biquadCascade(x, sections, { blockSamples: 1 }).subarray(0, 2000)).toEqual(whole.subarray(0, 2000));
    expect(whole).not.toEqual(x);
  });

  it('rejects bad designs with the field and the value', () => {
    expect(() => rbjBiquad({ type: 'lowpass', frequencyHz: 30_000, q: 1 }, FS)).toThrow(/frequencyHz in \(0, 24000\).*got 30000/);
    expect(() => rbjBiquad({ type: 'peaking', frequencyHz: 1000, q: 0, gainDb: 3 }, FS)).toThrow(/q > 0/);
    expect(() => biquadCascade(new Float32Array(4), [{ b0: NaN, b1: 0, b2: 0, a1: 0, a2: 0 }])).toThrow(/b0 = NaN in section 0/);
  });
});

describe('initialisation', () => {
  it('says how to initialise when called too early', async () => {
    vi.resetModules();
    const fresh = await import('../src/augment/kernels.js');
    expect(() => fresh.rfft(new Float32Array(8))).toThrow(/await initKernels\(\)/);
    // an explicit instance works without the default
    expect(fresh.rfft(impulse(8), { wasm })[0]).toBe(1);
  });
});
