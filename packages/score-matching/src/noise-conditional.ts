import * as tf from '@tensorflow/tfjs';
import { type EnergyAndGradient, type EnergyFn, assertBatch, assertPositive } from '@ebm/core';

/** `[x, c]`: the `[N, D]` batch with the `[N, 1]` column `c` appended. */
export function withNoiseLevel(x: tf.Tensor, logSigma: tf.Tensor): tf.Tensor2D {
  return tf.concat([x as tf.Tensor2D, logSigma as tf.Tensor2D], 1);
}

/**
 * A noise-conditional energy (one trained by `denoisingScoreMatching({ sigmas })`, over
 * `[N, D + 1]` inputs `[x, log sigma]`) fixed at one noise level: `E_sigma(x) = E([x, log sigma])`,
 * an ordinary energy over `[N, D]` that any sampler accepts (annealed Langevin runs it at each
 * level in turn). Keeps the energy's fast `valueAndGrad`, dropping the last gradient column.
 *
 * @example
 * const energyAt = noiseConditional(model.energy, 0.1);
 * const e = energyAt(tf.zeros([4, 2])); // calls model.energy on [4, 3] inputs
 */
export function noiseConditional(energy: EnergyFn, sigma: number): EnergyFn {
  assertPositive('sigma', sigma);
  const logSigma = Math.log(sigma);
  const augment = (x: tf.Tensor): tf.Tensor2D => {
    assertBatch('x', x, 2);
    return withNoiseLevel(x, tf.fill([x.shape[0]!, 1], logSigma));
  };
  const fn = (x: tf.Tensor): tf.Tensor1D => tf.tidy(() => energy(augment(x)));
  if (!energy.valueAndGrad) return fn;
  const valueAndGrad = (x: tf.Tensor): EnergyAndGradient =>
    tf.tidy(() => {
      const { energy: e, gradient } = energy.valueAndGrad!(augment(x));
      return { energy: e, gradient: tf.slice(gradient, [0, 0], [x.shape[0]!, x.shape[1]!]) };
    });
  return Object.assign(fn, { valueAndGrad });
}
