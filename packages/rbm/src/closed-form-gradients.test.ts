import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, ShapeError, countDeviceReads, disposeReplaced, disposeState, prngKey, readScalarsSync, variableGradients } from '@ebm/core';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks } from '@ebm/core/testing';
import { contrastiveDivergence } from '@ebm/cd';
import { describe, expect, it } from 'vitest';
import { bernoulliRBM } from './bernoulli-rbm.js';
import { blockGibbs } from './block-gibbs.js';
import { gaussianBernoulliRBM } from './gaussian-bernoulli-rbm.js';
import type { RBM, RBMType } from './rbm.js';
import { randomizeParameters } from './test-rbms.js';

/** Relative float32 tolerance of a gradient: sums of 10-20 products of O(1) terms. */
const TOLERANCE = 1e-5;

function makeRBM(type: RBMType): RBM {
  return type === 'bernoulli'
    ? bernoulliRBM({ visible: 6, hidden: 5, key: prngKey(3) })
    : gaussianBernoulliRBM({ visible: 6, hidden: 5, sigma: 0.7, key: prngKey(3) });
}

/** Binary data for a Bernoulli RBM, real-valued for a Gaussian one. */
function visibleData(type: RBMType, n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() =>
    type === 'bernoulli' ? tf.round(tf.randomUniform([n, 6], 0, 1, 'float32', seed)) : tf.randomNormal([n, 6], 0.5, 1.5, 'float32', seed),
  ) as tf.Tensor2D;
}

/** The same RBM without `closedFormGradients`: the objective differentiates its free energy on the tape. */
const tapeOnly = (rbm: RBM): EnergyModel => ({ energy: rbm.energy, variables: rbm.variables });

function expectAllClose(actual: tf.Tensor, expected: tf.Tensor): void {
  const [a, e] = [actual.dataSync(), expected.dataSync()];
  expect(actual.shape).toEqual(expected.shape);
  const scale = Math.max(1, ...Array.from(e, Math.abs));
  a.forEach((v, i) => expect(Math.abs(v - e[i]!)).toBeLessThanOrEqual(TOLERANCE * scale));
}

describeBackends('rbm.closedFormGradients', () => {
  for (const type of ['bernoulli', 'gaussian-bernoulli'] as const) {
    describe(type, () => {
      it('equals tf.variableGrads of mean F(v+) - mean F(v-) through the free-energy op, with both mean free energies', () => {
        const rbm = makeRBM(type);
        randomizeParameters(rbm, prngKey(4), 0.8);
        const [positive, negative] = [visibleData(type, 7, 7), visibleData(type, 11, 8)];
        const closed = rbm.closedFormGradients(positive, negative);
        const tape = variableGradients(
          () => {
            const positiveEnergy = tf.mean(rbm.energy(positive)) as tf.Scalar;
            const negativeEnergy = tf.mean(rbm.energy(negative)) as tf.Scalar;
            return { loss: tf.sub(positiveEnergy, negativeEnergy) as tf.Scalar, aux: { positiveEnergy, negativeEnergy } };
          },
          rbm.variables,
        );
        expect(Object.keys(closed.grads).sort()).toEqual(rbm.variables.map((v) => v.name).sort());
        for (const variable of rbm.variables) expectAllClose(closed.grads[variable.name]!, tape.grads[variable.name]!);
        expectAllClose(tf.stack([closed.positiveEnergy, closed.negativeEnergy]), tf.stack([tape.aux.positiveEnergy, tape.aux.negativeEnergy]));
        disposeState([closed, tape]);
        tf.dispose([positive, negative, ...rbm.variables]);
      });

      it('reads nothing from the device, disposes neither input and leaves only what it returns', async () => {
        const rbm = makeRBM(type);
        const [positive, negative] = [visibleData(type, 4, 1), visibleData(type, 4, 2)];
        const before = tf.memory().numTensors;
        let result: ReturnType<RBM['closedFormGradients']> | undefined;
        expect(await countDeviceReads(() => (result = rbm.closedFormGradients(positive, negative)))).toBe(0);
        expect(positive.isDisposed || negative.isDisposed).toBe(false);
        expect(tf.memory().numTensors).toBe(before + 2 + rbm.variables.length);
        disposeState(result);
        tf.dispose([positive, negative, ...rbm.variables]);
      });

      for (const init of ['data', 'persistent'] as const) {
        it(`contrastiveDivergence (${init}) takes the closed form: the gradients of the tape path for the same negatives`, () => {
          // Same key, same sampler on the same parameters: both objectives draw the same negatives,
          // so only the way the gradient is computed differs.
          const rbm = makeRBM(type);
          randomizeParameters(rbm, prngKey(5), 0.5);
          const objective = contrastiveDivergence({ sampler: blockGibbs(rbm, { k: 2 }), init });
          const batch = visibleData(type, 8, 6);
          let closedState = objective.init(rbm, prngKey(0));
          let tapeState = objective.init(tapeOnly(rbm), prngKey(0));
          for (let step = 0; step < 3; step++) {
            const closed = objective.gradients(rbm, batch, closedState, prngKey(10 + step));
            const tape = objective.gradients(tapeOnly(rbm), batch, tapeState, prngKey(10 + step));
            for (const variable of rbm.variables) expectAllClose(closed.grads[variable.name]!, tape.grads[variable.name]!);
            const [a, b] = [readScalarsSync({ loss: closed.loss, ...closed.metrics }), readScalarsSync({ loss: tape.loss, ...tape.metrics })];
            expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
            for (const name of Object.keys(b)) expect(Math.abs(a[name]! - b[name]!)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(b[name]!)));
            tf.dispose([closed.loss, closed.grads, closed.metrics, tape.loss, tape.grads, tape.metrics]);
            disposeReplaced(closedState, closed.state);
            disposeReplaced(tapeState, tape.state);
            [closedState, tapeState] = [closed.state, tape.state];
          }
          disposeState([closedState, tapeState]);
          tf.dispose([batch, ...rbm.variables]);
        });
      }

      it('keeps the objective contract through contrastiveDivergence (PCD) and leaks nothing over 300 steps', async () => {
        const rbm = makeRBM(type);
        const objective = contrastiveDivergence({ sampler: blockGibbs(rbm), init: 'persistent' });
        const batch = visibleData(type, 4, 3);
        await expectObjectiveContract(objective, { model: rbm, batch });
        expectObjectiveNoLeaks(objective, { model: rbm, batch, iterations: 300, learningRate: 0.01 });
        tf.dispose([batch, ...rbm.variables]);
      });
    });
  }

  it('rejects inputs of the wrong width, naming the argument', () => {
    const rbm = bernoulliRBM({ visible: 6, hidden: 5 });
    const good = tf.zeros([3, 6]);
    const bad = tf.zeros([3, 5]);
    expect(() => rbm.closedFormGradients(good, bad)).toThrow(ShapeError);
    expect(() => rbm.closedFormGradients(good, bad)).toThrow(/^negative: /);
    expect(() => rbm.closedFormGradients(bad, good)).toThrow(/^positive: /);
    tf.dispose([good, bad, ...rbm.variables]);
  });
});
