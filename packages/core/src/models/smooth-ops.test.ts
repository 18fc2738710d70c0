import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { describeBackends } from '../testing/index.js';
import { sigmoid, softplus, tanh } from './smooth-ops.js';

const X = [-2.5, -0.3, 0.7, 3];
const s = (t: number) => 1 / (1 + Math.exp(-t));

/** d^order f / dx^order at each point of X, by nested tf.grad. */
function derivative(f: (x: tf.Tensor) => tf.Tensor, order: number): number[] {
  let g: (x: tf.Tensor) => tf.Tensor = (x) => tf.sum(f(x));
  for (let k = 0; k < order; k++) {
    const inner = g;
    g = k === order - 1 ? tf.grad(inner) : (x) => tf.sum(tf.grad(inner)(x));
  }
  return tf.tidy(() => Array.from(g(tf.tensor1d(X)).dataSync()));
}

const closedForms: Record<string, [(x: tf.Tensor) => tf.Tensor, ((t: number) => number)[]]> = {
  sigmoid: [sigmoid, [(t) => s(t), (t) => s(t) * (1 - s(t)), (t) => s(t) * (1 - s(t)) * (1 - 2 * s(t)), (t) => s(t) * (1 - s(t)) * (1 - 6 * s(t) + 6 * s(t) ** 2)]],
  tanh: [tanh, [(t) => Math.tanh(t), (t) => 1 - Math.tanh(t) ** 2, (t) => -2 * Math.tanh(t) * (1 - Math.tanh(t) ** 2), (t) => (1 - Math.tanh(t) ** 2) * (6 * Math.tanh(t) ** 2 - 2)]],
  softplus: [softplus, [(t) => Math.log1p(Math.exp(t)), (t) => s(t), (t) => s(t) * (1 - s(t)), (t) => s(t) * (1 - s(t)) * (1 - 2 * s(t))]],
};

describeBackends('smooth ops', () => {
  for (const [name, [f, forms]] of Object.entries(closedForms)) {
    it(`${name}: value and first three derivatives match the closed forms`, () => {
      tf.tidy(() => {
        const values = Array.from(f(tf.tensor1d(X)).dataSync());
        values.forEach((v, i) => expect(v).toBeCloseTo(forms[0]!(X[i]!), 5));
      });
      for (let order = 1; order <= 3; order++) {
        derivative(f, order).forEach((d, i) => expect(d).toBeCloseTo(forms[order]!(X[i]!), 4));
      }
    });
  }

  it('documents the tfjs defect they work around: tf.sigmoid cannot be differentiated twice', () => {
    expect(() => derivative(tf.sigmoid, 2)).toThrow(/Cannot compute gradient/);
  });
});
