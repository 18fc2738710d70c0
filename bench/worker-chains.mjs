// Bench rows for @ebm/workers (issue 16, "both cores"): the library pool `workerChains` against
// the main thread, on the same chains with the same code.
// - Langevin steps of the issue's big problem (MLP 2-256-256-1, batch 4096): ms per step of one
//   `runChains` call of STEPS steps (starts sent, positions back), 1 and 2 workers, against core
//   `runChain` of STEPS steps in the main thread (the sampler's init included on both sides).
// - One PCD training step of the default 2-D recipe (8gaussians, MLP [64, 64], batch 256, Langevin
//   k = 20, Adam): `fit` with contrastiveDivergence's chains in 2 workers (runner) against in the main thread.
// - The pool's round trip (0 steps, batch 256): the floor of any work sent to the workers, to judge
//   data-parallel gradient steps.
//
//   node bench/worker-chains.mjs [--tiny]
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { contrastiveDivergence } from '@ebm/cd';
import { trainConfigSchema } from '@ebm/cli';
import { disposeState, prngKey, runChain, split, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { fit } from '@ebm/core/train';
import { toyDatasets } from '@ebm/datasets';
import { langevin } from '@ebm/mcmc-langevin';
import { workerChains } from '@ebm/workers/node';
import { median } from './peer.mjs';
import { isMain, loadAverage } from './script.mjs';

/** Steps per timed call: the per-call costs (messages, sampler init) are shared by this many steps. */
const STEPS = 10;
const STEP_SIZE = 0.01;

/** Median ms per step of `call` (which runs `steps` steps), after one warm-up call. */
async function msPerStep(call, steps, repeats) {
  await call();
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await call();
    times.push((performance.now() - start) / steps);
  }
  return median(times);
}

/** Median ms between consecutive `fit` steps (the first step, with its set-up, excluded). */
async function msPerFitStep(model, objective, data, { steps, batchSize }) {
  const stamps = [];
  const result = await fit(model, objective, data, {
    optimizer: tf.train.adam(1e-3),
    steps: steps + 1,
    batchSize,
    key: prngKey(1),
    onStep: () => {
      stamps.push(performance.now());
    },
  });
  disposeState(result.state);
  return median(stamps.slice(1).map((t, i) => t - stamps[i]));
}

function pool(workers, blocks, model, sampler) {
  return workerChains({ workers, blocks, backend: 'wasm', model, sampler });
}

/** The rows (wasm only: the pool's workers run wasm, and the main thread must too for a fair ratio). */
export async function workerChainsRows({ tiny, repeats }) {
  const rows = [];
  const load = () => `load ${os.loadavg()[0].toFixed(1)}`;
  const sampler = { module: import.meta.resolve('@ebm/mcmc-langevin'), export: 'langevin', options: { stepSize: STEP_SIZE } };

  // 1. Langevin steps, big problem.
  const big = tiny ? { batch: 64, hidden: 16 } : { batch: 4096, hidden: 256 };
  const size = `batch ${big.batch}, mlp 2-${big.hidden}-${big.hidden}-1`;
  const modelOptions = { inputShape: [2], hidden: [big.hidden, big.hidden], key: prngKey(0) };
  const model = mlpEnergy(modelOptions);
  const init = tf.randomNormal([big.batch, 2], 0, 1, 'float32', 1);
  const kernel = langevin({ stepSize: STEP_SIZE });
  const mainMs = await msPerStep(
    async () => {
      const run = runChain(kernel, kernel.init(init, model.energy, { check: false }), { energy: model.energy, key: prngKey(2), numSteps: STEPS });
      await run.state.position.data();
      disposeState([run.state, run.meanInfo]);
    },
    STEPS,
    repeats,
  );
  rows.push({ name: `langevin step, main thread (runChain of ${STEPS}), ${size}`, backend: 'wasm', value: mainMs, unit: 'ms', note: `${load()}; the baseline of the workerChains rows` });
  for (const workers of [1, 2]) {
    const chains = await pool(workers, 2, { module: '@ebm/core/models', export: 'mlpEnergy', options: modelOptions }, sampler);
    try {
      const ms = await msPerStep(
        async () => {
          const run = await chains.runChains(model, init, { key: prngKey(2), numSteps: STEPS });
          disposeState([run.position, run.meanInfo]);
        },
        STEPS,
        repeats,
      );
      rows.push({
        name: `langevin step, workerChains pool, ${workers} worker(s), 2 blocks, ${size}`,
        backend: 'wasm',
        value: ms,
        unit: 'ms',
        baseline: mainMs,
        ratio: mainMs / ms,
        note: `${load()}; runChains of ${STEPS} steps; ratio = speed-up over the main thread`,
      });
    } finally {
      await chains.close();
    }
  }
  disposeState([init, model.variables]);

  // 2. A PCD training step of the default 2-D recipe, chains in the main thread vs in 2 workers.
  const config = trainConfigSchema.parse({ hidden: [64, 64], ...(tiny ? { batchSize: 16, mcmcSteps: 2 } : {}) });
  const [dataKey, modelKey] = split(prngKey(0), 2);
  const data = toyDatasets[config.dataset].sample(dataKey, tiny ? 64 : 4096);
  const recipe = { inputShape: [2], hidden: config.hidden, activation: config.activation, key: modelKey };
  const pcdSampler = { ...sampler, options: { stepSize: config.stepSize } };
  const fitSteps = tiny ? 2 : 20;
  const pcd = (runner) => contrastiveDivergence({ sampler: langevin({ stepSize: config.stepSize }), k: config.mcmcSteps, init: 'persistent', ...(runner ? { runner } : {}) });
  const label = `pcd fit step (k = ${config.mcmcSteps} langevin), mlp [${config.hidden}], batch ${config.batchSize}`;
  const mainModel = mlpEnergy(recipe);
  const mainFit = await msPerFitStep(mainModel, pcd(), data, { steps: fitSteps, batchSize: config.batchSize });
  tf.dispose(mainModel.variables);
  rows.push({ name: `${label}, chains in the main thread`, backend: 'wasm', value: mainFit, unit: 'ms', note: load() });
  const chains = await pool(2, 2, { module: '@ebm/core/models', export: 'mlpEnergy', options: recipe }, pcdSampler);
  try {
    const pooledModel = mlpEnergy(recipe);
    const pooledFit = await msPerFitStep(pooledModel, pcd(chains), data, { steps: fitSteps, batchSize: config.batchSize });
    rows.push({
      name: `${label}, chains in 2 workers (workerChains runner)`,
      backend: 'wasm',
      value: pooledFit,
      unit: 'ms',
      baseline: mainFit,
      ratio: mainFit / pooledFit,
      note: `${load()}; ratio = speed-up over the main thread`,
    });
    // 3. The round trip of the pool: starts out, positions back, no step.
    const start = tf.randomNormal([config.batchSize, 2]);
    const roundTrip = await msPerStep(
      async () => {
        const run = await chains.runChains(pooledModel, start, { key: prngKey(3), numSteps: 0 });
        disposeState([run.position, run.meanInfo]);
      },
      1,
      tiny ? 3 : 51,
    );
    disposeState([start, pooledModel.variables]);
    rows.push({ name: `workerChains round trip (0 steps), 2 workers, batch ${config.batchSize}`, backend: 'wasm', value: roundTrip, unit: 'ms', note: `${load()}; the least any work sent to the workers costs` });
  } finally {
    await chains.close();
    data.dispose();
  }
  return rows;
}

if (isMain(import.meta.url)) {
  const tiny = process.argv.includes('--tiny');
  await useBackend('wasm');
  console.log(`wasm, node ${process.version}, ${os.availableParallelism()} cores, load ${loadAverage()}`);
  for (const row of await workerChainsRows({ tiny, repeats: tiny ? 2 : 9 })) {
    console.log(`${row.name.padEnd(100)} ${row.value.toFixed(2).padStart(9)} ${row.unit}${row.ratio ? `  ratio ${row.ratio.toFixed(2)}` : ''}  ${row.note}`);
  }
  console.log(`load after: ${loadAverage()}`);
}
