import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { disposeState, prngKey } from '@ebm/core';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks } from '@ebm/core/testing';
import { conditionalMlpEnergy } from './conditional-mlp.js';
import { gaussianRegression } from './gaussian-regression.js';
import { maximumLikelihood } from './maximum-likelihood.js';
import { packPairs } from './pairs.js';
import { trainFullBatch } from './objectives.test-helper.js';
import { linearGaussian, linearGaussianData, linearGaussianMle } from './test-models.js';

const TRUTH = { a: 4, w: 1.5, b: 0.3 };

describeBackends('maximumLikelihood', () => {
  it('reaches the closed-form conditional MLE of a model with a closed-form log-partition', () => {
    const { x, y } = linearGaussianData(prngKey(1), 300, TRUTH);
    const batch = packPairs(x, y);
    const { mle } = linearGaussianMle(x, y);
    const model = linearGaussian({ a: 1, w: 0, b: 0 });
    trainFullBatch(model, maximumLikelihood(), batch, { steps: 1500, learningRate: 0.05, key: prngKey(2) });
    const learned = model.parameters();
    // A deterministic, convex-in-(a, a w, a b) loss: the optimum is the MLE up to the optimiser's tolerance.
    expect(learned.w).toBeCloseTo(mle.w, 3);
    expect(learned.b).toBeCloseTo(mle.b, 3);
    expect(learned.a / mle.a).toBeCloseTo(1, 3);
    tf.dispose([x, y, batch, ...model.variables]);
  });

  it('the Gaussian regression energy is the Gaussian NLL, so its loss is the mean -log N(y; mu(x), sigma(x)^2)', () => {
    const model = gaussianRegression({ inputShape: [1], targetDim: 2, hidden: [4], key: prngKey(3) });
    const x = tf.tensor2d([[0.3], [-1]]);
    const y = tf.tensor2d([[0.5, -0.2], [1, 2]]);
    const step = maximumLikelihood().gradients(model, packPairs(x, y), null, prngKey(0));
    const [mu, sigma] = [model.mean(x).arraySync(), model.std(x).arraySync()];
    const ys = y.arraySync();
    let nll = 0;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) nll += 0.5 * ((ys[i]![j]! - mu[i]![j]!) / sigma[i]![j]!) ** 2 + Math.log(sigma[i]![j]!) + 0.5 * Math.log(2 * Math.PI);
    }
    expect(step.loss.dataSync()[0]).toBeCloseTo(nll / 2, 4);
    tf.dispose([x, y, step.loss, step.grads]);
    disposeState(model.variables);
  });

  it('keeps the objective contract, leaks nothing, and refuses an unnormalised energy', async () => {
    const { x, y } = linearGaussianData(prngKey(4), 8, TRUTH);
    const batch = packPairs(x, y);
    const model = gaussianRegression({ inputShape: [1], targetDim: 1, hidden: [8], key: prngKey(5) });
    await expectObjectiveContract(maximumLikelihood(), { model, batch });
    expectObjectiveNoLeaks(maximumLikelihood(), { model, batch, iterations: 200 });
    const unnormalised = conditionalMlpEnergy({ inputShape: [1], targetShape: [1], hidden: [4] });
    expect(() => maximumLikelihood().gradients(unnormalised, batch, null, prngKey(0))).toThrow(/logPartition/);
    tf.dispose([x, y, batch]);
    disposeState([model.variables, unnormalised.variables]);
  });
});
