/**
 * Restoring corrupted images with a trained image energy: Langevin dynamics from the corrupted
 * image, with the observed pixels held fixed when some are known (inpainting).
 */
import * as tf from '@tensorflow/tfjs';
import { type EnergyAndGradient, type EnergyFn, type Key, type Sampler, ShapeError, assertBatch, assertInteger, disposeState, energyAndGradient, runChain } from '@ebm/core';

/**
 * The energy of the unknown pixels given the known ones,
 *
 *   E_m(z) = E(keep * observed + (1 - keep) * z),   dE_m/dz = (1 - keep) * dE/dx,
 *
 * with `keep` 1 on known pixels and 0 on unknown ones (broadcast against `observed`
 * `[N, ...event]`, e.g. `[1, H, W, 1]`). A sampler run on it moves only the unknown pixels (the
 * known ones of `z` do not change the energy). Keeps the energy's fast `valueAndGrad`.
 *
 * @example
 * const conditional = maskedEnergy(model.energy, corrupted, topHalfMask);
 */
export function maskedEnergy(energy: EnergyFn, observed: tf.Tensor, keep: tf.Tensor): EnergyFn {
  assertBatch('observed', observed, 2);
  const fill = (z: tf.Tensor) => tf.add(tf.mul(keep, observed), tf.mul(tf.sub(1, keep), z));
  const value = (z: tf.Tensor): tf.Tensor1D => tf.tidy(() => energy(fill(z)));
  const valueAndGrad = (z: tf.Tensor): EnergyAndGradient =>
    tf.tidy(() => {
      const { energy: e, gradient } = energyAndGradient(energy, fill(z));
      return { energy: e, gradient: tf.mul(tf.sub(1, keep), gradient) };
    });
  return Object.assign(value, { valueAndGrad });
}

/** Options of {@link restoreImages}. */
export interface RestoreImagesOptions {
  /** The trained image energy. */
  readonly energy: EnergyFn;
  /** The sampler, e.g. the model's training sampler `langevin({ stepSize, noiseScale, clamp })`. */
  readonly sampler: Sampler;
  /** Corrupted images `[N, ...event]`: the chains' start (noisy images, or masked ones with noise in the holes). */
  readonly corrupted: tf.Tensor;
  /** Known pixels (1) and unknown (0), broadcastable to `corrupted`; default: none known (denoising moves every pixel). */
  readonly keep?: tf.Tensor;
  readonly key: Key;
  /** Sampler steps (>= 1). */
  readonly steps: number;
}

/**
 * Restores images by running `steps` sampler steps on the model energy from the corrupted
 * images (Du & Mordatch 2019 denoise and inpaint this way): without `keep`, on `E` itself
 * (denoising); with `keep`, on {@link maskedEnergy} (inpainting), then pasting the known pixels
 * back. Returns the restored images; the caller owns them. Reads nothing from the device.
 *
 * @example
 * const restored = restoreImages({ energy: model.energy, sampler, corrupted: noisy, key: prngKey(0), steps: 40 });
 * console.log(psnr(restored, clean).mean);
 */
export function restoreImages(options: RestoreImagesOptions): tf.Tensor {
  const { energy, sampler, corrupted, keep, key, steps } = options;
  assertBatch('corrupted', corrupted, 2);
  assertInteger('steps', steps);
  if (keep !== undefined) {
    const offset = corrupted.rank - keep.rank;
    if (offset < 0 || keep.shape.some((d, i) => d !== 1 && d !== corrupted.shape[offset + i])) {
      throw new ShapeError('keep', `of shape [${keep.shape.join(', ')}] does not broadcast to the images' [${corrupted.shape.join(', ')}].`);
    }
  }
  const target = keep === undefined ? energy : maskedEnergy(energy, corrupted, keep);
  const { state, meanInfo } = runChain(sampler, sampler.init(corrupted, target, { check: false }), { energy: target, key, numSteps: steps });
  const restored = tf.tidy(() => (keep === undefined ? tf.clone(state.position) : tf.add(tf.mul(keep, corrupted), tf.mul(tf.sub(1, keep), state.position))));
  disposeState([state, meanInfo]);
  return restored;
}
