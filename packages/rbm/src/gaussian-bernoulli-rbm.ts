import { assertPositive } from '@ebm/core';
import { type RBM, type RBMOptions, createRBM } from './rbm.js';

/** Options of {@link gaussianBernoulliRBM}: those of every RBM plus the visible standard deviation. */
export interface GaussianBernoulliRBMOptions extends RBMOptions {
  /**
   * Standard deviation of every visible unit, fixed (not trained); default 1, for data
   * standardised to zero mean and unit variance per pixel as Hinton's practical guide (section
   * 13.2) recommends.
   */
  readonly sigma?: number;
}

/**
 * A Gaussian-Bernoulli RBM for real-valued visible units, joint energy
 *
 *   E(v, h) = |v - b|^2 / (2 sigma^2) - h.c - (v / sigma) W h,
 *
 * as an `EnergyModel` whose `energy` is the free energy
 * `F(v) = |v - b|^2 / (2 sigma^2) - sum_j softplus(c_j + (v / sigma) W_j)`, with conditionals
 * `p(h_j = 1 | v) = sigmoid(c_j + (v / sigma) W_j)` and `p(v | h) = N(b + sigma W h, sigma^2 I)`
 * (`visibleProbabilities` returns that mean). Weights start as `N(0, 0.01^2)` draws from `key`.
 *
 * @example
 * const rbm = gaussianBernoulliRBM({ visible: 2, hidden: 16, sigma: 1, key: prngKey(0) });
 * const sampler = blockGibbs(rbm);
 */
export function gaussianBernoulliRBM(options: GaussianBernoulliRBMOptions): RBM {
  const sigma = options.sigma ?? 1;
  assertPositive('sigma', sigma, 'Pass the visible standard deviation, e.g. 1 for standardised data.');
  return createRBM('gaussian-bernoulli', options, sigma);
}
