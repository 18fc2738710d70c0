/**
 * Peak signal-to-noise ratio, the usual measure of image restoration.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError, assertBatch, assertPositive } from '@ebm/core';

/** What {@link psnr} returns. */
export interface PsnrResult {
  /** PSNR of each image in dB (`Infinity` for an exact match). */
  readonly perImage: Float64Array;
  /** Their mean over the images with a finite PSNR (all of them, unless some match exactly). */
  readonly mean: number;
}

/**
 * Peak signal-to-noise ratio of each image of `restored` against `clean` (same shape, images on
 * axis 0):
 *
 *   PSNR_n = 10 log10(peak^2 / MSE_n),   MSE_n = mean over pixels of (restored_n - clean_n)^2,
 *
 * with `peak` the intensity range (default 1, for images in [0, 1]; 2 for [-1, 1]). Higher is
 * better; +6 dB halves the root-mean-square error. One device read.
 *
 * @example
 * const { mean } = psnr(restored, clean); // dB
 */
export function psnr(restored: tf.Tensor, clean: tf.Tensor, peak = 1): PsnrResult {
  assertBatch('restored', restored, 2);
  assertBatch('clean', clean, 2);
  if (restored.shape.join() !== clean.shape.join()) {
    throw new ShapeError('restored', `has shape [${restored.shape.join(', ')}] but clean has [${clean.shape.join(', ')}].`);
  }
  assertPositive('peak', peak);
  const mse = tf.tidy(() => tf.mean(tf.square(tf.sub(tf.reshape(restored, [restored.shape[0]!, -1]), tf.reshape(clean, [clean.shape[0]!, -1]))), 1).dataSync());
  const perImage = Float64Array.from(mse, (e) => 10 * Math.log10((peak * peak) / e));
  const finite = perImage.filter((v) => Number.isFinite(v));
  if (perImage.some((v) => Number.isNaN(v))) throw new InvalidArgumentError('restored', 'contains NaN values.');
  return { perImage, mean: finite.length === 0 ? Number.POSITIVE_INFINITY : finite.reduce((s, v) => s + v, 0) / finite.length };
}
