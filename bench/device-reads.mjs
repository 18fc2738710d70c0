// Bench row 6: one `fit` step of every objective of the ebm command line's default 2-D recipe
// (@ebm/cli's config defaults: 8gaussians, batch 256, Adam with its cosine schedule, Langevin
// k = 20 for the CD family) with the core MLP energy at hidden [64, 64], plus CD-20 with MALA:
// device reads, kernels and steps per second. A device read is one `read` / `readSync` of the
// engine (what `dataSync`, `data`, `arraySync` and `array` do); on webgl/webgpu each one stalls the
// GPU pipeline, so the goal is one per training step (fit's batched read of loss and metrics).
//
//   node bench/device-reads.mjs [--backend wasm] [--steps 50] [--tiny]
import * as tf from '@tensorflow/tfjs';
import { countDeviceReads, disposeReplaced, prngKey, split, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { fit } from '@ebm/core/train';
import { OBJECTIVES, buildFlow, buildObjective, buildOptimizer, buildSampler, trainConfigSchema } from '@ebm/cli';
import { toyDatasets } from '@ebm/datasets';
import { argument, isMain } from './script.mjs';

/** The MLP of the row (the cli default is [64, 64] too; pinned so the row does not move with it). */
const HIDDEN = [64, 64];
/** Training points drawn once from 8gaussians (throughput does not depend on it). */
const DATA_SIZE = 4096;
/** Extra steps of the longer fit that kernels per step are counted over. */
const KERNEL_STEPS = 2;

/** Registered kernels `run` launches (tf.profile also lists one scope per tf.customGrad call). */
export async function countKernels(run) {
  const profile = await tf.profile(run);
  return profile.kernels.filter((k) => tf.getKernel(k.name, tf.getBackend()) !== undefined).length;
}

/**
 * Per-step cost of `fit` with `options`: reads and kernels of a fit of 1 + n steps minus those of
 * a fit of 1 step, so fit's own set-up (the data check, the objective's first-step allocations)
 * cancels; steps per second of the whole (1 + `steps`)-step fit, whose set-up is a few reads.
 */
async function perFitStep(model, objective, data, options, steps, keep) {
  // An fce state holds the flow's variables, which outlive each fit: free only what the fit made.
  const run = (n) => async () => disposeReplaced((await fit(model, objective, data, { ...options, steps: n })).state, keep);
  const measure = async (n) => {
    const start = performance.now();
    const reads = await countDeviceReads(run(n));
    return { reads, seconds: (performance.now() - start) / 1000 };
  };
  await run(2)(); // warm-up: kernels compiled, buffers allocated
  const [one, many] = [await measure(1), await measure(1 + steps)];
  const kernels = (await countKernels(run(1 + KERNEL_STEPS))) - (await countKernels(run(1)));
  return { reads: (many.reads - one.reads) / steps, kernels: kernels / KERNEL_STEPS, stepsPerSecond: (1 + steps) / many.seconds };
}

/** Rows: device reads, kernels and steps/s per `fit` step for each recipe. */
export async function deviceReads({ steps, tiny, backend }) {
  const base = trainConfigSchema.parse({ hidden: HIDDEN, ...(tiny ? { batchSize: 16, mcmcSteps: 2, bufferSize: 64 } : {}) });
  const recipes = [...Object.keys(OBJECTIVES).map((objective) => ({ objective })), { objective: 'cd', sampler: 'mala' }];
  const [dataKey, modelKey, trainKey] = split(prngKey(0), 3);
  const data = toyDatasets[base.dataset].sample(dataKey, tiny ? 64 : DATA_SIZE);
  const rows = [];
  for (const recipe of recipes) {
    const config = { ...base, ...recipe };
    // fce trains against the run's flow; the flow recipe trains the flow itself as the model.
    const flow = OBJECTIVES[config.objective].model === 'flow' || config.objective === 'fce' ? buildFlow(config, data, modelKey) : undefined;
    const model = OBJECTIVES[config.objective].model === 'flow' ? flow : mlpEnergy({ inputShape: [2], hidden: config.hidden, activation: config.activation, key: modelKey });
    const disposers = [];
    const objective = buildObjective(config, { sampler: buildSampler(config), data, flow: () => flow, onDispose: (dispose) => disposers.push(dispose) });
    const optimizer = buildOptimizer(config);
    const cost = await perFitStep(model, objective, data, { optimizer, batchSize: config.batchSize, key: trainKey }, steps, flow?.variables ?? []);
    optimizer.dispose();
    tf.dispose([...new Set([...model.variables, ...(flow?.variables ?? [])])]);
    for (const dispose of disposers) dispose();
    const sampling = ['cd', 'pcd', 'replay'].includes(config.objective);
    const label = `fit step ${config.objective}${sampling ? ` (k = ${config.mcmcSteps} ${config.sampler})` : ''}`;
    const note = `8gaussians, mlp [${HIDDEN}], batch ${config.batchSize}`;
    rows.push({ name: `${label}: device reads`, backend, value: cost.reads, unit: 'reads', target: 1, better: 'lower', note });
    rows.push({ name: `${label}: kernels`, backend, value: cost.kernels, unit: 'kernels', better: 'lower', note });
    rows.push({ name: `${label}: throughput`, backend, value: cost.stepsPerSecond, unit: 'steps/s', better: 'higher', note });
  }
  data.dispose();
  return rows;
}

if (isMain(import.meta.url)) {
  const backend = argument('backend', 'wasm');
  await useBackend(backend);
  const rows = await deviceReads({ steps: Number(argument('steps', 50)), tiny: process.argv.includes('--tiny'), backend });
  for (const row of rows) console.log(`${row.backend.padEnd(5)} ${row.name.padEnd(52)} ${row.value.toFixed(2).padStart(9)} ${row.unit}`);
}
