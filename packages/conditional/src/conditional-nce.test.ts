import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, disposeState, normalDistribution, prngKey } from '@ebm/core';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks, expectWithinStandardErrors } from '@ebm/core/testing';
import { conditionalMlpEnergy } from './conditional-mlp.js';
import { conditionalNce } from './conditional-nce.js';
import { conditionalNormal, independentOfInput } from './distributions.js';
import { packPairs } from './pairs.js';
import { trainFullBatch } from './objectives.test-helper.js';
import { linearGaussian, linearGaussianData, linearGaussianMle } from './test-models.js';

const TRUTH = { a: 4, w: 1.5, b: 0.3 };

describeBackends('conditionalNce', () => {
  it('converges to the conditional MLE within its extra (1/K) standard error when the noise is the true conditional', () => {
    const n = 400;
    const numNoise = 8;
    const { x, y } = linearGaussianData(prngKey(1), n, TRUTH);
    const batch = packPairs(x, y);
    const { mle, se } = linearGaussianMle(x, y);
    const noise = conditionalNormal({ targetShape: [1], mean: (u) => tf.add(tf.mul(TRUTH.w, u), TRUTH.b), std: 1 / Math.sqrt(TRUTH.a) });
    const model = linearGaussian({ a: 1, w: 0, b: 0 });
    // The same noise at every step: the loss is deterministic and training reaches its minimiser.
    trainFullBatch(model, conditionalNce({ noise, numNoise }), batch, { steps: 800, learningRate: 0.05, key: prngKey(2), fixedKey: true });
    const learned = model.parameters();
    // With q the true conditional, ranking NCE has asymptotic covariance (1 + 1/K) I^-1 and the MLE
    // I^-1; the MLE is efficient, so their difference has covariance I^-1 / K (Hausman).
    for (const p of ['a', 'w', 'b'] as const) {
      expectWithinStandardErrors(learned[p], mle[p], se[p] / Math.sqrt(numNoise), { label: `${p} - MLE` });
      expectWithinStandardErrors(learned[p], TRUTH[p], se[p] * Math.sqrt(1 + 1 / numNoise), { label: `${p} - truth` });
    }
    tf.dispose([x, y, batch, ...model.variables]);
  });

  it('loss and metrics are the ranking-NCE formulas, recomputed on the host from the same noise draws', () => {
    const n = 50;
    const numNoise = 3;
    const { x, y } = linearGaussianData(prngKey(3), n, TRUTH);
    const batch = packPairs(x, y);
    const noise = independentOfInput(normalDistribution({ eventShape: [1], std: 3 }));
    const model = linearGaussian({ a: 2, w: 1, b: -0.2 });
    const key = prngKey(4);
    const step = conditionalNce({ noise, numNoise }).gradients(model, batch, null, key);
    // The objective draws its noise with noise.sample(key, x, K): the same draws, read here.
    const drawn = noise.sample(key, x, numNoise);
    const [xs, ys, zs] = [x.dataSync(), y.dataSync(), drawn.dataSync()];
    const energy = (u: number, v: number): number => 0.5 * 2 * (v - 1 * u + 0.2) ** 2;
    const logQ = (v: number): number => -0.5 * (v / 3) ** 2 - Math.log(3) - 0.5 * Math.log(2 * Math.PI);
    let [loss, wins, dataEnergy, noiseEnergy] = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const g0 = -energy(xs[i]!, ys[i]!) - logQ(ys[i]!);
      const gk = Array.from({ length: numNoise }, (_, k) => -energy(xs[i]!, zs[i * numNoise + k]!) - logQ(zs[i * numNoise + k]!));
      const max = Math.max(g0, ...gk);
      loss += max + Math.log([g0, ...gk].reduce((s, g) => s + Math.exp(g - max), 0)) - g0;
      wins += g0 > Math.max(...gk) ? 1 : 0;
      dataEnergy += energy(xs[i]!, ys[i]!);
      gk.forEach((_, k) => (noiseEnergy += energy(xs[i]!, zs[i * numNoise + k]!)));
    }
    expect(step.loss.dataSync()[0]).toBeCloseTo(loss / n, 4);
    expect(step.metrics.accuracy!.dataSync()[0]).toBeCloseTo(wins / n, 6);
    expect(step.metrics.dataEnergy!.dataSync()[0]).toBeCloseTo(dataEnergy / n, 4);
    expect(step.metrics.noiseEnergy!.dataSync()[0]).toBeCloseTo(noiseEnergy / (n * numNoise), 4);
    tf.dispose([x, y, batch, drawn, step.loss, step.grads, step.metrics, ...model.variables]);
  });

  it('keeps the objective contract and leaks nothing (linear Gaussian and an MLP)', async () => {
    const { x, y } = linearGaussianData(prngKey(5), 8, TRUTH);
    const batch = packPairs(x, y);
    const noise = independentOfInput(normalDistribution({ eventShape: [1], std: 2 }));
    const linear = linearGaussian({ a: 1, w: 0, b: 0 });
    const mlp = conditionalMlpEnergy({ inputShape: [1], targetShape: [1], hidden: [8], key: prngKey(6) });
    await expectObjectiveContract(conditionalNce({ noise, numNoise: 4 }), { model: linear, batch });
    await expectObjectiveContract(conditionalNce({ noise, numNoise: 2 }), { model: mlp, batch });
    expectObjectiveNoLeaks(conditionalNce({ noise, numNoise: 4 }), { model: mlp, batch, iterations: 200 });
    tf.dispose([x, y, batch, ...linear.variables]);
    disposeState(mlp.variables);
  });

  it('names bad options, a plain energy model and noise of the wrong shape', () => {
    const noise = independentOfInput(normalDistribution({ eventShape: [2] }));
    expect(() => conditionalNce({ noise, numNoise: 0 })).toThrow(InvalidArgumentError);
    expect(() => conditionalNce({ noise: {} as never })).toThrow(/noise/);
    const model = linearGaussian({ a: 1, w: 0, b: 0 });
    const batch = tf.zeros([4, 2]);
    expect(() => conditionalNce({ noise }).gradients(model, batch, null, prngKey(0))).toThrow(ShapeError);
    const plain = { energy: model.energy, variables: model.variables };
    expect(() => conditionalNce({ noise: independentOfInput(normalDistribution({ eventShape: [1] })) }).gradients(plain, batch, null, prngKey(0))).toThrow(
      /conditional energy model/,
    );
    tf.dispose([batch, ...model.variables]);
  });
});
