// Seeded random streams: the WebAssembly twin of src/random/index.ts.
//
// Invariant: for the same (seed, key) every function here returns bit-identical values to the
// TypeScript `Rng` (test/wasm-random.test.ts checks it against the TS code and pinned numbers).
// Only integer arithmetic and IEEE basic operations (+ - * / sqrt) are used, which wasm defines
// exactly; `detLn` replaces `Math.log`, whose last bit differs between libms.
//
// A stream lives in caller-allocated module memory (RNG_STATE_BYTES, 8-byte aligned):
//   +0  s0 u32   +4  s1 u32   +8  s2 u32   +12 s3 u32    xoshiro128** state
//   +16 hasSpare u32          +24 spare f64              Marsaglia polar spare
//   +32 seed u64                                         stream seed, for forks
// Keys are passed as UTF-8 bytes (pointer + length); the JS side does the encoding.

const RNG_STATE_BYTES: usize = 40;

const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;
const SPLITMIX_GAMMA: u64 = 0x9e3779b97f4a7c15;

const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const SQRT2: f64 = 1.4142135623730951;

/** Bytes a stream state needs; allocate this much (8-byte aligned) before `rngInit`. */
export function rngStateBytes(): usize {
  return RNG_STATE_BYTES;
}

/** FNV-1a 64 over `len` bytes at `ptr` (the key's UTF-8 encoding). */
export function fnv1a64(ptr: usize, len: usize): u64 {
  let h = FNV_OFFSET;
  for (let i: usize = 0; i < len; i++) {
    h ^= <u64>load<u8>(ptr + i);
    h *= FNV_PRIME;
  }
  return h;
}

// splitmix64 output for a state that has already been advanced by the gamma.
// @ts-ignore: decorator
@inline function splitmixMix(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Output of one splitmix64 step from `state` (the next state is `state + 0x9e3779b97f4a7c15`). */
export function splitmix64(state: u64): u64 {
  return splitmixMix(state + SPLITMIX_GAMMA);
}

/** Seed of the stream named by the key bytes under the global `seed`. */
export function streamSeed(seed: u64, keyPtr: usize, keyLen: usize): u64 {
  return splitmix64(splitmix64(seed) ^ fnv1a64(keyPtr, keyLen));
}

/** Initialises the stream at `state` from a stream seed (the TS `new Rng(seed)`). */
export function rngInitSeed(state: usize, seed: u64): void {
  const n1 = seed + SPLITMIX_GAMMA;
  const a = splitmixMix(n1);
  const b = splitmixMix(n1 + SPLITMIX_GAMMA);
  let s0 = <u32>a;
  const s1 = <u32>(a >> 32);
  const s2 = <u32>b;
  const s3 = <u32>(b >> 32);
  // The all-zero state is a fixed point of xoshiro.
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
  store<u32>(state, s0, 0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
  store<u32>(state, 0, 16);
  store<f64>(state, 0.0, 24);
  store<u64>(state, seed, 32);
}

/** Initialises the stream at `state` for (global seed, key bytes): the TS `rngFor(seed, key)`. */
export function rngInit(state: usize, seed: u64, keyPtr: usize, keyLen: usize): void {
  rngInitSeed(state, streamSeed(seed, keyPtr, keyLen));
}

/** Initialises `dst` as the child stream named by the key bytes: the TS `src.fork(key)`. */
export function rngFork(dst: usize, src: usize, keyPtr: usize, keyLen: usize): void {
  rngInitSeed(dst, streamSeed(load<u64>(src, 32), keyPtr, keyLen));
}

/** The stream seed stored in a state (the TS `rng.seed`). */
export function rngSeed(state: usize): u64 {
  return load<u64>(state, 32);
}

/** Next raw 32-bit output (xoshiro128**). */
export function rngNextU32(state: usize): u32 {
  let s0 = load<u32>(state, 0);
  let s1 = load<u32>(state, 4);
  let s2 = load<u32>(state, 8);
  let s3 = load<u32>(state, 12);
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  store<u32>(state, s0, 0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
  return result;
}

/** Uniform float in [0, 1) with 53 random bits: 27 from the first output, 26 from the second. */
export function rngFloat(state: usize): f64 {
  const a = rngNextU32(state) >>> 5;
  const b = rngNextU32(state) >>> 6;
  // Both steps are exact in f64 (the sum is an integer below 2^53), as in TS.
  return (<f64>a * 67108864.0 + <f64>b) / 9007199254740992.0;
}

/** Uniform float in [lo, hi). */
export function rngUniform(state: usize, lo: f64, hi: f64): f64 {
  return lo + (hi - lo) * rngFloat(state);
}

/**
 * Natural logarithm from IEEE basic operations only; the same operations in the same order as
 * `detLn` in src/random/index.ts, so results are bit-identical.
 */
export function detLn(x: f64): f64 {
  if (!(x > 0)) return x == 0 ? -Infinity : NaN;
  if (x == Infinity) return Infinity;
  let e: i32 = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984.0; // 2^54: bring subnormals into the normal range
    e = -54;
  }
  const bits = reinterpret<u64>(x);
  const hi = <u32>(bits >> 32);
  e += <i32>((hi >>> 20) & 0x7ff) - 1023;
  const mbits = (bits & 0xffffffff) | (<u64>((hi & 0x000fffff) | 0x3ff00000) << 32);
  let m = reinterpret<f64>(mbits); // mantissa in [1, 2)
  if (m > SQRT2) {
    m *= 0.5;
    e += 1;
  }
  // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  const p =
    1.0 +
    s2 *
      (1.0 / 3 +
        s2 *
          (1.0 / 5 +
            s2 *
              (1.0 / 7 +
                s2 *
                  (1.0 / 9 +
                    s2 * (1.0 / 11 + s2 * (1.0 / 13 + s2 * (1.0 / 15 + s2 * (1.0 / 17 + s2 * (1.0 / 19)))))))));
  const ef = <f64>e;
  return ef * LN2_HI + (2.0 * s * p + ef * LN2_LO);
}

/** Standard normal draw (Marsaglia polar; the second value of each pair is kept as the spare). */
export function rngStandardNormal(state: usize): f64 {
  if (load<u32>(state, 16) != 0) {
    store<u32>(state, 0, 16);
    return load<f64>(state, 24);
  }
  let u: f64, v: f64, s: f64;
  do {
    u = 2.0 * rngFloat(state) - 1.0;
    v = 2.0 * rngFloat(state) - 1.0;
    s = u * u + v * v;
  } while (!(s > 0 && s < 1));
  const m = Math.sqrt((-2.0 * detLn(s)) / s);
  store<f64>(state, v * m, 24);
  store<u32>(state, 1, 16);
  return u * m;
}

/** Normal draw with the given mean and standard deviation. */
export function rngNormal(state: usize, mean: f64, sd: f64): f64 {
  return mean + sd * rngStandardNormal(state);
}

/** Fills `n` u32 at `out` with raw outputs. */
export function rngFillU32(state: usize, out: usize, n: usize): void {
  for (let i: usize = 0; i < n; i++) store<u32>(out + (i << 2), rngNextU32(state));
}

/** Fills `n` f64 at `out` with uniforms in [lo, hi). */
export function rngFillUniformF64(state: usize, out: usize, n: usize, lo: f64, hi: f64): void {
  for (let i: usize = 0; i < n; i++) store<f64>(out + (i << 3), rngUniform(state, lo, hi));
}

/**
 * Fills `n` f32 at `out` with uniforms in [lo, hi] rounded to f32 (`Math.fround(rng.uniform(lo, hi))`;
 * the rounding can reach `hi`).
 */
export function rngFillUniformF32(state: usize, out: usize, n: usize, lo: f64, hi: f64): void {
  for (let i: usize = 0; i < n; i++) store<f32>(out + (i << 2), <f32>rngUniform(state, lo, hi));
}

/** Fills `n` f64 at `out` with normal draws. */
export function rngFillNormalF64(state: usize, out: usize, n: usize, mean: f64, sd: f64): void {
  for (let i: usize = 0; i < n; i++) store<f64>(out + (i << 3), rngNormal(state, mean, sd));
}

/** Fills `n` f32 at `out` with normal draws rounded to f32 (`Math.fround(rng.normal(mean, sd))`). */
export function rngFillNormalF32(state: usize, out: usize, n: usize, mean: f64, sd: f64): void {
  for (let i: usize = 0; i < n; i++) store<f32>(out + (i << 2), <f32>rngNormal(state, mean, sd));
}
