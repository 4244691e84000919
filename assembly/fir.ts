// FIR design kernels (design time only: run once per microphone type or resampling ratio, so they
// favour clarity and f64 accuracy over speed).
//
// - `firFromMagnitude`: frequency-sampling design from a linear magnitude sampled on nfft/2 + 1
//   uniform bins, either linear phase (symmetric, delay (taps - 1) / 2, Hann window) or minimum
//   phase (homomorphic method: real cepstrum folded onto positive quefrencies, Oppenheim & Schafer,
//   "Discrete-Time Signal Processing", 3rd ed., §5.6 and §13.8; tapered with the falling half of
//   a Hann window). Minimum phase keeps every output sample causal with the energy at the start,
//   so a stroke's onset stays on its sample.
// - `resampleDesign`: polyphase rows of a Kaiser-windowed sinc for a rational rate change.
//
// Both use their own radix-2 complex FFT in f64 (split re/im arrays).

// @ts-ignore: decorator
@inline const PI: f64 = 3.141592653589793;

function isPow2(n: i32): bool {
  return n > 0 && (n & (n - 1)) == 0;
}

// In-place radix-2 complex FFT of n points (split re/im, f64). sign = -1 forward, +1 inverse
// (unnormalised).
function fft64(re: usize, im: usize, n: i32, sign: f64): void {
  // bit reversal
  let j = 0;
  for (let i = 0; i < n - 1; i++) {
    if (i < j) {
      const pi = re + (<usize>i << 3);
      const pj = re + (<usize>j << 3);
      const tr = load<f64>(pi);
      store<f64>(pi, load<f64>(pj));
      store<f64>(pj, tr);
      const qi = im + (<usize>i << 3);
      const qj = im + (<usize>j << 3);
      const ti = load<f64>(qi);
      store<f64>(qi, load<f64>(qj));
      store<f64>(qj, ti);
    }
    let m = n >> 1;
    while (m >= 1 && j >= m) {
      j -= m;
      m >>= 1;
    }
    j += m;
  }
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    for (let k = 0; k < half; k++) {
      const ang = (sign * 2 * PI * <f64>k) / <f64>len;
      const wr = Math.cos(ang);
      const wi = Math.sin(ang);
      for (let s = 0; s < n; s += len) {
        const a = <usize>(s + k) << 3;
        const b = <usize>(s + k + half) << 3;
        const br = load<f64>(re + b);
        const bi = load<f64>(im + b);
        const tr = br * wr - bi * wi;
        const ti = br * wi + bi * wr;
        const ar = load<f64>(re + a);
        const ai = load<f64>(im + a);
        store<f64>(re + a, ar + tr);
        store<f64>(im + a, ai + ti);
        store<f64>(re + b, ar - tr);
        store<f64>(im + b, ai - ti);
      }
    }
  }
}

/** Bytes of scratch `firFromMagnitude` needs for `nfft` bins: two f64 arrays of nfft. */
export function firScratchBytes(nfft: i32): usize {
  return <usize>nfft << 4;
}

/**
 * Designs a `taps`-tap FIR whose magnitude follows `mag` (nfft/2 + 1 linear gains, f64, bin k at
 * k fs / nfft) and writes it as f32 to `out`. minimumPhase = 0: linear phase, `taps` odd, delay
 * (taps - 1) / 2 samples. minimumPhase = 1: minimum phase, no delay. nfft a power of two >= 4 taps
 * (the cepstrum aliases when nfft is short; 8 taps or more is comfortable). Returns 0, or -1 for
 * bad sizes.
 */
export function firFromMagnitude(mag: usize, nfft: i32, taps: i32, minimumPhase: i32, out: usize, scratch: usize): i32 {
  if (!isPow2(nfft) || taps < 1 || nfft < 4 * taps) return -1;
  if (minimumPhase == 0 && (taps & 1) == 0) return -1;
  const re = scratch;
  const im = scratch + (<usize>nfft << 3);
  const half = nfft >> 1;
  const inv = 1.0 / <f64>nfft;
  if (minimumPhase == 0) {
    for (let k = 0; k <= half; k++) {
      const v = load<f64>(mag + (<usize>k << 3));
      store<f64>(re + (<usize>k << 3), v);
      if (k > 0 && k < half) store<f64>(re + (<usize>(nfft - k) << 3), v);
    }
    memory.fill(im, 0, <usize>nfft << 3);
    fft64(re, im, nfft, 1);
    const c = (taps - 1) >> 1;
    for (let t = 0; t < taps; t++) {
      const idx = (t - c + nfft) & (nfft - 1);
      // Hann window that stays non-zero at both ends.
      const w = 0.5 - 0.5 * Math.cos((2 * PI * <f64>(t + 1)) / <f64>(taps + 1));
      store<f32>(out + (<usize>t << 2), <f32>(load<f64>(re + (<usize>idx << 3)) * inv * w));
    }
    return 0;
  }
  // Real cepstrum of the log magnitude (floor at -160 dB so silence bins stay finite).
  for (let k = 0; k <= half; k++) {
    const v = Math.log(max<f64>(load<f64>(mag + (<usize>k << 3)), 1e-8));
    store<f64>(re + (<usize>k << 3), v);
    if (k > 0 && k < half) store<f64>(re + (<usize>(nfft - k) << 3), v);
  }
  memory.fill(im, 0, <usize>nfft << 3);
  fft64(re, im, nfft, 1);
  // Fold: keep c[0] and c[n/2], double 1..n/2-1, zero the negative quefrencies.
  for (let k = 0; k < nfft; k++) {
    const p = re + (<usize>k << 3);
    let v = load<f64>(p) * inv;
    if (k > 0 && k < half) v *= 2;
    else if (k > half) v = 0;
    store<f64>(p, v);
    store<f64>(im + (<usize>k << 3), 0);
  }
  fft64(re, im, nfft, -1);
  // exp of the complex log spectrum
  for (let k = 0; k < nfft; k++) {
    const pr = re + (<usize>k << 3);
    const pi = im + (<usize>k << 3);
    const e = Math.exp(load<f64>(pr));
    const ph = load<f64>(pi);
    store<f64>(pr, e * Math.cos(ph));
    store<f64>(pi, e * Math.sin(ph));
  }
  fft64(re, im, nfft, 1);
  for (let t = 0; t < taps; t++) {
    const w = 0.5 + 0.5 * Math.cos((PI * <f64>t) / <f64>taps);
    store<f32>(out + (<usize>t << 2), <f32>(load<f64>(re + (<usize>t << 3)) * inv * w));
  }
  return 0;
}

/** Zeroth-order modified Bessel function of the first kind (power series). */
export function besselI0(x: f64): f64 {
  const q = (x * x) / 4;
  let term: f64 = 1;
  let sum: f64 = 1;
  for (let k = 1; k < 200; k++) {
    term *= q / (<f64>k * <f64>k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * Fills `phases` rows of `taps` f32 coefficients (taps a multiple of 4) at `coeffs` for a rational
 * rate change in which output j sits at input position j * M / L: row r serves the outputs whose
 * position has fractional part r / L and holds h(t - taps/2 + 1 - r/L) for t < taps, where
 *   h(d) = 2 fc sinc(2 fc d) * I0(beta sqrt(1 - (d / (taps/2))^2)) / I0(beta)
 * (fc: cutoff in cycles per input sample), so every output is a symmetric (linear-phase,
 * zero-delay) combination of the inputs around its position. Each row is scaled to sum 1 (exact
 * unity DC gain for every phase). Returns 0, or -1 for bad arguments.
 */
export function resampleDesign(coeffs: usize, phases: i32, taps: i32, fc: f64, beta: f64): i32 {
  if (phases < 1 || taps < 4 || (taps & 3) != 0 || !(fc > 0 && fc <= 0.5) || !(beta >= 0)) return -1;
  const halfWidth = <f64>taps / 2;
  const i0b = besselI0(beta);
  for (let r = 0; r < phases; r++) {
    const row = coeffs + ((<usize>r * <usize>taps) << 2);
    const frac = <f64>r / <f64>phases;
    let sum: f64 = 0;
    for (let t = 0; t < taps; t++) {
      const d = <f64>t - halfWidth + 1 - frac;
      const x = 2 * fc * d;
      const sinc = x == 0 ? 1.0 : Math.sin(PI * x) / (PI * x);
      const u = d / halfWidth;
      const w = u * u < 1 ? besselI0(beta * Math.sqrt(1 - u * u)) / i0b : 0;
      const h = 2 * fc * sinc * w;
      sum += h;
      store<f32>(row + (<usize>t << 2), <f32>h);
    }
    const g = <f32>(1 / sum);
    for (let t = 0; t < taps; t++) {
      const p = row + (<usize>t << 2);
      store<f32>(p, load<f32>(p) * g);
    }
  }
  return 0;
}

/**
 * Rational resampling, outputs [from, to): out[j] = sum_t row[(j M) mod L][t] * x[(j M) div L -
 * taps/2 + 1 + t], x being the input with `pad` zeros before it (pad >= taps/2) and enough after
 * (taps/2 + 1). `src` points at the padded buffer; `dst` at output 0. SIMD dot products, fixed
 * summation order.
 */
export function resampleApply(
  src: usize,
  pad: i32,
  coeffs: usize,
  L: i32,
  M: i32,
  taps: i32,
  dst: usize,
  from: i32,
  to: i32,
): void {
  const tb = <usize>taps << 2;
  const offset = <i64>pad - <i64>(taps >> 1) + 1;
  for (let j = from; j < to; j++) {
    const jm = <i64>j * <i64>M;
    const base = jm / <i64>L;
    const r = <usize>(jm % <i64>L);
    const row = coeffs + r * tb;
    const x = src + (<usize>(base + offset) << 2);
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let o: usize = 0;
    for (; o + 32 <= tb; o += 32) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(row + o), v128.load(x + o)));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(row + o + 16), v128.load(x + o + 16)));
    }
    if (o < tb) a0 = f32x4.add(a0, f32x4.mul(v128.load(row + o), v128.load(x + o)));
    const s = f32x4.add(a0, a1);
    store<f32>(
      dst + (<usize>j << 2),
      f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3)),
    );
  }
}
