/**
 * Wall time of one `objective.gradients` call on wasm, with the MLP energy of the issue
 * (hidden [64, 64], batch 128). Run: `npx vitest bench --run` in this package.
 */
import * as tf from '@tensorflow/tfjs';
import { bench, describe } from 'vitest';
import { type EnergyModel, type Objective, disposeReplaced, foldIn, normal, prngKey, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { denoisingScoreMatching, scoreMatching, slicedScoreMatching } from '../src/index.js';

await useBackend('wasm');
const BATCH = 128;

function stepBench<S>(name: string, objective: Objective<S>, model: EnergyModel, dim: number): void {
  const batch = tf.tidy(() => normal(prngKey(1), [BATCH, dim]));
  let state = objective.init(model, prngKey(2));
  let i = 0;
  bench(
    name,
    () => {
      const step = objective.gradients(model, batch, state, foldIn(prngKey(3), i++));
      step.loss.dataSync();
      tf.dispose([step.loss, step.grads, step.metrics]);
      disposeReplaced(state, step.state);
      state = step.state;
    },
    { iterations: 50, warmupIterations: 5, time: 0 },
  );
}

describe('score matching, mlpEnergy hidden [64, 64], batch 128, wasm', () => {
  const mlp = (inputDim: number) => mlpEnergy({ inputShape: [inputDim], hidden: [64, 64], key: prngKey(0) });
  stepBench('exact, D = 2', scoreMatching(), mlp(2), 2);
  stepBench('exact, D = 8', scoreMatching(), mlp(8), 8);
  stepBench('sliced, rademacher, 1 projection', slicedScoreMatching(), mlp(2), 2);
  stepBench('sliced VR, rademacher, 1 projection', slicedScoreMatching({ varianceReduced: true }), mlp(2), 2);
  stepBench('denoising, sigma 0.1', denoisingScoreMatching({ sigma: 0.1 }), mlp(2), 2);
  stepBench('denoising, 10 sigmas (energy over [x, log sigma])', denoisingScoreMatching({ sigmas: [1, 0.6, 0.36, 0.22, 0.13, 0.08, 0.05, 0.03, 0.02, 0.01] }), mlp(3), 2);
});
