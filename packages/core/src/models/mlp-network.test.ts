import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { prngKey } from '../key.js';
import { normal } from '../random.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { mlpNetwork } from './mlp-network.js';

describeBackends('mlpNetwork', () => {
  it('maps [N, ...inputShape] to [N, outputs] as f(x W_1 + b_1) W_2 + b_2, with Glorot-bounded kernels and named variables', () => {
    const net = mlpNetwork({ inputShape: [2, 3], outputs: 4, hidden: [5], activation: 'tanh', key: prngKey(1), name: 'net' });
    expect(net.variables.map((v) => v.name)).toEqual(['net/dense_0/kernel', 'net/dense_0/bias', 'net/dense_1/kernel', 'net/dense_1/bias']);
    expect(net.inputDim).toBe(6);
    const [w1, w2] = net.weights;
    expect(w1!.shape).toEqual([6, 5]);
    expect(w2!.shape).toEqual([5, 4]);
    expect(tf.tidy(() => tf.max(tf.abs(w1!)).dataSync()[0]!)).toBeLessThanOrEqual(Math.sqrt(6 / 11));
    const x = normal(prngKey(2), [7, 2, 3]);
    const out = net.apply(x);
    expect(out.shape).toEqual([7, 4]);
    // The same formula written out with plain ops (biases are zero at initialisation, set them to check them).
    net.biases[0]!.assign(tf.fill([5], 0.3));
    net.biases[1]!.assign(tf.fill([4], -0.2));
    const expected = tf.tidy(() => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(tf.reshape(x, [7, 6]), w1!), net.biases[0]!)), w2!), net.biases[1]!));
    const actual = net.apply(x);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]!)).toBeLessThan(1e-5);
    tf.dispose([x, out, expected, actual, ...net.variables]);
  });

  it('names a bad input shape or output count', () => {
    expect(() => mlpNetwork({ inputShape: [2], outputs: 0 })).toThrow(InvalidArgumentError);
    const net = mlpNetwork({ inputShape: [2], outputs: 3, hidden: [4] });
    const x = tf.zeros([5, 3]);
    expect(() => net.apply(x)).toThrow(ShapeError);
    tf.dispose([x, ...net.variables]);
  });

  it('leaks no tensor', () => {
    const net = mlpNetwork({ inputShape: [3], outputs: 2, hidden: [8] });
    const x = tf.ones([4, 3]);
    expectNoLeaks(() => net.apply(x).dispose(), 100);
    tf.dispose([x, ...net.variables]);
  });
});
