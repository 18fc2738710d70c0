import * as tf from '@tensorflow/tfjs';
import { energyAndGradient } from './energy-gradient.js';
import type { EnergyFn } from './types.js';
import { assertBatch, assertEnergyShape, assertFinite } from './validate.js';

/**
 * What a sampler's `init` computes at the chains' starting positions: `E(x0)` (one value per
 * chain), and with `gradient: true` also `dE/dx (x0)`. Checks that `position` is a batch, that
 * the energy returns one value per chain, and that energies (and gradients) are finite, throwing
 * `ShapeError` / `NonFiniteError` that name the sampler. The energy runs inside `tf.tidy`, so its
 * intermediates are freed; the result is fresh tensors the caller owns, and nothing leaks on error.
 *
 * @example
 * init(position, energy) {
 *   const { energy: e, gradient } = initialEnergy(energy, position, 'mala', { gradient: true });
 *   return { position: tf.clone(position), energy: e, gradient };
 * }
 */
export function initialEnergy(
  energy: EnergyFn,
  position: tf.Tensor,
  sampler: string,
  options: { readonly gradient: true },
): { energy: tf.Tensor1D; gradient: tf.Tensor };
export function initialEnergy(energy: EnergyFn, position: tf.Tensor, sampler: string): { energy: tf.Tensor1D };
export function initialEnergy(
  energy: EnergyFn,
  position: tf.Tensor,
  sampler: string,
  options: { readonly gradient?: boolean } = {},
): { energy: tf.Tensor1D; gradient?: tf.Tensor } {
  assertBatch('position', position, 1);
  const result = tf.tidy(() => {
    if (options.gradient) {
      const { energy: e, gradient } = energyAndGradient(energy, position);
      return { energy: e, gradient };
    }
    const e = energy(position);
    assertEnergyShape(e, position.shape[0]!);
    return { energy: e };
  });
  try {
    assertFinite('energy', result.energy, `values at the initial position (${sampler} needs a finite E(x) to start from: check the energy and the initial samples)`);
    if (result.gradient) assertFinite('gradient', result.gradient, `energy gradients at the initial position (${sampler})`);
  } catch (error) {
    tf.dispose(result);
    throw error;
  }
  return result;
}
