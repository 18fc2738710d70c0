import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, disposeState, normal, prngKey } from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks, expectWithinStandardErrors } from '@ebm/core/testing';
import { conditionalDenoisingScoreMatching } from './conditional-dsm.js';
import { conditionalMlpEnergy } from './conditional-mlp.js';
import { packPairs } from './pairs.js';
import { trainFullBatch } from './objectives.test-helper.js';
import { linearGaussian, linearGaussianData } from './test-models.js';

const TRUTH = { a: 4, w: 1.5, b: 0.3 };

describeBackends('conditionalDenoisingScoreMatching', () => {
  it('reaches the least-squares minimiser for the drawn noise, which estimates the noisy conditional N(w x + b, 1/a + sigma^2)', () => {
    const n = 2000;
    const sigma = 0.3;
    const key = prngKey(2);
    const { x, y } = linearGaussianData(prngKey(1), n, TRUTH);
    const batch = packPairs(x, y);
    const model = linearGaussian({ a: 1, w: 0, b: 0 });
    trainFullBatch(model, conditionalDenoisingScoreMatching({ sigma }), batch, { steps: 600, learningRate: 0.05, key, fixedKey: true });
    const { a, w, b } = model.parameters();
    const learned = [a, a * w, a * b];

    // dE/dy~ = a y~ - (a w) x - (a b): the loss is least squares of eps / sigma on the features
    // (y~, -x, -1) with coefficients (a, a w, a b). The objective draws eps = normal(key, [n, 1]).
    const eps = normal(key, [n, 1]);
    const [xs, ys, es] = [x.dataSync(), y.dataSync(), eps.dataSync()];
    const gram = [0, 1, 2].map(() => [0, 0, 0]);
    const moment = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const f = [ys[i]! + sigma * es[i]!, -xs[i]!, -1];
      const t = es[i]! / sigma;
      for (let r = 0; r < 3; r++) {
        moment[r]! += f[r]! * t;
        for (let c = 0; c < 3; c++) gram[r]![c]! += f[r]! * f[c]!;
      }
    }
    const inverse = inverseSPD(gram);
    const leastSquares = inverse.map((row) => row.reduce((s, v, c) => s + v * moment[c]!, 0));
    leastSquares.forEach((value, i) => expect(learned[i]).toBeCloseTo(value, 2));

    // Population: E[eps / sigma | y~, x] = (y~ - w x - b) / (s^2 + sigma^2), residual variance
    // 1/sigma^2 - aStar; the coefficients' covariance is that times (F^T F)^-1.
    const aStar = 1 / (1 / TRUTH.a + sigma ** 2);
    const population = [aStar, aStar * TRUTH.w, aStar * TRUTH.b];
    population.forEach((value, i) => {
      const se = Math.sqrt((1 / sigma ** 2 - aStar) * inverse[i]![i]!);
      expectWithinStandardErrors(learned[i]!, value, se, { label: ['a', 'a w', 'a b'][i] });
    });
    tf.dispose([x, y, batch, eps, ...model.variables]);
  });

  it('keeps the objective contract and leaks nothing (an MLP: its hand-written input gradient, differentiated)', async () => {
    const { x, y } = linearGaussianData(prngKey(5), 8, TRUTH);
    const batch = packPairs(x, y);
    const mlp = conditionalMlpEnergy({ inputShape: [1], targetShape: [1], hidden: [8], key: prngKey(6) });
    await expectObjectiveContract(conditionalDenoisingScoreMatching({ sigma: 0.1 }), { model: mlp, batch });
    expectObjectiveNoLeaks(conditionalDenoisingScoreMatching({ sigma: 0.1 }), { model: mlp, batch, iterations: 200 });
    tf.dispose([x, y, batch]);
    disposeState(mlp.variables);
  });

  it('names a bad sigma', () => {
    expect(() => conditionalDenoisingScoreMatching({ sigma: 0 })).toThrow(InvalidArgumentError);
    expect(() => conditionalDenoisingScoreMatching({} as never)).toThrow(/sigma/);
  });
});
