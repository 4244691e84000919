// Cascade of biquad sections, transposed direct form II, in place on f32 samples.
//
// Coefficients (normalised so a0 = 1) and state live in caller memory as f64, so a cascade can be
// run block by block: the state after one call is the state before the next. Arithmetic is f64:
// low-frequency sections at 44.1 kHz put poles within 1e-4 of the unit circle, where f32
// coefficients and state shift the response audibly. One recursion is serial, so SIMD does not
// pay within a signal; long signals instead run as four segments side by side (`biquadLanes`,
// below).
//
// coeffs: 5 f64 per section (b0, b1, b2, a1, a2); state: 2 f64 per section (z1, z2).

/** Filters `n` f32 samples at `buf` in place through `sections` biquads. */
export function biquadCascade(buf: usize, n: usize, coeffs: usize, state: usize, sections: usize): void {
  for (let s: usize = 0; s < sections; s++) {
    const c = coeffs + s * 40;
    const b0 = load<f64>(c);
    const b1 = load<f64>(c, 8);
    const b2 = load<f64>(c, 16);
    const a1 = load<f64>(c, 24);
    const a2 = load<f64>(c, 32);
    const z = state + (s << 4);
    let z1 = load<f64>(z);
    let z2 = load<f64>(z, 8);
    for (let i: usize = 0; i < n; i++) {
      const p = buf + (i << 2);
      const x = <f64>load<f32>(p);
      const y = b0 * x + z1;
      z1 = b1 * x - a1 * y + z2;
      z2 = b2 * x - a2 * y;
      store<f32>(p, <f32>y);
    }
    store<f64>(z, z1);
    store<f64>(z, z2, 8);
  }
}

// ---- Lane-parallel cascades ------------------------------------------------------------------
// A biquad's recursion costs its latency (multiply, add, multiply, subtract: ~12 cycles) per
// sample whatever SIMD offers. For long signals the caller splits the signal into four segments
// and runs them side by side, one per lane (two f64x2 vectors): four recursions in flight instead
// of one. Segment k > 0 cannot wait for segment k - 1's end state, so its lane first runs, without
// storing, over the W samples before the segment (a warm-up from a zero state): a stable filter
// forgets its state geometrically (|pole|^W), so after W samples the lane's state equals the true
// one to the tolerance W was chosen for (the caller derives W from the pole radii).
//
// Lane state layout, per section: z1 of lanes 0..3, then z2 of lanes 0..3 (8 f64, 64 bytes).

/**
 * Filters four segments through `sections` (1 or 2) biquads, `steps` samples each: segment k
 * starts at buf + k * stride (bytes). In place when `store`; when not, only the state advances
 * (the warm-up). coeffs: 5 f64 per section as in biquadCascade; state: 8 f64 per section (see
 * above), carried from call to call.
 */
export function biquadLanes(buf: usize, stride: usize, steps: usize, coeffs: usize, state: usize, sections: usize, store: bool): void {
  if (sections == 2) {
    if (store) lanesImpl(buf, stride, steps, coeffs, state, true, true);
    else lanesImpl(buf, stride, steps, coeffs, state, true, false);
  } else {
    if (store) lanesImpl(buf, stride, steps, coeffs, state, false, true);
    else lanesImpl(buf, stride, steps, coeffs, state, false, false);
  }
}

// @ts-ignore: decorator
@inline function lanesImpl(buf: usize, stride: usize, steps: usize, coeffs: usize, state: usize, two: bool, write: bool): void {
  const b0 = f64x2.splat(load<f64>(coeffs, 0)), b1 = f64x2.splat(load<f64>(coeffs, 8)), b2 = f64x2.splat(load<f64>(coeffs, 16));
  const a1 = f64x2.splat(load<f64>(coeffs, 24)), a2 = f64x2.splat(load<f64>(coeffs, 32));
  const c0 = f64x2.splat(two ? load<f64>(coeffs, 40) : 0), c1 = f64x2.splat(two ? load<f64>(coeffs, 48) : 0);
  const c2 = f64x2.splat(two ? load<f64>(coeffs, 56) : 0);
  const d1 = f64x2.splat(two ? load<f64>(coeffs, 64) : 0), d2 = f64x2.splat(two ? load<f64>(coeffs, 72) : 0);
  let z1a = v128.load(state, 0), z1b = v128.load(state, 16), z2a = v128.load(state, 32), z2b = v128.load(state, 48);
  let w1a = two ? v128.load(state, 64) : f64x2.splat(0), w1b = two ? v128.load(state, 80) : f64x2.splat(0);
  let w2a = two ? v128.load(state, 96) : f64x2.splat(0), w2b = two ? v128.load(state, 112) : f64x2.splat(0);
  const s2 = stride << 1;
  const s3 = s2 + stride;
  for (let i: usize = 0; i < steps; i++) {
    const p = buf + (i << 2);
    let v = v128.load32_zero(p);
    v = v128.load32_lane(p + stride, v, 1);
    v = v128.load32_lane(p + s2, v, 2);
    v = v128.load32_lane(p + s3, v, 3);
    const xa = f64x2.promote_low_f32x4(v);
    const xb = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
    let ya = f64x2.add(f64x2.mul(b0, xa), z1a);
    let yb = f64x2.add(f64x2.mul(b0, xb), z1b);
    z1a = f64x2.add(f64x2.sub(f64x2.mul(b1, xa), f64x2.mul(a1, ya)), z2a);
    z1b = f64x2.add(f64x2.sub(f64x2.mul(b1, xb), f64x2.mul(a1, yb)), z2b);
    z2a = f64x2.sub(f64x2.mul(b2, xa), f64x2.mul(a2, ya));
    z2b = f64x2.sub(f64x2.mul(b2, xb), f64x2.mul(a2, yb));
    if (two) {
      const ua = f64x2.add(f64x2.mul(c0, ya), w1a);
      const ub = f64x2.add(f64x2.mul(c0, yb), w1b);
      w1a = f64x2.add(f64x2.sub(f64x2.mul(c1, ya), f64x2.mul(d1, ua)), w2a);
      w1b = f64x2.add(f64x2.sub(f64x2.mul(c1, yb), f64x2.mul(d1, ub)), w2b);
      w2a = f64x2.sub(f64x2.mul(c2, ya), f64x2.mul(d2, ua));
      w2b = f64x2.sub(f64x2.mul(c2, yb), f64x2.mul(d2, ub));
      ya = ua;
      yb = ub;
    }
    if (write) {
      const out = v128.shuffle<f32>(f32x4.demote_f64x2_zero(ya), f32x4.demote_f64x2_zero(yb), 0, 1, 4, 5);
      v128.store32_lane(p, out, 0);
      v128.store32_lane(p + stride, out, 1);
      v128.store32_lane(p + s2, out, 2);
      v128.store32_lane(p + s3, out, 3);
    }
  }
  v128.store(state, z1a, 0);
  v128.store(state, z1b, 16);
  v128.store(state, z2a, 32);
  v128.store(state, z2b, 48);
  if (two) {
    v128.store(state, w1a, 64);
    v128.store(state, w1b, 80);
    v128.store(state, w2a, 96);
    v128.store(state, w2b, 112);
  }
}

/**
 * `biquadLanes` in f32 (coefficients rounded to f32): all four segments in one f32x4, about twice
 * the throughput. For noise beds and other signals where f32's rounding noise, amplified by poles
 * near the unit circle, is far below what the result needs; audio paths use the f64 kernel.
 * Lane state, per section: z1 of lanes 0..3, then z2 of lanes 0..3 (8 f32, 32 bytes).
 */
export function biquadLanesF32(buf: usize, stride: usize, steps: usize, coeffs: usize, state: usize, sections: usize, store: bool): void {
  if (sections == 2) {
    if (store) lanesF32Impl(buf, stride, steps, coeffs, state, true, true);
    else lanesF32Impl(buf, stride, steps, coeffs, state, true, false);
  } else {
    if (store) lanesF32Impl(buf, stride, steps, coeffs, state, false, true);
    else lanesF32Impl(buf, stride, steps, coeffs, state, false, false);
  }
}

// @ts-ignore: decorator
@inline function lanesF32Impl(buf: usize, stride: usize, steps: usize, coeffs: usize, state: usize, two: bool, write: bool): void {
  const b0 = f32x4.splat(<f32>load<f64>(coeffs, 0)), b1 = f32x4.splat(<f32>load<f64>(coeffs, 8)), b2 = f32x4.splat(<f32>load<f64>(coeffs, 16));
  const a1 = f32x4.splat(<f32>load<f64>(coeffs, 24)), a2 = f32x4.splat(<f32>load<f64>(coeffs, 32));
  const c0 = f32x4.splat(two ? <f32>load<f64>(coeffs, 40) : 0), c1 = f32x4.splat(two ? <f32>load<f64>(coeffs, 48) : 0);
  const c2 = f32x4.splat(two ? <f32>load<f64>(coeffs, 56) : 0);
  const d1 = f32x4.splat(two ? <f32>load<f64>(coeffs, 64) : 0), d2 = f32x4.splat(two ? <f32>load<f64>(coeffs, 72) : 0);
  let z1 = v128.load(state, 0), z2 = v128.load(state, 16);
  let w1 = two ? v128.load(state, 32) : f32x4.splat(0), w2 = two ? v128.load(state, 48) : f32x4.splat(0);
  const s2 = stride << 1;
  const s3 = s2 + stride;
  for (let i: usize = 0; i < steps; i++) {
    const p = buf + (i << 2);
    let x = v128.load32_zero(p);
    x = v128.load32_lane(p + stride, x, 1);
    x = v128.load32_lane(p + s2, x, 2);
    x = v128.load32_lane(p + s3, x, 3);
    let y = f32x4.add(f32x4.mul(b0, x), z1);
    z1 = f32x4.add(f32x4.sub(f32x4.mul(b1, x), f32x4.mul(a1, y)), z2);
    z2 = f32x4.sub(f32x4.mul(b2, x), f32x4.mul(a2, y));
    if (two) {
      const u = f32x4.add(f32x4.mul(c0, y), w1);
      w1 = f32x4.add(f32x4.sub(f32x4.mul(c1, y), f32x4.mul(d1, u)), w2);
      w2 = f32x4.sub(f32x4.mul(c2, y), f32x4.mul(d2, u));
      y = u;
    }
    if (write) {
      v128.store32_lane(p, y, 0);
      v128.store32_lane(p + stride, y, 1);
      v128.store32_lane(p + s2, y, 2);
      v128.store32_lane(p + s3, y, 3);
    }
  }
  v128.store(state, z1, 0);
  v128.store(state, z2, 16);
  if (two) {
    v128.store(state, w1, 32);
    v128.store(state, w2, 48);
  }
}
