// Issue 16: would data-parallel gradient steps (the batch split over 2 worker threads) pay at the
// default 2-D recipe's batch? Times objective.gradients (plus one read of the loss) at batch B and
// B/2 in the main thread on wasm, interleaved step by step so machine load hits both alike: a split
// pays only if t(B) - t(B/2) exceeds the pool's round trip (bench/worker-chains.mjs) plus sending
// the changed weights and summing the gradients. Prints medians over the steps after a warm-up, and the load.
//
//   node bench/data-parallel-probe.mjs [--steps 60]
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, disposeState, prngKey, split, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { buildObjective, buildSampler, trainConfigSchema } from '@ebm/cli';
import { toyDatasets } from '@ebm/datasets';
import { median } from './peer.mjs';

const steps = process.argv.includes('--steps') ? Number(process.argv[process.argv.indexOf('--steps') + 1]) : 60;
const WARMUP = 5;
await useBackend('wasm');
for (const name of ['nce', 'dsm', 'pcd']) {
  const config = trainConfigSchema.parse({ hidden: [64, 64], objective: name });
  const [dataKey, modelKey] = split(prngKey(0), 2);
  const data = toyDatasets[config.dataset].sample(dataKey, 4096);
  const runs = [config.batchSize, config.batchSize / 2].map((batch) => {
    const model = mlpEnergy({ inputShape: [2], hidden: config.hidden, activation: config.activation, key: modelKey });
    const objective = buildObjective(config, { sampler: buildSampler(config), data, flow: () => undefined, onDispose: () => {} });
    return { batch, model, objective, x: tf.slice(data, 0, batch), state: objective.init(model, prngKey(1)), times: [] };
  });
  for (let i = 0; i < WARMUP + steps; i++) {
    for (const run of runs) {
      const start = performance.now();
      const step = run.objective.gradients(run.model, run.x, run.state, prngKey(i));
      await step.loss.data();
      if (i >= WARMUP) run.times.push(performance.now() - start);
      tf.dispose([step.loss, step.grads, step.metrics]);
      disposeReplaced(run.state, step.state);
      run.state = step.state;
    }
  }
  console.log(`${name} gradients (cli default recipe, mlp [64, 64]): ${runs.map((r) => `batch ${r.batch} ${median(r.times).toFixed(2)} ms`).join(', ')}; load ${os.loadavg()[0].toFixed(1)}`);
  for (const run of runs) disposeState([run.state, run.x, run.model.variables]);
  data.dispose();
}
