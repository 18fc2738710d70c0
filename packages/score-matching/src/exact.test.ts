import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ShapeError, disposeState, prngKey } from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { gaussianEnergy, mlpEnergy } from '@ebm/core/models';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks } from '@ebm/core/testing';
import { scoreMatching } from './exact.js';
import { gaussianSamples, sampleMoments, train } from './train.test-helper.js';

/** Closed form for E = 1/2 (x - mu)^T P (x - mu): grad E = P (x - mu), tr H = tr P. Returns the loss and its two terms. */
function gaussianLoss(x: number[][], mu: number[], p: number[][]): { loss: number; scoreNorm: number; hessianTrace: number } {
  const d = mu.length;
  let norm = 0;
  for (const row of x) {
    const g = p.map((pr) => pr.reduce((s, pij, j) => s + pij * (row[j]! - mu[j]!), 0));
    norm += 0.5 * g.reduce((s, gi) => s + gi * gi, 0);
  }
  let trace = 0;
  for (let i = 0; i < d; i++) trace += p[i]![i]!;
  return { loss: norm / x.length - trace, scoreNorm: norm / x.length, hessianTrace: trace };
}

describeBackends('scoreMatching', () => {
  it('equals the closed-form loss of a Gaussian energy', () => {
    const model = gaussianEnergy({ dim: 3, mean: [0.5, -1, 2], precision: [[2, 0.3, 0], [0.3, 1, -0.2], [0, -0.2, 0.5]] });
    const x = gaussianSamples(prngKey(3), 16, [0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const step = scoreMatching().gradients(model, x, null, prngKey(0));
    const expected = gaussianLoss(x.arraySync(), model.mean.arraySync() as number[], model.precision());
    expect(step.loss.dataSync()[0]).toBeCloseTo(expected.loss, 4);
    expect(step.metrics.scoreNorm!.dataSync()[0]).toBeCloseTo(expected.scoreNorm, 4);
    expect(step.metrics.hessianTrace!.dataSync()[0]).toBeCloseTo(expected.hessianTrace, 4);
    expect(expected.hessianTrace).toBeCloseTo(2 + 1 + 0.5, 5);
    tf.dispose([x, step.loss, step.grads, step.metrics]);
    disposeState(model.variables);
  });

  it('recovers the sample mean and the inverse (1/N) sample covariance on Gaussian data', () => {
    // Hyvarinen (2005): for a Gaussian model the score-matching estimator is the MLE. The loss is
    // deterministic (no sampling), so the only error left is the optimiser's: 1e-3 is far below the
    // sampling error of the MLE itself (~ 1/sqrt(N) = 0.1) and far above float32 rounding.
    const data = gaussianSamples(prngKey(1), 64, [1, -1], [[1, 0], [0.5, 0.8]]);
    const { mean, covariance } = sampleMoments(data);
    const model = gaussianEnergy({ dim: 2 });
    train(model, scoreMatching(), data, { steps: 300, learningRate: 0.1, key: prngKey(2) });
    const precision = model.precision();
    const expected = inverseSPD(covariance);
    const learnedMean = model.mean.arraySync() as number[];
    for (let i = 0; i < 2; i++) {
      expect(learnedMean[i]).toBeCloseTo(mean[i]!, 3);
      for (let j = 0; j < 2; j++) expect(precision[i]![j]).toBeCloseTo(expected[i]![j]!, 3);
    }
    data.dispose();
    disposeState(model.variables);
  });

  it('gives every MLP variable a finite gradient (zeros for the output bias, which drops out of grad E)', () => {
    const model = mlpEnergy({ inputShape: [2], hidden: [8, 8], key: prngKey(4) });
    const x = gaussianSamples(prngKey(5), 8, [0, 0], [[1, 0], [0, 1]]);
    const step = scoreMatching().gradients(model, x, null, prngKey(0));
    for (const v of model.variables) {
      const g = step.grads[v.name]!;
      expect(g.shape).toEqual(v.shape);
      expect(tf.all(tf.isFinite(g)).dataSync()[0]).toBe(1);
    }
    const outputBias = model.variables[model.variables.length - 1]!;
    expect(tf.max(tf.abs(step.grads[outputBias.name]!)).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(step.grads[model.variables[0]!.name]!)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, step.loss, step.grads, step.metrics]);
    disposeState(model.variables);
  });

  it('keeps the objective contract (no device read, device metrics, a gradient for every variable)', async () => {
    const model = mlpEnergy({ inputShape: [2], hidden: [8], key: prngKey(4) });
    const x = gaussianSamples(prngKey(5), 8, [0, 0], [[1, 0], [0, 1]]);
    await expectObjectiveContract(scoreMatching(), { model, batch: x });
    x.dispose();
    disposeState(model.variables);
  });

  it('leaks no tensor over 1000 steps', () => {
    const model = gaussianEnergy({ dim: 1 });
    const objective = scoreMatching();
    const x = gaussianSamples(prngKey(6), 4, [0], [[1]]);
    expectObjectiveNoLeaks(objective, { model, batch: x, key: prngKey(7) });
    x.dispose();
    disposeState(model.variables);
  });
});

describe('scoreMatching arguments', () => {
  it('rejects a batch without a sample axis, naming it', () => {
    const model = gaussianEnergy({ dim: 2 });
    const x = tf.zeros([2]);
    expect(() => scoreMatching().gradients(model, x, null, prngKey(0))).toThrow(ShapeError);
    expect(() => scoreMatching().gradients(model, x, null, prngKey(0))).toThrow(/batch/);
    x.dispose();
    disposeState(model.variables);
  });
});
