import type * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from './errors.js';
import type { EnergyModel, ParameterVjp } from './types.js';
import { assertEnergyShape } from './validate.js';

/**
 * `model.parameterVjp(x)` with its contract checked, for objectives that train through the hook:
 * one energy per row of `x` (a `ShapeError` on `energy` otherwise) and, from `vjp`, a gradient for
 * every variable of the model (an `InvalidArgumentError` naming `model` and the variable
 * otherwise). `undefined` when the model has no hook (the objective falls back to the tape). Call
 * inside `tf.tidy`.
 *
 * @example
 * const traced = checkedParameterVjp(model, x);
 * if (traced !== undefined) grads = traced.vjp(tf.fill([n], 1 / n)); // the gradient of mean E(x)
 */
export function checkedParameterVjp(model: EnergyModel, x: tf.Tensor): ParameterVjp | undefined {
  if (model.parameterVjp === undefined) return undefined;
  const { energy, vjp } = model.parameterVjp(x);
  assertEnergyShape(energy, x.shape[0]!);
  return {
    energy,
    vjp: (weights) => {
      const grads = vjp(weights);
      for (const variable of model.variables) {
        if (grads[variable.name] === undefined) {
          throw new InvalidArgumentError('model', `parameterVjp returned no gradient for variable '${variable.name}'; it must return one for every variable.`);
        }
      }
      return grads;
    },
  };
}
