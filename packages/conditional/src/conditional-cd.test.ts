import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, disposeState, normalDistribution, prngKey } from '@ebm/core';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks, expectSameObjectiveStep, expectWithinStandardErrors } from '@ebm/core/testing';
import { langevin, mala } from '@ebm/mcmc-langevin';
import { conditionalContrastiveDivergence } from './conditional-cd.js';
import { conditionalMlpEnergy } from './conditional-mlp.js';
import { independentOfInput } from './distributions.js';
import { packPairs } from './pairs.js';
import { trainFullBatch } from './objectives.test-helper.js';
import { type LinearGaussianParameters, linearGaussian, linearGaussianData, linearGaussianMle } from './test-models.js';

const TRUTH = { a: 4, w: 1.5, b: 0.3 };

describeBackends('conditionalContrastiveDivergence', () => {
  it('its gradient is, within its standard error, the exact NLL gradient: zero at the closed-form MLE, and off it', () => {
    const n = 256;
    const count = 8;
    const { x, y } = linearGaussianData(prngKey(1), n, TRUTH);
    const batch = packPairs(x, y);
    const { mle } = linearGaussianMle(x, y);
    const [xs, ys] = [Array.from(x.dataSync()), Array.from(y.dataSync())];
    const meanX2 = xs.reduce((s, v) => s + v * v, 0) / n;
    const check = (at: LinearGaussianParameters, seed: number): void => {
      const model = linearGaussian(at);
      // MALA with h a = 0.4 at the MLE: 30 steps shrink the start's influence to ~1e-6.
      const objective = conditionalContrastiveDivergence({ sampler: mala({ stepSize: 0.1 }), k: 30, count });
      const step = objective.gradients(model, batch, null, prngKey(seed));
      // The exact gradient of the mean NLL: the data term minus E_{p(y|x)} dE/dtheta, which is
      // (1 / (2a), 0, 0) for E = a/2 r^2, r = y - w x - b.
      const r = Array.from(xs, (u, i) => ys[i]! - at.w * u - at.b);
      const exact = {
        a: r.reduce((s, v) => s + v * v, 0) / (2 * n) - 1 / (2 * at.a),
        w: (-at.a * r.reduce((s, v, i) => s + xs[i]! * v, 0)) / n,
        b: (-at.a * r.reduce((s, v) => s + v, 0)) / n,
      };
      // The estimate's noise is the mean over M = n * count independent negatives of dE/dtheta:
      // var(r^2 / 2) = 1 / (2 a^2), var(a x r) = a x^2, var(a r) = a.
      const m = n * count;
      const se = { a: Math.sqrt(1 / (2 * at.a ** 2) / m), w: Math.sqrt((at.a * meanX2) / m), b: Math.sqrt(at.a / m) };
      for (const p of ['a', 'w', 'b'] as const) {
        const estimate = step.grads[model[p].name]!.dataSync()[0]!;
        expectWithinStandardErrors(estimate, exact[p], se[p], { label: `dNLL/d${p} at ${JSON.stringify(at)}` });
      }
      tf.dispose([step.loss, step.grads, step.metrics, ...model.variables]);
      return;
    };
    check(mle, 2);
    const off = { a: mle.a * 1.5, w: mle.w + 0.2, b: mle.b - 0.1 };
    check(off, 3);
    tf.dispose([x, y, batch]);
  });

  it('training reaches the closed-form conditional MLE (Polyak-averaged iterates)', () => {
    const n = 256;
    const { x, y } = linearGaussianData(prngKey(4), n, TRUTH);
    const batch = packPairs(x, y);
    const { mle, se } = linearGaussianMle(x, y);
    const model = linearGaussian({ a: 2, w: 1, b: 0 });
    // MALA with h a ~ 0.4 from the data's targets: 15 steps shrink the start's influence to ~5e-4.
    const objective = conditionalContrastiveDivergence({ sampler: mala({ stepSize: 0.1 }), k: 15, count: 4 });
    trainFullBatch(model, objective, batch, { steps: 200, learningRate: 0.03, key: prngKey(5), average: 80 });
    const averaged = model.parameters();
    // The averaged iterate's own noise is about se / sqrt(count * averaged steps), small next to the MLE's se.
    for (const p of ['a', 'w', 'b'] as const) expectWithinStandardErrors(averaged[p], mle[p], se[p], { label: `${p} - MLE` });
    tf.dispose([x, y, batch, ...model.variables]);
  });

  it('keeps the objective contract and leaks nothing (MALA metrics, noise starts, an MLP)', async () => {
    const { x, y } = linearGaussianData(prngKey(6), 8, TRUTH);
    const batch = packPairs(x, y);
    const mlp = conditionalMlpEnergy({ inputShape: [1], targetShape: [1], hidden: [8], key: prngKey(7) });
    const noise = independentOfInput(normalDistribution({ eventShape: [1], std: 2 }));
    const withMala = conditionalContrastiveDivergence({ sampler: mala({ stepSize: 0.05 }), k: 3, count: 2 });
    await expectObjectiveContract(withMala, { model: mlp, batch });
    const step = withMala.gradients(mlp, batch, null, prngKey(8));
    expect(Object.keys(step.metrics).sort()).toEqual(['acceptanceRate', 'energyGap', 'negativeEnergy', 'positiveEnergy']);
    tf.dispose([step.loss, step.grads, step.metrics]);
    const fromNoise = conditionalContrastiveDivergence({ sampler: langevin({ stepSize: 0.01 }), k: 2, start: 'noise', noise, alpha: 0.1 });
    await expectObjectiveContract(fromNoise, { model: mlp, batch });
    expectObjectiveNoLeaks(fromNoise, { model: mlp, batch, iterations: 100 });
    tf.dispose([x, y, batch]);
    disposeState(mlp.variables);
  });

  it('with the conditional MLP (parameterVjp) equals the tape path for the same keys: loss, gradients, metrics', () => {
    const { x, y } = linearGaussianData(prngKey(9), 8, TRUTH);
    const batch = packPairs(x, y);
    const mlp = conditionalMlpEnergy({ inputShape: [1], targetShape: [1], hidden: [8, 8], key: prngKey(10) });
    const tapeOnly = { ...mlp, parameterVjp: undefined };
    const objective = conditionalContrastiveDivergence({ sampler: mala({ stepSize: 0.05 }), k: 3, count: 2, alpha: 0.2 });
    const hook = objective.gradients(mlp, batch, null, prngKey(11));
    const tape = objective.gradients(tapeOnly, batch, null, prngKey(11));
    expectSameObjectiveStep(hook, tape);
    tf.dispose([hook.loss, hook.grads, hook.metrics, tape.loss, tape.grads, tape.metrics, x, y, batch]);
    disposeState(mlp.variables);
  });

  it('names bad options', () => {
    const sampler = mala({ stepSize: 0.1 });
    expect(() => conditionalContrastiveDivergence({ sampler: {} as never })).toThrow(/sampler/);
    expect(() => conditionalContrastiveDivergence({ sampler, k: 0 })).toThrow(InvalidArgumentError);
    expect(() => conditionalContrastiveDivergence({ sampler, start: 'noise' })).toThrow(/noise/);
    expect(() => conditionalContrastiveDivergence({ sampler, start: 'replay' as never })).toThrow(/start/);
  });
});
