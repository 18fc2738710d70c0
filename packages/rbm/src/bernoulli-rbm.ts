import { type RBM, type RBMOptions, createRBM } from './rbm.js';

/**
 * A Bernoulli-Bernoulli RBM with joint energy `E(v, h) = -v.b - h.c - v W h` over binary `v`
 * and `h`, as an `EnergyModel` whose `energy` is the free energy
 *
 *   F(v) = -v.b - sum_j softplus(c_j + v W_j),   p(v) = exp(-F(v)) / Z,
 *
 * with conditionals `p(h_j = 1 | v) = sigmoid(c_j + v W_j)`, `p(v_i = 1 | h) = sigmoid(b_i + W_i h)`.
 * Visible values may also be grey levels in [0, 1] (read as probabilities, as scikit-learn's
 * BernoulliRBM does); anything outside [0, 1] is rejected where data enters (conditionals,
 * `blockGibbs` start, likelihoods). Weights start as `N(0, 0.01^2)` draws from `key`, hidden
 * biases at 0, visible biases at `visibleBias` (see `visibleBiasFromData`).
 *
 * `energy`'s gradient is the closed-form CD statistic, so any objective that differentiates
 * `mean F(data) - mean F(negatives)` performs the classic RBM update; `parameterVjp` computes
 * that update directly, without a tape, and `contrastiveDivergence` from @ebm/cd (with
 * `blockGibbs`) uses it.
 *
 * @example
 * const rbm = bernoulliRBM({ visible: 64, hidden: 64, key: prngKey(0), visibleBias: visibleBiasFromData(x) });
 * const features = rbm.hiddenProbabilities(x); // [N, 64]
 */
export function bernoulliRBM(options: RBMOptions): RBM {
  return createRBM('bernoulli', options, 1);
}
