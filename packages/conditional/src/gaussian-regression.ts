import * as tf from '@tensorflow/tfjs';
import { assertInteger } from '@ebm/core';
import { type MlpNetworkOptions, mlpNetwork } from '@ebm/core/models';
import { checkShape, conditionalEnergyModel } from './conditional-model.js';
import type { ConditionalEnergyModel } from './types.js';

/** `log(2 pi)`, the constant of the Gaussian log-density per dimension. */
const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Options of {@link gaussianRegression}: core's `mlpNetwork` options (default name `gaussian_regression`) with `2 D` outputs. */
export interface GaussianRegressionOptions extends Omit<MlpNetworkOptions, 'outputs'> {
  /** Dimension D of y (targets `[N, D]`). */
  readonly targetDim: number;
}

/** A Gaussian regression network: a normalised conditional energy with a mean and a scale head. */
export interface GaussianRegressionModel extends ConditionalEnergyModel {
  /** `mu(x)`, `[N, D]`. */
  mean(x: tf.Tensor): tf.Tensor2D;
  /** `sigma(x) = exp(s(x))`, `[N, D]`. */
  std(x: tf.Tensor): tf.Tensor2D;
  readonly logPartition: (x: tf.Tensor) => tf.Tensor1D;
}

/**
 * The baseline users reach for: a network with a mean head `mu(x)` and a log-scale head `s(x)`
 * (one MLP body, `2 D` outputs: core's `mlpNetwork`), modelling
 *
 *   p(y | x) = N(y; mu(x), diag(sigma(x)^2)),   sigma = exp(s),
 *
 * as a conditional energy that is already normalised (`A_x = 0`):
 *
 *   E(x, y) = -log p(y | x) = sum_j [ (y_j - mu_j)^2 / (2 sigma_j^2) + log sigma_j ] + D/2 log 2 pi.
 *
 * Train it by maximum likelihood (`maximumLikelihood()`, the Gaussian NLL, Nix & Weigend 1994).
 * It is unimodal: where the true `p(y | x)` has several modes it spreads one Gaussian over them,
 * which is the gap a conditional EBM closes. Trained, it also makes good noise for
 * `conditionalNce`: `conditionalNormal({ targetShape: [D], mean: baseline.mean, std: baseline.std })`.
 *
 * @example
 * const baseline = gaussianRegression({ inputShape: [1], targetDim: 1, hidden: [64, 64], key: prngKey(3) });
 * await fit(baseline, maximumLikelihood(), packPairs(x, y), { optimizer: adam({ learningRate: 1e-3 }), steps: 2000, key });
 */
export function gaussianRegression(options: GaussianRegressionOptions): GaussianRegressionModel {
  const { targetDim: d, ...rest } = options;
  const inputShape = checkShape('inputShape', options.inputShape);
  assertInteger('targetDim', d);
  const network = mlpNetwork({ ...rest, inputShape, outputs: 2 * d, name: options.name ?? 'gaussian_regression' });
  const heads = (x: tf.Tensor): [tf.Tensor2D, tf.Tensor2D] => {
    const out = network.apply(x);
    const n = x.shape[0]!;
    return [tf.slice(out, [0, 0], [n, d]), tf.slice(out, [0, d], [n, d])];
  };
  const mean = (x: tf.Tensor): tf.Tensor2D => tf.tidy(() => heads(x)[0]);
  const std = (x: tf.Tensor): tf.Tensor2D => tf.tidy(() => tf.exp(heads(x)[1]));
  const model = conditionalEnergyModel({
    energy: (x, y) =>
      tf.tidy(() => {
        const [mu, logStd] = heads(x);
        const z = tf.mul(tf.sub(y, mu), tf.exp(tf.neg(logStd)));
        return tf.add(tf.sum(tf.add(tf.mul(0.5, tf.square(z)), logStd), 1), (d / 2) * LOG_TWO_PI) as tf.Tensor1D;
      }),
    variables: network.variables,
    inputShape,
    targetShape: [d],
    logPartition: (x) => tf.zeros([x.shape[0]!]),
  });
  return { ...model, logPartition: model.logPartition!, mean, std };
}
