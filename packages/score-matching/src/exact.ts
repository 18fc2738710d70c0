import * as tf from '@tensorflow/tfjs';
import type { EnergyModel, Objective, ObjectiveStep } from '@ebm/core';
import { type ScoreMatchingState, batchDim, flatInputGradient, scoreMatchingStep } from './score.js';

/**
 * Exact score matching (Hyvarinen 2005, "Estimation of non-normalized statistical models by score
 * matching", JMLR 6): with the model score `s(x) = -grad_x E(x)`, the minibatch loss is
 *
 *   J = 1/N sum_i [ 1/2 ||grad_x E(x_i)||^2 - tr(H_x E(x_i)) ]
 *     = 1/N sum_i [ 1/2 ||s(x_i)||^2 + tr(grad_x s(x_i)) ],
 *
 * which equals `1/2 E_data ||s(x) - grad log p_data(x)||^2` up to a constant, and needs no
 * samples from the model and no partition function. Its gradient with respect to
 * `model.variables` is taken with `tf.variableGrads` through the input derivatives.
 *
 * Cost: the Hessian trace takes one backward pass per input dimension: for each coordinate `j`,
 * `d/dx [sum_i dE/dx_{i,j}]` gives `d^2E/dx_{i,j}^2` for every sample at once. So one step costs
 * D + 1 input-gradient passes plus D second-order passes, all differentiated once more for the
 * parameters: O(D) backward passes. Fine for D up to a few tens; use
 * {@link slicedScoreMatching} or {@link denoisingScoreMatching} for images.
 *
 * The energy must be twice differentiable in `x` (the MLP energy with swish or tanh is; leakyRelu
 * has a zero second derivative almost everywhere, which makes the trace term vanish).
 *
 * Metrics (device scalars, computed inside the loss without a read): `scoreNorm` = mean
 * `1/2 ||grad E||^2`, `hessianTrace` = mean `tr(H E)`.
 *
 * @example
 * const model = mlpEnergy({ inputShape: [2], hidden: [64, 64] });
 * const objective = scoreMatching();
 * const { loss, grads } = objective.gradients(model, batch, objective.init(model, key), key);
 * optimizer.applyGradients(grads);
 */
export function scoreMatching(): Objective<ScoreMatchingState> {
  return {
    name: 'score-matching',
    init: () => null,
    gradients(model: EnergyModel, batch: tf.Tensor): ObjectiveStep<ScoreMatchingState> {
      const dim = batchDim(batch);
      const n = batch.shape[0]!;
      return scoreMatchingStep(model, () => {
        const g = flatInputGradient(model.energy, batch);
        const half = tf.mul(0.5, tf.mean(tf.sum(tf.square(g), 1))) as tf.Scalar;
        const diagonal: tf.Tensor[] = [];
        for (let j = 0; j < dim; j++) {
          // d/dx of sum_i dE/dx_{i,j}: its column j holds d^2E/dx_{i,j}^2 for every sample i.
          const column = (z: tf.Tensor) => tf.sum(tf.slice(flatInputGradient(model.energy, z), [0, j], [n, 1]));
          const h = tf.reshape(tf.grad(column)(batch), [n, dim]);
          diagonal.push(tf.slice(h, [0, j], [n, 1]));
        }
        const trace = tf.div(tf.sum(tf.concat(diagonal, 1)), n) as tf.Scalar;
        return { loss: tf.sub(half, trace) as tf.Scalar, aux: { scoreNorm: half, hessianTrace: trace } };
      });
    },
  };
}
