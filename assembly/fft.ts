// Real-input FFT in f32 with 128-bit SIMD.
//
// A real signal x of length n (a power of two, n >= 4) is viewed as m = n/2 complex values
// z[t] = x[2t] + i x[2t+1], held in split form (`re` and `im`, m floats each, 16-byte aligned) so
// that four butterflies run per SIMD instruction without shuffles. The complex FFT of z is a
// radix-2^2 decimation in frequency (two radix-2 stages fused into one radix-4 pass, three complex
// multiplies per butterfly; one radix-2 pass first when log2 m is odd), which leaves the spectrum in
// bit-reversed order. The real spectrum is then separated from it in place, still in bit-reversed
// order: for position p in the octave [2^j, 2^(j+1)), the bin of the mirrored frequency m - rev(p)
// sits at 3*2^j - 1 - p, so the pairs are found by walking the octave from both ends.
// The inverse runs the same steps backwards (decimation in time from bit-reversed order), so the
// convolution path never pays for a bit-reversal permutation; only `rfftUnpack`/`rfftPack`, which
// give or take natural order, use the reversal table.
//
// Packed spectrum (what the forward transform leaves in re/im): position p >= 1 holds bin rev(p)
// (1 <= rev(p) < m); position 0 holds the DC bin in re[0] and the Nyquist bin in im[0] (both real).
//
// Plan: twiddles computed once per size in caller-allocated memory (`rfftPlanBytes(n)`), in f64
// then rounded, straight from cos/sin of the exact angle (no recurrences, so no drift). Layout, in
// bytes from the plan pointer, with m = n/2 and L = log2 m:
//   [0, 4m)        post-twiddle re: W_n^rev(p) for position p
//   [4m, 8m)       post-twiddle im
//   [8m, 12m)      rev(p) as u32
//   [12m, ...)     if L is odd: the radix-2 pass (span m), W_m^j for j < m/2: re then im (4m bytes)
//   then           one table per radix-4 pass of span S >= 16, largest first: for j < S/4 the
//                  rows W_S^j, W_S^2j, W_S^3j, each as re then im (6S bytes per pass)

// @ts-ignore: decorator
@inline const TWO_PI: f64 = 6.283185307179586;

// @ts-ignore: decorator
@inline function isPow2(n: usize): bool {
  return n != 0 && (n & (n - 1)) == 0;
}

/** Bytes of the plan for a real FFT of size `n`, or 0 if `n` is not a power of two >= 4. */
export function rfftPlanBytes(n: usize): usize {
  if (!isPow2(n) || n < 4 || n > (1 << 28)) return 0;
  const m = n >> 1;
  const levels = <usize>ctz(m);
  let bytes: usize = 12 * m;
  let span = m;
  if (levels & 1) {
    bytes += 4 * m;
    span = m >> 1;
  }
  for (let s = span; s >= 16; s >>= 2) bytes += 6 * s;
  return bytes;
}

// Byte offset of the first radix-4 table.
// @ts-ignore: decorator
@inline function radix4Base(plan: usize, m: usize): usize {
  return plan + 12 * m + ((<usize>ctz(m) & 1) ? 4 * m : 0);
}

// Span of the first radix-4 pass.
// @ts-ignore: decorator
@inline function radix4Top(m: usize): usize {
  return (<usize>ctz(m) & 1) ? m >> 1 : m;
}

/** Fills the plan for size `n` (see `rfftPlanBytes`). Returns 0, or -1 if `n` is unsupported. */
export function rfftPlanInit(plan: usize, n: usize): i32 {
  if (rfftPlanBytes(n) == 0) return -1;
  const m = n >> 1;
  const levels = <u32>ctz(m);
  const postRe = plan;
  const postIm = plan + 4 * m;
  const revTab = plan + 8 * m;
  for (let p: usize = 0; p < m; p++) {
    const k: usize = levels == 0 ? 0 : <usize>bitReverse(<u32>p, levels);
    const angle = (TWO_PI * <f64>k) / <f64>n;
    store<f32>(postRe + (p << 2), <f32>Math.cos(angle));
    store<f32>(postIm + (p << 2), <f32>-Math.sin(angle));
    store<u32>(revTab + (p << 2), <u32>k);
  }
  if (levels & 1) {
    const wre = plan + 12 * m;
    const wim = wre + 2 * m;
    const h = m >> 1;
    for (let j: usize = 0; j < h; j++) {
      const angle = (TWO_PI * <f64>j) / <f64>m;
      store<f32>(wre + (j << 2), <f32>Math.cos(angle));
      store<f32>(wim + (j << 2), <f32>-Math.sin(angle));
    }
  }
  let tw = radix4Base(plan, m);
  for (let s = radix4Top(m); s >= 16; s >>= 2) {
    const q = s >> 2;
    for (let j: usize = 0; j < q; j++) {
      for (let r: usize = 1; r <= 3; r++) {
        const angle = (TWO_PI * <f64>(r * j)) / <f64>s;
        const row = tw + (r - 1) * 8 * q;
        store<f32>(row + (j << 2), <f32>Math.cos(angle));
        store<f32>(row + 4 * q + (j << 2), <f32>-Math.sin(angle));
      }
    }
    tw += 6 * s;
  }
  return 0;
}

function bitReverse(x: u32, bits: u32): u32 {
  let r: u32 = 0;
  for (let b: u32 = 0; b < bits; b++) {
    r = (r << 1) | (x & 1);
    x >>= 1;
  }
  return r;
}

// ---- complex passes (split re/im, in place) ----

// Radix-2 DIF pass over the whole array: (a, b) -> (a + b, (a - b) W_m^j).
function difRadix2(re: usize, im: usize, m: usize, wre: usize, wim: usize): void {
  const h = m >> 1;
  const hb = h << 2;
  if (h >= 4) {
    for (let o: usize = 0; o < hb; o += 16) {
      const ar = v128.load(re + o);
      const ai = v128.load(im + o);
      const br = v128.load(re + o + hb);
      const bi = v128.load(im + o + hb);
      v128.store(re + o, f32x4.add(ar, br));
      v128.store(im + o, f32x4.add(ai, bi));
      const dr = f32x4.sub(ar, br);
      const di = f32x4.sub(ai, bi);
      const wr = v128.load(wre + o);
      const wi = v128.load(wim + o);
      v128.store(re + o + hb, f32x4.sub(f32x4.mul(dr, wr), f32x4.mul(di, wi)));
      v128.store(im + o + hb, f32x4.add(f32x4.mul(dr, wi), f32x4.mul(di, wr)));
    }
  } else {
    for (let o: usize = 0; o < hb; o += 4) {
      const ar = load<f32>(re + o);
      const ai = load<f32>(im + o);
      const br = load<f32>(re + o + hb);
      const bi = load<f32>(im + o + hb);
      store<f32>(re + o, ar + br);
      store<f32>(im + o, ai + bi);
      const dr = ar - br;
      const di = ai - bi;
      const wr = load<f32>(wre + o);
      const wi = load<f32>(wim + o);
      store<f32>(re + o + hb, dr * wr - di * wi);
      store<f32>(im + o + hb, dr * wi + di * wr);
    }
  }
}

// Inverse of difRadix2 up to a factor 2 (conjugate twiddles): u = y1 conj(W); (y0 + u, y0 - u).
function ditRadix2(re: usize, im: usize, m: usize, wre: usize, wim: usize): void {
  const h = m >> 1;
  const hb = h << 2;
  if (h >= 4) {
    for (let o: usize = 0; o < hb; o += 16) {
      const xr = v128.load(re + o + hb);
      const xi = v128.load(im + o + hb);
      const wr = v128.load(wre + o);
      const wi = v128.load(wim + o);
      const ur = f32x4.add(f32x4.mul(xr, wr), f32x4.mul(xi, wi));
      const ui = f32x4.sub(f32x4.mul(xi, wr), f32x4.mul(xr, wi));
      const yr = v128.load(re + o);
      const yi = v128.load(im + o);
      v128.store(re + o, f32x4.add(yr, ur));
      v128.store(im + o, f32x4.add(yi, ui));
      v128.store(re + o + hb, f32x4.sub(yr, ur));
      v128.store(im + o + hb, f32x4.sub(yi, ui));
    }
  } else {
    for (let o: usize = 0; o < hb; o += 4) {
      const xr = load<f32>(re + o + hb);
      const xi = load<f32>(im + o + hb);
      const wr = load<f32>(wre + o);
      const wi = load<f32>(wim + o);
      const ur = xr * wr + xi * wi;
      const ui = xi * wr - xr * wi;
      const yr = load<f32>(re + o);
      const yi = load<f32>(im + o);
      store<f32>(re + o, yr + ur);
      store<f32>(im + o, yi + ui);
      store<f32>(re + o + hb, yr - ur);
      store<f32>(im + o + hb, yi - ui);
    }
  }
}

// Radix-4 DIF pass of span s >= 16 (two fused radix-2 passes, output order as radix-2):
//   t0 = a + c, t1 = a - c, t2 = b + d, t3 = b - d
//   a' = t0 + t2, b' = (t0 - t2) W^2j, c' = (t1 - i t3) W^j, d' = (t1 + i t3) W^3j
function difRadix4(re: usize, im: usize, m: usize, s: usize, tw: usize): void {
  const qb = s; // q = s/4 floats = s bytes
  const sb = s << 2;
  const mb = m << 2;
  for (let base: usize = 0; base < mb; base += sb) {
    for (let j: usize = 0; j < qb; j += 16) {
      const o0 = base + j;
      const o1 = o0 + qb;
      const o2 = o1 + qb;
      const o3 = o2 + qb;
      const ar = v128.load(re + o0);
      const ai = v128.load(im + o0);
      const br = v128.load(re + o1);
      const bi = v128.load(im + o1);
      const cr = v128.load(re + o2);
      const ci = v128.load(im + o2);
      const dr = v128.load(re + o3);
      const di = v128.load(im + o3);
      const t0r = f32x4.add(ar, cr);
      const t0i = f32x4.add(ai, ci);
      const t1r = f32x4.sub(ar, cr);
      const t1i = f32x4.sub(ai, ci);
      const t2r = f32x4.add(br, dr);
      const t2i = f32x4.add(bi, di);
      const t3r = f32x4.sub(br, dr);
      const t3i = f32x4.sub(bi, di);
      v128.store(re + o0, f32x4.add(t0r, t2r));
      v128.store(im + o0, f32x4.add(t0i, t2i));
      const w = tw + j;
      const w1r = v128.load(w);
      const w1i = v128.load(w + qb);
      const w2r = v128.load(w + 2 * qb);
      const w2i = v128.load(w + 3 * qb);
      const w3r = v128.load(w + 4 * qb);
      const w3i = v128.load(w + 5 * qb);
      const ur = f32x4.sub(t0r, t2r);
      const ui = f32x4.sub(t0i, t2i);
      v128.store(re + o1, f32x4.sub(f32x4.mul(ur, w2r), f32x4.mul(ui, w2i)));
      v128.store(im + o1, f32x4.add(f32x4.mul(ur, w2i), f32x4.mul(ui, w2r)));
      const vr = f32x4.add(t1r, t3i);
      const vi = f32x4.sub(t1i, t3r);
      v128.store(re + o2, f32x4.sub(f32x4.mul(vr, w1r), f32x4.mul(vi, w1i)));
      v128.store(im + o2, f32x4.add(f32x4.mul(vr, w1i), f32x4.mul(vi, w1r)));
      const xr = f32x4.sub(t1r, t3i);
      const xi = f32x4.add(t1i, t3r);
      v128.store(re + o3, f32x4.sub(f32x4.mul(xr, w3r), f32x4.mul(xi, w3i)));
      v128.store(im + o3, f32x4.add(f32x4.mul(xr, w3i), f32x4.mul(xi, w3r)));
    }
  }
}

// Inverse of difRadix4 up to a factor 4 (conjugate twiddles):
//   u1 = b' conj(W^2j), u2 = c' conj(W^j), u3 = d' conj(W^3j)
//   t0 = a' + u1, t2 = a' - u1, t1 = u2 + u3, t3 = i (u2 - u3)
//   a = t0 + t1, b = t2 + t3, c = t0 - t1, d = t2 - t3
function ditRadix4(re: usize, im: usize, m: usize, s: usize, tw: usize): void {
  const qb = s;
  const sb = s << 2;
  const mb = m << 2;
  for (let base: usize = 0; base < mb; base += sb) {
    for (let j: usize = 0; j < qb; j += 16) {
      const o0 = base + j;
      const o1 = o0 + qb;
      const o2 = o1 + qb;
      const o3 = o2 + qb;
      const w = tw + j;
      const w1r = v128.load(w);
      const w1i = v128.load(w + qb);
      const w2r = v128.load(w + 2 * qb);
      const w2i = v128.load(w + 3 * qb);
      const w3r = v128.load(w + 4 * qb);
      const w3i = v128.load(w + 5 * qb);
      const br = v128.load(re + o1);
      const bi = v128.load(im + o1);
      const u1r = f32x4.add(f32x4.mul(br, w2r), f32x4.mul(bi, w2i));
      const u1i = f32x4.sub(f32x4.mul(bi, w2r), f32x4.mul(br, w2i));
      const cr = v128.load(re + o2);
      const ci = v128.load(im + o2);
      const u2r = f32x4.add(f32x4.mul(cr, w1r), f32x4.mul(ci, w1i));
      const u2i = f32x4.sub(f32x4.mul(ci, w1r), f32x4.mul(cr, w1i));
      const dr = v128.load(re + o3);
      const di = v128.load(im + o3);
      const u3r = f32x4.add(f32x4.mul(dr, w3r), f32x4.mul(di, w3i));
      const u3i = f32x4.sub(f32x4.mul(di, w3r), f32x4.mul(dr, w3i));
      const ar = v128.load(re + o0);
      const ai = v128.load(im + o0);
      const t0r = f32x4.add(ar, u1r);
      const t0i = f32x4.add(ai, u1i);
      const t2r = f32x4.sub(ar, u1r);
      const t2i = f32x4.sub(ai, u1i);
      const t1r = f32x4.add(u2r, u3r);
      const t1i = f32x4.add(u2i, u3i);
      const t3r = f32x4.sub(u3i, u2i);
      const t3i = f32x4.sub(u2r, u3r);
      v128.store(re + o0, f32x4.add(t0r, t1r));
      v128.store(im + o0, f32x4.add(t0i, t1i));
      v128.store(re + o2, f32x4.sub(t0r, t1r));
      v128.store(im + o2, f32x4.sub(t0i, t1i));
      v128.store(re + o1, f32x4.add(t2r, t3r));
      v128.store(im + o1, f32x4.add(t2i, t3i));
      v128.store(re + o3, f32x4.sub(t2r, t3r));
      v128.store(im + o3, f32x4.sub(t2i, t3i));
    }
  }
}

// Stores the 4x4 transpose of rows r0..r3 as four vectors at dst, dst+16, dst+32, dst+48.
// @ts-ignore: decorator
@inline function transposeStore(dst: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + 16, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 32, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 48, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

// The last radix-4 DIF pass (span 4, no twiddles). Four groups at a time: transpose so that each
// vector holds one butterfly input across four groups, compute, transpose back.
function difRadix4Last(re: usize, im: usize, m: usize): void {
  const mb = m << 2;
  if (m >= 16) {
    for (let o: usize = 0; o < mb; o += 64) {
      // columns of the 4x4 block: lane g of `ar` is element 0 of group g, and so on
      const r0 = v128.load(re + o), r1 = v128.load(re + o + 16), r2 = v128.load(re + o + 32), r3 = v128.load(re + o + 48);
      const rl0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), rl1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const rl2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), rl3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const ar = v128.shuffle<f32>(rl0, rl2, 0, 1, 4, 5), br = v128.shuffle<f32>(rl0, rl2, 2, 3, 6, 7);
      const cr = v128.shuffle<f32>(rl1, rl3, 0, 1, 4, 5), dr = v128.shuffle<f32>(rl1, rl3, 2, 3, 6, 7);
      const i0 = v128.load(im + o), i1 = v128.load(im + o + 16), i2 = v128.load(im + o + 32), i3 = v128.load(im + o + 48);
      const il0 = v128.shuffle<f32>(i0, i1, 0, 4, 1, 5), il1 = v128.shuffle<f32>(i0, i1, 2, 6, 3, 7);
      const il2 = v128.shuffle<f32>(i2, i3, 0, 4, 1, 5), il3 = v128.shuffle<f32>(i2, i3, 2, 6, 3, 7);
      const ai = v128.shuffle<f32>(il0, il2, 0, 1, 4, 5), bi = v128.shuffle<f32>(il0, il2, 2, 3, 6, 7);
      const ci = v128.shuffle<f32>(il1, il3, 0, 1, 4, 5), di = v128.shuffle<f32>(il1, il3, 2, 3, 6, 7);
      const t0r = f32x4.add(ar, cr);
      const t0i = f32x4.add(ai, ci);
      const t1r = f32x4.sub(ar, cr);
      const t1i = f32x4.sub(ai, ci);
      const t2r = f32x4.add(br, dr);
      const t2i = f32x4.add(bi, di);
      const t3r = f32x4.sub(br, dr);
      const t3i = f32x4.sub(bi, di);
      transposeStore(re + o, f32x4.add(t0r, t2r), f32x4.sub(t0r, t2r), f32x4.add(t1r, t3i), f32x4.sub(t1r, t3i));
      transposeStore(im + o, f32x4.add(t0i, t2i), f32x4.sub(t0i, t2i), f32x4.sub(t1i, t3r), f32x4.add(t1i, t3r));
    }
  } else {
    for (let o: usize = 0; o < mb; o += 16) {
      const ar = load<f32>(re + o), br = load<f32>(re + o + 4), cr = load<f32>(re + o + 8), dr = load<f32>(re + o + 12);
      const ai = load<f32>(im + o), bi = load<f32>(im + o + 4), ci = load<f32>(im + o + 8), di = load<f32>(im + o + 12);
      const t0r = ar + cr, t0i = ai + ci, t1r = ar - cr, t1i = ai - ci;
      const t2r = br + dr, t2i = bi + di, t3r = br - dr, t3i = bi - di;
      store<f32>(re + o, t0r + t2r);
      store<f32>(im + o, t0i + t2i);
      store<f32>(re + o + 4, t0r - t2r);
      store<f32>(im + o + 4, t0i - t2i);
      store<f32>(re + o + 8, t1r + t3i);
      store<f32>(im + o + 8, t1i - t3r);
      store<f32>(re + o + 12, t1r - t3i);
      store<f32>(im + o + 12, t1i + t3r);
    }
  }
}

// Inverse of difRadix4Last up to a factor 4.
function ditRadix4First(re: usize, im: usize, m: usize): void {
  const mb = m << 2;
  if (m >= 16) {
    for (let o: usize = 0; o < mb; o += 64) {
      // columns of the 4x4 block: lane g of `ar` is element 0 of group g, and so on
      const r0 = v128.load(re + o), r1 = v128.load(re + o + 16), r2 = v128.load(re + o + 32), r3 = v128.load(re + o + 48);
      const rl0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), rl1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const rl2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), rl3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const ar = v128.shuffle<f32>(rl0, rl2, 0, 1, 4, 5), br = v128.shuffle<f32>(rl0, rl2, 2, 3, 6, 7);
      const cr = v128.shuffle<f32>(rl1, rl3, 0, 1, 4, 5), dr = v128.shuffle<f32>(rl1, rl3, 2, 3, 6, 7);
      const i0 = v128.load(im + o), i1 = v128.load(im + o + 16), i2 = v128.load(im + o + 32), i3 = v128.load(im + o + 48);
      const il0 = v128.shuffle<f32>(i0, i1, 0, 4, 1, 5), il1 = v128.shuffle<f32>(i0, i1, 2, 6, 3, 7);
      const il2 = v128.shuffle<f32>(i2, i3, 0, 4, 1, 5), il3 = v128.shuffle<f32>(i2, i3, 2, 6, 3, 7);
      const ai = v128.shuffle<f32>(il0, il2, 0, 1, 4, 5), bi = v128.shuffle<f32>(il0, il2, 2, 3, 6, 7);
      const ci = v128.shuffle<f32>(il1, il3, 0, 1, 4, 5), di = v128.shuffle<f32>(il1, il3, 2, 3, 6, 7);
      const t0r = f32x4.add(ar, br);
      const t0i = f32x4.add(ai, bi);
      const t2r = f32x4.sub(ar, br);
      const t2i = f32x4.sub(ai, bi);
      const t1r = f32x4.add(cr, dr);
      const t1i = f32x4.add(ci, di);
      const t3r = f32x4.sub(di, ci);
      const t3i = f32x4.sub(cr, dr);
      transposeStore(re + o, f32x4.add(t0r, t1r), f32x4.add(t2r, t3r), f32x4.sub(t0r, t1r), f32x4.sub(t2r, t3r));
      transposeStore(im + o, f32x4.add(t0i, t1i), f32x4.add(t2i, t3i), f32x4.sub(t0i, t1i), f32x4.sub(t2i, t3i));
    }
  } else {
    for (let o: usize = 0; o < mb; o += 16) {
      const ar = load<f32>(re + o), br = load<f32>(re + o + 4), cr = load<f32>(re + o + 8), dr = load<f32>(re + o + 12);
      const ai = load<f32>(im + o), bi = load<f32>(im + o + 4), ci = load<f32>(im + o + 8), di = load<f32>(im + o + 12);
      const t0r = ar + br, t0i = ai + bi, t2r = ar - br, t2i = ai - bi;
      const t1r = cr + dr, t1i = ci + di, t3r = di - ci, t3i = cr - dr;
      store<f32>(re + o, t0r + t1r);
      store<f32>(im + o, t0i + t1i);
      store<f32>(re + o + 4, t2r + t3r);
      store<f32>(im + o + 4, t2i + t3i);
      store<f32>(re + o + 8, t0r - t1r);
      store<f32>(im + o + 8, t0i - t1i);
      store<f32>(re + o + 12, t2r - t3r);
      store<f32>(im + o + 12, t2i - t3i);
    }
  }
}

/** Complex DFT of m = n/2 points in place, natural order in, bit-reversed order out. */
export function cfftBitrev(plan: usize, n: usize, re: usize, im: usize): void {
  const m = n >> 1;
  if (<usize>ctz(m) & 1) difRadix2(re, im, m, plan + 12 * m, plan + 14 * m);
  let tw = radix4Base(plan, m);
  for (let s = radix4Top(m); s >= 16; s >>= 2) {
    difRadix4(re, im, m, s, tw);
    tw += 6 * s;
  }
  if (radix4Top(m) >= 4) difRadix4Last(re, im, m);
}

/** Unnormalised inverse complex DFT of m = n/2 points in place, bit-reversed in, natural out. */
export function icfftBitrev(plan: usize, n: usize, re: usize, im: usize): void {
  const m = n >> 1;
  const top = radix4Top(m);
  if (top >= 4) ditRadix4First(re, im, m);
  if (top >= 16) {
    // tables are stored largest span first; walk them from the end
    let tw = radix4Base(plan, m);
    for (let s = top; s >= 16; s >>= 2) tw += 6 * s;
    for (let s: usize = 16; s <= top; s <<= 2) {
      tw -= 6 * s;
      ditRadix4(re, im, m, s, tw);
    }
  }
  if (<usize>ctz(m) & 1) ditRadix2(re, im, m, plan + 12 * m, plan + 14 * m);
}

// ---- real <-> complex separation in bit-reversed order ----

// @ts-ignore: decorator
@inline function reverseLanes(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 3, 2, 1, 0);
}

/**
 * Real FFT of size n in place: re/im hold z (even samples in re, odd in im, m floats each) and are
 * left holding the packed bit-reversed spectrum described at the top of this file.
 */
export function rfftForward(plan: usize, n: usize, re: usize, im: usize): void {
  const m = n >> 1;
  cfftBitrev(plan, n, re, im);
  const postRe = plan;
  const postIm = plan + 4 * m;
  // DC and Nyquist from Z[0]: E = Re Z0, O = Im Z0.
  const z0r = load<f32>(re);
  const z0i = load<f32>(im);
  store<f32>(re, z0r + z0i);
  store<f32>(im, z0r - z0i);
  // Bin m/2 (position 1): X = conj(Z).
  store<f32>(im + 4, -load<f32>(im + 4));
  const half = f32x4.splat(0.5);
  for (let lo: usize = 2; lo < m; lo <<= 1) {
    const end = lo + (lo >> 1);
    if (lo >= 8) {
      for (let p = lo; p < end; p += 4) {
        const pb = p << 2;
        const qb = (lo * 3 - 4 - p) << 2; // lowest of the four mirrored positions
        const zpr = v128.load(re + pb);
        const zpi = v128.load(im + pb);
        const zqr = reverseLanes(v128.load(re + qb));
        const zqi = reverseLanes(v128.load(im + qb));
        const wr = v128.load(postRe + pb);
        const wi = v128.load(postIm + pb);
        const er = f32x4.mul(half, f32x4.add(zpr, zqr));
        const ei = f32x4.mul(half, f32x4.sub(zpi, zqi));
        const or = f32x4.mul(half, f32x4.add(zpi, zqi));
        const oi = f32x4.mul(half, f32x4.sub(zqr, zpr));
        const wor = f32x4.sub(f32x4.mul(wr, or), f32x4.mul(wi, oi));
        const woi = f32x4.add(f32x4.mul(wr, oi), f32x4.mul(wi, or));
        v128.store(re + pb, f32x4.add(er, wor));
        v128.store(im + pb, f32x4.add(ei, woi));
        v128.store(re + qb, reverseLanes(f32x4.sub(er, wor)));
        v128.store(im + qb, reverseLanes(f32x4.sub(woi, ei)));
      }
    } else {
      for (let p = lo; p < end; p++) {
        const pb = p << 2;
        const qb = (lo * 3 - 1 - p) << 2;
        const zpr = load<f32>(re + pb);
        const zpi = load<f32>(im + pb);
        const zqr = load<f32>(re + qb);
        const zqi = load<f32>(im + qb);
        const wr = load<f32>(postRe + pb);
        const wi = load<f32>(postIm + pb);
        const er: f32 = 0.5 * (zpr + zqr);
        const ei: f32 = 0.5 * (zpi - zqi);
        const or: f32 = 0.5 * (zpi + zqi);
        const oi: f32 = 0.5 * (zqr - zpr);
        const wor = wr * or - wi * oi;
        const woi = wr * oi + wi * or;
        store<f32>(re + pb, er + wor);
        store<f32>(im + pb, ei + woi);
        store<f32>(re + qb, er - wor);
        store<f32>(im + qb, woi - ei);
      }
    }
  }
}

/**
 * Inverse of `rfftForward`: re/im hold a packed bit-reversed spectrum and are left holding
 * `scale * n/2 *` the real signal (even samples in re, odd in im). scale = 1/(n/2) inverts exactly.
 */
export function rfftInverse(plan: usize, n: usize, re: usize, im: usize, scale: f32): void {
  const m = n >> 1;
  const postRe = plan;
  const postIm = plan + 4 * m;
  const h: f32 = 0.5 * scale;
  const x0 = load<f32>(re);
  const xm = load<f32>(im);
  store<f32>(re, h * (x0 + xm));
  store<f32>(im, h * (x0 - xm));
  store<f32>(re + 4, scale * load<f32>(re + 4));
  store<f32>(im + 4, -scale * load<f32>(im + 4));
  const hv = f32x4.splat(h);
  for (let lo: usize = 2; lo < m; lo <<= 1) {
    const end = lo + (lo >> 1);
    if (lo >= 8) {
      for (let p = lo; p < end; p += 4) {
        const pb = p << 2;
        const qb = (lo * 3 - 4 - p) << 2;
        const xpr = v128.load(re + pb);
        const xpi = v128.load(im + pb);
        const xqr = reverseLanes(v128.load(re + qb));
        const xqi = reverseLanes(v128.load(im + qb));
        const wr = v128.load(postRe + pb);
        const wi = v128.load(postIm + pb);
        const er = f32x4.mul(hv, f32x4.add(xpr, xqr));
        const ei = f32x4.mul(hv, f32x4.sub(xpi, xqi));
        const dr = f32x4.mul(hv, f32x4.sub(xpr, xqr));
        const di = f32x4.mul(hv, f32x4.add(xpi, xqi));
        const or = f32x4.add(f32x4.mul(wr, dr), f32x4.mul(wi, di));
        const oi = f32x4.sub(f32x4.mul(wr, di), f32x4.mul(wi, dr));
        v128.store(re + pb, f32x4.sub(er, oi));
        v128.store(im + pb, f32x4.add(ei, or));
        v128.store(re + qb, reverseLanes(f32x4.add(er, oi)));
        v128.store(im + qb, reverseLanes(f32x4.sub(or, ei)));
      }
    } else {
      for (let p = lo; p < end; p++) {
        const pb = p << 2;
        const qb = (lo * 3 - 1 - p) << 2;
        const xpr = load<f32>(re + pb);
        const xpi = load<f32>(im + pb);
        const xqr = load<f32>(re + qb);
        const xqi = load<f32>(im + qb);
        const wr = load<f32>(postRe + pb);
        const wi = load<f32>(postIm + pb);
        const er = h * (xpr + xqr);
        const ei = h * (xpi - xqi);
        const dr = h * (xpr - xqr);
        const di = h * (xpi + xqi);
        const or = wr * dr + wi * di;
        const oi = wr * di - wi * dr;
        store<f32>(re + pb, er - oi);
        store<f32>(im + pb, ei + or);
        store<f32>(re + qb, er + oi);
        store<f32>(im + qb, or - ei);
      }
    }
  }
  icfftBitrev(plan, n, re, im);
}

// ---- moving data in and out ----

/** Splits `count` real samples at `src` into re (even) / im (odd), zero-padding both to m floats. */
export function rfftLoad(src: usize, count: usize, re: usize, im: usize, m: usize): void {
  if (count > 2 * m) count = 2 * m;
  const pairs = count >> 1;
  let t: usize = 0;
  for (; t + 4 <= pairs; t += 4) {
    const a = v128.load(src + (t << 3));
    const b = v128.load(src + (t << 3) + 16);
    v128.store(re + (t << 2), v128.shuffle<f32>(a, b, 0, 2, 4, 6));
    v128.store(im + (t << 2), v128.shuffle<f32>(a, b, 1, 3, 5, 7));
  }
  for (; t < pairs; t++) {
    store<f32>(re + (t << 2), load<f32>(src + (t << 3)));
    store<f32>(im + (t << 2), load<f32>(src + (t << 3) + 4));
  }
  if (count & 1) {
    store<f32>(re + (t << 2), load<f32>(src + (t << 3)));
    store<f32>(im + (t << 2), 0);
    t++;
  }
  if (t < m) {
    memory.fill(re + (t << 2), 0, (m - t) << 2);
    memory.fill(im + (t << 2), 0, (m - t) << 2);
  }
}

/** Interleaves re/im back into `count` real samples at `dst`, adding to what is there if `add`. */
export function rfftStore(re: usize, im: usize, dst: usize, count: usize, add: bool): void {
  const pairs = count >> 1;
  let t: usize = 0;
  if (add) {
    for (; t + 4 <= pairs; t += 4) {
      const r = v128.load(re + (t << 2));
      const i = v128.load(im + (t << 2));
      const d = dst + (t << 3);
      v128.store(d, f32x4.add(v128.load(d), v128.shuffle<f32>(r, i, 0, 4, 1, 5)));
      v128.store(d + 16, f32x4.add(v128.load(d + 16), v128.shuffle<f32>(r, i, 2, 6, 3, 7)));
    }
    for (; t < pairs; t++) {
      const d = dst + (t << 3);
      store<f32>(d, load<f32>(d) + load<f32>(re + (t << 2)));
      store<f32>(d + 4, load<f32>(d + 4) + load<f32>(im + (t << 2)));
    }
    if (count & 1) store<f32>(dst + (t << 3), load<f32>(dst + (t << 3)) + load<f32>(re + (t << 2)));
  } else {
    for (; t + 4 <= pairs; t += 4) {
      const r = v128.load(re + (t << 2));
      const i = v128.load(im + (t << 2));
      const d = dst + (t << 3);
      v128.store(d, v128.shuffle<f32>(r, i, 0, 4, 1, 5));
      v128.store(d + 16, v128.shuffle<f32>(r, i, 2, 6, 3, 7));
    }
    for (; t < pairs; t++) {
      store<f32>(dst + (t << 3), load<f32>(re + (t << 2)));
      store<f32>(dst + (t << 3) + 4, load<f32>(im + (t << 2)));
    }
    if (count & 1) store<f32>(dst + (t << 3), load<f32>(re + (t << 2)));
  }
}

/** Packed bit-reversed spectrum -> natural order, interleaved (re, im) for bins 0..m (n + 2 floats). */
export function rfftUnpack(plan: usize, n: usize, re: usize, im: usize, out: usize): void {
  const m = n >> 1;
  const revTab = plan + 8 * m;
  store<f32>(out, load<f32>(re));
  store<f32>(out, 0, 4);
  for (let k: usize = 1; k < m; k++) {
    const p = <usize>load<u32>(revTab + (k << 2));
    store<f32>(out + (k << 3), load<f32>(re + (p << 2)));
    store<f32>(out + (k << 3) + 4, load<f32>(im + (p << 2)));
  }
  store<f32>(out + (m << 3), load<f32>(im));
  store<f32>(out + (m << 3) + 4, 0);
}

/**
 * Natural-order interleaved bins 0..m (n + 2 floats) -> packed bit-reversed spectrum. The imaginary
 * parts of the DC and Nyquist bins are ignored (they are zero for any real signal).
 */
export function rfftPack(plan: usize, n: usize, src: usize, re: usize, im: usize): void {
  const m = n >> 1;
  const revTab = plan + 8 * m;
  store<f32>(re, load<f32>(src));
  store<f32>(im, load<f32>(src + (m << 3)));
  for (let k: usize = 1; k < m; k++) {
    const p = <usize>load<u32>(revTab + (k << 2));
    store<f32>(re + (p << 2), load<f32>(src + (k << 3)));
    store<f32>(im + (p << 2), load<f32>(src + (k << 3) + 4));
  }
}

/** Multiplies packed spectrum x by packed spectrum h in place (m positions). */
export function spectrumMultiply(xre: usize, xim: usize, hre: usize, him: usize, m: usize): void {
  const dc = load<f32>(xre) * load<f32>(hre);
  const nyquist = load<f32>(xim) * load<f32>(him);
  const mb = m << 2;
  let o: usize = 0;
  if (m >= 4) {
    for (; o < mb; o += 16) {
      const ar = v128.load(xre + o);
      const ai = v128.load(xim + o);
      const br = v128.load(hre + o);
      const bi = v128.load(him + o);
      v128.store(xre + o, f32x4.sub(f32x4.mul(ar, br), f32x4.mul(ai, bi)));
      v128.store(xim + o, f32x4.add(f32x4.mul(ar, bi), f32x4.mul(ai, br)));
    }
  } else {
    for (; o < mb; o += 4) {
      const ar = load<f32>(xre + o);
      const ai = load<f32>(xim + o);
      const br = load<f32>(hre + o);
      const bi = load<f32>(him + o);
      store<f32>(xre + o, ar * br - ai * bi);
      store<f32>(xim + o, ar * bi + ai * br);
    }
  }
  store<f32>(xre, dc);
  store<f32>(xim, nyquist);
}
