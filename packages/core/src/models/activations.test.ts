import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { prngKey } from '../key.js';
import { normal } from '../random.js';
import { describeBackends } from '../testing/index.js';
import { ACTIVATIONS, activationOps } from './activations.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describeBackends('activationOps', () => {
  for (const activation of ACTIVATIONS) {
    it(`applyAndDerivative (the fused fast path) equals apply and its tf.grad derivative (${activation})`, () => {
      const ops = activationOps[activation];
      // Scaled so the values straddle 0 and reach the saturated tails of sigmoid/tanh.
      const a = tf.tidy(() => tf.mul(3, normal(prngKey(1), [64, 8])));
      const [f, derivative] = ops.applyAndDerivative(a);
      const naive = ops.apply(a);
      const naiveDerivative = tf.grad((z: tf.Tensor) => tf.sum(ops.apply(z)))(a);
      expect(maxAbsDiff(f, naive)).toBeLessThan(1e-5);
      expect(maxAbsDiff(derivative, naiveDerivative)).toBeLessThan(1e-5);
      tf.dispose([a, f, derivative, naive, naiveDerivative]);
    });
  }

  for (const activation of ['swish', 'tanh'] as const) {
    it(`the fast derivative has the second derivative of the tape (${activation})`, () => {
      const ops = activationOps[activation];
      const a = tf.tidy(() => tf.mul(3, normal(prngKey(2), [32, 4])));
      const fast = tf.grad((z: tf.Tensor) => tf.sum(ops.applyAndDerivative(z)[1]))(a);
      const tape = tf.grad((z: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(ops.apply(y)))(z)))(a);
      expect(maxAbsDiff(fast, tape)).toBeLessThan(1e-4);
      tf.dispose([a, fast, tape]);
    });
  }
});
