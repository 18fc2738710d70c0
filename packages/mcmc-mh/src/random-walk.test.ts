import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NonFiniteError, disposeState, foldIn, gaussianEnergy, inverseSPD, prngKey, sampleChain } from '@ebm/core';
import { describeBackends, expectCovariance, expectMeans, expectNoLeaks, expectProbability } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { randomWalkMetropolis } from './random-walk.js';

/** Correlated 2-D Gaussian target: mean (1, -1), covariance [[1, 0.8], [0.8, 1]]. */
const MEAN = [1, -1];
const COV = [
  [1, 0.8],
  [0.8, 1],
];

/** Two-component 1-D mixture w N(-1.5, 0.6^2) + (1 - w) N(1.5, 0.6^2), E = -log density. */
const WEIGHT = 0.3;
const MODE = 1.5;
const SD = 0.6;
function mixtureEnergy(x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const z = tf.reshape(x, [-1, 1]);
    const left = tf.sub(Math.log(WEIGHT), tf.div(tf.square(tf.add(z, MODE)), 2 * SD * SD));
    const right = tf.sub(Math.log(1 - WEIGHT), tf.div(tf.square(tf.sub(z, MODE)), 2 * SD * SD));
    return tf.neg(tf.logSumExp(tf.concat([left, right], 1), 1)) as tf.Tensor1D;
  });
}
/** P(x < 0) under the mixture by the trapezoid rule on exp(-E) (the components overlap a little). */
function mixtureLeftProbability(): number {
  const density = (x: number) =>
    (WEIGHT * Math.exp(-((x + MODE) ** 2) / (2 * SD * SD)) + (1 - WEIGHT) * Math.exp(-((x - MODE) ** 2) / (2 * SD * SD)));
  let left = 0;
  let total = 0;
  for (let x = -10; x <= 10; x += 1e-3) {
    total += density(x);
    if (x < 0) left += density(x);
  }
  return left / total;
}

describeBackends('randomWalkMetropolis', () => {
  it('reproduces the mean and covariance of a correlated 2-D Gaussian', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([32, 2]);
    const { samples, finalState, acceptanceRate } = sampleChain(randomWalkMetropolis({ scale: 0.8 }), {
      energy: model.energy,
      init,
      key: prngKey(1),
      burnIn: 200,
      numSteps: 2000,
    });
    expect(acceptanceRate).toBeGreaterThan(0.2);
    expect(acceptanceRate).toBeLessThan(0.8);
    expectMeans(samples, MEAN);
    expectCovariance(samples, MEAN, COV);
    tf.dispose([samples, init, ...model.variables]);
    disposeState(finalState);
  });

  it('reproduces the weight of a two-component mixture', () => {
    const init = tf.zeros([32, 1]);
    const { samples, finalState } = sampleChain(randomWalkMetropolis({ scale: 1.5 }), {
      energy: mixtureEnergy,
      init,
      key: prngKey(2),
      burnIn: 200,
      numSteps: 3000,
    });
    expectProbability(samples, (x) => x(0) < 0, mixtureLeftProbability(), { label: 'P(x < 0)' });
    tf.dispose([samples, init]);
    disposeState(finalState);
  });

  it('gives the same chain for the same key', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([4, 2]);
    const run = () => {
      const { samples, finalState } = sampleChain(randomWalkMetropolis({ scale: 0.8 }), { energy: model.energy, init, key: prngKey(3), numSteps: 20 });
      disposeState(finalState);
      const values = samples.arraySync();
      samples.dispose();
      return values;
    };
    expect(run()).toEqual(run());
    tf.dispose([init, ...model.variables]);
  });

  it('leaks no tensor over 1000 steps', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const sampler = randomWalkMetropolis({ scale: 0.8 });
    const init = tf.zeros([4, 2]);
    let state = sampler.init(init, model.energy);
    const key = prngKey(4);
    expectNoLeaks((i) => {
      const [next] = sampler.step(foldIn(key, i), state, model.energy);
      disposeState(state);
      state = next;
    }, 1000);
    disposeState(state);
    tf.dispose([init, ...model.variables]);
  });

  it('is tunable: withStepSize changes the scale', () => {
    const sampler = randomWalkMetropolis({ scale: 0.8 });
    expect(sampler.stepSize).toBe(0.8);
    expect(sampler.withStepSize(0.1).stepSize).toBe(0.1);
  });

  it('rejects a scale <= 0 and a NaN energy at init', () => {
    for (const scale of [0, -1, Number.NaN]) {
      expect(() => randomWalkMetropolis({ scale })).toThrow(InvalidArgumentError);
      expect(() => randomWalkMetropolis({ scale })).toThrow(/scale/);
    }
    const init = tf.tensor2d([[Number.NaN, 0]]);
    const energy = (x: tf.Tensor) => tf.tidy(() => tf.sum(tf.square(x), 1) as tf.Tensor1D);
    const before = tf.memory().numTensors;
    expect(() => randomWalkMetropolis({ scale: 1 }).init(init, energy)).toThrow(NonFiniteError);
    expect(() => randomWalkMetropolis({ scale: 1 }).init(init, energy)).toThrow(/energy/);
    expect(tf.memory().numTensors).toBe(before);
    init.dispose();
  });
});
