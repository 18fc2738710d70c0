import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, ShapeError, countDeviceReads, disposeReplaced, disposeState, prngKey, variableGradients } from '@ebm/core';
import { describeBackends, expectAllClose, expectNoLeaks, expectObjectiveContract, expectObjectiveNoLeaks, expectSameObjectiveStep } from '@ebm/core/testing';
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

/** The same RBM without `parameterVjp`: the objective differentiates its free energy on the tape. */
const tapeOnly = (rbm: RBM): EnergyModel => ({ energy: rbm.energy, variables: rbm.variables });

describeBackends('rbm.parameterVjp', () => {
  for (const type of ['bernoulli', 'gaussian-bernoulli'] as const) {
    describe(type, () => {
      it('equals tf.variableGrads of sum_i w_i F(v_i) through the free-energy op for random weights, and returns F(v)', () => {
        const rbm = makeRBM(type);
        randomizeParameters(rbm, prngKey(4), 0.8);
        const v = visibleData(type, 9, 7);
        // Random weights (their sum is not 0, so the Gaussian visible bias's own term counts).
        const w = tf.randomNormal([9], 0.2, 1, 'float32', 11) as tf.Tensor1D;
        tf.tidy(() => {
          const { energy, vjp } = rbm.parameterVjp(v);
          const grads = vjp(w);
          const tape = variableGradients(() => tf.sum(tf.mul(w, rbm.energy(v))) as tf.Scalar, rbm.variables);
          expect(Object.keys(grads).sort()).toEqual(rbm.variables.map((variable) => variable.name).sort());
          for (const variable of rbm.variables) expectAllClose(grads[variable.name]!, tape.grads[variable.name]!, TOLERANCE);
          expectAllClose(energy, rbm.energy(v), TOLERANCE);
        });
        tf.dispose([v, w, ...rbm.variables]);
      });

      it('reads nothing from the device, disposes no input and leaks nothing', async () => {
        const rbm = makeRBM(type);
        const v = visibleData(type, 4, 1);
        const w = tf.fill([4], 0.25) as tf.Tensor1D;
        const run = () => tf.dispose(tf.tidy(() => rbm.parameterVjp(v).vjp(w)));
        expect(await countDeviceReads(run)).toBe(0);
        expect(v.isDisposed || w.isDisposed).toBe(false);
        expectNoLeaks(run, 20);
        tf.dispose([v, w, ...rbm.variables]);
      });

      for (const [init, alpha] of [['data', 0], ['persistent', 0], ['persistent', 0.2]] as const) {
        it(`contrastiveDivergence (${init}, alpha ${alpha}) through parameterVjp: the loss, gradients and metrics of the tape path for the same keys`, () => {
          // Same key, same sampler on the same parameters: both objectives draw the same negatives,
          // so only the way the gradient is computed differs.
          const rbm = makeRBM(type);
          randomizeParameters(rbm, prngKey(5), 0.5);
          const objective = contrastiveDivergence({ sampler: blockGibbs(rbm, { k: 2 }), init, alpha });
          const batch = visibleData(type, 8, 6);
          let closedState = objective.init(rbm, prngKey(0));
          let tapeState = objective.init(tapeOnly(rbm), prngKey(0));
          for (let step = 0; step < 3; step++) {
            const closed = objective.gradients(rbm, batch, closedState, prngKey(10 + step));
            const tape = objective.gradients(tapeOnly(rbm), batch, tapeState, prngKey(10 + step));
            expectSameObjectiveStep(closed, tape, TOLERANCE);
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

  it('rejects rows of the wrong width, naming the argument', () => {
    const rbm = bernoulliRBM({ visible: 6, hidden: 5 });
    const bad = tf.zeros([3, 5]);
    expect(() => tf.tidy(() => void rbm.parameterVjp(bad))).toThrow(ShapeError);
    expect(() => tf.tidy(() => void rbm.parameterVjp(bad))).toThrow(/^v: /);
    tf.dispose([bad, ...rbm.variables]);
  });
});
