import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced } from './state.js';
import { describeBackends } from './testing/index.js';

describeBackends('disposeReplaced', () => {
  it('frees the tensors only the previous state holds and keeps the carried-over ones', () => {
    const logZ = tf.variable(tf.scalar(0));
    const oldChains = tf.zeros([4, 2]);
    const newChains = tf.ones([4, 2]);
    const previous = { chains: oldChains, logZ, history: [oldChains] };
    const next = { chains: newChains, logZ, history: [newChains] };
    disposeReplaced(previous, next);
    expect(oldChains.isDisposed).toBe(true);
    expect(logZ.isDisposed).toBe(false);
    expect(newChains.isDisposed).toBe(false);
    tf.dispose([logZ, newChains]);
  });
});
