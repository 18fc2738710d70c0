import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, disposeState, energyAndGradient, normal, prngKey } from '@ebm/core';
import { describeBackends, expectNoLeaks } from '@ebm/core/testing';
import { conditionalMlpEnergy } from './conditional-mlp.js';
import { energyGivenInput, energyGivenTarget } from './given.js';
import { assertConditionalModel, packPairs, repeatRows, unpackPairs } from './pairs.js';
import { linearGaussian } from './test-models.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describeBackends('conditional models and pairs', () => {
  it('packPairs and unpackPairs are inverse, and repeatRows repeats each row in place', () => {
    const x = normal(prngKey(1), [3, 2, 2]);
    const y = normal(prngKey(2), [3, 1]);
    const packed = packPairs(x, y);
    expect(packed.shape).toEqual([3, 5]);
    const back = unpackPairs({ inputShape: [2, 2], targetShape: [1] }, packed);
    expect(maxAbsDiff(back.x, x)).toBe(0);
    expect(maxAbsDiff(back.y, y)).toBe(0);
    expect(() => unpackPairs({ inputShape: [2], targetShape: [1] }, packed)).toThrow(ShapeError);
    expect(() => packPairs(x, tf.zeros([2, 1]))).toThrow(ShapeError);
    const repeated = repeatRows(tf.tensor2d([[1], [2]]), 3);
    expect(Array.from(repeated.dataSync())).toEqual([1, 1, 1, 2, 2, 2]);
    tf.dispose([x, y, packed, back.x, back.y, repeated]);
  });

  it('the packed energy is E(x, y) of the unpacked pairs, and pairs are checked against the shapes', () => {
    const model = linearGaussian({ a: 2, w: 0.5, b: -1 });
    const x = tf.tensor2d([[1], [-2]]);
    const y = tf.tensor2d([[0.5], [1]]);
    // a/2 (y - w x - b)^2: (0.5 - 0.5 + 1)^2 = 1 and (1 + 1 + 1)^2 = 9.
    expect(Array.from(model.conditionalEnergy(x, y).dataSync())).toEqual([1, 9]);
    const packed = packPairs(x, y);
    expect(Array.from(model.energy(packed).dataSync())).toEqual([1, 9]);
    expect(() => model.conditionalEnergy(x, tf.zeros([2, 2]))).toThrow(ShapeError);
    expect(() => assertConditionalModel({ energy: model.energy, variables: [] })).toThrow(InvalidArgumentError);
    tf.dispose([x, y, packed, ...model.variables]);
  });

  it('energyGivenInput is E(x_i, y) for count chains per input, with the MLP fast gradient equal to tf.grad', () => {
    const model = conditionalMlpEnergy({ inputShape: [2], targetShape: [3], hidden: [8, 8], key: prngKey(3) });
    const x = normal(prngKey(4), [2, 2]);
    const y = normal(prngKey(5), [6, 3]);
    const energy = energyGivenInput(model, x, { count: 3 });
    const expected = model.conditionalEnergy(repeatRows(x, 3), y);
    expect(maxAbsDiff(energy(y), expected)).toBeLessThan(1e-5);
    const fast = energy.valueAndGrad!(y);
    const naive = tf.grad((t: tf.Tensor) => tf.sum(model.conditionalEnergy(repeatRows(x, 3), t)))(y);
    expect(maxAbsDiff(fast.energy, expected)).toBeLessThan(1e-5);
    expect(maxAbsDiff(fast.gradient, naive)).toBeLessThan(1e-5);
    expect(() => energy(tf.zeros([5, 3]))).toThrow(/6 rows/);
    // One input pairs with any number of targets.
    const single = energyGivenInput(model, tf.slice(x, [1], [1]));
    expect(maxAbsDiff(single(tf.slice(y, [3], [3])), tf.slice(expected, [3], [3]))).toBeLessThan(1e-5);
    tf.dispose([x, y, expected, fast.energy, fast.gradient, naive]);
    disposeState(model.variables);
  });

  it('energyGivenTarget is E(x, y_i) for count chains per target, and core samplers differentiate it', () => {
    const model = linearGaussian({ a: 1, w: 2, b: 0 });
    const y = tf.tensor2d([[1], [3]]);
    const energy = energyGivenTarget(model, y, { count: 2 });
    const x = tf.tensor2d([[0], [0.5], [1], [1.5]]);
    // 1/2 (y - 2x)^2 with y = 1, 1, 3, 3.
    expect(Array.from(energy(x).dataSync())).toEqual([0.5, 0, 0.5, 0]);
    const { gradient } = energyAndGradient(energy, x);
    // dE/dx = -2 (y - 2x).
    expect(Array.from(gradient.dataSync(), (v) => v + 0)).toEqual([-2, 0, -2, 0]);
    tf.dispose([x, y, gradient, ...model.variables]);
  });

  it('leaks no tensor', () => {
    const model = conditionalMlpEnergy({ inputShape: [1], targetShape: [1], hidden: [4], key: prngKey(6) });
    const x = tf.ones([3, 1]);
    const y = tf.ones([6, 1]);
    const energy = energyGivenInput(model, x, { count: 2 });
    expectNoLeaks(() => {
      const { energy: e, gradient } = energyAndGradient(energy, y);
      tf.dispose([e, gradient]);
    }, 50);
    tf.dispose([x, y]);
    disposeState(model.variables);
  });
});
