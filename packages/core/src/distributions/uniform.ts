import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import type { Key } from '../key.js';
import { uniform } from '../random.js';
import type { Distribution } from '../types.js';
import { assertBatch, assertEventShape } from '../validate.js';
import { assertEventShapeOption } from './validate-distribution.js';

/** Options of {@link uniformDistribution}. */
export interface UniformDistributionOptions {
  /** The shape of one sample, e.g. `[2]` or `[28, 28, 1]`. */
  readonly eventShape: readonly number[];
  /** Lower edge of the box in every coordinate (default 0). */
  readonly low?: number;
  /** Upper edge of the box in every coordinate (default 1). */
  readonly high?: number;
}

/** A uniform distribution on the box `[low, high)^D`. */
export interface UniformDistribution extends Distribution {
  readonly low: number;
  readonly high: number;
  /** The box `[min, max]^D` spanning `data`'s smallest and largest entry (equal entries throw: the box would be empty). */
  fit(data: tf.Tensor): UniformDistribution;
}

/**
 * The uniform distribution on the box `[low, high)^D` (D the number of coordinates of one sample):
 *
 *   x ~ U[low, high)^D,   log p(x) = -D log(high - low) on the closed box, -Infinity outside.
 *
 * The usual start for fresh contrastive-divergence chains: data scaled to `[-1, 1]` with
 * `{ low: -1, high: 1 }` (Du & Mordatch 2019), images in `[0, 1]` with the defaults.
 *
 * @example
 * const noise = uniformDistribution({ eventShape: [28, 28, 1] });
 * const x0 = noise.sample(prngKey(0), 64); // [64, 28, 28, 1] in [0, 1)
 */
export function uniformDistribution(options: UniformDistributionOptions): UniformDistribution {
  const { eventShape, low = 0, high = 1 } = options;
  assertEventShapeOption(eventShape);
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new InvalidArgumentError('low', `and high must be finite with low < high, got [${low}, ${high}).`);
  }
  const size = eventShape.reduce((a, b) => a * b, 1);
  const logDensity = -size * Math.log(high - low);
  return {
    eventShape: [...eventShape],
    low,
    high,
    sample: (key: Key, n: number) => uniform(key, [n, ...eventShape], low, high),
    logProb: (x: tf.Tensor) =>
      tf.tidy(() => {
        assertBatch('x', x, 1);
        assertEventShape('x', x, eventShape);
        const flat = tf.reshape(x, [x.shape[0]!, -1]);
        const inside = tf.logicalAnd(tf.all(tf.greaterEqual(flat, low), 1), tf.all(tf.lessEqual(flat, high), 1));
        return tf.where(inside, tf.fill([x.shape[0]!], logDensity), tf.fill([x.shape[0]!], -Infinity)) as tf.Tensor1D;
      }),
    fit: (data: tf.Tensor) => {
      assertBatch('data', data, 1);
      assertEventShape('data', data, eventShape);
      const [min, max] = tf.tidy(() => tf.stack([tf.min(data), tf.max(data)]).dataSync());
      return uniformDistribution({ eventShape, low: min!, high: max! });
    },
  };
}
