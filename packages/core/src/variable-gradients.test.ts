import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeaks } from './testing/index.js';
import { variableGradients } from './variable-gradients.js';

describeBackends('variableGradients', () => {
  it('differentiates the loss and gives unreached variables a zero gradient', () => {
    const used = tf.variable(tf.tensor1d([1, 2]), true, 'vg/used');
    const unused = tf.variable(tf.tensor2d([[3]]), true, 'vg/unused');
    const { value, grads } = tf.tidy(() => variableGradients(() => tf.sum(tf.square(used)) as tf.Scalar, [used, unused]));
    expect(value.dataSync()[0]).toBe(5);
    expect(Array.from(grads['vg/used']!.dataSync())).toEqual([2, 4]);
    expect(grads['vg/unused']!.arraySync()).toEqual([[0]]);
    expectNoLeaks(() => tf.tidy(() => void variableGradients(() => tf.sum(used) as tf.Scalar, [used, unused])), 1000);
    tf.dispose([value, ...Object.values(grads), used, unused]);
  });

  it('leaks nothing when the loss throws after recording ops on the tape (a model given rows of the wrong width)', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'vg/throws');
    const failing = () =>
      variableGradients(() => {
        // tf.mul keeps its inputs for the backward pass: before the fix these leaked once per call.
        tf.mul(w, w);
        throw new Error('rows of the wrong width');
      }, [w]);
    expect(failing).toThrow(/^rows of the wrong width$/);
    expectNoLeaks(() => expect(failing).toThrow(/^rows of the wrong width$/), 100);
    expectNoLeaks(() => expect(() => tf.tidy(failing)).toThrow(/^rows of the wrong width$/), 100);
    const { value, grads } = tf.tidy(() => variableGradients(() => tf.sum(tf.square(w)) as tf.Scalar, [w]));
    expect(Array.from(grads['vg/throws']!.dataSync())).toEqual([2, 4]);
    tf.dispose([value, ...Object.values(grads), w]);
  });
});

describeBackends('variableGradients with aux', () => {
  it('returns auxiliary tensors from the loss, undifferentiated, owned by the caller scope, leaking nothing', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'vg/aux');
    const run = () =>
      variableGradients(() => {
        const square = tf.square(w);
        const loss = tf.sum(square) as tf.Scalar;
        // An aux tensor may be the loss itself.
        return { loss, aux: { total: tf.sum(w) as tf.Scalar, squares: square, loss } };
      }, [w]);
    const { value, grads, aux } = tf.tidy(run);
    expect(value.dataSync()[0]).toBe(5);
    expect(Array.from(grads['vg/aux']!.dataSync())).toEqual([2, 4]);
    expect(aux.total.dataSync()[0]).toBe(3);
    expect(Array.from(aux.squares.dataSync())).toEqual([1, 4]);
    expect(aux.loss.dataSync()[0]).toBe(5);
    expect(value.dataSync()[0]).toBe(5);
    expectNoLeaks(() => tf.tidy(() => void run()), 1000);
    tf.dispose([value, ...Object.values(grads), ...Object.values(aux), w]);
  });

  it('frees the aux tensors when tfjs refuses the loss (no variable reaches it)', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'vg/unreached');
    const before = tf.memory().numTensors;
    const unconnected = () => variableGradients(() => ({ loss: tf.scalar(1), aux: { total: tf.sum(tf.ones([3])) as tf.Scalar } }), [w]);
    expect(() => tf.tidy(unconnected)).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
