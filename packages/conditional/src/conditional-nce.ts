import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, type Key, type Objective, type ObjectiveStep, ShapeError, assertInteger, variableGradients } from '@ebm/core';
import { assertConditionalDistribution } from './distributions.js';
import { assertConditionalModel, repeatRows, unpackPairs } from './pairs.js';
import type { ConditionalDistribution } from './types.js';

/** Options of {@link conditionalNce}. */
export interface ConditionalNceOptions {
  /**
   * The noise `q(y | x)`, drawn per input: a `ConditionalDistribution` over the model's targets,
   * e.g. `conditionalNormal({ mean: baseline.mean, std: baseline.std })` from a trained Gaussian
   * regression, or `independentOfInput(normalDistribution({ ... }))`. It must put mass wherever
   * the data's `p(y | x)` does.
   */
  readonly noise: ConditionalDistribution;
  /** Noise targets per data pair, K >= 1 (default 16). The estimator's variance shrinks as (1 + 1/K) times the MLE's. */
  readonly numNoise?: number;
}

/**
 * Conditional noise-contrastive estimation, ranking form (Ma & Collins 2018, "Noise contrastive
 * estimation and negative sampling for conditional models: consistency and statistical
 * efficiency", EMNLP; as used for regression by Gustafsson et al. 2020). For each data pair
 * `(x_i, y_i)` draw K noise targets `y_i1..y_iK ~ q(. | x_i)` and train the model to pick the
 * true target among the K + 1 by a softmax over
 *
 *   G(x, y) = -E(x, y) - log q(y | x):
 *
 *   J = 1/N sum_i [ log sum_{k=0}^K exp G(x_i, y_ik) - G(x_i, y_i0) ],   y_i0 = y_i.
 *
 * The per-input log-partition `A_x` cancels inside each softmax, so no normaliser is learned, and
 * the estimator is consistent for any K >= 1 (its asymptotic covariance is (1 + 1/K) times the
 * MLE's when q is the true conditional). Noise is drawn outside the gradient tape.
 *
 * Batches are packed pairs (`packPairs(x, y)`); the model is a `ConditionalEnergyModel`. State:
 * none (`null`). Metrics (device scalars): `accuracy` (fraction of pairs whose true target has
 * the largest G: 1/(K+1) when the model cannot tell), `dataEnergy`, `noiseEnergy` (mean E).
 *
 * @example
 * const objective = conditionalNce({ noise: independentOfInput(normalDistribution({ eventShape: [1], std: 3 })), numNoise: 16 });
 * await fit(model, objective, packPairs(x, y), { optimizer: adam({ learningRate: 1e-3 }), steps: 2000, key });
 */
export function conditionalNce(options: ConditionalNceOptions): Objective<null> {
  const { noise } = options ?? ({} as ConditionalNceOptions);
  assertConditionalDistribution('noise', noise);
  const numNoise = options.numNoise ?? 16;
  assertInteger('numNoise', numNoise, 1);
  return {
    name: `conditional-nce(K=${numNoise})`,
    init: () => null,
    gradients(model: EnergyModel, batch: tf.Tensor, _state: null, key: Key): ObjectiveStep<null> {
      const m = assertConditionalModel(model);
      assertConditionalDistribution('noise', noise, m.targetShape);
      const { loss, grads, metrics } = tf.tidy(() => {
        const { x, y } = unpackPairs(m, batch);
        const n = x.shape[0]!;
        const xs = repeatRows(x, numNoise);
        const noiseTargets = noise.sample(key, x, numNoise);
        if (noiseTargets.shape[0] !== n * numNoise) {
          throw new ShapeError('noise', `sample(key, x, ${numNoise}) must return ${n * numNoise} rows for ${n} inputs, got ${noiseTargets.shape[0]}.`);
        }
        // All N (K + 1) pairs in one energy call: the data first, then K noise targets per input.
        const inputs = tf.concat([x, xs], 0);
        const targets = tf.concat([y, noiseTargets], 0);
        const logNoise = noise.logProb(inputs, targets);
        const { value, grads: g, aux } = variableGradients(() => {
          const energies = m.conditionalEnergy(inputs, targets);
          const scores = tf.neg(tf.add(energies, logNoise));
          const dataScore = tf.slice(scores, [0], [n]);
          const noiseScores = tf.reshape(tf.slice(scores, [n], [n * numNoise]), [n, numNoise]);
          const all = tf.concat([tf.reshape(dataScore, [n, 1]), noiseScores], 1);
          const won = tf.cast(tf.greater(dataScore, tf.max(noiseScores, 1)), 'float32');
          return {
            loss: tf.mean(tf.sub(tf.logSumExp(all, 1), dataScore)) as tf.Scalar,
            aux: {
              accuracy: tf.mean(won) as tf.Scalar,
              dataEnergy: tf.mean(tf.slice(energies, [0], [n])) as tf.Scalar,
              noiseEnergy: tf.mean(tf.slice(energies, [n], [n * numNoise])) as tf.Scalar,
            },
          };
        }, m.variables);
        return { loss: value, grads: g, metrics: aux };
      });
      return { loss, grads, state: null, metrics };
    },
  };
}
