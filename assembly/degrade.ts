// Degradation kernels: noise generators and bit-depth reduction, all driven by the seeded stream
// of assembly/random.ts (bit-identical to src/random), so a sample's noise depends only on the
// stream seed the caller derives from (global seed, sample id), in every runtime.
//
// Generators fill `out` (f32) block by block; whatever must carry over between blocks (filter
// memories, the current crackle pop, a sine's phasor) lives in caller memory as f64.
//
// Speed: raw 32-bit outputs are produced in batches by `xoFill` (xoshiro128** with the state in
// locals: the same sequence as `rngNextU32`, without a memory round trip per draw), and Gaussian
// values come from the Irwin-Hall sum of four 16-bit uniforms (two raw outputs): unit variance,
// bounded at +-3.46, kurtosis 2.7 instead of 3 - indistinguishable as audio noise, and five times
// cheaper than the polar method with a logarithm.

import { rngNextU32, rngUniform } from './random';

const BATCH: usize = 4096;
// Static scratch for raw draws (2 per sample): no allocation, nothing held across calls.
const RAW: usize = memory.data(<i32>(BATCH * 8), 16);

/**
 * Writes `count` raw outputs of the stream at `rng` to `out` (the `rngNextU32` sequence). Long
 * fills run as four interleaved segments (see `xoFill4`), short ones and the remainder serially.
 */
export function xoFill(rng: usize, out: usize, count: usize): void {
  if (count >= XO_LANES_MIN) {
    const q = count >> 2;
    xoFill4(rng, out, q);
    out += q << 4;
    count -= q << 2;
  }
  xoFillSerial(rng, out, count);
}

// Below this many outputs the three jumps of `xoFill4` cost more than they save.
// @ts-ignore: decorator
@inline const XO_LANES_MIN: usize = 256;

/**
 * 4q outputs as four segments of q, one per SIMD lane: lane j starts from the state advanced by
 * j q draws (jump-ahead, exact) and writes outputs [j q, (j + 1) q). Four independent recursions
 * in one loop instead of one serial chain; the outputs and the final state (lane 3's, which has
 * made 4q draws) are bit for bit those of `xoFillSerial`.
 */
function xoFill4(rng: usize, out: usize, q: usize): void {
  const a = v128.load(rng);
  const b = jumpState(a, <u32>q);
  const c = jumpState(b, <u32>q);
  const d = jumpState(c, <u32>q);
  // Transpose: S_k holds word k of the four lane states.
  const ab0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5);
  const ab1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const cd0 = v128.shuffle<i32>(c, d, 0, 4, 1, 5);
  const cd1 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  let s0 = v128.shuffle<i64>(ab0, cd0, 0, 2);
  let s1 = v128.shuffle<i64>(ab0, cd0, 1, 3);
  let s2 = v128.shuffle<i64>(ab1, cd1, 0, 2);
  let s3 = v128.shuffle<i64>(ab1, cd1, 1, 3);
  const five = i32x4.splat(5);
  const nine = i32x4.splat(9);
  const stride = q << 2;
  let i: usize = 0;
  // Four steps at a time: the four output vectors (lane j = segment j) are transposed so that each
  // segment gets its four consecutive outputs in one 16-byte store instead of four lane stores.
  for (; i + 4 <= q; i += 4) {
    const r0 = xoOut(s1, five, nine);
    let t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0); s3 = v128.xor(s3, s1); s1 = v128.xor(s1, s2); s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t); s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
    const r1 = xoOut(s1, five, nine);
    t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0); s3 = v128.xor(s3, s1); s1 = v128.xor(s1, s2); s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t); s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
    const r2 = xoOut(s1, five, nine);
    t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0); s3 = v128.xor(s3, s1); s1 = v128.xor(s1, s2); s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t); s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
    const r3 = xoOut(s1, five, nine);
    t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0); s3 = v128.xor(s3, s1); s1 = v128.xor(s1, s2); s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t); s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
    const a = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
    const b = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
    const c = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
    const d = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
    const p = out + (i << 2);
    v128.store(p, v128.shuffle<i32>(a, c, 0, 1, 4, 5));
    v128.store(p + stride, v128.shuffle<i32>(a, c, 2, 3, 6, 7));
    v128.store(p + 2 * stride, v128.shuffle<i32>(b, d, 0, 1, 4, 5));
    v128.store(p + 3 * stride, v128.shuffle<i32>(b, d, 2, 3, 6, 7));
  }
  for (; i < q; i++) {
    const r = xoOut(s1, five, nine);
    const p = out + (i << 2);
    v128.store32_lane(p, r, 0);
    v128.store32_lane(p + stride, r, 1);
    v128.store32_lane(p + 2 * stride, r, 2);
    v128.store32_lane(p + 3 * stride, r, 3);
    const t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
  }
  store<u32>(rng, i32x4.extract_lane(s0, 3), 0);
  store<u32>(rng, i32x4.extract_lane(s1, 3), 4);
  store<u32>(rng, i32x4.extract_lane(s2, 3), 8);
  store<u32>(rng, i32x4.extract_lane(s3, 3), 12);
}

/** xoshiro128**'s output rotl(s1 * 5, 7) * 9, four lanes. */
// @ts-ignore: decorator
@inline function xoOut(s1: v128, five: v128, nine: v128): v128 {
  const m = i32x4.mul(s1, five);
  return i32x4.mul(v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25)), nine);
}

/** `xoFill` one draw at a time. */
function xoFillSerial(rng: usize, out: usize, count: usize): void {
  let s0 = load<u32>(rng, 0);
  let s1 = load<u32>(rng, 4);
  let s2 = load<u32>(rng, 8);
  let s3 = load<u32>(rng, 12);
  for (let i: usize = 0; i < count; i++) {
    store<u32>(out + (i << 2), rotl<u32>(s1 * 5, 7) * 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
  }
  store<u32>(rng, s0, 0);
  store<u32>(rng, s1, 4);
  store<u32>(rng, s2, 8);
  store<u32>(rng, s3, 12);
}

// 1 / sd of the sum of four uniform integers in [0, 65535]: sd = sqrt((65536^2 - 1) / 3).
// @ts-ignore: decorator
@inline const IH_SCALE: f32 = <f32>(1.0 / 37837.22668222488);

/** Approximately standard normal value from two raw outputs (Irwin-Hall, n = 4). */
// @ts-ignore: decorator
@inline function ihNormal(a: u32, b: u32): f32 {
  const s = <i32>((a & 0xffff) + (a >>> 16) + (b & 0xffff) + (b >>> 16)) - 131070;
  return <f32>s * IH_SCALE;
}

/** The normal value `ihNormal` gives for two raw outputs (exported for tests). */
export function irwinHallNormal(a: u32, b: u32): f32 {
  return ihNormal(a, b);
}

/**
 * Four `ihNormal` values (unscaled: f32(s) * IH_SCALE) from the raw pairs at `raw` (8 u32), lane j
 * from (raw[2j], raw[2j+1]): the same integer sum and the same two IEEE operations as the scalar
 * form, so the same bits.
 */
// @ts-ignore: decorator
@inline function ihNormal4(raw: usize): v128 {
  const lo = i32x4.splat(0xffff);
  const v0 = v128.load(raw);
  const v1 = v128.load(raw, 16);
  const h0 = i32x4.add(v128.and(v0, lo), i32x4.shr_u(v0, 16));
  const h1 = i32x4.add(v128.and(v1, lo), i32x4.shr_u(v1, 16));
  const s = i32x4.sub(i32x4.add(v128.shuffle<i32>(h0, h1, 0, 2, 4, 6), v128.shuffle<i32>(h0, h1, 1, 3, 5, 7)), i32x4.splat(131070));
  return f32x4.mul(f32x4.convert_i32x4_s(s), f32x4.splat(IH_SCALE));
}

/** out[i] = sd * (approximately standard normal), i < n. */
export function fillNormalFast(rng: usize, out: usize, n: usize, sd: f32): void {
  const sdV = f32x4.splat(sd);
  for (let done: usize = 0; done < n; done += BATCH) {
    const c = min<usize>(BATCH, n - done);
    xoFill(rng, RAW, c << 1);
    const dst = out + (done << 2);
    let i: usize = 0;
    for (; i + 4 <= c; i += 4) v128.store(dst + (i << 2), f32x4.mul(sdV, ihNormal4(RAW + (i << 3))));
    for (; i < c; i++) {
      store<f32>(dst + (i << 2), sd * ihNormal(load<u32>(RAW + (i << 3)), load<u32>(RAW + (i << 3) + 4)));
    }
  }
}

// 1 / sd of the sum of four uniform bytes: sd = sqrt(4 (256^2 - 1) / 12).
// @ts-ignore: decorator
@inline const IH8_SCALE: f32 = <f32>(<f64>1.0 / <f64>147.80054127092283);

/**
 * buf[i] += gain * (approximately standard normal), i < n: white noise added in one pass, for noise
 * far below the signal (a microphone's self-noise at -80 dB). One raw draw per sample: the
 * Irwin-Hall sum of its four bytes (1021 levels, unit variance, bounded at +-3.45), half the
 * draws of fillNormalFast's 16-bit terms, which quieter-than-signal noise does not need.
 */
export function addWhiteNoise(rng: usize, buf: usize, n: usize, gain: f32): void {
  normalBytesImpl(rng, buf, n, gain, true);
}

/** out[i] = sd * (approximately standard normal), one raw draw per sample (see addWhiteNoise). */
export function fillNormalBytes(rng: usize, out: usize, n: usize, sd: f32): void {
  normalBytesImpl(rng, out, n, sd, false);
}

// @ts-ignore: decorator
@inline function normalBytesImpl(rng: usize, buf: usize, n: usize, gain: f32, add: bool): void {
  const gV = f32x4.splat(gain * IH8_SCALE);
  const mean = i32x4.splat(510);
  for (let done: usize = 0; done < n; done += BATCH) {
    const c = min<usize>(BATCH, n - done);
    xoFill(rng, RAW, c);
    const dst = buf + (done << 2);
    let i: usize = 0;
    for (; i + 4 <= c; i += 4) {
      const p = dst + (i << 2);
      const bytes = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(v128.load(RAW + (i << 2))));
      const g = f32x4.mul(gV, f32x4.convert_i32x4_s(i32x4.sub(bytes, mean)));
      v128.store(p, add ? f32x4.add(v128.load(p), g) : g);
    }
    for (; i < c; i++) {
      const p = dst + (i << 2);
      const x = load<u32>(RAW + (i << 2));
      const sum = <i32>((x & 0xff) + ((x >>> 8) & 0xff) + ((x >>> 16) & 0xff) + (x >>> 24)) - 510;
      const g = gain * IH8_SCALE * <f32>sum;
      store<f32>(p, add ? load<f32>(p) + g : g);
    }
  }
}

/**
 * Exponentially decaying Gaussian noise for a reverb tail: out[i] = sd g_i env_i fade_i, where
 * env_0 = envStart, env_{i+1} = env_i * step (f64), and fade_i = min(1, (i + 1) / fadeSamples);
 * g from fillNormalBytes (one draw per sample: the tail is noise, 1021 levels are plenty).
 */
export function decayingNoise(rng: usize, out: usize, n: usize, sd: f32, envStart: f64, step: f64, fadeSamples: i32): void {
  fillNormalBytes(rng, out, n, sd);
  let env = envStart;
  const fade = min<usize>(<usize>max<i32>(fadeSamples, 1), n);
  const inv = 1.0 / <f64>max<i32>(fadeSamples, 1);
  let i: usize = 0;
  for (; i < fade; i++) {
    const p = out + (i << 2);
    store<f32>(p, <f32>(<f64>load<f32>(p) * env * (<f64>(i + 1) * inv)));
    env *= step;
  }
  // After the fade-in, four samples per step: lanes hold env, env s, env s^2, env s^3 and advance
  // by s^4 (the recurrence's one multiply per sample is its latency; four chains in flight).
  const s2 = step * step;
  let ea = f64x2.replace_lane(f64x2.splat(env), 1, env * step);
  let eb = f64x2.mul(ea, f64x2.splat(s2));
  const s4 = f64x2.splat(s2 * s2);
  for (; i + 4 <= n; i += 4) {
    const p = out + (i << 2);
    const x = v128.load(p);
    const ya = f64x2.mul(f64x2.promote_low_f32x4(x), ea);
    const yb = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3)), eb);
    v128.store(p, v128.shuffle<f32>(f32x4.demote_f64x2_zero(ya), f32x4.demote_f64x2_zero(yb), 0, 1, 4, 5));
    ea = f64x2.mul(ea, s4);
    eb = f64x2.mul(eb, s4);
  }
  env = f64x2.extract_lane(ea, 0);
  for (; i < n; i++) {
    const p = out + (i << 2);
    store<f32>(p, <f32>(<f64>load<f32>(p) * env));
    env *= step;
  }
}

/** Bytes of pink-noise state: 16 row values (i32), the running sum (i32), the counter (u32). Zero it first. */
export function pinkStateBytes(): usize {
  return 72;
}

/**
 * Pink (1/f) noise by the Voss-McCartney algorithm (Gardner's variant, 16 rows): row k holds a
 * uniform 16-bit value redrawn every 2^(k+1) samples (the row of the counter's lowest set bit),
 * and the output is the sum of the rows plus a fresh white value. About -3 dB/octave from
 * fs / 2^17 up, with the algorithm's ripple of about +-1.5 dB. Integer arithmetic throughout (one
 * raw draw per sample: high half to the row, low half white), so it is exact in every engine.
 * Unscaled: 17 uniform terms in [-1, 1) give an RMS of about sqrt(17/3) = 2.4; callers scale by
 * the measured RMS.
 */
export function noisePink(rng: usize, state: usize, out: usize, n: usize): void {
  let sum = load<i32>(state, 64);
  let counter = load<u32>(state, 68);
  for (let done: usize = 0; done < n; done += BATCH) {
    const c = min<usize>(BATCH, n - done);
    xoFill(rng, RAW, c);
    const dst = out + (done << 2);
    let i: usize = 0;
    for (; i < c && (counter & 15) != 0; i++) {
      counter += 1;
      sum = pinkStep(state, sum, counter, load<u32>(RAW + (i << 2)), dst + (i << 2));
    }
    if (i + 16 <= c) {
      const blocks = (c - i) >> 4;
      sum = pinkBlocks(state, counter, RAW + (i << 2), dst + (i << 2), blocks);
      counter += <u32>blocks << 4;
      i += blocks << 4;
    }
    for (; i < c; i++) {
      counter += 1;
      sum = pinkStep(state, sum, counter, load<u32>(RAW + (i << 2)), dst + (i << 2));
    }
  }
  store<i32>(state, sum, 64);
  store<u32>(state, counter, 68);
}

/** One serial step of noisePink for the (already incremented) counter; returns the new sum. */
// @ts-ignore: decorator
@inline function pinkStep(state: usize, sum: i32, counter: u32, raw: u32, dst: usize): i32 {
  const k = <usize>min<u32>(ctz<u32>(counter), 15);
  const v = <i32>(raw >>> 16) - 32768;
  const row = state + (k << 2);
  sum += v - load<i32>(row);
  store<i32>(row, v);
  const white = <i32>(raw & 0xffff) - 32768;
  store<f32>(dst, <f32>(sum + white) * <f32>(1.0 / 32768.0));
  return sum;
}

/**
 * noisePink on `blocks` blocks of 16 samples from a counter at a multiple of 16 (the same integers,
 * so the same floats): in such a block the counters update rows 0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 2,
 * 0, 1, 0, K (K = min(ctz, 15) >= 4), so each output, the sum of the rows plus white, is the block's
 * new values v gathered by fixed shuffles for rows 0-3, plus the rows >= 4 (one of which changes, at
 * the last position). Returns the running sum after the last block; rows live at `state` as in
 * noisePink.
 */
function pinkBlocks(state: usize, counter: u32, raw: usize, dst: usize, blocks: usize): i32 {
  const bias = i32x4.splat(32768);
  const lowMask = i32x4.splat(0xffff);
  const scale = f32x4.splat(<f32>(1.0 / 32768.0));
  // Lanes 1..3: rows 1, 2, 3 before the block (lane 0 unused: row 0 is rewritten at position 0).
  let carry = i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(load<i32>(state, 4)), 2, load<i32>(state, 8)), 3, load<i32>(state, 12));
  let high: i32 = 0;
  for (let k: usize = 4; k < 16; k++) high += load<i32>(state + (k << 2));
  let v3 = i32x4.splat(0);
  let v2 = i32x4.splat(0);
  let v1 = i32x4.splat(0);
  for (let b: usize = 0; b < blocks; b++) {
    const r = raw + (b << 6);
    const w0 = v128.load(r), w1 = v128.load(r, 16), w2 = v128.load(r, 32), w3 = v128.load(r, 48);
    const v0 = i32x4.sub(i32x4.shr_u(w0, 16), bias);
    v1 = i32x4.sub(i32x4.shr_u(w1, 16), bias);
    v2 = i32x4.sub(i32x4.shr_u(w2, 16), bias);
    v3 = i32x4.sub(i32x4.shr_u(w3, 16), bias);
    // Row K >= 4 takes v15 at the last position.
    counter += 16;
    const rowK = state + (<usize>min<u32>(ctz<u32>(counter), 15) << 2);
    const v15 = i32x4.extract_lane(v3, 3);
    const highLast = high - load<i32>(rowK) + v15;
    store<i32>(rowK, v15);
    const h = i32x4.splat(high);
    // Row 0 (positions 0, 2, ...), row 1 (1, 5, 9, 13), row 2 (3, 11), row 3 (7), lane by lane.
    const o0 = i32x4.add(
      i32x4.add(v128.shuffle<i32>(v0, v0, 0, 0, 2, 2), v128.shuffle<i32>(carry, v0, 1, 5, 5, 5)),
      i32x4.add(v128.shuffle<i32>(carry, v0, 2, 2, 2, 7), v128.shuffle<i32>(carry, carry, 3, 3, 3, 3)),
    );
    const o1 = i32x4.add(
      i32x4.add(v128.shuffle<i32>(v1, v1, 0, 0, 2, 2), v128.shuffle<i32>(v0, v1, 1, 5, 5, 5)),
      i32x4.add(v128.shuffle<i32>(v0, v0, 3, 3, 3, 3), v128.shuffle<i32>(carry, v1, 3, 3, 3, 7)),
    );
    const row3 = v128.shuffle<i32>(v1, v1, 3, 3, 3, 3);
    const o2 = i32x4.add(
      i32x4.add(v128.shuffle<i32>(v2, v2, 0, 0, 2, 2), v128.shuffle<i32>(v1, v2, 1, 5, 5, 5)),
      i32x4.add(v128.shuffle<i32>(v0, v2, 3, 3, 3, 7), row3),
    );
    const o3 = i32x4.add(
      i32x4.add(v128.shuffle<i32>(v3, v3, 0, 0, 2, 2), v128.shuffle<i32>(v2, v3, 1, 5, 5, 5)),
      i32x4.add(v128.shuffle<i32>(v2, v2, 3, 3, 3, 3), row3),
    );
    const last = i32x4.replace_lane(h, 3, highLast);
    const d = dst + (b << 6);
    v128.store(d, f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(i32x4.add(o0, h), i32x4.sub(v128.and(w0, lowMask), bias))), scale));
    v128.store(d, f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(i32x4.add(o1, h), i32x4.sub(v128.and(w1, lowMask), bias))), scale), 16);
    v128.store(d, f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(i32x4.add(o2, h), i32x4.sub(v128.and(w2, lowMask), bias))), scale), 32);
    v128.store(d, f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(i32x4.add(o3, last), i32x4.sub(v128.and(w3, lowMask), bias))), scale), 48);
    high = highLast;
    // Rows 1, 2, 3 after the block: v13, v11, v7.
    carry = v128.shuffle<i32>(v3, v128.shuffle<i32>(v2, v1, 3, 7, 3, 7), 0, 1, 4, 5);
  }
  // Rows 0..3 after the last block: v14, v13, v11, v7; the sum of all rows.
  const r0 = i32x4.extract_lane(v3, 2);
  const r1 = i32x4.extract_lane(v3, 1);
  const r2 = i32x4.extract_lane(v2, 3);
  const r3 = i32x4.extract_lane(v1, 3);
  store<i32>(state, r0, 0);
  store<i32>(state, r1, 4);
  store<i32>(state, r2, 8);
  store<i32>(state, r3, 12);
  return r0 + r1 + r2 + r3 + high;
}

/**
 * Brown (1/f^2) noise: white noise through a leaky integrator y = leak * y + w (f64 state at
 * `state`). A leak just below 1 (exp(-2 pi 5 Hz / fs)) keeps the walk from drifting away while
 * leaving a -6 dB/octave slope above a few hertz.
 */
export function noiseBrown(rng: usize, state: usize, out: usize, n: usize, leak: f64): void {
  let y = load<f64>(state);
  fillNormalFast(rng, out, n, 1);
  for (let i: usize = 0; i < n; i++) {
    const p = out + (i << 2);
    y = leak * y + <f64>load<f32>(p);
    store<f32>(p, <f32>y);
  }
  store<f64>(state, y);
}

/**
 * Adds vinyl-style pops: each sample starts a pop with probability `probability` (one raw draw
 * per sample compared with probability x 2^32), of amplitude uniform in [ampLo, ampHi) and random
 * sign (two further draws), which decays by `decay` per sample (f64 state: the current pop).
 */
export function addCrackle(rng: usize, state: usize, out: usize, n: usize, probability: f64, decay: f64, ampLo: f64, ampHi: f64): void {
  let pop = load<f64>(state);
  const threshold = probability * 4294967296.0;
  for (let done: usize = 0; done < n; done += BATCH) {
    const c = min<usize>(BATCH, n - done);
    xoFill(rng, RAW, c);
    const dst = out + (done << 2);
    for (let i: usize = 0; i < c; i++) {
      if (<f64>load<u32>(RAW + (i << 2)) < threshold) {
        const a = rngUniform(rng, ampLo, ampHi);
        pop += (rngNextU32(rng) & 1) != 0 ? a : -a;
      }
      const p = dst + (i << 2);
      store<f32>(p, load<f32>(p) + <f32>pop);
      pop *= decay;
    }
  }
  store<f64>(state, pop);
}

/**
 * Adds a hum of three harmonics: sum over h = 1..3 of amp_h cos(h theta + phase_h), theta advancing
 * `cyclesPerSample` turns per sample. The fundamental's phasor (cos, sin) at state[0..1] rotates by
 * a fixed complex factor and the harmonics are its square and cube, turned by the fixed start-phase
 * rotations (cos, sin of phase_h) at state[2..7]. Renormalised at the end of every call so its
 * length cannot drift. Callers set state[0..1] = (1, 0) before the first call.
 */
export function addHum(out: usize, n: usize, state: usize, cyclesPerSample: f64, a1: f64, a2: f64, a3: f64): void {
  const w = 6.283185307179586 * cyclesPerSample;
  const c = Math.cos(w);
  const s = Math.sin(w);
  let re = load<f64>(state, 0);
  let im = load<f64>(state, 8);
  const p1r = load<f64>(state, 16), p1i = load<f64>(state, 24);
  const p2r = load<f64>(state, 32), p2i = load<f64>(state, 40);
  const p3r = load<f64>(state, 48), p3i = load<f64>(state, 56);
  for (let i: usize = 0; i < n; i++) {
    const r2 = re * re - im * im;
    const i2 = 2 * re * im;
    const r3 = r2 * re - i2 * im;
    const i3 = r2 * im + i2 * re;
    const v = a1 * (re * p1r - im * p1i) + a2 * (r2 * p2r - i2 * p2i) + a3 * (r3 * p3r - i3 * p3i);
    const p = out + (i << 2);
    store<f32>(p, load<f32>(p) + <f32>v);
    const nr = re * c - im * s;
    im = re * s + im * c;
    re = nr;
  }
  const len = Math.sqrt(re * re + im * im);
  store<f64>(state, re / len, 0);
  store<f64>(state, im / len, 8);
}

// ---- Jump-ahead ----------------------------------------------------------------------------
// xoshiro128's transition is linear over GF(2)^128, so advancing a state by k draws is a 128x128
// bit matrix A^k applied to it. JUMP holds A^(2^p) for p < JUMP_LEVELS as 128 columns of 4 u32
// (column b = A^(2^p) e_b), built on first use up to the level needed; advancing by k applies the
// matrices of k's set bits. Exact integer arithmetic: the same state as k calls of rngNextU32.

// @ts-ignore: decorator
@inline const JUMP_LEVELS: i32 = 32;
const JUMP: usize = memory.data(<i32>(JUMP_LEVELS * 128 * 16), 16);
let jumpLevelsBuilt: i32 = 0;

// acc = M v for the matrix at `m` and the 128-bit vector v.
// @ts-ignore: decorator
@inline function jumpApply(m: usize, v: v128): v128 {
  let acc = i32x4.splat(0);
  for (let w = 0; w < 4; w++) {
    const word = i32x4.extract_lane(v, 0);
    v = v128.shuffle<i32>(v, v, 1, 2, 3, 0);
    const col = m + (<usize>w << 9);
    for (let b = 0; b < 32; b++) {
      const mask = i32x4.splat(-((word >>> b) & 1));
      acc = v128.xor(acc, v128.and(v128.load(col + (<usize>b << 4)), mask));
    }
  }
  return acc;
}

function jumpBuild(levels: i32): void {
  if (jumpLevelsBuilt == 0) {
    // Level 0: one transition of each basis state.
    for (let b = 0; b < 128; b++) {
      let s0: u32 = 0, s1: u32 = 0, s2: u32 = 0, s3: u32 = 0;
      const bit: u32 = 1 << (b & 31);
      if (b < 32) s0 = bit;
      else if (b < 64) s1 = bit;
      else if (b < 96) s2 = bit;
      else s3 = bit;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      const col = JUMP + (<usize>b << 4);
      store<u32>(col, s0, 0);
      store<u32>(col, s1, 4);
      store<u32>(col, s2, 8);
      store<u32>(col, s3, 12);
    }
    jumpLevelsBuilt = 1;
  }
  for (let p = jumpLevelsBuilt; p < levels; p++) {
    const prev = JUMP + (<usize>(p - 1) << 11);
    const next = JUMP + (<usize>p << 11);
    for (let b: usize = 0; b < 128; b++) v128.store(next + (b << 4), jumpApply(prev, v128.load(prev + (b << 4))));
  }
  if (levels > jumpLevelsBuilt) jumpLevelsBuilt = levels;
}

/** Advances the stream at `rng` by `count` raw draws (as `count` calls of rngNextU32 would). */
export function xoJump(rng: usize, count: u32): void {
  if (count == 0) return;
  v128.store(rng, jumpState(v128.load(rng), count));
}

/** The state (s0..s3 in lanes 0..3) advanced by `count` raw draws. */
function jumpState(v: v128, count: u32): v128 {
  if (count == 0) return v;
  const levels = 32 - <i32>clz<u32>(count);
  if (levels > jumpLevelsBuilt) jumpBuild(levels);
  for (let p = 0; p < levels; p++) {
    if (((count >>> p) & 1) != 0) v = jumpApply(JUMP + (<usize>p << 11), v);
  }
  return v;
}

/**
 * The three-harmonic hum of `addHum`, written (not added) to four segments side by side: segment k
 * starts at out + k * stride (bytes) and its phasor (cos, sin of the fundamental's phase) is lane k
 * of state (re[0..3], im[0..3], 8 f64), so four independent rotations run at once instead of one
 * serial chain. coeffs: 6 f64, amp_h cos(phase_h) and amp_h sin(phase_h) for h = 1..3. The
 * phasors are renormalised at the end of every call, as in addHum.
 */
export function humLanes(out: usize, stride: usize, steps: usize, state: usize, coeffs: usize, cyclesPerSample: f64): void {
  const w = 6.283185307179586 * cyclesPerSample;
  const c = f64x2.splat(Math.cos(w));
  const s = f64x2.splat(Math.sin(w));
  const k1r = f64x2.splat(load<f64>(coeffs, 0)), k1i = f64x2.splat(load<f64>(coeffs, 8));
  const k2r = f64x2.splat(load<f64>(coeffs, 16)), k2i = f64x2.splat(load<f64>(coeffs, 24));
  const k3r = f64x2.splat(load<f64>(coeffs, 32)), k3i = f64x2.splat(load<f64>(coeffs, 40));
  const two = f64x2.splat(2);
  let rea = v128.load(state, 0), reb = v128.load(state, 16);
  let ima = v128.load(state, 32), imb = v128.load(state, 48);
  const s2 = stride << 1;
  const s3 = s2 + stride;
  for (let i: usize = 0; i < steps; i++) {
    const ha = humOf(rea, ima, two, k1r, k1i, k2r, k2i, k3r, k3i);
    const hb = humOf(reb, imb, two, k1r, k1i, k2r, k2i, k3r, k3i);
    const v = v128.shuffle<f32>(f32x4.demote_f64x2_zero(ha), f32x4.demote_f64x2_zero(hb), 0, 1, 4, 5);
    const p = out + (i << 2);
    v128.store32_lane(p, v, 0);
    v128.store32_lane(p + stride, v, 1);
    v128.store32_lane(p + s2, v, 2);
    v128.store32_lane(p + s3, v, 3);
    const nra = f64x2.sub(f64x2.mul(rea, c), f64x2.mul(ima, s));
    ima = f64x2.add(f64x2.mul(rea, s), f64x2.mul(ima, c));
    rea = nra;
    const nrb = f64x2.sub(f64x2.mul(reb, c), f64x2.mul(imb, s));
    imb = f64x2.add(f64x2.mul(reb, s), f64x2.mul(imb, c));
    reb = nrb;
  }
  const la = f64x2.sqrt(f64x2.add(f64x2.mul(rea, rea), f64x2.mul(ima, ima)));
  const lb = f64x2.sqrt(f64x2.add(f64x2.mul(reb, reb), f64x2.mul(imb, imb)));
  v128.store(state, f64x2.div(rea, la), 0);
  v128.store(state, f64x2.div(reb, lb), 16);
  v128.store(state, f64x2.div(ima, la), 32);
  v128.store(state, f64x2.div(imb, lb), 48);
}

// sum over h of Re(z^h) k_h,r - Im(z^h) k_h,i for two phasors z = re + i im.
// @ts-ignore: decorator
@inline function humOf(re: v128, im: v128, two: v128, k1r: v128, k1i: v128, k2r: v128, k2i: v128, k3r: v128, k3i: v128): v128 {
  const r2 = f64x2.sub(f64x2.mul(re, re), f64x2.mul(im, im));
  const i2 = f64x2.mul(two, f64x2.mul(re, im));
  const r3 = f64x2.sub(f64x2.mul(r2, re), f64x2.mul(i2, im));
  const i3 = f64x2.add(f64x2.mul(r2, im), f64x2.mul(i2, re));
  const h1 = f64x2.sub(f64x2.mul(re, k1r), f64x2.mul(im, k1i));
  const h2 = f64x2.sub(f64x2.mul(r2, k2r), f64x2.mul(i2, k2i));
  const h3 = f64x2.sub(f64x2.mul(r3, k3r), f64x2.mul(i3, k3i));
  return f64x2.add(f64x2.add(h1, h2), h3);
}

/**
 * Bit-depth reduction with TPDF dither, in place: x is scaled to q = 2^(bits-1) - 1 steps per unit,
 * a triangular dither of +-1 step (the difference of the two 16-bit halves of one raw draw from the
 * stream at `rng`: two uniforms at 1/65536-step resolution)
 * is added, the sum is rounded to the nearest integer (ties to even) and clamped to [-q, q], and
 * divided by q again. The output takes at most 2q + 1 = 2^bits - 1 distinct values; the error is
 * signal-independent with variance 1/4 step^2 (1/12 rounding + 1/6 dither). bits in 2..24.
 */
export function quantizeTpdf(rng: usize, buf: usize, n: usize, bits: i32): void {
  const q = <f64>((1 << (bits - 1)) - 1);
  const invQ = 1.0 / q;
  const u16Scale = 1.0 / 65536.0;
  for (let done: usize = 0; done < n; done += BATCH) {
    const c = min<usize>(BATCH, n - done);
    xoFill(rng, RAW, c);
    const dst = buf + (done << 2);
    for (let i: usize = 0; i < c; i++) {
      const p = dst + (i << 2);
      const raw = load<u32>(RAW + (i << 2));
      const d = <f64>(<i32>(raw & 0xffff) - <i32>(raw >>> 16)) * u16Scale;
      let v = nearest<f64>(<f64>load<f32>(p) * q + d);
      v = v > q ? q : v < -q ? -q : v;
      store<f32>(p, <f32>(v * invQ));
    }
  }
}
