/**
 * Seeded randomness, once for the whole package.
 *
 * Every random draw in sousa-wasm comes from an {@link Rng} made by {@link rngFor}
 * from (global seed, stable key). Keys name *what* is being drawn
 * (`profile/beg003`, `perf/beg003_flam_96bpm`), never *when*, so one sample's draws
 * do not depend on which other samples exist, their order, the worker count or the shard.
 *
 * Algorithm (mirrored bit for bit in `assembly/random.ts`, checked by shared golden vectors):
 * - key hash: FNV-1a 64 over the key's UTF-8 bytes;
 * - stream seed: splitmix64(splitmix64(seed) XOR hash(key));
 * - stream state: xoshiro128** (Blackman & Vigna 2018) seeded from two further splitmix64 outputs;
 * - uniform float: 53 bits from two 32-bit outputs;
 * - normal: Marsaglia polar method with a spare, using {@link detLn}, a log built from
 *   IEEE basic operations only, so TypeScript and AssemblyScript agree exactly.
 */

const MASK64 = 0xffff_ffff_ffff_ffffn;

const utf8 = new TextEncoder();

/** FNV-1a 64-bit hash of a string's UTF-8 bytes. */
export function fnv1a64(key: string): bigint {
  // 64-bit state as two 32-bit halves: the prime is 2^40 + 0x1b3, so
  // h * prime = h * 0x1b3 + (h << 40) mod 2^64, all exact in doubles (BigInt per byte is ~10x slower).
  let lo = 0x8422_2325;
  let hi = 0xcbf2_9ce4;
  for (const b of utf8.encode(key)) {
    lo = (lo ^ b) >>> 0;
    const p = lo * 0x1b3;
    const carry = Math.floor(p / 4294967296);
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = p >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** One splitmix64 step: returns [output, next state]. */
export function splitmix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e37_79b9_7f4a_7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58_476d_1ce4_e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d0_49bb_1331_11ebn) & MASK64;
  return [z ^ (z >> 31n), next];
}

/** Seed of the stream named `key` under the global `seed` (an unsigned 64-bit value). */
export function streamSeed(seed: number | bigint, key: string): bigint {
  const s = BigInt.asUintN(64, BigInt(seed));
  const [a] = splitmix64(s);
  const [b] = splitmix64(a ^ fnv1a64(key));
  return b;
}

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const SQRT2 = 1.4142135623730951;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little-endian hosts only (every JS engine we target); index 1 is the high word.

/**
 * Natural logarithm from IEEE basic operations only (add, multiply, divide), so the value is
 * identical in every engine and in AssemblyScript. Accurate to about 1 ulp for x > 0.
 * Returns -Infinity for 0 and NaN for negative input or NaN.
 */
export function detLn(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2^54: bring subnormals into the normal range
    e = -54;
  }
  f64[0] = x;
  const hi = u32[1]!;
  e += ((hi >>> 20) & 0x7ff) - 1023;
  u32[1] = (hi & 0x000f_ffff) | 0x3ff0_0000; // mantissa in [1, 2)
  let m = f64[0];
  if (m > SQRT2) {
    m *= 0.5;
    e += 1;
  }
  // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  const p =
    1 +
    s2 *
      (1 / 3 +
        s2 *
          (1 / 5 +
            s2 *
              (1 / 7 +
                s2 * (1 / 9 + s2 * (1 / 11 + s2 * (1 / 13 + s2 * (1 / 15 + s2 * (1 / 17 + s2 * (1 / 19)))))))));
  return e * LN2_HI + (2 * s * p + e * LN2_LO);
}

/** A seeded stream of random numbers (xoshiro128**). Create with {@link rngFor}. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;
  /** The 64-bit seed this stream was created from. */
  readonly seed: bigint;

  constructor(seed: bigint) {
    this.seed = BigInt.asUintN(64, seed);
    const [a, n1] = splitmix64(this.seed);
    const [b] = splitmix64(n1);
    this.s0 = Number(a & 0xffff_ffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffff_ffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** Next raw 32-bit output, as an unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  float(): number {
    const a = this.nextU32() >>> 5; // 27 bits
    const b = this.nextU32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling on 32 bits). n must be in 1..2^32. */
  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296 && Number.isInteger(n))) {
      throw new RangeError(`Rng.int: n must be an integer in 1..2^32, got ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Uniform integer in [lo, hi] inclusive. */
  intBetween(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal draw (Marsaglia polar method; the second value of each pair is kept). */
  standardNormal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.float() - 1;
      const v = 2 * this.float() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * detLn(s)) / s);
        this.spare = v * m;
        return u * m;
      }
    }
  }

  /** Normal draw with the given mean and standard deviation. */
  normal(mean: number, sd: number): number {
    return mean + sd * this.standardNormal();
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty array');
    return items[this.int(items.length)]!;
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }

  /** `k` distinct elements drawn without replacement, in draw order. */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k > items.length) throw new RangeError(`Rng.sample: cannot draw ${k} of ${items.length}`);
    return this.shuffled(items).slice(0, k);
  }

  /** An independent child stream named `key` (depends only on this stream's seed and the key). */
  fork(key: string): Rng {
    return new Rng(streamSeed(this.seed, key));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The stream for `key` under the global `seed`. */
export function rngFor(seed: number | bigint, key: string): Rng {
  return new Rng(streamSeed(seed, key));
}
