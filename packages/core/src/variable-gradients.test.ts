import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeaks } from './testing/index.js';
import { variableGradients } from './variable-gradients.js';

describeBackends('variableGradients', () => {
  it('differentiates the loss and gives unreached variables a zero gradient', () => {
    const used = tf.variable(tf.tensor1d([1, 2]), true, 'vg/used');
    const unused = tf.variable(tf.tensor2d([[3]]), true, 'vg/unused');
    const { value, grads } = tf.tidy(() => variableGradients(() => tf.sum(tf.square(used)), [used, unused]));
    expect(value.dataSync()[0]).toBe(5);
    expect(Array.from(grads['vg/used']!.dataSync())).toEqual([2, 4]);
    expect(grads['vg/unused']!.arraySync()).toEqual([[0]]);
    expectNoLeaks(() => tf.tidy(() => void variableGradients(() => tf.sum(used), [used, unused])), 1000);
    tf.dispose([value, ...Object.values(grads), used, unused]);
  });
});
