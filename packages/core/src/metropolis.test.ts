import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { prngKey } from './key.js';
import { metropolisAccept, selectChains } from './metropolis.js';
import { describeBackends, expectNoLeaks, expectWithinStandardErrors } from './testing/index.js';

describeBackends('metropolisAccept', () => {
  it('accepts with probability min(1, exp(logRatio)) and rejects NaN', () => {
    const n = 20_000;
    const logRatio = tf.tensor1d(Array.from({ length: n }, (_, i) => [Math.log(0.3), 0.5, Number.NaN, -Infinity][i % 4]!));
    const { accepted, probability } = metropolisAccept(prngKey(1), logRatio);
    const acc = accepted.dataSync();
    const prob = probability.dataSync();
    const rate = (k: number) => {
      let s = 0;
      for (let i = k; i < n; i += 4) s += acc[i]!;
      return s / (n / 4);
    };
    // Each class has n/4 = 5000 iid Bernoulli(p) draws: se = sqrt(p (1 - p) / 5000).
    expectWithinStandardErrors(rate(0), 0.3, Math.sqrt((0.3 * 0.7) / 5000), { label: 'acceptance at p = 0.3' });
    expect(rate(1)).toBe(1);
    expect(rate(2)).toBe(0);
    expect(rate(3)).toBe(0);
    expect(prob[0]).toBeCloseTo(0.3, 5);
    expect(prob[1]).toBe(1);
    expect(prob[2]).toBe(0);
    expect(prob[3]).toBe(0);
    tf.dispose([logRatio, accepted, probability]);
  });

  it('selectChains picks whole rows of any rank', () => {
    const mask = tf.tensor1d([true, false], 'bool');
    const a = tf.ones([2, 2, 3]);
    const b = tf.zeros([2, 2, 3]);
    const out = selectChains(mask, a, b);
    expect(tf.tidy(() => Array.from(tf.sum(out, [1, 2]).dataSync()))).toEqual([6, 0]);
    tf.dispose([mask, a, b, out]);
  });

  it('leaks nothing', () => {
    const logRatio = tf.zeros([8]) as tf.Tensor1D;
    const x = tf.ones([8, 2]);
    expectNoLeaks(
      (i) =>
        tf.tidy(() => {
          const { accepted } = metropolisAccept(prngKey(i), logRatio);
          selectChains(accepted, x, x);
        }),
      1000,
    );
    tf.dispose([logRatio, x]);
  });
});
