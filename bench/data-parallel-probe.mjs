// Issue 16: would data-parallel gradient steps (the batch split over 2 worker threads) pay at the
// default 2-D recipe's batch? Times objective.gradients (plus one read of the loss) at batch B and
// B/2 in the main thread on wasm: a split pays only if t(B) - t(B/2) exceeds the pool's round trip
// (bench/worker-chains.mjs) plus summing the gradients. Prints medians of 35 steps and the load.
//
//   node bench/data-parallel-probe.mjs
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, prngKey, split, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { buildObjective, buildSampler, trainConfigSchema } from '@ebm/cli';
import { toyDatasets } from '@ebm/datasets';
await useBackend('wasm');
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const name of ['nce', 'dsm', 'pcd']) {
  const config = trainConfigSchema.parse({ hidden: [64, 64], objective: name });
  const [dataKey, modelKey] = split(prngKey(0), 2);
  const data = toyDatasets[config.dataset].sample(dataKey, 4096);
  const line = [];
  for (const batch of [config.batchSize, config.batchSize / 2]) {
    const model = mlpEnergy({ inputShape: [2], hidden: config.hidden, activation: config.activation, key: modelKey });
    const objective = buildObjective(config, { sampler: buildSampler(config), data, flow: () => undefined, onDispose: () => {} });
    const x = tf.slice(data, 0, batch);
    let state = objective.init(model, prngKey(1));
    const times = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      const step = objective.gradients(model, x, state, prngKey(i));
      await step.loss.data();
      times.push(performance.now() - t0);
      tf.dispose([step.loss, step.grads, step.metrics]);
      disposeReplaced(state, step.state);
      state = step.state;
    }
    line.push(`batch ${batch}: ${med(times.slice(5)).toFixed(2)} ms`);
    x.dispose();
    tf.dispose(model.variables);
  }
  console.log(`${name} gradients (cli default recipe, mlp [64, 64]) ${line.join(', ')}  load ${os.loadavg()[0].toFixed(1)}`);
  data.dispose();
}
