// Sample-wise kernels of the augmentation chain, in place on caller memory (f32 samples):
// gain and mixing, peak / energy / finiteness scans, one-pole smoothing, the preamp saturators and
// a feed-forward compressor.
//
// Every kernel can be called block by block: whatever must survive between blocks (filter and
// detector state) lives in caller memory. Only IEEE basic operations, wasm's own `nearest`/`sqrt`,
// and the AssemblyScript Math/Mathf routines compiled into this module are used, so results are the
// same bits in every engine. Relaxed-SIMD operations are never used: their results may differ
// between engines.

/** buf[i] *= gain for i < n. */
export function scaleInPlace(buf: usize, n: usize, gain: f32): void {
  const g = f32x4.splat(gain);
  const nb = n << 2;
  let o: usize = 0;
  for (; o + 16 <= nb; o += 16) v128.store(buf + o, f32x4.mul(v128.load(buf + o), g));
  for (; o < nb; o += 4) store<f32>(buf + o, load<f32>(buf + o) * gain);
}

/** dst[i] += gain * src[i] for i < n. */
export function addScaled(dst: usize, src: usize, n: usize, gain: f32): void {
  const g = f32x4.splat(gain);
  const nb = n << 2;
  let o: usize = 0;
  for (; o + 16 <= nb; o += 16) {
    v128.store(dst + o, f32x4.add(v128.load(dst + o), f32x4.mul(v128.load(src + o), g)));
  }
  for (; o < nb; o += 4) store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o) * gain);
}

/**
 * max |buf[i]| over i < n. Uses pmax, which skips NaN, so this is only meaningful on finite data:
 * check with `firstNonFinite` (one cheap pass) where input may be bad.
 */
export function peakAbs(buf: usize, n: usize): f32 {
  let acc = f32x4.splat(0);
  const nb = n << 2;
  let o: usize = 0;
  for (; o + 16 <= nb; o += 16) acc = f32x4.pmax(acc, f32x4.abs(v128.load(buf + o)));
  let peak = max<f32>(
    max<f32>(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)),
    max<f32>(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)),
  );
  for (; o < nb; o += 4) {
    const a = abs<f32>(load<f32>(buf + o));
    if (a > peak) peak = a;
  }
  return peak;
}

/** max |x| over the first n samples, or NaN if any of them is NaN or infinite: peakAbs and firstNonFinite's test in one pass. */
export function peakAbsFinite(buf: usize, n: usize): f32 {
  let acc = f32x4.splat(0);
  let bad = f32x4.splat(0);
  const nb = n << 2;
  let o: usize = 0;
  for (; o + 16 <= nb; o += 16) {
    const v = v128.load(buf + o);
    acc = f32x4.pmax(acc, f32x4.abs(v));
    bad = f32x4.add(bad, f32x4.sub(v, v));
  }
  let peak = max<f32>(
    max<f32>(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)),
    max<f32>(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)),
  );
  let b = f32x4.extract_lane(bad, 0) + f32x4.extract_lane(bad, 1) + f32x4.extract_lane(bad, 2) + f32x4.extract_lane(bad, 3);
  for (; o < nb; o += 4) {
    const v = load<f32>(buf + o);
    b += v - v;
    const a = abs<f32>(v);
    if (a > peak) peak = a;
  }
  return b == 0 ? peak : NaN;
}

/** Index of the first NaN or infinite sample among the first n, or -1. */
export function firstNonFinite(buf: usize, n: usize): i32 {
  // x - x is 0 for finite x and NaN for NaN and +-Infinity; a NaN lane stays NaN in the sum.
  let acc = f32x4.splat(0);
  const nb = n << 2;
  let o: usize = 0;
  for (; o + 16 <= nb; o += 16) {
    const v = v128.load(buf + o);
    acc = f32x4.add(acc, f32x4.sub(v, v));
  }
  if (!v128.any_true(f32x4.ne(acc, acc))) o = nb & ~15;
  else o = 0;
  for (; o < nb; o += 4) {
    const x = load<f32>(buf + o);
    if (x - x != 0) return <i32>(o >> 2);
  }
  return -1;
}

/** Sum of buf[i]^2 over i < n, accumulated in f64 (two lanes per half, fixed order). */
export function sumSquares(buf: usize, n: usize): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  const nb = n << 2;
  let o: usize = 0;
  for (; o + 16 <= nb; o += 16) {
    const v = v128.load(buf + o);
    const a = f64x2.promote_low_f32x4(v);
    const b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  let sum = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1) + (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
  for (; o < nb; o += 4) {
    const x = <f64>load<f32>(buf + o);
    sum += x * x;
  }
  return sum;
}

/**
 * One-pole low-pass in place: y[i] = y[i-1] + coeff * (x[i] - y[i-1]), f64 state at `state`
 * (y[-1], carried between blocks). coeff = 1 - exp(-2 pi fc / fs) puts the -3 dB point near fc
 * for fc well below fs / 2.
 */
export function onePoleLowpass(buf: usize, n: usize, coeff: f64, state: usize): void {
  let y = load<f64>(state);
  for (let i: usize = 0; i < n; i++) {
    const p = buf + (i << 2);
    y += coeff * (<f64>load<f32>(p) - y);
    store<f32>(p, <f32>y);
  }
  store<f64>(state, y);
}

// tanh(x) by its [7/6] Pade approximant (Lambert's continued fraction), clamped to +-1: error below
// 1e-6 for |x| <= 3 and 1e-4 everywhere; basic operations only, four lanes at a time.
// @ts-ignore: decorator
@inline function tanhPade4(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  const num = f32x4.mul(
    x,
    f32x4.add(f32x4.splat(135135), f32x4.mul(x2, f32x4.add(f32x4.splat(17325), f32x4.mul(x2, f32x4.add(f32x4.splat(378), x2))))),
  );
  const den = f32x4.add(
    f32x4.splat(135135),
    f32x4.mul(x2, f32x4.add(f32x4.splat(62370), f32x4.mul(x2, f32x4.add(f32x4.splat(3150), f32x4.mul(x2, f32x4.splat(28)))))),
  );
  return f32x4.pmax(f32x4.splat(-1), f32x4.pmin(f32x4.splat(1), f32x4.div(num, den)));
}

/** tanh of one value through the same approximant as the SIMD path (for the tail and for tests). */
export function tanhApprox(x: f32): f32 {
  return f32x4.extract_lane(tanhPade4(f32x4.splat(x)), 0);
}

/**
 * Soft saturation in place, unity gain for small signals:
 *   y = (tanh(k (x + bias)) - tanh(k bias)) / (k (1 - tanh(k bias)^2)),
 * tanh being {@link tanhApprox}. bias = 0 gives a symmetric clipper (odd harmonics); bias != 0 an
 * asymmetric one (even harmonics too) whose output is still 0 for silence. k <= 1e-6 leaves the
 * signal unchanged.
 */
export function saturateSoft(buf: usize, n: usize, k: f32, bias: f32): void {
  if (!(k > 1e-6)) return;
  const t0 = tanhApprox(k * bias);
  const g: f32 = 1 / (k * (1 - t0 * t0));
  const kV = f32x4.splat(k);
  const kbV = f32x4.splat(k * bias);
  const t0V = f32x4.splat(t0);
  const gV = f32x4.splat(g);
  const nb = n << 2;
  let o: usize = 0;
  for (; o + 16 <= nb; o += 16) {
    const x = v128.load(buf + o);
    v128.store(buf + o, f32x4.mul(f32x4.sub(tanhPade4(f32x4.add(f32x4.mul(x, kV), kbV)), t0V), gV));
  }
  for (; o < nb; o += 4) {
    const x = load<f32>(buf + o);
    store<f32>(buf + o, (tanhApprox(x * k + k * bias) - t0) * g);
  }
}

/**
 * Hard clipper with blend, in place: y = (1 - mix) x + mix * clamp(preGain * x, -threshold, threshold).
 */
export function saturateHard(buf: usize, n: usize, preGain: f32, threshold: f32, mix: f32): void {
  const pg = f32x4.splat(preGain);
  const hiV = f32x4.splat(threshold);
  const loV = f32x4.splat(-threshold);
  const wet = f32x4.splat(mix);
  const dry = f32x4.splat(1 - mix);
  const nb = n << 2;
  let o: usize = 0;
  for (; o + 16 <= nb; o += 16) {
    const x = v128.load(buf + o);
    const c = f32x4.max(loV, f32x4.min(hiV, f32x4.mul(x, pg)));
    v128.store(buf + o, f32x4.add(f32x4.mul(x, dry), f32x4.mul(c, wet)));
  }
  for (; o < nb; o += 4) {
    const x = load<f32>(buf + o);
    const c = max<f32>(-threshold, min<f32>(threshold, x * preGain));
    store<f32>(buf + o, x * (1 - mix) + c * mix);
  }
}

// 20 log10(x) = DB_PER_LOG2 * log2(x); 10^(g / 20) = 2^(g * LOG2_PER_DB).
// @ts-ignore: decorator
@inline const DB_PER_LOG2: f32 = 6.020599913279624;
// @ts-ignore: decorator
@inline const LOG2_PER_DB: f32 = 0.16609640474436813;

// Polynomials of the level detector: near-minimax (Chebyshev) fits on [0, 1), rounded to f32.
// log2(1 + f) ~ L0 + f (L1 + f (L2 + ... + f L6)): error under 6e-6 (3e-5 dB).
// @ts-ignore: decorator
@inline const L0: f32 = 5.060328021500027e-6;
// @ts-ignore: decorator
@inline const L1: f32 = 1.442395567893982;
// @ts-ignore: decorator
@inline const L2: f32 = -0.7169875502586365;
// @ts-ignore: decorator
@inline const L3: f32 = 0.4538581967353821;
// @ts-ignore: decorator
@inline const L4: f32 = -0.2723558247089386;
// @ts-ignore: decorator
@inline const L5: f32 = 0.11790686100721359;
// @ts-ignore: decorator
@inline const L6: f32 = -0.024825984612107277;
// 2^f ~ E0 + f (E1 + ... + f E5): relative error under 3e-7 (3e-6 dB).
// @ts-ignore: decorator
@inline const E0: f32 = 0.9999997615814209;
// @ts-ignore: decorator
@inline const E1: f32 = 0.6931567788124084;
// @ts-ignore: decorator
@inline const E2: f32 = 0.2401316910982132;
// @ts-ignore: decorator
@inline const E3: f32 = 0.055876556783914566;
// @ts-ignore: decorator
@inline const E4: f32 = 0.008940582163631916;
// @ts-ignore: decorator
@inline const E5: f32 = 0.0018943793838843703;
// 1.5 * 2^23: adding it to an integer-valued f32 in (-2^22, 2^22) leaves that integer in the low
// mantissa bits (bits - MAGIC_BITS), a float-to-int conversion in two integer-friendly steps.
// @ts-ignore: decorator
@inline const MAGIC: f32 = 12582912.0;
// @ts-ignore: decorator
@inline const MAGIC_BITS: i32 = 0x4b400000;

/**
 * log2(x) for positive normal f32 from basic operations: the exponent from the bits, log2 of the
 * mantissa m in [1, 2) by a degree-6 polynomial in m - 1 (error under 6e-6, i.e. 3e-5 dB): cheap
 * and exact enough for a level detector.
 */
export function fastLog2(x: f32): f32 {
  const bits = reinterpret<u32>(x);
  const e = <i32>((bits >> 23) & 0xff) - 127;
  const f = reinterpret<f32>((bits & 0x007fffff) | 0x3f800000) - 1;
  return <f32>e + (L0 + f * (L1 + f * (L2 + f * (L3 + f * (L4 + f * (L5 + f * L6))))));
}

/**
 * 2^y from basic operations: y clamped to [-126, 126], split into integer i (exponent bits) and
 * fraction f in [0, 1), 2^f by a degree-5 polynomial (relative error under 3e-7, 3e-6 dB).
 */
export function fastExp2(y: f32): f32 {
  const c = y < -126 ? <f32>-126 : y > 126 ? <f32>126 : y;
  const i = floor<f32>(c);
  const f = c - i;
  const p: f32 = E0 + f * (E1 + f * (E2 + f * (E3 + f * (E4 + f * E5))));
  const k = reinterpret<i32>(i + MAGIC) - MAGIC_BITS;
  return p * reinterpret<f32>(<u32>(k + 127) << 23);
}

/** Bytes of compressor state: the smoothed gain reduction in dB (f64). Zero it before the first block. */
export function compressorStateBytes(): usize {
  return 8;
}

/**
 * Static curve of the compressor: output level in dB for input level `xDb` (soft knee of width
 * `kneeDb` centred on the threshold; Giannoulis, Massberg & Reiss, "Digital dynamic range
 * compressor design", JAES 2012, eq. 4).
 */
export function compressorCurveDb(xDb: f32, thresholdDb: f32, ratio: f32, kneeDb: f32): f32 {
  const d = xDb - thresholdDb;
  if (d * 2 <= -kneeDb) return xDb;
  if (kneeDb > 0 && abs<f32>(d) * 2 <= kneeDb) {
    const u = d + kneeDb / 2;
    return xDb + ((1 / ratio - 1) * u * u) / (2 * kneeDb);
  }
  return thresholdDb + d / ratio;
}

// Four-lane fastLog2 (same steps as the scalar version).
// @ts-ignore: decorator
@inline function log2x4(x: v128): v128 {
  const e = i32x4.sub(i32x4.shr_u(v128.and(x, i32x4.splat(0x7f800000)), 23), i32x4.splat(127));
  const f = f32x4.sub(v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000)), f32x4.splat(1));
  let p = f32x4.add(f32x4.splat(L5), f32x4.mul(f, f32x4.splat(L6)));
  p = f32x4.add(f32x4.splat(L4), f32x4.mul(f, p));
  p = f32x4.add(f32x4.splat(L3), f32x4.mul(f, p));
  p = f32x4.add(f32x4.splat(L2), f32x4.mul(f, p));
  p = f32x4.add(f32x4.splat(L1), f32x4.mul(f, p));
  p = f32x4.add(f32x4.splat(L0), f32x4.mul(f, p));
  return f32x4.add(f32x4.convert_i32x4_s(e), p);
}

// Four-lane fastExp2 (same steps as the scalar version).
// @ts-ignore: decorator
@inline function exp2x4(y: v128): v128 {
  const c = f32x4.pmax(f32x4.splat(-126), f32x4.pmin(f32x4.splat(126), y));
  const i = f32x4.floor(c);
  const f = f32x4.sub(c, i);
  let p = f32x4.add(f32x4.splat(E4), f32x4.mul(f, f32x4.splat(E5)));
  p = f32x4.add(f32x4.splat(E3), f32x4.mul(f, p));
  p = f32x4.add(f32x4.splat(E2), f32x4.mul(f, p));
  p = f32x4.add(f32x4.splat(E1), f32x4.mul(f, p));
  p = f32x4.add(f32x4.splat(E0), f32x4.mul(f, p));
  const k = i32x4.sub(f32x4.add(i, f32x4.splat(MAGIC)), i32x4.splat(MAGIC_BITS));
  return f32x4.mul(p, i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23));
}

/**
 * Feed-forward compressor in place (Giannoulis et al. 2012, the log-domain design with a smooth
 * branching peak detector on the gain reduction): the level |x| in dB goes through the static
 * curve; the gain reduction (input - curve, >= 0 dB) is smoothed with the attack coefficient while
 * it rises and the release coefficient while it falls (coefficient = exp(-1 / (tau fs))); the
 * output is x * 10^((makeup - smoothed reduction) / 20).
 *
 * The control path runs at an eighth of the sample rate (a step every 0.18 ms at 44.1 kHz), as
 * hardware and plug-in compressors run theirs: one detector step per group of eight samples, on
 * the group's peak (the reduction grows with the level, so the reduction of the peak is the
 * group's largest: a peak never slips between steps), with the coefficients raised to the 8th
 * power (the same time constants); the gain is interpolated linearly across the group. Four
 * groups at a time share one SIMD level-to-dB conversion, static curve and dB-to-gain
 * conversion; only the smoother's four steps are serial.
 * Level detection with fastLog2/fastExp2 steps: error under 1e-4 dB. The smoothed reduction (f32)
 * is carried between calls at `state` (f64): calls should cover multiples of eight samples except
 * the last (a partial group is smoothed as a whole group).
 */
export function compress(
  buf: usize,
  n: usize,
  thresholdDb: f32,
  ratio: f32,
  kneeDb: f32,
  attackCoeff: f64,
  releaseCoeff: f64,
  makeupDb: f32,
  state: usize,
): void {
  const makeup = fastExp2(makeupDb * LOG2_PER_DB);
  const attack2 = attackCoeff * attackCoeff;
  const release2 = releaseCoeff * releaseCoeff;
  const attack4 = attack2 * attack2;
  const release4 = release2 * release2;
  const ca = <f32>(attack4 * attack4);
  const cr = <f32>(release4 * release4);
  const ica: f32 = 1 - ca;
  const icr: f32 = 1 - cr;
  const w = max<f32>(kneeDb, 0);
  const T = f32x4.splat(thresholdDb);
  const negW = f32x4.splat(-w);
  const halfW = f32x4.splat(w / 2);
  const slope = f32x4.splat(1 - 1 / ratio);
  // Knee: xl = (1 - 1/R) u^2 / (2W), u = d + W/2; with W = 0 the knee lanes are masked off.
  const kneeScale = f32x4.splat(w > 0 ? (1 - 1 / ratio) / (2 * w) : 0);
  const kneeOn = w > 0 ? i32x4.splat(-1) : i32x4.splat(0);
  const dbPerLog2 = f32x4.splat(DB_PER_LOG2);
  const tiny = f32x4.splat(1e-30);
  const two = f32x4.splat(2);
  const mk = f32x4.splat(makeup);
  const toLog2 = f32x4.splat(-LOG2_PER_DB);
  const rampLo = f32x4(0.125, 0.25, 0.375, 0.5);
  const rampHi = f32x4(0.625, 0.75, 0.875, 1);
  let yl = <f32>load<f64>(state);
  let gain = makeup * fastExp2(-yl * LOG2_PER_DB);
  const end = buf + (n << 2);
  let p = buf;
  for (; p + 128 <= end; p += 128) {
    // Peaks of the four groups of eight in one vector (lane k = group k).
    const g0 = f32x4.pmax(f32x4.abs(v128.load(p)), f32x4.abs(v128.load(p, 16)));
    const g1 = f32x4.pmax(f32x4.abs(v128.load(p, 32)), f32x4.abs(v128.load(p, 48)));
    const g2 = f32x4.pmax(f32x4.abs(v128.load(p, 64)), f32x4.abs(v128.load(p, 80)));
    const g3 = f32x4.pmax(f32x4.abs(v128.load(p, 96)), f32x4.abs(v128.load(p, 112)));
    const m01 = f32x4.pmax(v128.shuffle<f32>(g0, g1, 0, 1, 4, 5), v128.shuffle<f32>(g0, g1, 2, 3, 6, 7));
    const m23 = f32x4.pmax(v128.shuffle<f32>(g2, g3, 0, 1, 4, 5), v128.shuffle<f32>(g2, g3, 2, 3, 6, 7));
    const peak = f32x4.pmax(tiny, f32x4.pmax(v128.shuffle<f32>(m01, m23, 0, 2, 4, 6), v128.shuffle<f32>(m01, m23, 1, 3, 5, 7)));
    const d = f32x4.sub(f32x4.mul(dbPerLog2, log2x4(peak)), T);
    const above = f32x4.mul(d, slope);
    const u = f32x4.add(d, halfW);
    const knee = f32x4.mul(f32x4.mul(u, u), kneeScale);
    const inKnee = v128.and(f32x4.le(f32x4.abs(d), halfW), kneeOn);
    const below = f32x4.le(f32x4.mul(d, two), negW);
    const xl = v128.andnot(v128.bitselect(knee, above, inKnee), below);
    // The smoother, one step per group.
    const r0 = f32x4.extract_lane(xl, 0);
    const y0 = select<f32>(ca * yl + ica * r0, cr * yl + icr * r0, r0 > yl);
    const r1 = f32x4.extract_lane(xl, 1);
    const y1 = select<f32>(ca * y0 + ica * r1, cr * y0 + icr * r1, r1 > y0);
    const r2 = f32x4.extract_lane(xl, 2);
    const y2 = select<f32>(ca * y1 + ica * r2, cr * y1 + icr * r2, r2 > y1);
    const r3 = f32x4.extract_lane(xl, 3);
    const y3 = select<f32>(ca * y2 + ica * r3, cr * y2 + icr * r3, r3 > y2);
    yl = y3;
    const smoothed = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(y0), 1, y1), 2, y2), 3, y3);
    let g = f32x4.mul(mk, exp2x4(f32x4.mul(smoothed, toLog2)));
    // Gains interpolated across each group from the previous group's.
    let from = gain;
    for (let k = 0; k < 4; k++) {
      const to = f32x4.extract_lane(g, 0);
      const base = f32x4.splat(from);
      const step = f32x4.splat(to - from);
      const q = p + (<usize>k << 5);
      v128.store(q, f32x4.mul(v128.load(q), f32x4.add(base, f32x4.mul(rampLo, step))));
      v128.store(q, f32x4.mul(v128.load(q, 16), f32x4.add(base, f32x4.mul(rampHi, step))), 16);
      from = to;
      g = v128.shuffle<f32>(g, g, 1, 2, 3, 0);
    }
    gain = from;
  }
  // The last groups (fewer than four, the final one possibly partial), with the scalar forms of
  // the same steps.
  for (; p < end; p += 32) {
    const stop = min<usize>(p + 32, end);
    let peak: f32 = 1e-30;
    for (let q = p; q < stop; q += 4) peak = max<f32>(peak, abs<f32>(load<f32>(q)));
    const xDb = DB_PER_LOG2 * fastLog2(peak);
    const r = xDb - compressorCurveDb(xDb, thresholdDb, ratio, kneeDb);
    const next = select<f32>(ca * yl + ica * r, cr * yl + icr * r, r > yl);
    const g = makeup * fastExp2(-next * LOG2_PER_DB);
    let j: f32 = 1;
    for (let q = p; q < stop; q += 4) {
      store<f32>(q, load<f32>(q) * (gain + 0.125 * j * (g - gain)));
      j += 1;
    }
    yl = next;
    gain = g;
  }
  store<f64>(state, <f64>yl);
}

/**
 * Two biquad sections in series in one pass (transposed direct form II, f64 state and
 * coefficients), in place: the second section's recursion overlaps the first's instead of waiting
 * for a whole extra pass. coeffs: 10 f64 (b0 b1 b2 a1 a2 per section); state: 4 f64.
 */
export function biquadPair(buf: usize, n: usize, coeffs: usize, state: usize): void {
  const b0 = load<f64>(coeffs, 0), b1 = load<f64>(coeffs, 8), b2 = load<f64>(coeffs, 16);
  const a1 = load<f64>(coeffs, 24), a2 = load<f64>(coeffs, 32);
  const c0 = load<f64>(coeffs, 40), c1 = load<f64>(coeffs, 48), c2 = load<f64>(coeffs, 56);
  const d1 = load<f64>(coeffs, 64), d2 = load<f64>(coeffs, 72);
  let z1 = load<f64>(state, 0), z2 = load<f64>(state, 8);
  let w1 = load<f64>(state, 16), w2 = load<f64>(state, 24);
  for (let i: usize = 0; i < n; i++) {
    const p = buf + (i << 2);
    const x = <f64>load<f32>(p);
    const y = b0 * x + z1;
    z1 = b1 * x - a1 * y + z2;
    z2 = b2 * x - a2 * y;
    const u = c0 * y + w1;
    w1 = c1 * y - d1 * u + w2;
    w2 = c2 * y - d2 * u;
    store<f32>(p, <f32>u);
  }
  store<f64>(state, z1, 0);
  store<f64>(state, z2, 8);
  store<f64>(state, w1, 16);
  store<f64>(state, w2, 24);
}
