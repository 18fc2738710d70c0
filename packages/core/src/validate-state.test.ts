import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { ShapeError } from './errors.js';
import { describeBackends } from './testing/index.js';
import { assertCachedShape } from './validate-state.js';

describeBackends('assertCachedShape', () => {
  it('accepts a tensor of exactly the shape and names the argument and the sampler otherwise', () => {
    const energy = tf.zeros([3]);
    expect(() => assertCachedShape('state.energy', energy, [3], 'hmc')).not.toThrow();
    expect(() => assertCachedShape('state.energy', undefined, [3], 'hmc')).toThrow(ShapeError);
    expect(() => assertCachedShape('state.energy', undefined, [3], 'hmc')).toThrow(/^state.energy: is missing.*hmc\(\.\.\.\)\.init/);
    expect(() => assertCachedShape('state.energy', energy, [4], 'hmc')).toThrow(/^state.energy: has shape \[3\] but the position needs \[4\]/);
    expect(() => assertCachedShape('state.gradient', energy, [3, 1], 'mala')).toThrow(/^state.gradient: has shape \[3\].*\[3, 1\].*mala/);
    energy.dispose();
  });
});
