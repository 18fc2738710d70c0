import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  type EnergyModel,
  EnvironmentError,
  InvalidArgumentError,
  NonFiniteError,
  disposeState,
  foldIn,
  prngKey,
  readScalarsSync,
  runChain,
  sampleChain,
} from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { describeBackends, expectNoLeaksAsync } from '@ebm/core/testing';
import { mala } from '@ebm/mcmc-langevin';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { chainBlocks } from '../chain-blocks.js';
import { type WorkerChains, type WorkerChainsOptions, workerChains } from './worker-chains.js';
import { WorkerError } from '../worker-error.js';

/** A tiny MLP energy (2-8-8-1) and MALA: the sampler reports an acceptance rate to average. */
const MODEL_OPTIONS = { inputShape: [2], hidden: [8, 8], key: prngKey(3) };
const STEP_SIZE = 0.05;
const spec = (backend: 'cpu' | 'wasm', workers: number, blocks: number): WorkerChainsOptions => ({
  workers,
  blocks,
  backend,
  model: { module: '@ebm/core/models', export: 'mlpEnergy', options: MODEL_OPTIONS },
  sampler: { module: '@ebm/mcmc-langevin', export: 'mala', options: { stepSize: STEP_SIZE } },
});

/** Every block as its own core sampleChain in this thread, joined as the pool joins them. */
function sampleBlocksHere(model: EnergyModel, init: tf.Tensor, blocks: number, options: { numSteps: number; burnIn: number; thin: number }) {
  const parts = chainBlocks(init.shape[0]!, blocks).map((block) => {
    const start = tf.slice(init, block.begin, block.size);
    const result = sampleChain(mala({ stepSize: STEP_SIZE }), { energy: model.energy, init: start, key: foldIn(prngKey(7), block.index), ...options });
    start.dispose();
    return { block, result };
  });
  const samples = tf.concat(parts.map((p) => p.result.samples), 1);
  const finalPosition = tf.concat(parts.map((p) => p.result.finalState.position));
  const acceptance = parts.reduce((sum, p) => sum + p.block.size * p.result.acceptanceRate!, 0) / init.shape[0]!;
  const values = { samples: samples.arraySync(), finalPosition: finalPosition.arraySync(), acceptance };
  disposeState([samples, finalPosition, parts.map((p) => [p.result.samples, p.result.finalState])]);
  return values;
}

describeBackends('workerChains', (backend) => {
  if (backend !== 'cpu' && backend !== 'wasm') return;
  let model: EnergyModel;
  let one: WorkerChains;
  let two: WorkerChains;
  beforeAll(async () => {
    model = mlpEnergy(MODEL_OPTIONS);
    [one, two] = await Promise.all([workerChains(spec(backend, 1, 3)), workerChains(spec(backend, 2, 3))]);
  });
  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    tf.dispose([...model.variables]);
  });

  it('gives the same samples with 1 and 2 workers, bitwise, and equals the blocks run in this thread', async () => {
    // 7 chains in 3 blocks of 3, 2 and 2: uneven blocks, and worker 0 of two runs blocks 0 and 2.
    const init = tf.tidy(() => tf.mul(tf.randomNormal([7, 2], 0, 1, 'float32', 11), 2));
    const options = { numSteps: 6, burnIn: 2, thin: 2 };
    const [a, b] = await Promise.all([
      one.sampleChain({ init, key: prngKey(7), model, ...options }),
      two.sampleChain({ init, key: prngKey(7), model, ...options }),
    ]);
    const here = sampleBlocksHere(model, init, 3, options);
    expect(a.samples!.shape).toEqual([3, 7, 2]);
    expect(a.samples!.arraySync()).toEqual(b.samples!.arraySync());
    expect(a.finalPosition.arraySync()).toEqual(b.finalPosition.arraySync());
    expect(a.acceptanceRate).toBe(b.acceptanceRate);
    // Same code and backend in both threads: bitwise equal to the blocks run here.
    expect(a.samples!.arraySync()).toEqual(here.samples);
    expect(a.finalPosition.arraySync()).toEqual(here.finalPosition);
    expect(a.acceptanceRate).toBeCloseTo(here.acceptance, 12);
    expect(a.acceptanceRate).toBeGreaterThan(0);
    disposeState([init, a.samples, a.finalPosition, b.samples, b.finalPosition]);
  });

  it('runChains equals core runChain on each block with key foldIn(key, b), and follows the model weights', async () => {
    const init = tf.tidy(() => tf.randomNormal([6, 2], 0, 1, 'float32', 5));
    const expectBlocksHere = async (pool: WorkerChains) => {
      const { position, meanInfo } = await pool.runChains(model, init, { key: prngKey(9), numSteps: 4 });
      const parts = chainBlocks(6, 3).map((block) => {
        const sampler = mala({ stepSize: STEP_SIZE });
        const start = tf.slice(init, block.begin, block.size);
        const run = runChain(sampler, sampler.init(start, model.energy, { check: false }), { energy: model.energy, key: foldIn(prngKey(9), block.index), numSteps: 4 });
        start.dispose();
        const rate = readScalarsSync(run.meanInfo).acceptanceRate!;
        const rows = run.state.position.arraySync() as number[][];
        disposeState([run.state, run.meanInfo]);
        return { rows, rate, size: block.size };
      });
      expect(position.arraySync()).toEqual(parts.flatMap((p) => p.rows));
      expect(readScalarsSync(meanInfo).acceptanceRate).toBeCloseTo(parts.reduce((s, p) => s + p.size * p.rate, 0) / 6, 6);
      const rows = position.arraySync();
      disposeState([position, meanInfo]);
      return rows;
    };
    const before = await expectBlocksHere(two);
    // New weights in this thread (as an optimizer step would assign them) reach the workers.
    const saved = model.variables.map((v) => tf.clone(v));
    model.variables.forEach((v) => v.assign(tf.tidy(() => tf.mul(v, 1.5))));
    const after = await expectBlocksHere(two);
    expect(after).not.toEqual(before);
    model.variables.forEach((v, i) => v.assign(saved[i]!));
    tf.dispose([init, saved]);
  });

  it('leaves no tensors behind in the calling thread over repeated calls', async () => {
    const init = tf.tidy(() => tf.randomNormal([6, 2], 0, 1, 'float32', 2));
    await expectNoLeaksAsync(async (i) => {
      const run = await two.runChains(model, init, { key: prngKey(i), numSteps: 2 });
      disposeState([run.position, run.meanInfo]);
      const sampled = await two.sampleChain({ init, key: prngKey(i), numSteps: 4, model });
      disposeState([sampled.samples, sampled.finalPosition]);
    }, 5);
    init.dispose();
  });

  it('rejects a non-finite start with NonFiniteError carrying the worker message, and closes the pool', async () => {
    const pool = await workerChains(spec(backend, 2, 2));
    const init = tf.tensor2d([[0, 0], [Number.NaN, 1], [1, 1]]);
    const failed = pool.sampleChain({ init, key: prngKey(0), numSteps: 2 });
    await expect(failed).rejects.toThrow(NonFiniteError);
    await expect(failed).rejects.toThrow(/raised in chain worker 0/);
    await expect(pool.sampleChain({ init, key: prngKey(0), numSteps: 2 })).rejects.toThrow(/pool is closed/);
    await pool.close();
    init.dispose();
  });
});

describeBackends(
  'workerChains errors',
  () => {
    it('names a module the worker cannot import, and a missing export', async () => {
      const bad = spec('cpu', 2, 2);
      const missing = workerChains({ ...bad, model: { module: '@ebm/no-such-package', export: 'mlpEnergy' } });
      await expect(missing).rejects.toThrow(InvalidArgumentError);
      await expect(missing).rejects.toThrow(/model\.module: cannot import '@ebm\/no-such-package'/);
      await expect(workerChains({ ...bad, sampler: { module: '@ebm/mcmc-langevin', export: 'nosuch' } })).rejects.toThrow(/sampler\.export: 'nosuch' is not a function/);
    });

    it('rejects with a WorkerError that carries a throwing model\'s message', async () => {
      const module = fileURLToPath(new URL('../../test-fixtures/throwing-model.mjs', import.meta.url));
      const pool = await workerChains({ ...spec('cpu', 2, 2), model: { module, export: 'throwingModel', options: { message: 'energy exploded' } } });
      const init = tf.zeros([4, 2]);
      const failed = pool.runChains({ energy: (x) => tf.sum(x, 1), variables: [] }, init, { key: prngKey(0), numSteps: 1 });
      await expect(failed).rejects.toThrow(WorkerError);
      await expect(failed).rejects.toThrow(/Error: energy exploded \(raised in chain worker [01]\)/);
      await pool.close();
      init.dispose();
    });

    it('throws EnvironmentError outside Node', async () => {
      vi.stubGlobal('process', undefined);
      try {
        await expect(workerChains(spec('cpu', 2, 2))).rejects.toThrow(EnvironmentError);
      } finally {
        vi.unstubAllGlobals();
      }
    });

    it('checks its options', async () => {
      await expect(workerChains({ ...spec('cpu', 2, 2), workers: 0 })).rejects.toThrow(InvalidArgumentError);
      await expect(workerChains({ ...spec('cpu', 2, 2), model: undefined as never })).rejects.toThrow(/model: must be \{ module, export, options \}/);
    });
  },
  ['cpu'],
);
