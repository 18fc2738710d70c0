// Wall time per training step of contrastiveDivergence in each init mode, wasm backend.
// Model: core mlpEnergy on 2-D inputs, hidden [64, 64]; batch 128; k = 20 Langevin steps
// (h = 0.01, noise sqrt(2h)); Adam at 1e-3; replay buffer of 10,000 negatives.
// Run from packages/cd: `pnpm run bench` (builds @ebm/cd, then `node bench/step-time.mjs`; needs
// @ebm/core and @ebm/mcmc-langevin built: `npx tsup` in each).
// Per mode: WARMUP untimed steps, then REPEATS timed runs of STEPS steps; the fastest run's mean
// step time is reported (the machine is shared, so the minimum is the least disturbed estimate).
import * as tf from '@tensorflow/tfjs';
import { disposeState, foldIn, mlpEnergy, normal, prngKey, useBackend } from '@ebm/core';
import { langevin } from '@ebm/mcmc-langevin';
import { contrastiveDivergence } from '../dist/index.js';

const BACKEND = process.env.EBM_BACKEND ?? 'wasm';
const BATCH = 128;
const K = Number(process.env.CD_K ?? 20);
const WARMUP = 5;
const STEPS = 20;
const REPEATS = 3;

await useBackend(BACKEND);
const data = normal(prngKey(0), [BATCH, 2]);

for (const init of ['data', 'persistent', 'replay']) {
  const model = mlpEnergy({ inputShape: [2], hidden: [64, 64], key: prngKey(1) });
  const objective = contrastiveDivergence({ sampler: langevin({ stepSize: 0.01 }), k: K, init, bufferSize: 10_000 });
  const optimizer = tf.train.adam(1e-3);
  let state = objective.init(model, prngKey(2));
  let t = 0;
  const train = (n) => {
    for (let i = 0; i < n; i++, t++) {
      const step = objective.gradients(model, data, state, foldIn(prngKey(3), t));
      optimizer.applyGradients(model.variables.map((v) => ({ name: v.name, tensor: step.grads[v.name] })));
      tf.dispose([step.loss, ...Object.values(step.grads)]);
      disposeState(state);
      state = step.state;
    }
  };
  train(WARMUP);
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    train(STEPS);
    best = Math.min(best, (performance.now() - start) / STEPS);
  }
  console.log(`${BACKEND} ${init.padEnd(10)} k=${K} batch=${BATCH} mlp[64,64]: ${best.toFixed(1)} ms/step`);
  disposeState(state);
  optimizer.dispose();
  tf.dispose(model.variables);
}
