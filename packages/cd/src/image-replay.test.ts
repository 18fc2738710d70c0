/**
 * The short-run SGLD recipe on images (Du & Mordatch 2019): a convolutional energy, Langevin
 * negatives with a clipped gradient, a separate small noise scale and a clamp to [0, 1], started
 * from a replay buffer with restarts from uniform noise. Memory and the objective contract on
 * image-shaped batches, and that the buffer fills with the chains' images.
 */
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, disposeState, prngKey, uniform, uniformDistribution } from '@ebm/core';
import { convEnergy } from '@ebm/core/models';
import { describeBackends, expectObjectiveContract, expectObjectiveNoLeaks, expectSamplerNoLeaks } from '@ebm/core/testing';
import { langevin } from '@ebm/mcmc-langevin';
import { expect, it } from 'vitest';
import { contrastiveDivergence } from './contrastive-divergence.js';

const eventShape = [8, 8, 1];
const sgld = () => langevin({ stepSize: 10, noiseScale: 0.005, gradClip: 0.01, clamp: [0, 1] });
const replay = () =>
  contrastiveDivergence({
    sampler: sgld(),
    k: 3,
    init: 'replay',
    alpha: 0.1,
    bufferSize: 32,
    noise: uniformDistribution({ eventShape, low: 0, high: 1 }),
  });

describeBackends('short-run SGLD with a replay buffer on a conv energy', () => {
  it('a Langevin step on the conv energy leaks nothing', () => {
    const model = convEnergy({ inputShape: eventShape, channels: [3, 4], hidden: [5] });
    const init = uniform(prngKey(1), [6, ...eventShape], 0, 1);
    expectSamplerNoLeaks(sgld(), { energy: model.energy, init, iterations: 200 });
    tf.dispose([init, ...model.variables]);
  });

  it('a training step leaks nothing and keeps the objective contract (no device reads, fresh state)', async () => {
    const model = convEnergy({ inputShape: eventShape, channels: [3], hidden: [] });
    const batch = uniform(prngKey(2), [8, ...eventShape], 0, 1);
    expectObjectiveNoLeaks(replay(), { model, batch, iterations: 100 });
    await expectObjectiveContract(replay(), { model, batch });
    tf.dispose([batch, ...model.variables]);
  });

  it('fills the buffer with clamped chain images, oldest first', () => {
    const model = convEnergy({ inputShape: eventShape, channels: [3], hidden: [] });
    const batch = uniform(prngKey(3), [8, ...eventShape], 0, 1);
    const objective = replay();
    let state = objective.init(model, prngKey(4));
    for (let i = 0; i < 5; i++) {
      const step = objective.gradients(model, batch, state, prngKey(10 + i));
      tf.dispose([step.loss, step.grads, step.metrics]);
      disposeReplaced(state, step.state);
      state = step.state;
    }
    expect(state.replay!.count).toBe(40);
    expect(state.replay!.buffer.shape).toEqual([32, ...eventShape]);
    const [min, max] = tf.tidy(() => [tf.min(state.replay!.buffer).dataSync()[0]!, tf.max(state.replay!.buffer).dataSync()[0]!]);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    disposeState(state);
    tf.dispose([batch, ...model.variables]);
  });
});
