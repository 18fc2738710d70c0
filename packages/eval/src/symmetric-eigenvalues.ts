/**
 * Eigenvalues of a small symmetric matrix in float64 on the host (the cyclic Jacobi method), for
 * the matrix square root inside the Fréchet distance.
 */

/** Sweeps after which Jacobi gives up; it converges quadratically, in well under 20 sweeps for D <= a few hundred. */
const MAX_SWEEPS = 50;

/**
 * The eigenvalues of the symmetric matrix `a` (row-major `D x D`), ascending, by cyclic Jacobi
 * rotations (Golub & Van Loan, "Matrix Computations", section 8.5): each rotation zeroes one
 * off-diagonal pair, and sweeps repeat until the off-diagonal mass is below
 * `1e-15 * ||a||_F^2`. Only the lower triangle's symmetric part is used.
 *
 * @example
 * symmetricEigenvalues(Float64Array.of(2, 1, 1, 2), 2); // [1, 3]
 */
export function symmetricEigenvalues(a: Float64Array, dim: number): Float64Array {
  const m = Float64Array.from({ length: dim * dim }, (_, k) => {
    const [i, j] = [Math.floor(k / dim), k % dim];
    return (a[i * dim + j]! + a[j * dim + i]!) / 2;
  });
  const total = m.reduce((s, v) => s + v * v, 0);
  const offDiagonal = () => {
    let s = 0;
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) if (i !== j) s += m[i * dim + j]! ** 2;
    return s;
  };
  for (let sweep = 0; sweep < MAX_SWEEPS && offDiagonal() > 1e-15 * total; sweep++) {
    for (let p = 0; p < dim - 1; p++) {
      for (let q = p + 1; q < dim; q++) {
        const apq = m[p * dim + q]!;
        if (apq === 0) continue;
        // The rotation angle that zeroes m[p][q]: t = tan(theta), the smaller root of t^2 + 2 tau t - 1 = 0.
        const tau = (m[q * dim + q]! - m[p * dim + p]!) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < dim; k++) {
          const [mkp, mkq] = [m[k * dim + p]!, m[k * dim + q]!];
          m[k * dim + p] = c * mkp - s * mkq;
          m[k * dim + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < dim; k++) {
          const [mpk, mqk] = [m[p * dim + k]!, m[q * dim + k]!];
          m[p * dim + k] = c * mpk - s * mqk;
          m[q * dim + k] = s * mpk + c * mqk;
        }
      }
    }
  }
  return Float64Array.from({ length: dim }, (_, i) => m[i * dim + i]!).sort();
}
