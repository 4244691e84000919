// Linear convolution kernels, f32.
//
// FFT path (overlap-add): the caller splits the signal into blocks of `count` samples, with
// count + irLength - 1 <= n; each `convolveFftBlock` call transforms one block, multiplies it by the
// IR spectrum (prepared once with `rfftLoad` + `rfftForward`), transforms back and adds the block's
// output into `dst`. One call per block keeps each wasm call short, so V8 tiers the code up after
// the first blocks instead of running a whole long job in the baseline compiler.
//
// Direct path, for short IRs: `convolveDirect` computes a range of outputs from a zero-padded
// signal and the reversed IR, four SIMD accumulators (16 outputs) per pass over the IR.

import { rfftForward, rfftInverse, rfftLoad, rfftStore, spectrumMultiply } from './fft';

/**
 * Overlap-add step: y = irfft(rfft(src[0..count)) * H) / (n/2), and dst[0..outCount) += y.
 * `hre`/`him` hold the IR's packed spectrum (`rfftForward` output, unscaled); `re`/`im` are
 * scratch of n/2 floats each.
 */
export function convolveFftBlock(
  plan: usize,
  n: usize,
  hre: usize,
  him: usize,
  src: usize,
  count: usize,
  re: usize,
  im: usize,
  dst: usize,
  outCount: usize,
): void {
  const m = n >> 1;
  rfftLoad(src, count, re, im, m);
  rfftForward(plan, n, re, im);
  spectrumMultiply(re, im, hre, him, m);
  rfftInverse(plan, n, re, im, <f32>(1.0 / <f64>m));
  rfftStore(re, im, dst, outCount < n ? outCount : n, true);
}

/**
 * Direct convolution: y[i] = sum_{j < irLength} hRev[j] * xPad[i + j] for i in [from, to), where
 * xPad is the signal with irLength - 1 zeros on both sides and hRev the IR reversed. Reads
 * xPad[from .. to + irLength - 1).
 */
export function convolveDirect(xPad: usize, hRev: usize, irLength: usize, y: usize, from: usize, to: usize): void {
  let i = from;
  for (; i + 16 <= to; i += 16) {
    let acc0 = f32x4.splat(0);
    let acc1 = f32x4.splat(0);
    let acc2 = f32x4.splat(0);
    let acc3 = f32x4.splat(0);
    let px = xPad + (i << 2);
    for (let j: usize = 0; j < irLength; j++) {
      const h = v128.load32_splat(hRev + (j << 2));
      acc0 = f32x4.add(acc0, f32x4.mul(h, v128.load(px)));
      acc1 = f32x4.add(acc1, f32x4.mul(h, v128.load(px + 16)));
      acc2 = f32x4.add(acc2, f32x4.mul(h, v128.load(px + 32)));
      acc3 = f32x4.add(acc3, f32x4.mul(h, v128.load(px + 48)));
      px += 4;
    }
    const out = y + (i << 2);
    v128.store(out, acc0);
    v128.store(out + 16, acc1);
    v128.store(out + 32, acc2);
    v128.store(out + 48, acc3);
  }
  for (; i + 4 <= to; i += 4) {
    let acc = f32x4.splat(0);
    let px = xPad + (i << 2);
    for (let j: usize = 0; j < irLength; j++) {
      acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(hRev + (j << 2)), v128.load(px)));
      px += 4;
    }
    v128.store(y + (i << 2), acc);
  }
  for (; i < to; i++) {
    let acc: f32 = 0;
    const px = xPad + (i << 2);
    for (let j: usize = 0; j < irLength; j++) acc += load<f32>(hRev + (j << 2)) * load<f32>(px + (j << 2));
    store<f32>(y + (i << 2), acc);
  }
}
