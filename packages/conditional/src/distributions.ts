/**
 * Conditional distributions `q(y | x)`: a Gaussian around a function of x, and any core
 * `Distribution` over y that ignores x.
 */
import * as tf from '@tensorflow/tfjs';
import { type Distribution, InvalidArgumentError, type Key, ShapeError, assertBatch, assertDistribution, assertInteger, assertPositive, normal } from '@ebm/core';
import { checkShape } from './conditional-model.js';
import { repeatRows, sizeOf } from './pairs.js';
import type { ConditionalDistribution } from './types.js';

/** `log(2 pi)`, the constant of the Gaussian log-density per dimension. */
const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Options of {@link conditionalNormal}. */
export interface ConditionalNormalOptions {
  /** Per-sample shape of y. */
  readonly targetShape: readonly number[];
  /** `mu(x)`: `[N, ...inputShape]` -> `[N, ...targetShape]` (a trained regression's mean, a fixed function). */
  readonly mean: (x: tf.Tensor) => tf.Tensor;
  /** `sigma(x)`: a number (> 0), or a function `[N, ...inputShape]` -> `[N, ...targetShape]` of positive scales. */
  readonly std: number | ((x: tf.Tensor) => tf.Tensor);
}

/**
 * The Gaussian `q(y | x) = N(y; mu(x), diag(sigma(x)^2))` per input, with
 *
 *   log q(y | x) = -1/2 sum_j [ ((y_j - mu_j(x)) / sigma_j(x))^2 + 2 log sigma_j(x) + log 2 pi ],
 *
 * and draws `mu(x) + sigma(x) eps`. Use it as the noise of `conditionalNce` (e.g. the mean and
 * scale of a trained `gaussianRegression`, or a wide Gaussian around a fixed guess) or as the
 * starts of chains and of `predictByEnergyMinimisation`. `mean` and `std` are evaluated outside
 * any gradient tape by the objectives, so a network's variables there are not trained.
 *
 * @example
 * const noise = conditionalNormal({ targetShape: [1], mean: baseline.mean, std: (x) => tf.mul(baseline.std(x), 2) });
 */
export function conditionalNormal(options: ConditionalNormalOptions): ConditionalDistribution {
  const targetShape = checkShape('targetShape', options.targetShape);
  const { mean, std } = options;
  if (typeof mean !== 'function') throw new InvalidArgumentError('mean', 'must be a function x -> mu(x) of shape [N, ...targetShape].');
  if (typeof std === 'number') assertPositive('std', std);
  else if (typeof std !== 'function') throw new InvalidArgumentError('std', 'must be a number > 0 or a function x -> sigma(x) > 0.');
  const d = sizeOf(targetShape);
  const moments = (x: tf.Tensor): [tf.Tensor, tf.Tensor] => {
    const n = x.shape[0]!;
    const mu = mean(x);
    if (mu.shape[0] !== n || mu.size !== n * d) {
      throw new ShapeError('mean', `must return [${n}, ${targetShape.join(', ')}] for ${n} inputs, got [${mu.shape.join(', ')}].`);
    }
    const sigma = typeof std === 'number' ? tf.fill([n, d], std) : std(x);
    if (sigma.size !== n * d) throw new ShapeError('std', `must return [${n}, ${targetShape.join(', ')}] for ${n} inputs, got [${sigma.shape.join(', ')}].`);
    return [tf.reshape(mu, [n, d]), tf.reshape(sigma, [n, d])];
  };
  return {
    targetShape,
    sample: (key: Key, x: tf.Tensor, count: number): tf.Tensor =>
      tf.tidy(() => {
        assertBatch('x', x, 2);
        assertInteger('count', count, 1);
        const [mu, sigma] = moments(x);
        const rows = x.shape[0]! * count;
        const draws = tf.add(repeatRows(mu, count), tf.mul(repeatRows(sigma, count), normal(key, [rows, d])));
        return tf.reshape(draws, [rows, ...targetShape]);
      }),
    logProb: (x: tf.Tensor, y: tf.Tensor): tf.Tensor1D =>
      tf.tidy(() => {
        const n = x.shape[0]!;
        if (y.shape[0] !== n) throw new ShapeError('y', `must have one row per row of x (${n}), got ${y.shape[0]}.`);
        const [mu, sigma] = moments(x);
        const z = tf.div(tf.sub(tf.reshape(y, [n, d]), mu), sigma);
        return tf.mul(-0.5, tf.sum(tf.add(tf.add(tf.square(z), tf.mul(2, tf.log(sigma))), LOG_TWO_PI), 1)) as tf.Tensor1D;
      }),
  };
}

/**
 * A core `Distribution` over y as a conditional one that ignores x: `q(y | x) = q(y)`, e.g.
 * `independentOfInput(uniformDistribution({ eventShape: [1], low: -3, high: 3 }))` as noise that
 * covers the targets' range.
 *
 * @example
 * const noise = independentOfInput(normalDistribution({ eventShape: [1], std: 2 }));
 */
export function independentOfInput(distribution: Distribution): ConditionalDistribution {
  assertDistribution('distribution', distribution);
  return {
    targetShape: distribution.eventShape,
    sample: (key, x, count) => {
      assertBatch('x', x, 2);
      assertInteger('count', count, 1);
      return distribution.sample(key, x.shape[0]! * count);
    },
    logProb: (_x, y) => distribution.logProb(y),
  };
}

/** Checks that `noise` is a {@link ConditionalDistribution} over targets of `targetShape` (an `InvalidArgumentError` on `argument` otherwise). */
export function assertConditionalDistribution(argument: string, noise: ConditionalDistribution, targetShape?: readonly number[]): void {
  const ok = noise !== null && typeof noise === 'object' && typeof noise.sample === 'function' && typeof noise.logProb === 'function' && Array.isArray(noise.targetShape);
  if (!ok) {
    throw new InvalidArgumentError(
      argument,
      'must be a conditional distribution { targetShape, sample(key, x, count), logProb(x, y) }, e.g. conditionalNormal({ ... }) or independentOfInput(normalDistribution({ ... })).',
    );
  }
  if (targetShape !== undefined && (noise.targetShape.length !== targetShape.length || noise.targetShape.some((d, i) => d !== targetShape[i]))) {
    throw new ShapeError(argument, `draws targets of shape [${noise.targetShape.join(', ')}] but the model's targets are [${targetShape.join(', ')}].`);
  }
}
