import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import type { EnergyModel } from '../types.js';
import { assertBatch, assertEnergyShape } from '../validate.js';

/**
 * Turns any tfjs-layers model with one scalar output per sample (output shape `[N, 1]` or `[N]`)
 * into an {@link EnergyModel}: `E(x) = model(x)`, variables = the model's trainable weights in
 * layer order.
 *
 * @example
 * const net = tf.sequential({ layers: [
 *   tf.layers.dense({ inputShape: [2], units: 64, activation: 'tanh' }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const model = layersEnergy(net);
 */
export function layersEnergy(model: tf.LayersModel): EnergyModel {
  if (!(model instanceof tf.LayersModel)) {
    throw new InvalidArgumentError('model', 'must be a tf.LayersModel (e.g. from tf.sequential or tf.model).');
  }
  const outputShape = model.outputs.length === 1 ? model.outputs[0]!.shape : null;
  const scalar = outputShape !== null && (outputShape.length === 1 || (outputShape.length === 2 && outputShape[1] === 1));
  if (!scalar) {
    throw new InvalidArgumentError(
      'model',
      `must have one output of shape [N, 1] or [N] (one energy per sample), got ${JSON.stringify(model.outputs.map((o) => o.shape))}. ` +
        'End the model with tf.layers.dense({ units: 1 }).',
    );
  }
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const energy = (x: tf.Tensor): tf.Tensor1D =>
    tf.tidy(() => {
      assertBatch('x', x, 2);
      const out = tf.reshape(model.apply(x) as tf.Tensor, [-1]);
      assertEnergyShape(out, x.shape[0]!);
      return out;
    });
  return { energy, variables };
}
