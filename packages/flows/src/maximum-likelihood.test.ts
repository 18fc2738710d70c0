import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type Key, disposeState, normal, prngKey } from '@ebm/core';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks, expectWithinStandardErrors } from '@ebm/core/testing';
import { adam, fit } from '@ebm/core/train';
import { flowMaximumLikelihood } from './maximum-likelihood.js';
import { realNvp } from './real-nvp.js';

/** Rows `mean + z L^T`, z ~ N(0, I). */
function gaussianSamples(key: Key, n: number, mean: number[], factor: number[][]): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(normal(key, [n, mean.length]), tf.transpose(tf.tensor2d(factor))), tf.tensor1d(mean)));
}

/** Sample mean and (1/M) covariance of `[M, 2]` rows, in float64. */
function moments(x: tf.Tensor2D): { mean: number[]; cov: number[][] } {
  const rows = x.arraySync();
  const mean = [0, 1].map((d) => rows.reduce((s, r) => s + r[d]!, 0) / rows.length);
  const cov = [0, 1].map((i) => [0, 1].map((j) => rows.reduce((s, r) => s + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / rows.length));
  return { mean, cov };
}

describeBackends('flowMaximumLikelihood', () => {
  it("recovers a Gaussian's mean and covariance (core's fit, the flow as the model)", async () => {
    // Truth N(mu, C) with correlation 0.5, n = 1000 points. The affine couplings must shear to
    // correlate the coordinates (the output layer alone is diagonal). The flow's moments are
    // estimated from M = 20000 of its draws; each is compared with the truth within 4 standard
    // errors of (data estimate + draw estimate): var(mean_i) = C_ii (1/n + 1/M),
    // var(C^_ij) = (C_ii C_jj + C_ij^2) (1/n + 1/M).
    const [n, m] = [1000, 10000];
    const truthMean = [1, -2];
    const factor = [[1.5, 0], [0.4, 0.7]];
    const cov = [[2.25, 0.6], [0.6, 0.65]];
    const data = gaussianSamples(prngKey(1), n, truthMean, factor);
    const flow = realNvp({ dim: 2, layers: 4, hidden: [16], key: prngKey(2) });
    const optimizer = adam({ learningRate: 0.02 });
    const { losses, metrics, state } = await fit(flow, flowMaximumLikelihood(), data, { optimizer, steps: 200, batchSize: n, key: prngKey(3) });
    expect(metrics.at(-1)!.logLikelihood).toBeCloseTo(-losses.at(-1)!, 5);
    const draws = flow.sample(prngKey(4), m);
    const learned = moments(draws);
    const inflation = Math.sqrt(1 / n + 1 / m);
    for (let i = 0; i < 2; i++) {
      expectWithinStandardErrors(learned.mean[i]!, truthMean[i]!, Math.sqrt(cov[i]![i]!) * inflation, { label: `mean[${i}]` });
      for (let j = i; j < 2; j++) {
        const se = Math.sqrt(cov[i]![i]! * cov[j]![j]! + cov[i]![j]! ** 2) * inflation;
        expectWithinStandardErrors(learned.cov[i]![j]!, cov[i]![j]!, se, { label: `cov[${i}][${j}]` });
      }
    }
    // The entropy of N(mu, C) bounds the expected NLL from below: the fit is within reach of it.
    const entropy = 1 + Math.log(2 * Math.PI) + 0.5 * Math.log(cov[0]![0]! * cov[1]![1]! - cov[0]![1]! ** 2);
    expect(Math.abs(losses.at(-1)! - entropy)).toBeLessThan(0.05);
    tf.dispose([data, draws]);
    disposeState(state);
    optimizer.dispose();
    flow.dispose();
  });

  it('keeps the objective contract and leaks nothing', async () => {
    const data = gaussianSamples(prngKey(5), 16, [0, 0], [[1, 0], [0, 1]]);
    const flow = realNvp({ dim: 2, layers: 2, hidden: [4], key: prngKey(6) });
    await expectObjectiveContract(flowMaximumLikelihood(), { model: flow, batch: data });
    expectObjectiveNoLeaks(flowMaximumLikelihood(), { model: flow, batch: data, iterations: 300 });
    data.dispose();
    flow.dispose();
  });
});

describe('flowMaximumLikelihood arguments', () => {
  it('rejects a model that is not a flow, naming it', () => {
    const model = gaussianEnergy({ dim: 2 });
    const objective = flowMaximumLikelihood();
    const batch = tf.zeros([4, 2]);
    expect(() => objective.gradients(model, batch, objective.init(model, prngKey(0)), prngKey(1))).toThrow(InvalidArgumentError);
    expect(() => objective.gradients(model, batch, {}, prngKey(1))).toThrow(/model.*normalizing flow/);
    tf.dispose([batch, ...model.variables]);
  });
});
