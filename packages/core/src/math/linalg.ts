/**
 * Small dense linear algebra on plain arrays (float64, on the host), for the closed forms of
 * Gaussian energies and noise: D x D matrices with D up to a few hundred.
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * The lower-triangular Cholesky factor `L` of a symmetric positive-definite matrix, `A = L L^T`
 * (the Cholesky-Banachiewicz recurrence, O(D^3)). Throws an `InvalidArgumentError` naming
 * `argument` (default `'matrix'`) when `A` is not positive definite.
 *
 * @example
 * cholesky([[4, 2], [2, 3]]); // [[2, 0], [1, 1.414...]]
 */
export function cholesky(a: readonly (readonly number[])[], argument = 'matrix'): number[][] {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) {
          throw new InvalidArgumentError(argument, 'must be symmetric positive definite (Cholesky failed).');
        }
        l[i]![i] = Math.sqrt(sum);
      } else {
        l[i]![j] = sum / l[j]![j]!;
      }
    }
  }
  return l;
}

/**
 * The inverse of a symmetric positive-definite matrix via its Cholesky factor: solves
 * `L Y = I`, then `L^T X = Y`, so `X = A^-1`.
 *
 * @example
 * const covariance = inverseSPD(precision);
 */
export function inverseSPD(a: readonly (readonly number[])[], argument = 'matrix'): number[][] {
  const n = a.length;
  const l = cholesky(a, argument);
  // Solve L Y = I, then L^T X = Y.
  const inv = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let col = 0; col < n; col++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = i === col ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
      y[i] = s / l[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < n; k++) s -= l[k]![i]! * inv[k]![col]!;
      inv[i]![col] = s / l[i]![i]!;
    }
  }
  return inv;
}
