import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { prngKey } from '../key.js';
import { describeBackends, expectNoLeaks, expectWithinStandardErrors } from '../testing/index.js';
import { acceptReject, selectChains } from './accept-reject.js';

describeBackends('acceptReject', () => {
  it('accepts with probability min(1, exp(logRatio)), rejects NaN, and reports per-chain and mean acceptance', () => {
    const n = 20_000;
    const ratios = [Math.log(0.3), 0.5, Number.NaN, -Infinity];
    const logRatio = tf.tensor1d(Array.from({ length: n }, (_, i) => ratios[i % 4]!));
    const proposed = { position: tf.ones([n, 1]), energy: tf.ones([n]) as tf.Tensor1D, step: 7 };
    const current = { position: tf.zeros([n, 1]), energy: tf.zeros([n]) as tf.Tensor1D, step: 6 };
    const [next, info] = acceptReject(prngKey(1), logRatio, proposed, current);
    const accepted = info.isAccepted.dataSync();
    const moved = next.position.dataSync();
    const rate = (k: number) => {
      let s = 0;
      for (let i = k; i < n; i += 4) s += accepted[i]!;
      return s / (n / 4);
    };
    // Each class has n/4 = 5000 iid Bernoulli(p) draws: se = sqrt(p (1 - p) / 5000).
    expectWithinStandardErrors(rate(0), 0.3, Math.sqrt((0.3 * 0.7) / 5000), { label: 'acceptance at p = 0.3' });
    expect([rate(1), rate(2), rate(3)]).toEqual([1, 0, 0]);
    // Every field follows the same coin: the position and the energy moved exactly where accepted.
    expect(Array.from(moved)).toEqual(Array.from(accepted));
    expect(Array.from(next.energy.dataSync())).toEqual(Array.from(accepted));
    expect(next.step).toBe(7);
    const probability = info.acceptanceProbability.dataSync();
    expect(probability[0]).toBeCloseTo(0.3, 5);
    expect([probability[1], probability[2], probability[3]]).toEqual([1, 0, 0]);
    expect(info.acceptanceRate.dataSync()[0]).toBeCloseTo((0.3 + 1) / 4, 4);
    tf.dispose([logRatio, proposed.position, proposed.energy, current.position, current.energy, next.position, next.energy]);
    tf.dispose(Object.values(info));
  });

  it('selectChains picks whole rows of any rank', () => {
    const mask = tf.tensor1d([true, false], 'bool');
    const a = tf.ones([2, 2, 3]);
    const b = tf.zeros([2, 2, 3]);
    const out = selectChains(mask, a, b);
    expect(tf.tidy(() => Array.from(tf.sum(out, [1, 2]).dataSync()))).toEqual([6, 0]);
    tf.dispose([mask, a, b, out]);
  });

  it('refuses a proposal whose fields do not match the current state, naming the field', () => {
    const logRatio = tf.zeros([2]) as tf.Tensor1D;
    const current = { position: tf.zeros([2, 3]) };
    const wrong = { position: tf.zeros([2, 2]) };
    expect(() => acceptReject(prngKey(0), logRatio, wrong, current)).toThrow(ShapeError);
    expect(() => acceptReject<{ position: tf.Tensor; gradient?: tf.Tensor }>(prngKey(0), logRatio, { ...current, gradient: tf.zeros([2, 3]) }, current)).toThrow(
      /^proposed.gradient:.*missing/,
    );
    tf.dispose([logRatio, current.position, wrong.position]);
  });

  it('leaks nothing', () => {
    const logRatio = tf.zeros([8]) as tf.Tensor1D;
    const x = tf.ones([8, 2]);
    expectNoLeaks((i) => {
      const [next, info] = acceptReject(prngKey(i), logRatio, { position: x }, { position: x });
      tf.dispose([next.position, ...Object.values(info)]);
    }, 1000);
    tf.dispose([logRatio, x]);
  });
});
