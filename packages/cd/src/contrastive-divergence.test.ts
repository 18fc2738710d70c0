import * as tf from '@tensorflow/tfjs';
import {
  type EnergyModel,
  InvalidArgumentError,
  NonFiniteError,
  type Objective,
  ShapeError,
  disposeState,
  foldIn,
  gaussianEnergy,
  normal,
  prngKey,
} from '@ebm/core';
import { describeBackends, expectNoLeaks, expectWithinStandardErrors } from '@ebm/core/testing';
import { mala } from '@ebm/mcmc-langevin';
import { describe, expect, it } from 'vitest';
import { type ChainInit, type ContrastiveDivergenceState, contrastiveDivergence } from './contrastive-divergence.js';
import { affineSampler } from './test-samplers.js';

/** One training step's gradients, the caller's way: dispose the loss, the grads and the previous state. */
function stepOnce(
  objective: Objective<ContrastiveDivergenceState>,
  model: EnergyModel,
  batch: tf.Tensor,
  state: ContrastiveDivergenceState,
  seed: number,
) {
  const step = objective.gradients(model, batch, state, prngKey(seed));
  const grads = Object.fromEntries(Object.entries(step.grads).map(([name, g]) => [name, g.arraySync()]));
  tf.dispose([step.loss, ...Object.values(step.grads)]);
  disposeState(state);
  return { grads, state: step.state, metrics: step.metrics };
}

function expectClose(actual: unknown, expected: unknown, tol = 1e-4): void {
  const a = (actual as number[] | number[][]).flat();
  const e = (expected as number[] | number[][]).flat();
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(Math.abs(v - e[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(e[i]!))));
}

describeBackends('contrastiveDivergence', () => {
  describe('gradient', () => {
    for (const alpha of [0, 0.3]) {
      it(`equals mean grad E(x+) - mean grad E(x-) for fixed negatives (alpha = ${alpha})`, () => {
        // The affine "sampler" makes the negatives known: two steps of x -> 0.5 x + 1 give x- = 0.25 x+ + 1.5.
        const model = gaussianEnergy({ dim: 2, mean: [0.3, -0.2], precision: [[2, 0.5], [0.5, 1]] });
        const objective = contrastiveDivergence({ sampler: affineSampler(0.5, 1), k: 2, alpha });
        const batch = tf.tensor2d([[1, 2], [-1, 0.5], [0.2, -0.7]]);
        const negatives = tf.tidy(() => tf.add(tf.mul(batch, 0.25), 1.5));
        const { grads, metrics } = stepOnce(objective, model, batch, objective.init(model, prngKey(0)), 1);

        // Closed form for the mean: dE/dmu = -P (x - mu), so the loss mean E(x+) - mean E(x-) + alpha (mean E(x+)^2 + mean E(x-)^2)
        // has d/dmu = sum over both batches of mean_i (sign + 2 alpha E_i) (-P (x_i - mu)), sign = +1 for x+ and -1 for x-.
        const p = model.precision();
        const mu = model.mean.arraySync() as number[];
        const meanTerm = (x: number[][], sign: number) => {
          const out = [0, 0];
          for (const row of x) {
            const r = [row[0]! - mu[0]!, row[1]! - mu[1]!];
            const pr = [p[0]![0]! * r[0]! + p[0]![1]! * r[1]!, p[1]![0]! * r[0]! + p[1]![1]! * r[1]!];
            const e = 0.5 * (r[0]! * pr[0]! + r[1]! * pr[1]!);
            out[0]! -= ((sign + 2 * alpha * e) * pr[0]!) / x.length;
            out[1]! -= ((sign + 2 * alpha * e) * pr[1]!) / x.length;
          }
          return out;
        };
        const pos = meanTerm(batch.arraySync() as number[][], 1);
        const neg = meanTerm(negatives.arraySync() as number[][], -1);
        expectClose(grads[model.mean.name], [pos[0]! + neg[0]!, pos[1]! + neg[1]!]);

        // The precision factor, independently: tf.grad of each term separately with the negatives as a constant.
        const independent = tf.tidy(() => {
          const term = (x: tf.Tensor, sign: number) =>
            tf.variableGrads(() => {
              const e = model.energy(x);
              return tf.add(tf.mul(sign, tf.mean(e)), tf.mul(alpha, tf.mean(tf.square(e)))) as tf.Scalar;
            }, [model.mean, model.precisionFactor]).grads;
          const gp = term(batch, 1);
          const gn = term(negatives, -1);
          return {
            mean: tf.add(gp[model.mean.name]!, gn[model.mean.name]!).arraySync(),
            factor: tf.add(gp[model.precisionFactor.name]!, gn[model.precisionFactor.name]!).arraySync(),
          };
        });
        expectClose(grads[model.mean.name], independent.mean);
        expectClose(grads[model.precisionFactor.name], independent.factor);

        const ePos = tf.tidy(() => tf.mean(model.energy(batch)).arraySync() as number);
        const eNeg = tf.tidy(() => tf.mean(model.energy(negatives)).arraySync() as number);
        expectClose([metrics.positiveEnergy, metrics.negativeEnergy, metrics.energyGap], [ePos, eNeg, ePos - eNeg]);
        expect(metrics.acceptanceRate).toBeUndefined();
        tf.dispose([batch, negatives, ...model.variables]);
      });
    }
  });
});
