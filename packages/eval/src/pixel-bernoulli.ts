/**
 * The per-pixel Bernoulli model of binary images, the trivial baseline of image-sample quality:
 * every pixel independent, on with its frequency in the data.
 */
import * as tf from '@tensorflow/tfjs';
import { type Distribution, type Key, assertBatch, assertEventShape, bernoulli } from '@ebm/core';

/** Probabilities are clipped to `[1e-6, 1 - 1e-6]` in `logProb`, so a pixel never seen on costs 13.8 nats, not infinity. */
const PROBABILITY_CLIP = 1e-6;

/** A per-pixel Bernoulli distribution fitted to images; holds one tensor (`dispose()` frees it). */
export interface PixelBernoulli extends Distribution {
  /** `p_i`, the mean of each pixel over the data, shape `eventShape`. */
  readonly probabilities: tf.Tensor;
  dispose(): void;
}

/**
 * Fits independent Bernoulli pixels to `images` `[N, ...event]` with intensities in [0, 1]:
 *
 *   p_i = mean_n x_ni,   x ~ prod_i Bernoulli(p_i),
 *   log p(x) = sum_i x_i log p_i + (1 - x_i) log(1 - p_i).
 *
 * Its samples have the data's pixel means and nothing else: the floor any image model must beat
 * (a Fréchet distance no better than this one's means the model learnt no structure).
 *
 * @example
 * const baseline = pixelBernoulli(trainImages);
 * const samples = baseline.sample(prngKey(0), 1000);
 */
export function pixelBernoulli(images: tf.Tensor): PixelBernoulli {
  assertBatch('images', images, 2);
  const eventShape = images.shape.slice(1);
  const probabilities = tf.tidy(() => tf.clipByValue(tf.mean(images, 0), 0, 1));
  return {
    eventShape,
    probabilities,
    sample: (key: Key, n: number) => tf.tidy(() => bernoulli(key, tf.mul(tf.ones([n, ...eventShape]), probabilities))),
    logProb: (x: tf.Tensor) =>
      tf.tidy(() => {
        assertBatch('x', x, 2);
        assertEventShape('x', x, eventShape);
        const p = tf.clipByValue(probabilities, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP);
        const terms = tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p))));
        return tf.sum(tf.reshape(terms, [x.shape[0]!, -1]), 1) as tf.Tensor1D;
      }),
    dispose: () => probabilities.dispose(),
  };
}
