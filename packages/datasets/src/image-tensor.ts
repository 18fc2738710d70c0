/**
 * Turning an image split's pixel levels into the tensor a model trains on: scaled to [0, 1] or
 * [-1, 1], dequantised with uniform noise (continuous models), or binarised (RBMs).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type Key, assertInteger, assertOneOf, bernoulli, uniform } from '@ebm/core';
import type { ImageDataset, ImageSplit } from './image-dataset.js';

/** Intensity ranges an image tensor may be scaled to. */
export const IMAGE_RANGES = ['0,1', '-1,1'] as const;
/** `'0,1'`: intensities `v / maxValue`; `'-1,1'`: `2 v / maxValue - 1`. */
export type ImageRange = (typeof IMAGE_RANGES)[number];

/** Binarisation for binary models (RBMs). */
export const BINARIZATIONS = ['threshold', 'stochastic'] as const;
/** `'threshold'`: 1 where the intensity exceeds `threshold`; `'stochastic'`: 1 with probability equal to the intensity. */
export type Binarization = (typeof BINARIZATIONS)[number];

/** Options of {@link imagesToTensor}. */
export interface ImagesToTensorOptions {
  /** First image (default 0) and number of images (default: all from `start`). */
  readonly start?: number;
  readonly count?: number;
  /** Intensity range (default `'0,1'`); ignored when binarising. */
  readonly range?: ImageRange;
  /**
   * Dequantise with uniform noise (Theis, van den Oord & Bethge 2016): intensity
   * `(v + u) / (maxValue + 1)`, `u ~ U[0, 1)` per pixel, drawn from this key, instead of
   * `v / maxValue`. A continuous density on the result has a log-likelihood that lower-bounds the
   * discrete one. Default: none.
   */
  readonly dequantize?: Key;
  /** Binarise instead of scaling (default: none). */
  readonly binarize?: Binarization;
  /** Intensity threshold of `'threshold'` binarisation (default 0.5). */
  readonly threshold?: number;
  /** Key of `'stochastic'` binarisation (required for it: same key, same binary images). */
  readonly key?: Key;
}

/**
 * Images `[count, height, width, channels]` float32 from a split of `dataset`:
 *
 *   scaled:       x = v / m           (range '0,1'),  x = 2 v / m - 1       (range '-1,1')
 *   dequantised:  x = (v + u) / (m + 1), u ~ U[0, 1)  (then mapped to the range the same way)
 *   threshold:    x = 1[v / m > t]
 *   stochastic:   x ~ Bernoulli(v / m)   (Salakhutdinov & Murray 2008 binarise MNIST this way)
 *
 * with `v` the pixel level and `m = dataset.maxValue`. The caller owns the tensor.
 *
 * @example
 * const x = imagesToTensor(mnist, mnist.train, { range: '-1,1', dequantize: prngKey(0) });
 * const v = imagesToTensor(mnist, mnist.test, { binarize: 'stochastic', key: prngKey(1) });
 */
export function imagesToTensor(dataset: ImageDataset, images: ImageSplit, options: ImagesToTensorOptions = {}): tf.Tensor4D {
  const start = options.start ?? 0;
  assertInteger('start', start, 0);
  const count = options.count ?? images.count - start;
  assertInteger('count', count);
  if (start + count > images.count) {
    throw new InvalidArgumentError('count', `(${count}) from start ${start} runs past the split's ${images.count} images.`);
  }
  const range = options.range ?? '0,1';
  assertOneOf('range', range, IMAGE_RANGES);
  if (options.binarize !== undefined) assertOneOf('binarize', options.binarize, BINARIZATIONS);
  const threshold = options.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold < 1)) throw new InvalidArgumentError('threshold', `must be in [0, 1), got ${threshold}.`);
  if (options.binarize === 'stochastic' && options.key === undefined) {
    throw new InvalidArgumentError('key', "is required with binarize: 'stochastic' (same key, same binary images).");
  }
  const shape: [number, number, number, number] = [count, ...dataset.imageShape];
  const pixelsPerImage = dataset.imageShape[0] * dataset.imageShape[1] * dataset.imageShape[2];
  const levels = images.pixels.subarray(start * pixelsPerImage, (start + count) * pixelsPerImage);
  const m = dataset.maxValue;
  return tf.tidy(() => {
    const v = tf.tensor4d(Float32Array.from(levels), shape);
    if (options.binarize === 'threshold') return tf.cast(tf.greater(tf.div(v, m), threshold), 'float32') as tf.Tensor4D;
    if (options.binarize === 'stochastic') return bernoulli(options.key!, tf.div(v, m)) as tf.Tensor4D;
    const unit = options.dequantize === undefined ? tf.div(v, m) : tf.div(tf.add(v, uniform(options.dequantize, shape, 0, 1)), m + 1);
    return (range === '0,1' ? unit : tf.sub(tf.mul(unit, 2), 1)) as tf.Tensor4D;
  });
}
