import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { prngKey } from '../key.js';
import { normal } from '../random.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { conv2d } from './conv2d.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Geometries with odd and even sizes, strides 1-3, padding 0-2, several channels. */
const GEOMETRIES = [
  { inputShape: [6, 5, 2], kernelSize: 3, stride: 1, padding: 1, filters: 4 },
  { inputShape: [7, 8, 3], kernelSize: 3, stride: 2, padding: 1, filters: 5 },
  { inputShape: [8, 8, 1], kernelSize: 5, stride: 2, padding: 2, filters: 3 },
  { inputShape: [9, 7, 2], kernelSize: 2, stride: 3, padding: 0, filters: 2 },
  { inputShape: [7, 6, 2], kernelSize: 3, stride: 2, padding: 2, filters: 3 },
] as const;

/** tf.conv2d with the same explicit padding: the reference (autodiff through tfjs's own kernels). */
function reference(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, stride: number, padding: number): tf.Tensor {
  const pad: [[0, 0], [number, number], [number, number], [0, 0]] = [[0, 0], [padding, padding], [padding, padding], [0, 0]];
  return tf.add(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, stride, pad), bias);
}

describeBackends('conv2d with hand-written gradients', () => {
  for (const g of GEOMETRIES) {
    const label = `${g.inputShape.join('x')}, k ${g.kernelSize}, stride ${g.stride}, padding ${g.padding}`;
    it(`equals tf.conv2d + bias (${label})`, () => {
      const layer = conv2d(g);
      const x = normal(prngKey(1), [3, ...g.inputShape]);
      const kernel = normal(prngKey(2), [g.kernelSize, g.kernelSize, g.inputShape[2], g.filters]);
      const bias = normal(prngKey(3), [g.filters]) as tf.Tensor1D;
      const ours = layer.apply(x, kernel, bias);
      const theirs = reference(x, kernel, bias, g.stride, g.padding);
      expect(ours.shape).toEqual(theirs.shape);
      expect(ours.shape.slice(1, 3)).toEqual([...layer.outputSize]);
      expect(maxAbsDiff(ours, theirs)).toBeLessThan(1e-4);
      tf.dispose([x, kernel, bias, ours, theirs]);
    });
  }

  it('pads explicitly: equals tf.conv2d on a pre-padded input with no padding', () => {
    const g = GEOMETRIES[4];
    const layer = conv2d(g);
    const x = normal(prngKey(4), [2, ...g.inputShape]);
    const kernel = normal(prngKey(5), [3, 3, 2, 3]);
    const bias = tf.zeros([3]) as tf.Tensor1D;
    const ours = layer.apply(x, kernel, bias);
    const padded = tf.conv2d(tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]]) as tf.Tensor4D, kernel as tf.Tensor4D, 2, 'valid');
    expect(maxAbsDiff(ours, padded)).toBeLessThan(1e-4);
    tf.dispose([x, kernel, bias, ours, padded]);
  });

  for (const g of GEOMETRIES) {
    const label = `${g.inputShape.join('x')}, k ${g.kernelSize}, stride ${g.stride}, padding ${g.padding}`;
    it(`inputGradient equals tf.grad through tf.conv2d (${label})`, () => {
      const layer = conv2d(g);
      const x = normal(prngKey(12), [2, ...g.inputShape]);
      const kernel = normal(prngKey(13), [g.kernelSize, g.kernelSize, g.inputShape[2], g.filters]);
      const dy = normal(prngKey(14), [2, ...layer.outputSize, g.filters]);
      const ours = layer.inputGradient(dy, kernel);
      const theirs = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(reference(z, kernel, tf.zeros([g.filters]), g.stride, g.padding), dy)))(x);
      expect(ours.shape).toEqual(theirs.shape);
      expect(maxAbsDiff(ours, theirs)).toBeLessThan(1e-4);
      tf.dispose([x, kernel, dy, ours, theirs]);
    });
  }

  it('leaks nothing over 200 forward and backward passes', () => {
    const layer = conv2d({ inputShape: [8, 8, 2], stride: 2 });
    const x = tf.ones([2, 8, 8, 2]);
    const kernel = tf.variable(tf.ones([3, 3, 2, 3]));
    const bias = tf.variable(tf.zeros([3])) as tf.Variable<tf.Rank.R1>;
    expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x, kernel, bias))) as tf.Scalar, [kernel, bias]);
      const dx = tf.grad((z: tf.Tensor) => tf.sum(layer.apply(z, kernel, bias)))(x);
      tf.dispose([value, dx, ...Object.values(grads)]);
    }, 200);
    tf.dispose([x, kernel, bias]);
  });

  it('rejects bad geometry and inputs naming the argument', () => {
    expect(() => conv2d({ inputShape: [8, 8] as never })).toThrow(/inputShape/);
    expect(() => conv2d({ inputShape: [8, 8, 1], stride: 0 })).toThrow(/stride/);
    expect(() => conv2d({ inputShape: [2, 2, 1], kernelSize: 5, padding: 0 })).toThrow(/kernelSize/);
    const layer = conv2d({ inputShape: [4, 4, 1] });
    const x = tf.ones([2, 4, 4, 2]);
    const kernel = tf.ones([3, 3, 1, 2]);
    expect(() => layer.apply(x, kernel, tf.zeros([2]))).toThrow(/x: has per-sample shape \[4, 4, 2\]/);
    const good = tf.ones([2, 4, 4, 1]);
    expect(() => layer.apply(good, tf.ones([3, 3, 2, 2]), tf.zeros([2]))).toThrow(/kernel: must have shape \[3, 3, 1, F\]/);
    expect(() => layer.inputGradient(tf.ones([2, 4, 4, 3]), kernel)).toThrow(/dy: has per-sample shape \[4, 4, 3\]/);
    expect(() => conv2d({ inputShape: [8, 8, 1], kernelSize: 3, padding: 3 })).toThrow(/padding/);
    tf.dispose([x, kernel, good]);
  });
});

// tfjs wasm has no Conv2DBackpropFilter kernel, so the autodiff reference runs on cpu.
describeBackends(
  'conv2d gradients against tf.conv2d autodiff',
  () => {
    for (const g of GEOMETRIES) {
      const label = `${g.inputShape.join('x')}, k ${g.kernelSize}, stride ${g.stride}, padding ${g.padding}`;
      it(`first derivatives in x, kernel and bias (${label})`, () => {
        const layer = conv2d(g);
        const x = normal(prngKey(6), [3, ...g.inputShape]);
        const kernel = normal(prngKey(7), [g.kernelSize, g.kernelSize, g.inputShape[2], g.filters]);
        const bias = normal(prngKey(8), [g.filters]);
        // A nonlinear loss, so the upstream gradient differs per output element.
        const loss = (f: (x: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (xs: tf.Tensor, ks: tf.Tensor, bs: tf.Tensor) =>
          tf.sum(tf.square(tf.sin(f(xs, ks, bs))));
        const ours = tf.grads(loss((xs, ks, bs) => layer.apply(xs, ks, bs as tf.Tensor1D)))([x, kernel, bias]);
        const theirs = tf.grads(loss((xs, ks, bs) => reference(xs, ks, bs, g.stride, g.padding)))([x, kernel, bias]);
        ours.forEach((grad, i) => {
          expect(grad.shape).toEqual(theirs[i]!.shape);
          expect(maxAbsDiff(grad, theirs[i]!)).toBeLessThan(1e-3);
        });
        tf.dispose([x, kernel, bias, ...ours, ...theirs]);
      });
    }

    it('second derivatives: d/dkernel of |dL/dx|^2 matches tf.conv2d', () => {
      const g = GEOMETRIES[1];
      const layer = conv2d(g);
      const x = normal(prngKey(9), [2, ...g.inputShape]);
      const kernel = normal(prngKey(10), [g.kernelSize, g.kernelSize, g.inputShape[2], g.filters]);
      const bias = normal(prngKey(11), [g.filters]);
      const secondOrder = (f: (x: tf.Tensor, k: tf.Tensor) => tf.Tensor) =>
        tf.grad((ks: tf.Tensor) => tf.sum(tf.square(tf.grad((xs: tf.Tensor) => tf.sum(tf.sin(f(xs, ks))))(x))))(kernel);
      const ours = secondOrder((xs, ks) => layer.apply(xs, ks, bias as tf.Tensor1D));
      const theirs = secondOrder((xs, ks) => reference(xs, ks, bias, g.stride, g.padding));
      expect(maxAbsDiff(ours, theirs)).toBeLessThan(1e-3 * Math.max(1, tf.tidy(() => tf.max(tf.abs(theirs)).dataSync()[0]!)));
      tf.dispose([x, kernel, bias, ours, theirs]);
    });
  },
  ['cpu'],
);
