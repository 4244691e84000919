// PCM quantisation for the FLAC encoder: float samples to clamped integers, the same rule as
// src/audio/flac.ts documents (`Math.round(x * top)` clamped to [-top - 1, top]).
//
// Math.round(v) equals floor(v + 0.5) here: v = x * top is exact in f64 for an f32 x and
// top < 2^24 (24 + 24 significant bits), and its distance to the next half-integer below is then
// at least 2^-48 * |v|-scale, far above the rounding step of v + 0.5, so the addition cannot carry
// a value just below n + 0.5 up to n + 1.

/**
 * Quantises n f32 samples at src into i32 at dst: floor(x * top + 0.5) clamped to [-top - 1, top].
 * Returns the index of the first NaN or infinite sample (dst is then incomplete), or -1.
 */
export function quantizePcm(src: usize, dst: usize, n: usize, top: f64): i32 {
  const hiV = f64x2.splat(top);
  const loV = f64x2.splat(-top - 1);
  const topV = f64x2.splat(top);
  const half = f64x2.splat(0.5);
  let bad = f32x4.splat(0);
  const nb = n << 2;
  let o: usize = 0;
  for (; o + 16 <= nb; o += 16) {
    const v = v128.load(src + o);
    bad = f32x4.add(bad, f32x4.sub(v, v));
    const a = f64x2.promote_low_f32x4(v);
    const b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    const ra = f64x2.pmin(hiV, f64x2.pmax(loV, f64x2.floor(f64x2.add(f64x2.mul(a, topV), half))));
    const rb = f64x2.pmin(hiV, f64x2.pmax(loV, f64x2.floor(f64x2.add(f64x2.mul(b, topV), half))));
    const ia = i32x4.trunc_sat_f64x2_s_zero(ra);
    const ib = i32x4.trunc_sat_f64x2_s_zero(rb);
    v128.store(dst + o, v128.shuffle<i32>(ia, ib, 0, 1, 4, 5));
  }
  if (v128.any_true(f32x4.ne(bad, bad))) o = 0;
  for (; o < nb; o += 4) {
    const x = load<f32>(src + o);
    if (x - x != 0) return <i32>(o >> 2);
    let r = Math.floor(<f64>x * top + 0.5);
    if (r > top) r = top;
    if (r < -top - 1) r = -top - 1;
    store<i32>(dst + o, <i32>r);
  }
  return -1;
}
