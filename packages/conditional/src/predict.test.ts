import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { disposeState, cosineDecay, prngKey, uniformDistribution } from '@ebm/core';
import { describeBackends, expectNoLeaks } from '@ebm/core/testing';
import { langevin } from '@ebm/mcmc-langevin';
import { conditionalEnergyModel } from './conditional-model.js';
import { independentOfInput } from './distributions.js';
import { predictByEnergyMinimisation } from './predict.js';
import { linearGaussian } from './test-models.js';

/** Two wells in y, at y = x (weight 0.7) and y = -x (weight 0.3), each of sd 0.1: the mode is y = x. */
function twoWells() {
  return conditionalEnergyModel({
    energy: (x, y) =>
      tf.tidy(() => {
        const [u, v] = [tf.reshape(x, [-1]), tf.reshape(y, [-1])];
        const well = (centre: tf.Tensor, weight: number) => tf.sub(Math.log(weight), tf.mul(50, tf.square(tf.sub(v, centre))));
        return tf.neg(tf.logSumExp(tf.stack([well(u, 0.7), well(tf.neg(u), 0.3)], 1), 1)) as tf.Tensor1D;
      }),
    variables: [],
    inputShape: [1],
    targetShape: [1],
  });
}

describeBackends('predictByEnergyMinimisation', () => {
  it('finds the mode w x + b of a Gaussian conditional by gradient descent', () => {
    const model = linearGaussian({ a: 4, w: 1.5, b: 0.3 });
    const x = tf.tensor2d([[-1], [0], [1.2]]);
    const starts = independentOfInput(uniformDistribution({ eventShape: [1], low: -3, high: 3 }));
    const { target, energy } = predictByEnergyMinimisation(model, x, {
      starts,
      count: 4,
      stages: [{ sampler: langevin({ stepSize: 0.1, noiseScale: 0 }), steps: 100 }],
      key: prngKey(1),
    });
    expect(target.shape).toEqual([3, 1]);
    Array.from(target.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(1.5 * [-1, 0, 1.2][i]! + 0.3, 4));
    Array.from(energy.dataSync()).forEach((e) => expect(e).toBeCloseTo(0, 6));
    tf.dispose([x, target, energy, ...model.variables]);
  });

  it('keeps the deepest of several minima (annealed Langevin, then gradient descent)', () => {
    const model = twoWells();
    const x = tf.tensor2d([[-1.5], [-0.8], [1], [2]]);
    const starts = independentOfInput(uniformDistribution({ eventShape: [1], low: -3, high: 3 }));
    const { target, energy } = predictByEnergyMinimisation(model, x, {
      starts,
      count: 8,
      stages: [
        { sampler: langevin({ stepSize: cosineDecay({ initial: 2e-3, decaySteps: 100, alpha: 0.05 }) }), steps: 100 },
        { sampler: langevin({ stepSize: 2e-3, noiseScale: 0 }), steps: 100 },
      ],
      key: prngKey(2),
    });
    Array.from(target.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([-1.5, -0.8, 1, 2][i]!, 3));
    Array.from(energy.dataSync()).forEach((e) => expect(e).toBeCloseTo(-Math.log(0.7), 3));
    tf.dispose([x, target, energy]);
  });

  it('names an empty stage list and leaks nothing', () => {
    const model = linearGaussian({ a: 1, w: 0, b: 0 });
    const x = tf.tensor2d([[0], [1]]);
    const starts = independentOfInput(uniformDistribution({ eventShape: [1], low: -1, high: 1 }));
    expect(() => predictByEnergyMinimisation(model, x, { starts, stages: [], key: prngKey(0) })).toThrow(/stages/);
    const stages = [{ sampler: langevin({ stepSize: 0.1 }), steps: 3 }];
    expectNoLeaks(() => {
      const { target, energy } = predictByEnergyMinimisation(model, x, { starts, count: 2, stages, key: prngKey(3) });
      tf.dispose([target, energy]);
    }, 20);
    tf.dispose(x);
    disposeState(model.variables);
  });
});
