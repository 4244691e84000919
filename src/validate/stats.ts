/**
 * Statistics the validator needs, with no dependency: moments, quantiles, Pearson correlation,
 * least-squares lines, fixed-bin histograms, and the one-way ANOVA with its F-distribution tail
 * (regularized incomplete beta function by Lentz's continued fraction, log-gamma by Lanczos).
 * Golden values in test/validate.test.ts come from scipy.
 */
import type { BoxStats, HistogramData } from './types.js';

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Standard deviation; `ddof` 0 = population (SOUSA's numpy default), 1 = sample. NaN if n ≤ ddof. */
export function std(xs: ArrayLike<number>, ddof = 0): number {
  const n = xs.length;
  if (n <= ddof) return Number.NaN;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i]! - m) ** 2;
  return Math.sqrt(ss / (n - ddof));
}

/** Quantile of sorted values with linear interpolation (numpy's default, type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function boxStats(values: ArrayLike<number>): BoxStats {
  const s = Float64Array.from(values).sort();
  return {
    n: s.length,
    mean: mean(s),
    min: s.length ? s[0]! : Number.NaN,
    q1: quantileSorted(s, 0.25),
    median: quantileSorted(s, 0.5),
    q3: quantileSorted(s, 0.75),
    max: s.length ? s[s.length - 1]! : Number.NaN,
  };
}

/** Pearson correlation; NaN when either variable is constant or n < 2. */
export function pearson(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Least-squares line y = intercept + slope·x; slope 0 when x is constant. */
export function linearFit(xs: ArrayLike<number>, ys: ArrayLike<number>): { slope: number; intercept: number } {
  const n = Math.min(xs.length, ys.length);
  if (n === 0) return { slope: 0, intercept: Number.NaN };
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { slope, intercept: my - slope * mx };
}

/** Residuals of y after removing its least-squares line in x (SOUSA's per-sample detrending, §8.2). */
export function detrend(xs: ArrayLike<number>, ys: ArrayLike<number>): Float64Array {
  const { slope, intercept } = linearFit(xs, ys);
  const out = new Float64Array(ys.length);
  for (let i = 0; i < ys.length; i++) out[i] = ys[i]! - (intercept + slope * xs[i]!);
  return out;
}

// Lanczos approximation, g = 7, n = 9 (Numerical Recipes 3rd ed. §6.1 coefficients); |rel err| < 1e-15.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz), Numerical Recipes `betacf`. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const eps = 1e-15;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < eps) return h;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b), a, b > 0, 0 ≤ x ≤ 1. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** CDF of the F distribution with (d1, d2) degrees of freedom. */
export function fCdf(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 0;
  return regularizedIncompleteBeta((d1 * f) / (d1 * f + d2), d1 / 2, d2 / 2);
}

/** Upper tail P(F > f), computed directly so tiny p-values do not cancel to 0 through 1 − CDF. */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  return regularizedIncompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

export interface AnovaResult {
  /** F statistic (between-group mean square / within-group mean square). */
  f: number;
  /** P(F > f) under the null hypothesis of equal means. */
  p: number;
  dfBetween: number;
  dfWithin: number;
  /** η² = SS_between / SS_total: share of variance explained by the groups. */
  etaSquared: number;
}

/** One-way ANOVA over groups of observations (groups with no values are ignored). */
export function oneWayAnova(groups: readonly ArrayLike<number>[]): AnovaResult {
  const gs = groups.filter((g) => g.length > 0);
  const k = gs.length;
  let n = 0;
  let total = 0;
  for (const g of gs) {
    n += g.length;
    for (let i = 0; i < g.length; i++) total += g[i]!;
  }
  const grand = total / n;
  let ssb = 0;
  let ssw = 0;
  for (const g of gs) {
    const m = mean(g);
    ssb += g.length * (m - grand) ** 2;
    for (let i = 0; i < g.length; i++) ssw += (g[i]! - m) ** 2;
  }
  const dfBetween = k - 1;
  const dfWithin = n - k;
  if (dfBetween < 1 || dfWithin < 1) {
    return { f: Number.NaN, p: Number.NaN, dfBetween, dfWithin, etaSquared: Number.NaN };
  }
  const f = ssw > 0 ? ssb / dfBetween / (ssw / dfWithin) : ssb > 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  const p = f === Number.POSITIVE_INFINITY ? 0 : fSurvival(f, dfBetween, dfWithin);
  return { f, p, dfBetween, dfWithin, etaSquared: ssb + ssw > 0 ? ssb / (ssb + ssw) : Number.NaN };
}

/** Fixed-bin histogram with running moments: bounded memory for millions of stroke errors. */
export class Histogram {
  readonly counts: number[];
  under = 0;
  over = 0;
  n = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private sum = 0;
  private sumSq = 0;

  constructor(
    readonly lo: number,
    readonly width: number,
    bins: number,
  ) {
    this.counts = new Array<number>(bins).fill(0);
  }

  add(x: number): void {
    this.n++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.sum += x;
    this.sumSq += x * x;
    const i = Math.floor((x - this.lo) / this.width);
    if (i < 0) this.under++;
    else if (i >= this.counts.length) this.over++;
    else this.counts[i]!++;
  }

  get mean(): number {
    return this.n ? this.sum / this.n : Number.NaN;
  }

  /** Population standard deviation of every value added (not of the binned values). */
  get std(): number {
    if (!this.n) return Number.NaN;
    return Math.sqrt(Math.max(0, this.sumSq / this.n - this.mean ** 2));
  }

  /** Quantile interpolated inside its bin (under/over-flow counts sit at the edges). */
  quantile(q: number): number {
    if (!this.n) return Number.NaN;
    const target = q * this.n;
    let acc = this.under;
    if (acc > 0 && target <= acc) return this.lo;
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i]!;
      if (acc + c >= target && c > 0) return this.lo + (i + (target - acc) / c) * this.width;
      acc += c;
    }
    return this.lo + this.counts.length * this.width;
  }

  box(): BoxStats {
    return {
      n: this.n,
      mean: this.mean,
      min: this.n ? this.min : Number.NaN,
      q1: this.quantile(0.25),
      median: this.quantile(0.5),
      q3: this.quantile(0.75),
      max: this.n ? this.max : Number.NaN,
    };
  }

  data(): HistogramData {
    return { lo: this.lo, width: this.width, counts: [...this.counts], under: this.under, over: this.over };
  }
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a) (Numerical Recipes `gammq`: series below a+1, continued fraction above). */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  const lnFront = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < 10_000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(lnFront) * h;
}

/** P(X > x) for a chi-square variable with k degrees of freedom. */
export function chiSquareSurvival(x: number, k: number): number {
  return regularizedGammaQ(k / 2, x / 2);
}

/** Pearson's chi-square goodness of fit of observed counts to expected proportions (any positive weights). */
export function chiSquareTest(observed: readonly number[], weights: readonly number[]): { chi2: number; df: number; p: number } {
  const n = observed.reduce((a, b) => a + b, 0);
  const w = weights.reduce((a, b) => a + b, 0);
  let chi2 = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = (n * weights[i]!) / w;
    if (e > 0) chi2 += (observed[i]! - e) ** 2 / e;
  }
  const df = observed.length - 1;
  return { chi2, df, p: df > 0 ? chiSquareSurvival(chi2, df) : 1 };
}
