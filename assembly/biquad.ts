// Cascade of biquad sections, transposed direct form II, in place on f32 samples.
//
// Coefficients (normalised so a0 = 1) and state live in caller memory as f64, so a cascade can be
// run block by block: the state after one call is the state before the next. Arithmetic is f64:
// low-frequency sections at 44.1 kHz put poles within 1e-4 of the unit circle, where f32
// coefficients and state shift the response audibly. The recursion is serial, so SIMD does not pay.
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
