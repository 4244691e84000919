/**
 * The target correlation between profile dimensions, its repair into a valid (positive-definite)
 * correlation matrix, and the Cholesky factor the sampler draws with.
 *
 * SOUSA's requested correlations (sousa-original.md §3.3) are not mutually consistent: the matrix
 * they form has a negative eigenvalue, so no multivariate normal has exactly these correlations.
 * We take the nearest valid one in the Frobenius norm (Higham 2002, "Computing the nearest
 * correlation matrix - a problem from finance", IMA J. Numer. Anal. 22:329-343: alternating
 * projections with Dykstra's correction), with the eigenvalues held at or above a floor so that the
 * result is safely positive definite rather than singular, then rescale to a unit diagonal.
 *
 * Everything here uses only + - * / and sqrt, which IEEE 754 rounds exactly, so the repaired
 * matrix is bit-identical in every JavaScript engine (and thus every profile draw is too).
 */
import { ProfileError } from '../errors.js';
import type { DimensionName } from './archetypes.js';

/** A square matrix, row-major. */
export interface SquareMatrix {
  /** Number of rows (= columns). */
  readonly size: number;
  /** `size * size` entries, row-major: entry (i, j) is `data[i * size + j]`. */
  readonly data: Float64Array;
}

/**
 * The 17 correlated dimensions, in the fixed order of matrix rows and columns: timing (4),
 * dynamics (4), hand balance (3), rudiment-specific (6), as in SOUSA's archetypes.
 * Fatigue is drawn independently and is not part of the matrix.
 */
export const CORRELATED_DIMENSIONS: readonly DimensionName[] = [
  'timingAccuracyMs',
  'timingConsistency',
  'tempoDrift',
  'subdivisionEvenness',
  'velocityMean',
  'velocityVariance',
  'accentDifferentiation',
  'accentAccuracy',
  'lrVelocityRatio',
  'lrTimingBiasMs',
  'lrConsistencyDelta',
  'flamSpacingMs',
  'flamSpacingVariance',
  'diddleEvenness',
  'diddleVariance',
  'rollSustain',
  'buzzDensityConsistency',
];

/** One requested correlation between two dimensions. */
export interface TargetCorrelation {
  readonly a: DimensionName;
  readonly b: DimensionName;
  /** Requested Pearson r; every pair not listed is 0. */
  readonly r: number;
}

/**
 * SOUSA's requested correlations (sousa-original.md §3.3): ±0.7 strong, ±0.4 moderate, ±0.2 weak.
 * lrVelocityRatio-flamSpacingMs is +0.2 as in the original's matrix (its comment claims the opposite).
 */
export const TARGET_CORRELATIONS: readonly TargetCorrelation[] = [
  { a: 'timingAccuracyMs', b: 'timingConsistency', r: 0.7 },
  { a: 'timingAccuracyMs', b: 'subdivisionEvenness', r: -0.4 },
  { a: 'timingConsistency', b: 'subdivisionEvenness', r: -0.4 },
  { a: 'tempoDrift', b: 'timingAccuracyMs', r: 0.2 },
  { a: 'accentAccuracy', b: 'accentDifferentiation', r: 0.4 },
  { a: 'velocityVariance', b: 'accentAccuracy', r: -0.4 },
  { a: 'lrVelocityRatio', b: 'lrTimingBiasMs', r: -0.4 },
  { a: 'lrVelocityRatio', b: 'lrConsistencyDelta', r: -0.4 },
  { a: 'flamSpacingVariance', b: 'diddleVariance', r: 0.4 },
  { a: 'diddleEvenness', b: 'buzzDensityConsistency', r: 0.4 },
  { a: 'timingAccuracyMs', b: 'accentAccuracy', r: -0.4 },
  { a: 'timingConsistency', b: 'accentAccuracy', r: -0.2 },
  { a: 'timingAccuracyMs', b: 'diddleEvenness', r: -0.4 },
  { a: 'timingConsistency', b: 'diddleEvenness', r: -0.4 },
  { a: 'subdivisionEvenness', b: 'diddleEvenness', r: 0.7 },
  { a: 'lrVelocityRatio', b: 'velocityVariance', r: -0.2 },
  { a: 'lrVelocityRatio', b: 'timingAccuracyMs', r: -0.4 },
  { a: 'lrTimingBiasMs', b: 'timingAccuracyMs', r: 0.4 },
  { a: 'lrConsistencyDelta', b: 'timingConsistency', r: 0.4 },
  { a: 'lrVelocityRatio', b: 'flamSpacingMs', r: 0.2 },
  { a: 'lrVelocityRatio', b: 'diddleEvenness', r: 0.2 },
  { a: 'velocityVariance', b: 'rollSustain', r: 0.4 },
];

/** Row/column of a dimension in {@link CORRELATED_DIMENSIONS}. */
export function dimensionIndex(name: DimensionName): number {
  const i = CORRELATED_DIMENSIONS.indexOf(name);
  if (i < 0) {
    throw new ProfileError(
      'PROFILE_UNKNOWN_DIMENSION',
      `expected one of the ${CORRELATED_DIMENSIONS.length} correlated dimensions, got "${name}" (profiles/correlation)`,
    );
  }
  return i;
}

/** The n×n identity. */
export function identity(size: number): SquareMatrix {
  const data = new Float64Array(size * size);
  for (let i = 0; i < size; i++) data[i * size + i] = 1;
  return { size, data };
}

/** The requested (unrepaired) 17×17 correlation matrix: unit diagonal, targets, zeros elsewhere. */
export function targetCorrelationMatrix(): SquareMatrix {
  const m = identity(CORRELATED_DIMENSIONS.length);
  for (const { a, b, r } of TARGET_CORRELATIONS) {
    const i = dimensionIndex(a);
    const j = dimensionIndex(b);
    m.data[i * m.size + j] = r;
    m.data[j * m.size + i] = r;
  }
  return m;
}

/** Eigen-decomposition of a symmetric matrix. */
export interface Eigen {
  /** Eigenvalues, ascending. */
  readonly values: Float64Array;
  /** Orthonormal eigenvectors as columns, column k belonging to `values[k]`. */
  readonly vectors: SquareMatrix;
}

/** Options of {@link jacobiEigen}. */
export interface JacobiOptions {
  /** Stop when the off-diagonal sum of squares falls below this fraction of the total (default 1e-30). */
  relativeTolerance: number;
  /** Upper bound on full sweeps over all (p, q) pairs (default 100). */
  maxSweeps: number;
}

export const DEFAULT_JACOBI_OPTIONS: Readonly<JacobiOptions> = { relativeTolerance: 1e-30, maxSweeps: 100 };

function assertSquare(m: SquareMatrix, where: string): void {
  if (!Number.isInteger(m.size) || m.size < 1 || m.data.length !== m.size * m.size) {
    throw new ProfileError(
      'PROFILE_MATRIX_SHAPE',
      `expected a square matrix with size*size entries, got size ${m.size} and ${m.data.length} entries (${where})`,
    );
  }
  for (const v of m.data) {
    if (!Number.isFinite(v)) {
      throw new ProfileError('PROFILE_MATRIX_VALUE', `expected finite matrix entries, got ${v} (${where})`);
    }
  }
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by the cyclic Jacobi method (rotations as in
 * Golub & Van Loan, Matrix Computations, "Jacobi methods"). A non-symmetric input is replaced by
 * its symmetric part (M + Mᵀ) / 2. Quadratically convergent; fine for the small matrices here.
 */
export function jacobiEigen(m: SquareMatrix, opts: Partial<JacobiOptions> = {}): Eigen {
  assertSquare(m, 'jacobiEigen');
  const { relativeTolerance, maxSweeps } = { ...DEFAULT_JACOBI_OPTIONS, ...opts };
  const n = m.size;
  const a = symmetrised(m).data;
  const v = identity(n).data;
  let total = 0;
  for (const x of a) total += x * x;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p * n + q]! * a[p * n + q]!;
    if (off <= relativeTolerance * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        // Rotation angle that zeroes a[p][q]; t = tan(angle), the smaller root for stability.
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const absTheta = Math.abs(theta);
        const t =
          absTheta > 1e150 ? 1 / (2 * theta) : (theta >= 0 ? 1 : -1) / (absTheta + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A <- A J (columns p, q), then A <- J^T A (rows p, q); V <- V J.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]!;
  });
  return { values, vectors: { size: n, data: vectors } };
}

/** (M + Mᵀ) / 2. */
function symmetrised(m: SquareMatrix): SquareMatrix {
  const n = m.size;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (m.data[i * n + j]! + m.data[j * n + i]!);
  }
  return { size: n, data: out };
}

/** V diag(max(λ, floor)) Vᵀ: the nearest (Frobenius) symmetric matrix with eigenvalues >= floor. */
function projectEigenFloor(m: SquareMatrix, floor: number): SquareMatrix {
  const n = m.size;
  const { values, vectors } = jacobiEigen(m);
  const v = vectors.data;
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const lambda = Math.max(values[k]!, floor);
    for (let i = 0; i < n; i++) {
      const vik = v[i * n + k]! * lambda;
      for (let j = i; j < n; j++) out[i * n + j] = out[i * n + j]! + vik * v[j * n + k]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[i * n + j] = out[j * n + i]!;
  return { size: n, data: out };
}

function frobeniusDiff(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Options of {@link nearestCorrelationMatrix}. */
export interface NearestCorrelationOptions {
  /** Eigenvalue floor of the result before the unit-diagonal rescale (default 1e-4; 0 = merely PSD). */
  minEigenvalue: number;
  /** Stop when successive iterates and the two projections differ by less than this, relative Frobenius (default 1e-12). */
  tolerance: number;
  /** Upper bound on alternating-projection iterations (default 10 000). */
  maxIterations: number;
}

/**
 * The floor keeps the repaired matrix comfortably invertible (SOUSA's own repair left a minimum
 * eigenvalue of about 4e-16, on the edge of a failing Cholesky) while moving the correlations by
 * far less than their ±0.2 granularity.
 */
export const DEFAULT_NEAREST_CORRELATION_OPTIONS: Readonly<NearestCorrelationOptions> = {
  minEigenvalue: 1e-4,
  tolerance: 1e-12,
  maxIterations: 10_000,
};

/** Result of {@link nearestCorrelationMatrix}. */
export interface NearestCorrelationResult {
  /** Symmetric, unit diagonal, eigenvalues > 0 when `minEigenvalue` > 0. */
  readonly matrix: SquareMatrix;
  /** Alternating-projection iterations used. */
  readonly iterations: number;
  /** Whether the tolerance was reached before `maxIterations` (the result is valid either way). */
  readonly converged: boolean;
}

/**
 * Nearest correlation matrix to a symmetric `m` (Higham 2002, alternating projections with unit weights):
 * alternate the projection onto {eigenvalues >= minEigenvalue} (with Dykstra's correction) and
 * onto {unit diagonal}; finish with one more eigenvalue projection and a D^-1/2 X D^-1/2 rescale,
 * so the result is exactly unit-diagonal and positive definite even if the loop stopped early.
 */
export function nearestCorrelationMatrix(
  m: SquareMatrix,
  opts: Partial<NearestCorrelationOptions> = {},
): NearestCorrelationResult {
  assertSquare(m, 'nearestCorrelationMatrix');
  const { minEigenvalue, tolerance, maxIterations } = { ...DEFAULT_NEAREST_CORRELATION_OPTIONS, ...opts };
  if (!(minEigenvalue >= 0 && minEigenvalue < 1)) {
    throw new ProfileError(
      'PROFILE_INVALID_OPTION',
      `minEigenvalue must be in [0, 1), got ${minEigenvalue} (nearestCorrelationMatrix)`,
    );
  }
  const n = m.size;
  let y = symmetrised(m).data;
  const correction = new Float64Array(n * n);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const r = new Float64Array(n * n);
    for (let i = 0; i < r.length; i++) r[i] = y[i]! - correction[i]!;
    const x = projectEigenFloor({ size: n, data: r }, minEigenvalue).data;
    for (let i = 0; i < r.length; i++) correction[i] = x[i]! - r[i]!;
    const next = Float64Array.from(x);
    for (let i = 0; i < n; i++) next[i * n + i] = 1;
    let norm = 0;
    for (const v of next) norm += v * v;
    norm = Math.sqrt(norm);
    const step = frobeniusDiff(next, y) / norm;
    const gap = frobeniusDiff(next, x) / norm;
    y = next;
    if (step < tolerance && gap < tolerance) {
      converged = true;
      break;
    }
  }
  const x = projectEigenFloor({ size: n, data: y }, minEigenvalue).data;
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) scale[i] = 1 / Math.sqrt(x[i * n + i]!);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) {
      const v = x[i * n + j]! * scale[i]! * scale[j]!;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return { matrix: { size: n, data: out }, iterations, converged };
}

/**
 * Lower-triangular L with L Lᵀ = m (Cholesky-Banachiewicz). Throws {@link ProfileError} when `m`
 * is not (numerically) positive definite.
 */
export function cholesky(m: SquareMatrix): SquareMatrix {
  assertSquare(m, 'cholesky');
  const n = m.size;
  const a = m.data;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) {
          throw new ProfileError(
            'PROFILE_MATRIX_NOT_PD',
            `expected a positive-definite matrix, got pivot ${s} at row ${i} of ${n} (cholesky)`,
          );
        }
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return { size: n, data: l };
}

let repaired: NearestCorrelationResult | null = null;
let factor: SquareMatrix | null = null;

/** The repaired 17×17 profile correlation matrix (computed once, then memoised). */
export function profileCorrelation(): NearestCorrelationResult {
  repaired ??= nearestCorrelationMatrix(targetCorrelationMatrix());
  return repaired;
}

/** Lower Cholesky factor of {@link profileCorrelation} (memoised). */
export function profileCholesky(): SquareMatrix {
  factor ??= cholesky(profileCorrelation().matrix);
  return factor;
}
