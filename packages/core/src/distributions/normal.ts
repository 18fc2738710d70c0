import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import type { Key } from '../key.js';
import { normal } from '../random.js';
import type { Distribution } from '../types.js';
import { assertBatch, assertEventShape, assertPositive } from '../validate.js';
import { assertEventShapeOption } from './validate-distribution.js';

/** Options of {@link normalDistribution}. */
export interface NormalDistributionOptions {
  /** The shape of one sample, e.g. `[2]` or `[28, 28, 1]`. */
  readonly eventShape: readonly number[];
  /** Mean of every coordinate (default 0). */
  readonly mean?: number;
  /** Standard deviation of every coordinate (> 0, default 1). */
  readonly std?: number;
}

/** An isotropic normal distribution `N(mean, std^2 I)`. */
export interface NormalDistribution extends Distribution {
  readonly mean: number;
  readonly std: number;
  /** The isotropic normal with the mean and (1/N) standard deviation of all of `data`'s entries. */
  fit(data: tf.Tensor): NormalDistribution;
}

/**
 * The isotropic normal distribution `N(mean, std^2 I)` over samples of `eventShape` (D coordinates):
 *
 *   x = mean + std xi,  xi ~ N(0, I),
 *   log p(x) = -|x - mean|^2 / (2 std^2) - D log(std) - D/2 log(2 pi).
 *
 * For a full covariance fitted to data, use `gaussianNoise` from `@ebm/nce`.
 *
 * @example
 * const noise = normalDistribution({ eventShape: [2], std: 2 });
 * const logp = noise.logProb(noise.sample(prngKey(0), 256)); // [256]
 */
export function normalDistribution(options: NormalDistributionOptions): NormalDistribution {
  const { eventShape, mean = 0, std = 1 } = options;
  assertEventShapeOption(eventShape);
  if (!Number.isFinite(mean)) throw new InvalidArgumentError('mean', `must be a finite number, got ${String(mean)}.`);
  assertPositive('std', std);
  const size = eventShape.reduce((a, b) => a * b, 1);
  const logNormaliser = -size * Math.log(std) - (size / 2) * Math.log(2 * Math.PI);
  return {
    eventShape: [...eventShape],
    mean,
    std,
    sample: (key: Key, n: number) => tf.tidy(() => tf.add(tf.mul(normal(key, [n, ...eventShape]), std), mean)),
    logProb: (x: tf.Tensor) =>
      tf.tidy(() => {
        assertBatch('x', x, 1);
        assertEventShape('x', x, eventShape);
        const z = tf.div(tf.sub(tf.reshape(x, [x.shape[0]!, -1]), mean), std);
        return tf.sub(logNormaliser, tf.mul(0.5, tf.sum(tf.square(z), 1))) as tf.Tensor1D;
      }),
    fit: (data: tf.Tensor) => {
      assertBatch('data', data, 1);
      assertEventShape('data', data, eventShape);
      const [m, variance] = tf.tidy(() => {
        const { mean: mu, variance: v } = tf.moments(data);
        return tf.stack([mu, v]).dataSync();
      });
      return normalDistribution({ eventShape, mean: m!, std: Math.sqrt(variance!) });
    },
  };
}
