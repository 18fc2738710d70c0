import * as tf from '@tensorflow/tfjs';
import { describeBackends } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { validateConfig } from './config.js';
import { buildOptimizer, learningRateAt, setLearningRate } from './session.js';

describeBackends('learning-rate schedule', () => {
  it('cosine decays from learningRate to 0 over the run; constant stays', () => {
    const cosine = validateConfig({ learningRate: 0.01, steps: 100, lrSchedule: 'cosine' });
    expect(learningRateAt(cosine, 0)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(cosine, 50)).toBeCloseTo(0.005, 12);
    expect(learningRateAt(cosine, 100)).toBeCloseTo(0, 12);
    const constant = validateConfig({ learningRate: 0.01, steps: 100, lrSchedule: 'constant' });
    expect(learningRateAt(constant, 70)).toBe(0.01);
  });

  it.each(['adam', 'sgd', 'rmsprop'] as const)('setLearningRate changes the step %s takes', (name) => {
    const optimizer = buildOptimizer(validateConfig({ optimizer: name, learningRate: 1 }));
    const v = tf.variable(tf.scalar(0), true, `lr-test-${name}`);
    const step = (): number => {
      const before = v.dataSync()[0]!;
      optimizer.applyGradients([{ name: v.name, tensor: tf.scalar(1) }]);
      return v.dataSync()[0]! - before;
    };
    const first = step();
    setLearningRate(optimizer, 0);
    expect(step()).toBe(0);
    expect(first).toBeLessThan(0);
    optimizer.dispose();
    v.dispose();
  });
});
