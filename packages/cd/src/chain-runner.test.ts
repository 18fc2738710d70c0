import * as tf from '@tensorflow/tfjs';
import {
  type ChainRunner,
  type ChainState,
  InvalidArgumentError,
  type Sampler,
  type StepInfo,
  countDeviceReads,
  disposeReplaced,
  disposeState,
  normal,
  prngKey,
  runChain,
} from '@ebm/core';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends, expectNoLeaksAsync, expectObjectiveContract } from '@ebm/core/testing';
import { fit } from '@ebm/core/train';
import { mala } from '@ebm/mcmc-langevin';
import { expect, it } from 'vitest';
import { type ChainInit, contrastiveDivergence } from './contrastive-divergence.js';

/**
 * A chain runner in this thread that runs exactly what cd runs without one (core runChain on the
 * whole batch, no start check, the key as given), so cd must give the same numbers with and without it.
 */
function sameThreadRunner<S extends ChainState, I extends StepInfo>(sampler: Sampler<S, I>, calls: { count: number }): ChainRunner {
  return {
    name: 'same-thread',
    runChains: async (model, start, { key, numSteps }) => {
      calls.count += 1;
      const { state, meanInfo } = runChain(sampler, sampler.init(start, model.energy, { check: false }), { energy: model.energy, key, numSteps });
      const { position, ...cached } = state;
      disposeState(cached);
      return { position, meanInfo };
    },
  };
}

describeBackends('contrastiveDivergence with a chain runner', () => {
  for (const init of ['data', 'persistent', 'replay'] as ChainInit[]) {
    it(`trains exactly as without one under fit (${init} chains), the chains run by the runner`, async () => {
      const data = tf.tidy(() => normal(prngKey(0), [32, 2]));
      const train = async (withRunner: boolean) => {
        const model = gaussianEnergy({ dim: 2 });
        const sampler = mala({ stepSize: 0.1 });
        const calls = { count: 0 };
        const objective = contrastiveDivergence({ sampler, k: 3, init, bufferSize: 64, ...(withRunner ? { runner: sameThreadRunner(sampler, calls) } : {}) });
        const result = await fit(model, objective, data, { optimizer: tf.train.sgd(0.05), steps: 4, batchSize: 16, key: prngKey(1) });
        const weights = model.variables.map((v) => v.arraySync());
        const chains = result.state.chains?.arraySync() ?? result.state.replay?.buffer.arraySync();
        disposeState([result.state, model.variables]);
        return { losses: result.losses, metrics: result.metrics, weights, chains, calls: calls.count };
      };
      const [without, withRunner] = [await train(false), await train(true)];
      expect(withRunner.calls).toBe(4);
      expect(withRunner.losses).toEqual(without.losses);
      expect(withRunner.metrics).toEqual(without.metrics);
      expect(withRunner.metrics[0]!.acceptanceRate).toBeGreaterThan(0);
      expect(withRunner.weights).toEqual(without.weights);
      expect(withRunner.chains).toEqual(without.chains);
      data.dispose();
    });
  }

  it('gradients reads nothing from the device, needs prepare first, and the loop leaks nothing', async () => {
    const model = gaussianEnergy({ dim: 2 });
    const sampler = mala({ stepSize: 0.1 });
    const objective = contrastiveDivergence({ sampler, k: 2, init: 'replay', bufferSize: 32, runner: sameThreadRunner(sampler, { count: 0 }) });
    const batch = tf.tidy(() => normal(prngKey(2), [8, 2]));
    const optimizer = tf.train.sgd(0.01);
    let state = objective.init(model, prngKey(3));
    expect(() => objective.gradients(model, batch, state, prngKey(4))).toThrow(InvalidArgumentError);
    await expectNoLeaksAsync(async (i) => {
      const prepared = await objective.prepare!(model, batch, state, prngKey(i));
      disposeReplaced(state, prepared);
      state = prepared;
      let step: ReturnType<typeof objective.gradients> | undefined;
      expect(await countDeviceReads(() => (step = objective.gradients(model, batch, state, prngKey(i))))).toBe(0);
      optimizer.applyGradients(model.variables.map((v) => ({ name: v.name, tensor: step!.grads[v.name]! })));
      tf.dispose([step!.loss, step!.grads, step!.metrics]);
      disposeReplaced(state, step!.state);
      state = step!.state;
    }, 5);
    disposeState([state, batch, model.variables]);
    optimizer.dispose();
  });

  it('passes the objective contract (prepare awaited before each gradients call)', async () => {
    const model = gaussianEnergy({ dim: 2 });
    const sampler = mala({ stepSize: 0.1 });
    const batch = tf.tidy(() => normal(prngKey(5), [8, 2]));
    for (const init of ['data', 'persistent', 'replay'] as ChainInit[]) {
      await expectObjectiveContract(contrastiveDivergence({ sampler, k: 2, init, bufferSize: 32, runner: sameThreadRunner(sampler, { count: 0 }) }), { model, batch });
    }
    disposeState([batch, model.variables]);
  });

  it('keeps one persistent chain per row of the first batch when later batches are smaller, and checks the batch of the other modes', async () => {
    const model = gaussianEnergy({ dim: 2 });
    const sampler = mala({ stepSize: 0.1 });
    const [big, small] = [tf.tidy(() => normal(prngKey(6), [8, 2])), tf.tidy(() => normal(prngKey(7), [4, 2]))];
    const step = async (objective: ReturnType<typeof contrastiveDivergence>, state: ReturnType<typeof objective.init>, batch: tf.Tensor, seed: number) => {
      const prepared = await objective.prepare!(model, batch, state, prngKey(seed));
      disposeReplaced(state, prepared);
      const result = objective.gradients(model, batch, prepared, prngKey(seed));
      tf.dispose([result.loss, result.grads, result.metrics]);
      disposeReplaced(prepared, result.state);
      return result.state;
    };
    const persistent = contrastiveDivergence({ sampler, k: 1, init: 'persistent', runner: sameThreadRunner(sampler, { count: 0 }) });
    let state = await step(persistent, persistent.init(model, prngKey(0)), big, 1);
    state = await step(persistent, state, small, 2);
    expect(state.chains!.shape).toEqual([8, 2]);
    disposeState(state);
    const data = contrastiveDivergence({ sampler, k: 1, runner: sameThreadRunner(sampler, { count: 0 }) });
    const prepared = await data.prepare!(model, big, data.init(model, prngKey(0)), prngKey(3));
    expect(() => data.gradients(model, small, prepared, prngKey(3))).toThrow(/8 prepared negatives for a batch of 4 rows/);
    disposeState([prepared, big, small, model.variables]);
  });

  it('refuses a runner that is not one', () => {
    expect(() => contrastiveDivergence({ sampler: mala({ stepSize: 0.1 }), runner: {} as ChainRunner })).toThrow(/runner: must be a ChainRunner/);
  });
});
