/**
 * The Fréchet distance between two samples' Gaussian fits, in some feature space: with a
 * classifier's penultimate features it is the FID of Heusel et al. (2017), here for any images a
 * small classifier of ours can judge.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError, assertBatch } from '@ebm/core';
import { cholesky } from '@ebm/core/math';
import { symmetricEigenvalues } from './symmetric-eigenvalues.js';

/**
 * Mean and covariance (divisor n - 1) of the rows of `x` `[n, d]`, in float64 on the host (one
 * read): a float32 covariance of rank-deficient features can have slightly negative eigenvalues,
 * which no jitter small enough to be harmless fixes.
 */
function moments(x: tf.Tensor2D): { mean: Float64Array; covariance: Float64Array } {
  const [n, d] = x.shape;
  const values = x.dataSync();
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += values[i * d + j]! / n;
  const covariance = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = values[i * d + j]! - mean[j]!;
    for (let j = 0; j < d; j++) {
      const rj = row[j]! / (n - 1);
      if (rj !== 0) for (let k = 0; k <= j; k++) covariance[j * d + k]! += rj * row[k]!;
    }
  }
  for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) covariance[k * d + j] = covariance[j * d + k]!;
  return { mean, covariance };
}

/**
 * The Fréchet (2-Wasserstein) distance between the Gaussians fitted to the rows of `a` and `b`
 * (`[n, d]` and `[m, d]`, n, m >= 2):
 *
 *   d^2 = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)),
 *
 * the squared distance, as FID reports it. `Tr (S_a S_b)^(1/2)` is the sum of the square roots of
 * the eigenvalues of `L^T S_b L` with `S_a + eps I = L L^T` (Cholesky; `eps = 1e-6` times the mean
 * variance, so a singular `S_a` works, e.g. with fewer rows than features), which has the
 * eigenvalues of `S_a S_b`. Everything after one read of each input is float64 on the host
 * (moments O(n d^2), Jacobi eigenvalues O(d^3)).
 *
 * @example
 * const fid = frechetDistance(classifier.features(testImages), classifier.features(samples));
 */
export function frechetDistance(a: tf.Tensor2D, b: tf.Tensor2D): number {
  for (const [name, x] of [['a', a], ['b', b]] as const) {
    assertBatch(name, x, 2);
    if (x.rank !== 2) throw new ShapeError(name, `must be [n, d] feature rows, got shape [${x.shape.join(', ')}].`);
    if (x.shape[0]! < 2) throw new InvalidArgumentError(name, `needs at least 2 rows for a covariance, got ${x.shape[0]}.`);
  }
  const d = a.shape[1]!;
  if (b.shape[1] !== d) throw new ShapeError('b', `has ${b.shape[1]} features per row but a has ${d}.`);
  const [ma, mb] = [moments(a), moments(b)];
  let meanTerm = 0;
  let traceTerm = 0;
  for (let i = 0; i < d; i++) {
    meanTerm += (ma.mean[i]! - mb.mean[i]!) ** 2;
    traceTerm += ma.covariance[i * d + i]! + mb.covariance[i * d + i]!;
  }
  const eps = 1e-6 * Math.max((traceTerm / (2 * d)), Number.MIN_VALUE);
  const l = cholesky(Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => ma.covariance[i * d + j]! + (i === j ? eps : 0))), 'a');
  // M = L^T S_b L, as S_b L first.
  const sbl = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const s = mb.covariance[i * d + k]!;
    if (s !== 0) for (let j = 0; j <= k; j++) sbl[i * d + j]! += s * l[k]![j]!;
  }
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = i; k < d; k++) {
    const lki = l[k]![i]!;
    if (lki !== 0) for (let j = 0; j < d; j++) m[i * d + j]! += lki * sbl[k * d + j]!;
  }
  const rootTrace = symmetricEigenvalues(m, d).reduce((s, lambda) => s + Math.sqrt(Math.max(lambda, 0)), 0);
  return Math.max(meanTerm + traceTerm - 2 * rootTrace, 0);
}
