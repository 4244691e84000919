/**
 * Deterministic elementary functions (exp, pow, sin, cos; ln lives in src/random) from IEEE basic
 * operations only, so every engine gives the same bits. `Math.exp`, `Math.pow`, `Math.sin`… are not
 * required to be correctly rounded and do differ between V8 versions (Node 20 vs Deno 2 gave
 * scores 1 ulp apart), which breaks DESIGN decision 1 (byte-identical output everywhere).
 * `Math.sqrt`, `Math.round`, `Math.floor` and `Math.abs` are exact by the spec and are used freely.
 */
import { detLn } from '../random/index.js';

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
// pi/2 split in three parts (fdlibm's pio2_1, pio2_2, pio2_3) for Cody–Waite reduction:
// n * PIO2_1 is exact for |n| < 2^20, so arguments up to about 1e6 rad lose no accuracy.
const PIO2_1 = 1.57079632673412561417e0;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_3 = 2.02226624871116645580e-21;
const INV_PIO2 = 6.36619772367581382433e-1;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** 2^k as a double for integer k in [-1022, 1023] (built from the exponent bits, exact). */
function pow2(k: number): number {
  u32[0] = 0;
  u32[1] = (k + 1023) << 20;
  return f64[0]!;
}

/** e^x; relative error about 1 ulp. Underflows to 0 below -708, overflows to Infinity above 709. */
export function detExp(x: number): number {
  if (x !== x) return NaN;
  if (x > 709) return Infinity;
  if (x < -708) return 0;
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO; // |r| <= ln2 / 2
  // Taylor series to r^13: the remainder is below 2e-19 for |r| <= 0.347.
  let p = 1 / 6227020800;
  p = p * r + 1 / 479001600;
  p = p * r + 1 / 39916800;
  p = p * r + 1 / 3628800;
  p = p * r + 1 / 362880;
  p = p * r + 1 / 40320;
  p = p * r + 1 / 5040;
  p = p * r + 1 / 720;
  p = p * r + 1 / 120;
  p = p * r + 1 / 24;
  p = p * r + 1 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  p = p * r + 1;
  return p * pow2(k);
}

/** x^y for x > 0 (via {@link detExp} and {@link detLn}); relative error a few ulp. */
export function detPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 0) return y > 0 ? 0 : Infinity;
  return detExp(y * detLn(x));
}

function sinPoly(r: number): number {
  const r2 = r * r;
  // Taylor to r^17: remainder below 1e-18 for |r| <= pi/4.
  let p = -1 / 6402373705728000;
  p = p * r2 + 1 / 20922789888000;
  p = p * r2 - 1 / 1307674368000;
  p = p * r2 + 1 / 6227020800;
  p = p * r2 - 1 / 39916800;
  p = p * r2 + 1 / 362880;
  p = p * r2 - 1 / 5040;
  p = p * r2 + 1 / 120;
  p = p * r2 - 1 / 6;
  return r + r * r2 * p;
}

function cosPoly(r: number): number {
  const r2 = r * r;
  let p = 1 / 20922789888000;
  p = p * r2 - 1 / 87178291200;
  p = p * r2 + 1 / 479001600;
  p = p * r2 - 1 / 3628800;
  p = p * r2 + 1 / 40320;
  p = p * r2 - 1 / 720;
  p = p * r2 + 1 / 24;
  p = p * r2 - 0.5;
  return 1 + r2 * p;
}

/** Reduce x to r in [-pi/4, pi/4] and the quadrant n mod 4. Accurate for |x| < 1e6. */
function reduce(x: number): [number, number] {
  const n = Math.round(x * INV_PIO2);
  const r = x - n * PIO2_1 - n * PIO2_2 - n * PIO2_3;
  return [r, ((n % 4) + 4) % 4];
}

/** sin(x) for |x| < 1e6 (error about 1 ulp); NaN outside. */
export function detSin(x: number): number {
  if (!(Math.abs(x) < 1e6)) return NaN;
  const [r, q] = reduce(x);
  switch (q) {
    case 0:
      return sinPoly(r);
    case 1:
      return cosPoly(r);
    case 2:
      return -sinPoly(r);
    default:
      return -cosPoly(r);
  }
}

/** cos(x) for |x| < 1e6 (error about 1 ulp); NaN outside. */
export function detCos(x: number): number {
  if (!(Math.abs(x) < 1e6)) return NaN;
  const [r, q] = reduce(x);
  switch (q) {
    case 0:
      return cosPoly(r);
    case 1:
      return -sinPoly(r);
    case 2:
      return -cosPoly(r);
    default:
      return sinPoly(r);
  }
}

/** tanh(x) from {@link detExp}. */
export function detTanh(x: number): number {
  if (x > 20) return 1;
  if (x < -20) return -1;
  const e = detExp(2 * x);
  return (e - 1) / (e + 1);
}

export { detLn } from '../random/index.js';
