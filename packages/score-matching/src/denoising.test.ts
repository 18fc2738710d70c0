import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type EnergyModel, InvalidArgumentError, ShapeError, disposeState, prngKey } from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { gaussianEnergy, mlpEnergy } from '@ebm/core/models';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks, expectWithinStandardErrors } from '@ebm/core/testing';
import { fit } from '@ebm/core/train';
import { denoisingScoreMatching } from './denoising.js';
import { gaussianSamples, sampleMoments, train } from './train.test-helper.js';

/** A noise-conditional wrapper that ignores the appended log-sigma column: E([x, c]) = E(x). */
function ignoringLevel(model: EnergyModel, dim: number): EnergyModel {
  return { energy: (z) => model.energy(tf.slice(z, [0, 0], [z.shape[0]!, dim])), variables: model.variables };
}

/**
 * A 1-D noise-conditional Gaussian with one precision per level:
 * E([x, c]) = 1/2 a(c) (x - mu)^2, a(c) = sum_k a_k l_k(c), with l_k the Lagrange basis polynomials
 * on the nodes log sigma_k (l_k = 1 at level k, 0 at the others; smooth to any order).
 */
function perLevelGaussian(sigmas: number[]) {
  const nodes = sigmas.map(Math.log);
  const mu = tf.variable(tf.zeros([1]), true, `per_level_mu_${sigmas.join('_')}`);
  const a = tf.variable(tf.ones([sigmas.length]), true, `per_level_a_${sigmas.join('_')}`);
  const energy = (z: tf.Tensor): tf.Tensor1D =>
    tf.tidy(() => {
      const n = z.shape[0]!;
      const x = tf.reshape(tf.slice(z, [0, 0], [n, 1]), [n]);
      const c = tf.reshape(tf.slice(z, [0, 1], [n, 1]), [n]);
      let precision: tf.Tensor = tf.zeros([n]);
      nodes.forEach((ck, k) => {
        let basis: tf.Tensor = tf.ones([n]);
        nodes.forEach((cj, j) => {
          if (j !== k) basis = tf.mul(basis, tf.div(tf.sub(c, cj), ck - cj));
        });
        precision = tf.add(precision, tf.mul(basis, tf.slice(a, [k], [1])));
      });
      return tf.mul(0.5, tf.mul(precision, tf.square(tf.sub(x, mu)))) as tf.Tensor1D;
    });
  return { energy, variables: [mu, a], mu, a };
}

describeBackends('denoisingScoreMatching', () => {
  it('recovers precision (C + sigma^2 I)^-1 and the sample mean on Gaussian data', () => {
    const sigma = 0.5;
    const data = gaussianSamples(prngKey(1), 64, [1, -1], [[1, 0], [0.5, 0.8]]);
    const { mean, covariance } = sampleMoments(data);
    // 20 noisy copies of every sample; the same key at every step fixes the noise, so training
    // converges to the minimiser for these M noisy points.
    const copies = 20;
    const batch = tf.tile(data, [copies, 1]);
    const m = 64 * copies;
    const model = gaussianEnergy({ dim: 2 });
    train(model, denoisingScoreMatching({ sigma }), batch, { steps: 200, learningRate: 0.1, key: prngKey(2), fixedKey: true });
    const q = inverseSPD(covariance.map((row, i) => row.map((c, j) => c + (i === j ? sigma ** 2 : 0))));
    const precision = model.precision();
    const learnedMean = model.mean.arraySync() as number[];
    // The fit is least squares of the targets eps / sigma on the noisy points (score -P (x~ - mu)):
    // entry (i, j) of P has standard error sqrt(var(residual_j) Q_ii / M), var(residual_j) =
    // 1/sigma^2 - Q_jj; the mean moves by -(C / sigma) mean(eps), se sqrt((C^2)_jj / M) / sigma.
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const se = Math.sqrt(((1 / sigma ** 2 - q[j]![j]!) * q[i]![i]!) / m);
        expectWithinStandardErrors(precision[i]![j]!, q[i]![j]!, se, { label: `precision[${i}][${j}]` });
      }
      const c2 = covariance[i]!.reduce((s, c, k) => s + c * covariance[k]![i]!, 0);
      expectWithinStandardErrors(learnedMean[i]!, mean[i]!, Math.sqrt(c2 / m) / sigma, { label: `mean[${i}]` });
    }
    tf.dispose([data, batch]);
    disposeState(model.variables);
  });

  it('with one level in sigmas equals sigma^2 times the single-sigma loss and gradients', () => {
    const sigma = 0.3;
    const model = gaussianEnergy({ dim: 2, mean: [0.2, -0.1], precision: [[1.5, 0.2], [0.2, 0.7]] });
    const x = gaussianSamples(prngKey(4), 16, [0, 0], [[1, 0], [0, 1]]);
    const single = denoisingScoreMatching({ sigma }).gradients(model, x, null, prngKey(9));
    const multi = denoisingScoreMatching({ sigmas: [sigma] }).gradients(ignoringLevel(model, 2), x, null, prngKey(9));
    expect(multi.loss.dataSync()[0]).toBeCloseTo(sigma ** 2 * single.loss.dataSync()[0]!, 4);
    for (const v of model.variables) {
      const a = single.grads[v.name]!.dataSync();
      const b = multi.grads[v.name]!.dataSync();
      a.forEach((g, k) => expect(b[k]).toBeCloseTo(sigma ** 2 * g, 4));
    }
    tf.dispose([x, single.loss, single.grads, single.metrics, multi.loss, multi.grads, multi.metrics]);
    disposeState(model.variables);
  });

  it('with several levels fits each level of a noise-conditional energy to its own (C + sigma^2)^-1', () => {
    const sigmas = [1, 0.3];
    const data = gaussianSamples(prngKey(5), 64, [0.5], [[0.7]]);
    const { mean, covariance } = sampleMoments(data);
    const copies = 20;
    const batch = tf.tile(data, [copies, 1]);
    const model = perLevelGaussian(sigmas);
    train(model, denoisingScoreMatching({ sigmas }), batch, { steps: 200, learningRate: 0.1, key: prngKey(6), fixedKey: true });
    const learned = model.a.arraySync() as number[];
    // Each level sees about M / L of the M noisy points; 4 binomial sd fewer is a safe lower bound.
    const m = 64 * copies;
    const perLevel = m / sigmas.length - 4 * Math.sqrt(m / sigmas.length);
    sigmas.forEach((s, k) => {
      const q = 1 / (covariance[0]![0]! + s * s);
      expectWithinStandardErrors(learned[k]!, q, Math.sqrt(((1 / s ** 2 - q) * q) / perLevel), { label: `precision at sigma ${s}` });
    });
    // The shared mean combines the levels' estimates, each off by about -(C / sigma_k) mean(eps) with
    // se C / (sigma_k sqrt(M_k)): the smallest sigma and count bound the standard error.
    const c = covariance[0]![0]!;
    expectWithinStandardErrors(model.mu.dataSync()[0]!, mean[0]!, c / (Math.min(...sigmas) * Math.sqrt(perLevel)), { label: 'mean' });
    tf.dispose([data, batch]);
    disposeState(model.variables);
  });

  it("trains an MLP with core's fit (a gradient for every variable, null state)", async () => {
    const data = gaussianSamples(prngKey(8), 128, [0, 0], [[1, 0], [0, 0.5]]);
    const model = mlpEnergy({ inputShape: [3], hidden: [8], key: prngKey(9) });
    const { losses, state } = await fit(model, denoisingScoreMatching({ sigmas: [1, 0.5] }), data, {
      optimizer: tf.train.adam(1e-2),
      steps: 20,
      batchSize: 32,
      key: prngKey(10),
    });
    expect(state).toBeNull();
    expect(losses).toHaveLength(20);
    expect(losses.every(Number.isFinite)).toBe(true);
    data.dispose();
    disposeState(model.variables);
  });

  it('keeps the objective contract (one sigma and several)', async () => {
    const model = gaussianEnergy({ dim: 2 });
    const conditional = mlpEnergy({ inputShape: [3], hidden: [8], key: prngKey(9) });
    const x = gaussianSamples(prngKey(6), 4, [0, 0], [[1, 0], [0, 1]]);
    await expectObjectiveContract(denoisingScoreMatching({ sigma: 0.1 }), { model, batch: x });
    await expectObjectiveContract(denoisingScoreMatching({ sigmas: [1, 0.1] }), { model: conditional, batch: x });
    x.dispose();
    disposeState([model.variables, conditional.variables]);
  });

  it('leaks no tensor over 1000 steps (one sigma and several)', () => {
    const model = gaussianEnergy({ dim: 1 });
    const x = gaussianSamples(prngKey(6), 4, [0], [[1]]);
    const objectives = [
      [denoisingScoreMatching({ sigma: 0.1 }), model],
      [denoisingScoreMatching({ sigmas: [1, 0.1] }), ignoringLevel(model, 1)],
    ] as const;
    for (const [objective, m] of objectives) expectObjectiveNoLeaks(objective, { model: m, batch: x, key: prngKey(7) });
    x.dispose();
    disposeState(model.variables);
  });
});

describe('denoisingScoreMatching arguments', () => {
  it.each([
    [{}, /sigma/],
    [{ sigma: 0.1, sigmas: [0.1] }, /sigma/],
    [{ sigma: 0 }, /sigma/],
    [{ sigma: Number.NaN }, /sigma/],
    [{ sigmas: [] }, /sigmas/],
    [{ sigmas: [1, -0.5] }, /sigmas\[1\]/],
  ])('rejects %j, naming the argument', (options, name) => {
    expect(() => denoisingScoreMatching(options)).toThrow(InvalidArgumentError);
    expect(() => denoisingScoreMatching(options)).toThrow(name);
  });

  it('rejects a batch of rank > 2 with several sigmas', () => {
    const model = gaussianEnergy({ dim: 4 });
    const x = tf.zeros([3, 2, 2]);
    expect(() => denoisingScoreMatching({ sigmas: [1, 0.1] }).gradients(model, x, null, prngKey(0))).toThrow(ShapeError);
    expect(() => denoisingScoreMatching({ sigmas: [1, 0.1] }).gradients(model, x, null, prngKey(0))).toThrow(/batch/);
    x.dispose();
    disposeState(model.variables);
  });
});
