import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, disposeState, prngKey } from '@ebm/core';
import { describeBackends, expectNoLeaks } from '@ebm/core/testing';
import { conditionalDensityGrid } from './conditional-density-grid.js';
import { conditionalLogPartition, conditionalNll } from './conditional-nll.js';
import { gaussianRegression } from './gaussian-regression.js';
import { linearGaussian, linearGaussianData } from './test-models.js';

const TRUTH = { a: 4, w: 1.5, b: 0.3 };

describeBackends('exact conditional evaluation', () => {
  it('the conditional NLL by quadrature equals the closed form E(x, y) + 1/2 log(2 pi / a) within its error bound', () => {
    const { x, y } = linearGaussianData(prngKey(1), 40, TRUTH);
    const model = linearGaussian({ a: 2.5, w: 1.2, b: 0.1 });
    // Without its closed-form log-partition, conditionalNll integrates over y. y = w x + b lies in
    // [-3, 3.5]: +-8 around it is > 10 sd of the model's conditional.
    const unnormalised = { ...model, logPartition: undefined };
    const result = conditionalNll(unnormalised, x, y, { interval: [-12, 12], grid: 512, chunkSize: 200 });
    const closedForm = Array.from(tf.tidy(() => tf.add(model.conditionalEnergy(x, y), model.logPartition!(x)).dataSync()));
    const expected = closedForm.reduce((s, v) => s + v, 0) / closedForm.length;
    expect(result.partition.errorBound).toBeLessThan(1e-4);
    expect(Math.abs(result.nll - expected)).toBeLessThanOrEqual(result.partition.errorBound + 1e-5);
    result.perPair.forEach((v, i) => expect(v).toBeCloseTo(closedForm[i]!, 4));
    const sd = Math.sqrt(closedForm.reduce((s, v) => s + (v - expected) ** 2, 0) / (closedForm.length - 1));
    expect(result.standardError).toBeCloseTo(sd / Math.sqrt(40), 4);
    // With it, the same numbers in closed form, and no quadrature error.
    const closed = conditionalNll(model, x, y);
    expect(closed.partition.errorBound).toBe(0);
    expect(closed.nll).toBeCloseTo(expected, 5);
    tf.dispose([x, y, ...model.variables]);
  });

  it('a Gaussian regression is normalised: A_x = 0 by quadrature, in 1-D and in 2-D targets', () => {
    const x = tf.tensor2d([[-1], [0], [1.5]]);
    const one = gaussianRegression({ inputShape: [1], targetDim: 1, hidden: [4], key: prngKey(2) });
    const two = gaussianRegression({ inputShape: [1], targetDim: 2, hidden: [4], key: prngKey(3) });
    const a1 = conditionalLogPartition(one, x, { interval: [-12, 12], grid: 512 });
    const a2 = conditionalLogPartition(two, x, { box: [[-12, 12], [-12, 12]], grid: 256 });
    for (const result of [a1, a2]) {
      expect(result.errorBound).toBeLessThan(1e-3);
      result.logPartition.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(result.errorBound + 1e-5));
    }
    x.dispose();
    disposeState([one.variables, two.variables]);
  });

  it('conditionalDensityGrid gives p(y | x) per column: the closed-form Gaussian at the cell centres', () => {
    const model = linearGaussian(TRUTH);
    const heat = conditionalDensityGrid(model, { inputInterval: [-2, 2], targetInterval: [-5, 5], grid: 100 });
    const h = 10 / 100;
    for (const i of [0, 37, 99]) {
      let column = 0;
      for (let j = 0; j < 100; j++) {
        const p = heat.density[j * 100 + i]!;
        column += p * h;
        const mean = TRUTH.w * heat.xs[i]! + TRUTH.b;
        const exact = Math.sqrt(TRUTH.a / (2 * Math.PI)) * Math.exp(-0.5 * TRUTH.a * (heat.ys[j]! - mean) ** 2);
        expect(Math.abs(p - exact)).toBeLessThan(1e-3);
      }
      expect(column).toBeCloseTo(1, 5);
      expect(heat.logPartition[i]).toBeCloseTo(0.5 * Math.log((2 * Math.PI) / TRUTH.a), 3);
    }
    tf.dispose([...model.variables]);
  });

  it('names missing ranges and unsupported target dimensions, and leaks nothing', () => {
    const model = linearGaussian(TRUTH);
    const x = tf.tensor2d([[0], [1]]);
    expect(() => conditionalLogPartition(model, x, {})).toThrow(InvalidArgumentError);
    const wide = gaussianRegression({ inputShape: [1], targetDim: 3, hidden: [2] });
    expect(() => conditionalLogPartition(wide, x, { interval: [-1, 1] })).toThrow(ShapeError);
    expect(() => conditionalDensityGrid(wide, { inputInterval: [0, 1], targetInterval: [0, 1] })).toThrow(/1-D/);
    expectNoLeaks(() => void conditionalLogPartition(model, x, { interval: [-5, 5], grid: 64 }), 10);
    tf.dispose([x, ...model.variables]);
    disposeState(wide.variables);
  });
});
