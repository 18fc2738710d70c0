// One PCD step (k = 20 Langevin) and one NCE step (ratio 4) of the ebm command line's recipes,
// MLP 64x64, batch 128 on 8gaussians (issue 16's table), timed two ways in interleaved rounds:
// the MLP as it is (its hand-written `parameterVjp`, no gradient tape) and the same MLP wrapped as
// a plain `{ energy, variables }` (the objectives differentiate it on the tape, the path before).
// A step is `objective.gradients` + Adam's update; ms per step are medians over rounds, each round
// `steps` steps ended by one read. Kernels per step: tf.profile of one step.
//
//   node bench/objective-step.mjs [--backend wasm] [--rounds 5] [--steps 50]
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, disposeState, foldIn, prngKey, split, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { buildObjective, buildSampler, trainConfigSchema } from '@ebm/cli';
import { toyDatasets } from '@ebm/datasets';
import { countKernels } from './device-reads.mjs';
import { median } from './peer.mjs';
import { argument, isMain, loadAverage } from './script.mjs';

const BATCH = 128;
const HIDDEN = [64, 64];

/** A trainer of `model` with the recipe's objective and Adam: `step()` runs one training step. */
function trainer(config, data, model, key) {
  const objective = buildObjective(config, { sampler: buildSampler(config), data, flow: () => undefined, onDispose: () => {} });
  const optimizer = tf.train.adam(1e-3);
  const [initKey, stepKey] = split(key, 2);
  let state = objective.init(model, initKey);
  let t = 0;
  const batch = tf.slice(data, [0, 0], [BATCH, 2]);
  const variables = () => [...model.variables, ...(objective.variables?.(state) ?? [])];
  return {
    step() {
      const { loss, grads, state: next, metrics } = objective.gradients(model, batch, state, foldIn(stepKey, t++));
      optimizer.applyGradients(variables().map((v) => ({ name: v.name, tensor: grads[v.name] })));
      disposeReplaced(state, next);
      state = next;
      tf.dispose([loss, grads, metrics]);
    },
    close() {
      disposeState(state);
      optimizer.dispose();
      batch.dispose();
    },
  };
}

export async function objectiveSteps({ backend, rounds, steps }) {
  const [dataKey, modelKey, trainKey] = split(prngKey(0), 3);
  const data = toyDatasets['8gaussians'].sample(dataKey, 4096);
  const rows = [];
  for (const objective of ['pcd', 'nce']) {
    const config = trainConfigSchema.parse({ hidden: HIDDEN, objective, batchSize: BATCH });
    const model = mlpEnergy({ inputShape: [2], hidden: HIDDEN, key: modelKey });
    const paths = { hook: model, tape: { energy: model.energy, variables: model.variables } };
    const trainers = Object.fromEntries(Object.entries(paths).map(([name, m]) => [name, trainer(config, data, m, trainKey)]));
    const times = { hook: [], tape: [] };
    for (const t of Object.values(trainers)) for (let i = 0; i < 3; i++) t.step(); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const [name, t] of Object.entries(trainers)) {
        const start = performance.now();
        for (let i = 0; i < steps; i++) t.step();
        model.variables[0].dataSync();
        times[name].push((performance.now() - start) / steps);
      }
    }
    const kernels = {};
    for (const [name, t] of Object.entries(trainers)) kernels[name] = await countKernels(() => t.step());
    for (const t of Object.values(trainers)) t.close();
    tf.dispose(model.variables);
    const label = objective === 'pcd' ? `pcd step (k = ${config.mcmcSteps} ${config.sampler})` : `nce step (ratio ${config.ratio})`;
    rows.push({ name: label, backend, hookMs: median(times.hook), tapeMs: median(times.tape), hookKernels: kernels.hook, tapeKernels: kernels.tape });
  }
  data.dispose();
  return rows;
}

if (isMain(import.meta.url)) {
  const backend = argument('backend', 'wasm');
  await useBackend(backend);
  console.log(`${backend}, load ${loadAverage()}`);
  const rows = await objectiveSteps({ backend, rounds: Number(argument('rounds', 5)), steps: Number(argument('steps', 50)) });
  for (const r of rows) {
    console.log(`${r.name}, mlp [${HIDDEN}], batch ${BATCH}: parameterVjp ${r.hookMs.toFixed(3)} ms (${r.hookKernels} kernels), tape ${r.tapeMs.toFixed(3)} ms (${r.tapeKernels} kernels), speed-up ${(r.tapeMs / r.hookMs).toFixed(2)}x`);
  }
  console.log(`load after: ${loadAverage()}`);
}
