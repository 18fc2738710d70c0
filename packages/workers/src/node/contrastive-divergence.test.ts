import * as tf from '@tensorflow/tfjs';
import { contrastiveDivergence } from '@ebm/cd';
import { type ChainRunner, disposeState, foldIn, normal, prngKey, runChain } from '@ebm/core';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends } from '@ebm/core/testing';
import { fit } from '@ebm/core/train';
import { mala } from '@ebm/mcmc-langevin';
import { expect, it } from 'vitest';
import { chainBlocks } from '../chain-blocks.js';
import { workerChains } from './worker-chains.js';

const BLOCKS = 2;
const STEP_SIZE = 0.1;

/** The pool's rule run in this thread: block b of the chains runs core runChain with key foldIn(key, b). */
const blocksHere: ChainRunner = {
  name: 'blocks-here',
  runChains: async (model, start, { key, numSteps }) => {
    const sampler = mala({ stepSize: STEP_SIZE });
    const runs = chainBlocks(start.shape[0]!, BLOCKS).map((block) => {
      const rows = tf.slice(start, block.begin, block.size);
      const run = runChain(sampler, sampler.init(rows, model.energy, { check: false }), { energy: model.energy, key: foldIn(key, block.index), numSteps });
      rows.dispose();
      return { run, size: block.size };
    });
    const position = tf.concat(runs.map((r) => r.run.state.position));
    const acceptanceRate = tf.tidy(() => tf.div(tf.addN(runs.map((r) => tf.mul(r.run.meanInfo.acceptanceRate!, r.size))), start.shape[0]!) as tf.Scalar);
    disposeState(runs.map((r) => [r.run.state, r.run.meanInfo]));
    return { position, meanInfo: { acceptanceRate } };
  },
};

describeBackends('persistent contrastive divergence with chains in worker threads', (backend) => {
  if (backend !== 'cpu' && backend !== 'wasm') return;
  it('trains the same with 1 and 2 workers, and as with the blocks run in this thread', async () => {
    const data = tf.tidy(() => tf.add(normal(prngKey(0), [32, 2]), 1));
    const train = async (runner: ChainRunner) => {
      const model = gaussianEnergy({ dim: 2 });
      const objective = contrastiveDivergence({ sampler: mala({ stepSize: STEP_SIZE }), k: 3, init: 'persistent', runner });
      const result = await fit(model, objective, data, { optimizer: tf.train.sgd(0.05), steps: 4, batchSize: 16, key: prngKey(1) });
      const outcome = { losses: result.losses, acceptance: result.metrics.map((m) => m.acceptanceRate), weights: model.variables.map((v) => v.arraySync()), chains: result.state.chains!.arraySync() };
      disposeState([result.state, model.variables]);
      return outcome;
    };
    const pools = await Promise.all(
      [1, 2].map((workers) =>
        workerChains({
          workers,
          blocks: BLOCKS,
          backend,
          model: { module: '@ebm/core/models', export: 'gaussianEnergy', options: { dim: 2 } },
          sampler: { module: '@ebm/mcmc-langevin', export: 'mala', options: { stepSize: STEP_SIZE } },
        }),
      ),
    );
    try {
      const [one, two] = [await train(pools[0]!), await train(pools[1]!)];
      const here = await train(blocksHere);
      expect(two.losses).toEqual(one.losses);
      expect(two.chains).toEqual(one.chains);
      expect(two.weights).toEqual(one.weights);
      expect(one.losses).toEqual(here.losses);
      expect(one.chains).toEqual(here.chains);
      expect(one.weights).toEqual(here.weights);
      // The mean acceptance is averaged in float64 in the pool and float32 here.
      one.acceptance.forEach((a, i) => expect(a).toBeCloseTo(here.acceptance[i]!, 6));
      expect(one.losses.every(Number.isFinite)).toBe(true);
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
      data.dispose();
    }
  });
});
