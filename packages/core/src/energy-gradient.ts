import * as tf from '@tensorflow/tfjs';
import type { EnergyAndGradient, EnergyFn } from './types.js';
import { InvalidArgumentError } from './errors.js';
import { guardTape } from './tape-guard.js';
import { assertEnergyShape } from './validate.js';

/**
 * Per-sample energies `E(x)` and the input gradient `dE/dx` (the negative score, `-grad log p`)
 * in one forward and one backward pass. Every gradient-based sampler calls this.
 *
 * Uses `energy.valueAndGrad` when the energy provides one (a hand-written backward pass),
 * otherwise `tf.grad` of `sum_i E(x_i)`. Both are differentiable, so score matching can take a
 * second derivative through the result. Throws a `ShapeError` when the energy does not return
 * one value per sample; that error, or one the energy throws, leaks no tensor.
 */
export function energyAndGradient(energy: EnergyFn, x: tf.Tensor): EnergyAndGradient {
  if (energy.valueAndGrad) {
    const result = energy.valueAndGrad(x);
    try {
      assertEnergyShape(result.energy, x.shape[0]!);
    } catch (error) {
      tf.dispose([result.energy, result.gradient]);
      throw error;
    }
    return result;
  }
  let energies: tf.Tensor | undefined;
  try {
    // The tidy frees what the energy made when it throws.
    return tf.tidy(() => {
      // An energy that throws while the tape records would strand the tensors tfjs saved for the
      // backward pass: the guard holds its error until the backward pass has freed them.
      const guard = guardTape(
        (z: tf.Tensor) => {
          const e = energy(z);
          energies = tf.keep(e);
          return tf.sum(e);
        },
        // Connected to z, so that tf.grad runs the backward pass.
        (z: tf.Tensor) => tf.sum(tf.mul(z, 0)),
      );
      const gradient = tf.grad(guard.guarded)(x);
      guard.throwIfFailed(gradient);
      // The shape is checked after the backward pass, for the same reason.
      assertEnergyShape(energies!, x.shape[0]!);
      // tf.keep lifts the energies out of tf.grad's scope but also out of every enclosing tidy; a
      // clone shares the same data and is tracked by this tidy, which hands it to the caller's scope.
      const tracked = tf.clone(energies) as tf.Tensor1D;
      energies!.dispose();
      return { energy: tracked, gradient };
    });
  } catch (error) {
    // The kept energies escaped the tidy. (A failed backward pass also strands the few tensors tfjs
    // saved for it, out of reach: the error is one to fix in the energy, not to catch in a loop.)
    if (energies !== undefined && !energies.isDisposed) energies.dispose();
    throw nonDifferentiableError(error) ?? error;
  }
}

/**
 * tfjs's "gradient function not found for Less" (comparisons, `tf.floor`, `tf.round`, ... have no
 * gradient) as an `InvalidArgumentError` on `energy` that says which op and how to build a mask
 * whose gradient is zero; `undefined` for any other error.
 */
function nonDifferentiableError(error: unknown): InvalidArgumentError | undefined {
  const op = /gradient function not found for (\w+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (op === undefined) return undefined;
  return new InvalidArgumentError(
    'energy',
    `uses the op ${op} on its input, which tfjs cannot differentiate, so dE/dx cannot be computed. ` +
      'Build masks from tf.step, whose gradient is zero: tf.where(tf.cast(tf.step(tf.sub(c, x)), \'bool\'), a, b) instead of ' +
      'tf.where(tf.less(x, c), a, b); or use differentiable forms (tf.relu(x) for max(x, 0), tf.abs for |x|).',
  );
}
