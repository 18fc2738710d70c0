/**
 * Wall time per training step of contrastiveDivergence in each init mode (wasm by default; set
 * EBM_BACKEND=cpu for cpu). Model: core mlpEnergy on 2-D inputs, hidden [64, 64]; batch 128;
 * k = 20 Langevin steps (CD_K overrides; h = 0.01, noise sqrt(2h)); Adam at 1e-3; replay buffer of
 * 10,000 negatives. Run from packages/cd: `pnpm run bench` (vitest bench resolves the @ebm
 * packages from their sources, so nothing needs building). Each mode runs WARMUP untimed steps
 * and then ITERATIONS timed ones; read the `mean` column (ms per step).
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendName, disposeReplaced, foldIn, normal, prngKey, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { langevin } from '@ebm/mcmc-langevin';
import { bench, describe } from 'vitest';
import { type ChainInit, type ContrastiveDivergenceState, contrastiveDivergence } from '../src/index.js';

const BACKEND = (process.env.EBM_BACKEND ?? 'wasm') as BackendName;
const BATCH = 128;
const K = Number(process.env.CD_K ?? 20);
const WARMUP = 10;
const ITERATIONS = 20;

await useBackend(BACKEND);
const data = normal(prngKey(0), [BATCH, 2]);

describe(`contrastiveDivergence step, ${BACKEND}, mlp [64, 64], batch ${BATCH}, k = ${K} Langevin`, () => {
  for (const init of ['data', 'persistent', 'replay'] as ChainInit[]) {
    const model = mlpEnergy({ inputShape: [2], hidden: [64, 64], key: prngKey(1) });
    const objective = contrastiveDivergence({ sampler: langevin({ stepSize: 0.01 }), k: K, init, bufferSize: 10_000 });
    const optimizer = tf.train.adam(1e-3);
    let state: ContrastiveDivergenceState = objective.init(model, prngKey(2));
    let t = 0;
    bench(
      init,
      () => {
        const step = objective.gradients(model, data, state, foldIn(prngKey(3), t++));
        optimizer.applyGradients(model.variables.map((v) => ({ name: v.name, tensor: step.grads[v.name]! })));
        tf.dispose([step.loss, step.grads, step.metrics]);
        disposeReplaced(state, step.state);
        state = step.state;
      },
      { time: 0, iterations: ITERATIONS, warmupTime: 0, warmupIterations: WARMUP },
    );
  }
});
