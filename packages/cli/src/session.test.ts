import * as tf from '@tensorflow/tfjs';
import { describeBackends } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { validateConfig } from './config.js';
import { buildOptimizer } from './session.js';

/** The change of a scalar variable at each of `updates` optimizer updates with gradient 1. */
function stepsTaken(optimizer: tf.Optimizer, updates: number): number[] {
  const v = tf.variable(tf.scalar(0), true, `lr-test-${Math.random()}`);
  const taken: number[] = [];
  for (let t = 0; t < updates; t++) {
    const before = v.dataSync()[0]!;
    tf.tidy(() => optimizer.applyGradients([{ name: v.name, tensor: tf.scalar(1) }]));
    taken.push(v.dataSync()[0]! - before);
  }
  optimizer.dispose();
  v.dispose();
  return taken;
}

describeBackends('buildOptimizer', () => {
  it('cosine decays the learning rate from learningRate to 0 over the run; constant keeps it', () => {
    const cosine = stepsTaken(buildOptimizer(validateConfig({ optimizer: 'sgd', learningRate: 0.01, steps: 4, lrSchedule: 'cosine' })), 5);
    const expected = [0, 1, 2, 3, 4].map((t) => -0.01 * (1 + Math.cos((Math.PI * t) / 4)) / 2);
    cosine.forEach((step, t) => expect(step).toBeCloseTo(expected[t]!, 7));
    const constant = stepsTaken(buildOptimizer(validateConfig({ optimizer: 'sgd', learningRate: 0.01, steps: 4, lrSchedule: 'constant' })), 5);
    constant.forEach((step) => expect(step).toBeCloseTo(-0.01, 7));
  });

  it.each(['adam', 'sgd', 'rmsprop'] as const)('%s follows the schedule: it moves until step T and stands still at T', (name) => {
    const taken = stepsTaken(buildOptimizer(validateConfig({ optimizer: name, learningRate: 0.1, steps: 3 })), 4);
    expect(taken.slice(0, 3).every((step) => step < 0)).toBe(true);
    expect(taken[3]).toBe(0);
  });
});
