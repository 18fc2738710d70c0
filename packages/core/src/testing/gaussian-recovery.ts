import { cholesky, inverseSPD } from '../math/linalg.js';
import type { GaussianEnergy } from '../models/gaussian.js';
import { type StatisticalOptions, expectWithinStandardErrors } from './statistics.js';

/** What {@link expectGaussianRecovery} checks: a Gaussian energy and its learned log Z against the truth. */
export interface GaussianRecoveryOptions extends Pick<StatisticalOptions, 'z'> {
  /** The fitted model. */
  readonly model: GaussianEnergy;
  /** The learned log-partition (NCE's `c`), compared with the model's and the truth's log Z. */
  readonly logZ: number;
  /** The truth: the data were `n` iid draws of `N(mean, covariance)`. */
  readonly mean: readonly number[];
  readonly covariance: readonly (readonly number[])[];
  readonly n: number;
  /**
   * Standard deviation of the estimator relative to maximum likelihood's (default 1); e.g.
   * `sqrt(1 + 1/nu)` for NCE with noise close to the data (Gutmann & Hyvarinen 2012, Sec. 2.4).
   */
  readonly inflation?: number;
}

/**
 * Asserts that a Gaussian energy fitted to `n` iid draws of `N(mu, C)` recovered the truth, each
 * quantity within `z` standard errors of maximum likelihood times `inflation`, with `P = C^-1`:
 *
 *   var(mean_i) = C_ii / n,   var(P_ij) = (P_ii P_jj + P_ij^2) / n,   var(log Z) = D / (2 n),
 *
 * and the learned log Z against both the model's closed form and the truth's
 * `D/2 log(2 pi) + 1/2 log det C`.
 *
 * @example
 * expectGaussianRecovery({ model, logZ: c, mean: [1, -1], covariance: [[1, 0.5], [0.5, 0.89]], n: 1000, inflation: Math.sqrt(1.25) });
 */
export function expectGaussianRecovery(options: GaussianRecoveryOptions): void {
  const { model, logZ, mean, covariance, n, inflation = 1, z } = options;
  const dim = mean.length;
  const precision = inverseSPD(covariance, 'covariance');
  const learnedMean = model.mean.arraySync() as number[];
  const learnedPrecision = model.precision();
  for (let i = 0; i < dim; i++) {
    expectWithinStandardErrors(learnedMean[i]!, mean[i]!, inflation * Math.sqrt(covariance[i]![i]! / n), { z, label: `mean[${i}]` });
    for (let j = 0; j < dim; j++) {
      const se = inflation * Math.sqrt((precision[i]![i]! * precision[j]![j]! + precision[i]![j]! ** 2) / n);
      expectWithinStandardErrors(learnedPrecision[i]![j]!, precision[i]![j]!, se, { z, label: `precision[${i}][${j}]` });
    }
  }
  const factor = cholesky(covariance, 'covariance');
  const truthLogZ = (dim / 2) * Math.log(2 * Math.PI) + factor.reduce((s, row, i) => s + Math.log(row[i]!), 0);
  const seLogZ = inflation * Math.sqrt(dim / (2 * n));
  expectWithinStandardErrors(logZ, model.logPartition(), seLogZ, { z, label: 'learned log Z vs log Z of the learned model' });
  expectWithinStandardErrors(logZ, truthLogZ, seLogZ, { z, label: 'learned log Z vs log Z of the truth' });
}
