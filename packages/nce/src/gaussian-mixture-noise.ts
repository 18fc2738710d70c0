import * as tf from '@tensorflow/tfjs';
import { type Distribution, type Key, InvalidArgumentError, ShapeError, assertPositive, randomUint32, split } from '@ebm/core';
import { type GaussianNoise, buildGaussianNoise } from './gaussian-noise.js';

/** Options of {@link gaussianMixtureNoise}: one weight, mean and covariance per component. */
export interface GaussianMixtureNoiseOptions {
  /** Mixture weights `w_k > 0`, normalised to sum to 1. */
  readonly weights: readonly number[];
  /** Component means, K rows of length D. */
  readonly means: readonly (readonly number[])[];
  /** Component covariances, K symmetric positive-definite D x D matrices. */
  readonly covariances: readonly (readonly (readonly number[])[])[];
}

/** A Gaussian-mixture noise distribution (event shape `[D]`). Holds small tensors per component: call `dispose()` when done. */
export interface GaussianMixtureNoise extends Distribution {
  readonly dim: number;
  /** The normalised weights. */
  readonly weights: readonly number[];
  readonly components: readonly GaussianNoise[];
  dispose(): void;
}

/**
 * A mixture of full-covariance Gaussians as NCE noise (a core `Distribution`, event shape `[D]`), for multimodal data where one Gaussian
 * would put noise far from the data:
 *
 *   p_n(x) = sum_k w_k N(x; mu_k, Sigma_k),   log p_n(x) = logsumexp_k [log w_k + log N(x; mu_k, Sigma_k)].
 *
 * Sampling draws each row's component `k ~ Categorical(w)` and then `mu_k + L_k z`. Weights are
 * divided by their sum, so `[1, 1, 2]` means `[0.25, 0.25, 0.5]`.
 *
 * @example
 * const noise = gaussianMixtureNoise({
 *   weights: [0.5, 0.5],
 *   means: [[-2, 0], [2, 0]],
 *   covariances: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]],
 * });
 */
export function gaussianMixtureNoise(options: GaussianMixtureNoiseOptions): GaussianMixtureNoise {
  const { weights, means, covariances } = options;
  if (!Array.isArray(weights) || weights.length === 0) {
    throw new InvalidArgumentError('weights', 'must be a non-empty array of positive numbers, one per component.');
  }
  weights.forEach((w, k) => assertPositive(`weights[${k}]`, w));
  if (means.length !== weights.length || covariances.length !== weights.length) {
    throw new ShapeError(
      'means',
      `weights, means and covariances must have one entry per component, got ${weights.length}, ${means.length} and ${covariances.length}.`,
    );
  }
  const dim = means[0]!.length;
  means.forEach((m, k) => {
    if (m.length !== dim) throw new ShapeError(`means[${k}]`, `must have length ${dim} like means[0], got ${m.length}.`);
  });
  const total = weights.reduce((s, w) => s + w, 0);
  const normalised = weights.map((w) => w / total);
  const components: GaussianNoise[] = [];
  try {
    means.forEach((mean, k) => components.push(buildGaussianNoise(mean, covariances[k]!, { mean: `means[${k}]`, covariance: `covariances[${k}]` })));
  } catch (error) {
    components.forEach((c) => c.dispose());
    throw error;
  }
  const logWeights = normalised.map(Math.log);
  // Cumulative weights for inverse-CDF draws of the component index.
  const cumulative = normalised.map((_, k) => normalised.slice(0, k + 1).reduce((s, w) => s + w, 0));

  return {
    eventShape: [dim],
    dim,
    weights: normalised,
    components,
    sample: (key: Key, n: number) => {
      const [componentKey, drawKey] = split(key) as [Key, Key];
      const words = randomUint32(componentKey, n);
      const index = Array.from(words, (w) => {
        const u = w / 2 ** 32;
        const k = cumulative.findIndex((c) => u < c);
        // The last cumulative weight can round to just below 1: such a u belongs to the last component.
        return k === -1 ? components.length - 1 : k;
      });
      return tf.tidy(() => {
        // Every component transforms the same standard draws; each row keeps its own component's.
        const draws = components.map((c) => c.sample(drawKey, n));
        const oneHot = tf.oneHot(tf.tensor1d(index, 'int32'), components.length);
        return tf.addN(draws.map((d, k) => tf.mul(d, tf.slice(oneHot, [0, k], [n, 1]))));
      });
    },
    logProb: (x: tf.Tensor) =>
      tf.tidy(() => tf.logSumExp(tf.stack(components.map((c, k) => tf.add(c.logProb(x), logWeights[k]!)), 1), 1) as tf.Tensor1D),
    dispose: () => components.forEach((c) => c.dispose()),
  };
}
