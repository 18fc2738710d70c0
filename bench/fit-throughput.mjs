// Bench row 6: training throughput (fit steps per second) of every objective on the default 2-D
// recipe of the ebm command line (@ebm/cli's config defaults: 8gaussians, batch 256, Adam 1e-3,
// Langevin k = 20 for the CD family), with the core MLP energy at hidden [64, 64].
import * as tf from '@tensorflow/tfjs';
import { disposeState, fit, mlpEnergy, prngKey, split } from '@ebm/core';
import { OBJECTIVE_NAMES, buildObjective, buildOptimizer, buildSampler, trainConfigSchema } from '@ebm/cli';
import { toyDatasets } from '@ebm/datasets';

/** The MLP of the row 6 (the cli default is [128, 128]). */
const HIDDEN = [64, 64];
/** Training points drawn once from 8gaussians (the cli default is 20,000; throughput does not depend on it). */
const DATA_SIZE = 4096;

/** Rows: fit steps per second for each objective (two warm-up steps, then `steps` timed). */
export async function fitThroughput({ steps, tiny, backend }) {
  const config = trainConfigSchema.parse({ hidden: HIDDEN, ...(tiny ? { batchSize: 16, mcmcSteps: 2, bufferSize: 64 } : {}) });
  const [dataKey, modelKey, trainKey] = split(prngKey(0), 3);
  const data = toyDatasets[config.dataset].sample(dataKey, tiny ? 64 : DATA_SIZE);
  const rows = [];
  for (const objectiveName of OBJECTIVE_NAMES) {
    const c = { ...config, objective: objectiveName };
    const model = mlpEnergy({ inputShape: [2], hidden: c.hidden, activation: c.activation, key: modelKey });
    const disposers = [];
    const objective = buildObjective(c, { sampler: buildSampler(c), data, onDispose: (dispose) => disposers.push(dispose) });
    const optimizer = buildOptimizer(c);
    const options = { optimizer, batchSize: c.batchSize, key: trainKey };
    const warm = await fit(model, objective, data, { ...options, steps: 2 });
    disposeState(warm.state);
    const start = performance.now();
    const result = await fit(model, objective, data, { ...options, steps });
    const seconds = (performance.now() - start) / 1000;
    disposeState(result.state);
    optimizer.dispose();
    tf.dispose(model.variables);
    for (const dispose of disposers) dispose();
    rows.push({
      name: `fit ${objectiveName}, 8gaussians, mlp [${HIDDEN}], batch ${c.batchSize}`,
      backend,
      value: steps / seconds,
      unit: 'steps/s',
      note: ['cd', 'pcd', 'replay'].includes(objectiveName) ? `k = ${c.mcmcSteps} ${c.sampler} steps per step` : '',
    });
  }
  data.dispose();
  return rows;
}
