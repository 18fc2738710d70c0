import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { prngKey } from '../key.js';
import { uniform } from '../random.js';
import { describeBackends, expectWithinStandardErrors } from '../testing/index.js';
import { metropolisHastingsStep } from './metropolis-hastings-step.js';

describeBackends('metropolisHastingsStep', () => {
  it('accepts with probability min(1, exp(E(x) - E(x\') + logCorrection)) and selects every field', () => {
    const n = 8000;
    // E(x) = 1, E(x') = 1 + log 2, correction log 0.8: alpha = 0.5 * 0.8 = 0.4.
    const current = { position: tf.zeros([n, 1]), energy: tf.fill([n], 1) as tf.Tensor1D, gradient: tf.zeros([n, 1]) };
    const [next, info] = metropolisHastingsStep(prngKey(3), current, (key) => {
      const position = tf.add(1, uniform(key, [n, 1]));
      return {
        proposed: { position, energy: tf.fill([n], 1 + Math.log(2)) as tf.Tensor1D, gradient: tf.ones([n, 1]) },
        logCorrection: tf.fill([n], Math.log(0.8)) as tf.Tensor1D,
      };
    });
    const rate = tf.tidy(() => tf.mean(tf.cast(info.isAccepted, 'float32')).dataSync()[0]!);
    expectWithinStandardErrors(rate, 0.4, Math.sqrt((0.4 * 0.6) / n), { label: 'acceptance' });
    expect(info.acceptanceRate.dataSync()[0]).toBeCloseTo(0.4, 4);
    // Accepted chains moved (x' >= 1) and took the proposal's gradient; the others kept both.
    const moved = tf.tidy(() => tf.cast(tf.greaterEqual(tf.squeeze(next.position, [1]), 1), 'float32').dataSync());
    expect(Array.from(moved)).toEqual(Array.from(info.isAccepted.dataSync()));
    expect(Array.from(tf.tidy(() => tf.squeeze(next.gradient, [1]).dataSync()))).toEqual(Array.from(moved));
    tf.dispose([...Object.values(current), ...Object.values(next), ...Object.values(info)]);
  });

  it('frees what the proposal allocated and names a proposal of the wrong shape', () => {
    const current = { position: tf.zeros([3, 2]), energy: tf.zeros([3]) as tf.Tensor1D };
    const before = tf.memory().numTensors;
    const wrong = () => metropolisHastingsStep(prngKey(0), current, () => ({ proposed: { position: tf.zeros([3, 3]), energy: tf.zeros([3]) as tf.Tensor1D } }));
    expect(wrong).toThrow(ShapeError);
    expect(wrong).toThrow(/^propose: must return a proposal of the position's shape \[3, 2\], got \[3, 3\]/);
    const wrongEnergy = () => metropolisHastingsStep(prngKey(0), current, () => ({ proposed: { position: tf.zeros([3, 2]), energy: tf.zeros([2]) as tf.Tensor1D } }));
    expect(wrongEnergy).toThrow(/^energy: must return one value per sample/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(current));
  });
});
