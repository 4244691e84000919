/**
 * Measurements on rendered audio for the audio tests: stroke peaks, spectra, correlation, onset
 * matching, and the external tools (`flac -t`, `aubioonset`). Pure functions except the `run*`
 * wrappers, which call Debian binaries.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export const SR = 44_100;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;
}

/** Pearson correlation of two equally long series. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Largest |x| in frames [from, to). */
export function peakIn(x: Float32Array, from: number, to: number): number {
  let p = 0;
  for (let i = Math.max(0, from); i < Math.min(x.length, to); i++) {
    const v = Math.abs(x[i]!);
    if (v > p) p = v;
  }
  return p;
}

/** One labelled onset, as read from strokes.parquet. */
export interface LabelOnset {
  index: number;
  timeMs: number;
  velocity: number;
  isGrace: boolean;
  isAccent: boolean;
  isBuzzBounce: boolean;
  parent: number | null;
}

/**
 * Peak of each stroke's attack: max |x| from its onset to `windowMs` later or to the next
 * stroke's onset, whichever comes first. Also returns each stroke's distance to its nearest
 * neighbour onset, so callers can keep strokes whose window holds their own sound only.
 */
export function strokePeaks(
  audio: Float32Array,
  strokes: readonly LabelOnset[],
  windowMs: number,
): { peak: number; gapBeforeMs: number; gapAfterMs: number }[] {
  const times = strokes.map((s) => s.timeMs);
  return strokes.map((s, i) => {
    const prev = i > 0 ? times[i - 1]! : -Infinity;
    const next = i + 1 < times.length ? times[i + 1]! : Infinity;
    const from = Math.round((s.timeMs * SR) / 1000);
    const to = Math.round((Math.min(s.timeMs + windowMs, next) * SR) / 1000);
    return { peak: peakIn(audio, from, to), gapBeforeMs: s.timeMs - prev, gapAfterMs: next - s.timeMs };
  });
}

/** In-place radix-2 FFT of (re, im); length a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

/** Spectral summary of a signal: Welch-averaged power spectrum over Hann frames. */
export interface SpectrumStats {
  /** Fraction of the power above 1 kHz (0-1). */
  highFraction: number;
  /** Spectral flatness (geometric / arithmetic mean of power) over 100 Hz - 10 kHz, 0-1; noise ~0.5+, a tone ~0. */
  flatness: number;
  /** Power-weighted mean frequency, Hz. */
  centroidHz: number;
  /** Spectral flatness over 1-10 kHz, where snare wires sound and a pitched note has only sparse partials. */
  flatnessHigh: number;
}

/** Spectrum statistics of `x`: power summed over Hann frames of `frameSize`, hop `frameSize / 2`. */
export function spectrumStats(x: Float32Array, frameSize = 4096): SpectrumStats {
  const power = new Float64Array(frameSize / 2 + 1);
  const win = Float64Array.from({ length: frameSize }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / frameSize));
  const re = new Float64Array(frameSize);
  const im = new Float64Array(frameSize);
  for (let start = 0; start + frameSize <= x.length; start += frameSize / 2) {
    for (let i = 0; i < frameSize; i++) {
      re[i] = x[start + i]! * win[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < power.length; k++) power[k] = power[k]! + re[k]! * re[k]! + im[k]! * im[k]!;
  }
  const binHz = SR / frameSize;
  let total = 0;
  let high = 0;
  let weighted = 0;
  for (let k = 1; k < power.length; k++) {
    total += power[k]!;
    weighted += power[k]! * k * binHz;
    if (k * binHz >= 1000) high += power[k]!;
  }
  return {
    highFraction: high / total,
    flatness: flatnessOf(power, Math.ceil(100 / binHz), Math.floor(10_000 / binHz)),
    centroidHz: weighted / total,
    flatnessHigh: flatnessOf(power, Math.ceil(1000 / binHz), Math.floor(10_000 / binHz)),
  };
}

/** Geometric over arithmetic mean of power bins [lo, hi]. */
function flatnessOf(power: Float64Array, lo: number, hi: number): number {
  let logSum = 0;
  let sum = 0;
  for (let k = lo; k <= hi; k++) {
    const p = power[k]! + 1e-30;
    logSum += Math.log(p);
    sum += p;
  }
  const count = hi - lo + 1;
  return Math.exp(logSum / count) / (sum / count);
}

/**
 * One-to-one matching of detections to reference onsets: pairs within `windowMs` taken in order
 * of increasing distance (each reference and each detection used once). Returns for every
 * reference the signed error detection − reference in ms, or null when unmatched.
 */
export function matchOnsets(referenceMs: readonly number[], detectedMs: readonly number[], windowMs: number): (number | null)[] {
  const pairs: { r: number; d: number; dist: number }[] = [];
  let d0 = 0;
  const sortedDet = [...detectedMs].sort((a, b) => a - b);
  referenceMs.forEach((t, r) => {
    while (d0 < sortedDet.length && sortedDet[d0]! < t - windowMs) d0++;
    for (let d = d0; d < sortedDet.length && sortedDet[d]! <= t + windowMs; d++) {
      pairs.push({ r, d, dist: Math.abs(sortedDet[d]! - t) });
    }
  });
  pairs.sort((a, b) => a.dist - b.dist || a.r - b.r || a.d - b.d);
  const out: (number | null)[] = referenceMs.map(() => null);
  const used = new Set<number>();
  for (const p of pairs) {
    if (out[p.r] !== null || used.has(p.d)) continue;
    out[p.r] = sortedDet[p.d]! - referenceMs[p.r]!;
    used.add(p.d);
  }
  return out;
}

/** `flac -t` (Debian flac) on files; returns exit status and stderr. */
export function runFlacTest(paths: readonly string[]): { status: number; stderr: string } {
  const r = spawnSync('flac', ['-t', '-s', ...paths], { encoding: 'utf8' });
  return { status: r.status ?? -1, stderr: r.stderr };
}

/** Options of {@link runAubioOnset}, mirroring `aubioonset`'s flags. */
export interface AubioOnsetOptions {
  /** -O: onset function (hfc, energy, complex, phase, specdiff, kl, mkl, specflux). */
  method: string;
  /** -B: analysis window, frames. */
  bufSize: number;
  /** -H: hop, frames. */
  hopSize: number;
  /** -t: peak-picking threshold. */
  threshold: number;
  /** -M: minimum inter-onset interval, s. */
  minIoiSec: number;
  /** -s: silence gate, dB. */
  silenceDb: number;
}

/** Debian `aubioonset` on an audio file (WAV or FLAC): onset times in ms. */
export function runAubioOnset(path: string, o: AubioOnsetOptions): number[] {
  const out = execFileSync(
    'aubioonset',
    [
      '-i', path,
      '-O', o.method,
      '-B', String(o.bufSize),
      '-H', String(o.hopSize),
      '-t', String(o.threshold),
      '-M', String(o.minIoiSec),
      '-s', String(o.silenceDb),
      '-T', 'ms',
    ],
    { encoding: 'utf8' },
  );
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map(Number);
}
