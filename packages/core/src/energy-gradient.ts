import * as tf from '@tensorflow/tfjs';
import type { EnergyAndGradient, EnergyFn } from './types.js';
import { assertEnergyShape } from './validate.js';

/**
 * Per-sample energies `E(x)` and the input gradient `dE/dx` (the negative score, `-grad log p`)
 * in one forward and one backward pass. Every gradient-based sampler calls this.
 *
 * Uses `energy.valueAndGrad` when the energy provides one (a hand-written backward pass),
 * otherwise `tf.grad` of `sum_i E(x_i)`. Both are differentiable, so score matching can take a
 * second derivative through the result. Throws a `ShapeError` when the energy does not return
 * one value per sample.
 */
export function energyAndGradient(energy: EnergyFn, x: tf.Tensor): EnergyAndGradient {
  if (energy.valueAndGrad) {
    const result = energy.valueAndGrad(x);
    assertEnergyShape(result.energy, x.shape[0]!);
    return result;
  }
  let energies: tf.Tensor | undefined;
  const gradient = tf.grad((z: tf.Tensor) => {
    const e = energy(z);
    assertEnergyShape(e, x.shape[0]!);
    energies = tf.keep(e);
    return tf.sum(e);
  })(x);
  // tf.keep lifts the energies out of tf.grad's scope but also out of every enclosing tidy; a
  // clone shares the same data and is tracked by the caller's scope, so nothing leaks.
  const kept = energies as tf.Tensor1D;
  const tracked = tf.clone(kept);
  kept.dispose();
  return { energy: tracked, gradient };
}
