import * as tf from '@tensorflow/tfjs';
import { type Activation, type MlpEnergyOptions, mlpEnergy } from '@ebm/core/models';
import { checkShape } from './conditional-model.js';
import { assertPairs, packPairs, sizeOf } from './pairs.js';
import type { ConditionalEnergyModel } from './types.js';

/** Options of {@link conditionalMlpEnergy}: core's `mlpEnergy` options for the pair (default name `conditional_mlp`), with the shapes of x and y. */
export interface ConditionalMlpEnergyOptions extends Omit<MlpEnergyOptions, 'inputShape'> {
  /** Per-sample shape of x, e.g. `[1]`. */
  readonly inputShape: readonly number[];
  /** Per-sample shape of y, e.g. `[1]` or `[2]`. */
  readonly targetShape: readonly number[];
}

/**
 * An MLP conditional energy on the concatenated pair, `E(x, y) = MLP([flatten(x), flatten(y)])`,
 * one scalar per pair: core's `mlpEnergy` on packed pairs, so its `energy` keeps the MLP's fast
 * hand-written input gradient (`valueAndGrad`), which samplers in y use through
 * `energyGivenInput`, and its hand-written parameter gradients (`parameterVjp`, on packed pairs),
 * which conditional contrastive divergence trains through.
 *
 * @example
 * const model = conditionalMlpEnergy({ inputShape: [1], targetShape: [1], hidden: [64, 64], key: prngKey(1) });
 * const e = model.conditionalEnergy(x, y); // [N]
 */
export function conditionalMlpEnergy(options: ConditionalMlpEnergyOptions): ConditionalEnergyModel & { readonly hidden: readonly number[]; readonly activation: Activation } {
  const inputShape = checkShape('inputShape', options.inputShape);
  const targetShape = checkShape('targetShape', options.targetShape);
  const { targetShape: _targetShape, ...rest } = options;
  const mlp = mlpEnergy({ ...rest, inputShape: [sizeOf(inputShape) + sizeOf(targetShape)], name: options.name ?? 'conditional_mlp' });
  const shapes = { inputShape, targetShape };
  const conditionalEnergy = (x: tf.Tensor, y: tf.Tensor): tf.Tensor1D =>
    tf.tidy(() => {
      assertPairs(shapes, x, y);
      return mlp.energy(packPairs(x, y));
    });
  return {
    energy: mlp.energy,
    variables: mlp.variables,
    parameterVjp: mlp.parameterVjp,
    conditionalEnergy,
    inputShape,
    targetShape,
    hidden: mlp.hidden,
    activation: mlp.activation,
  };
}
