/**
 * Wall time of one `nce(...).gradients` call on wasm, with the MLP energy of the issue
 * (hidden [64, 64], batch 128). Run: `npx vitest bench --run` in this package.
 */
import * as tf from '@tensorflow/tfjs';
import { bench, describe } from 'vitest';
import { disposeReplaced, foldIn, normal, prngKey, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { gaussianNoise, nce } from '../src/index.js';

await useBackend('wasm');
const BATCH = 128;

describe('nce, mlpEnergy hidden [64, 64], batch 128, wasm', () => {
  const data = tf.tidy(() => normal(prngKey(1), [1000, 2]));
  const batch = tf.slice(data, [0, 0], [BATCH, 2]);
  const noise = gaussianNoise.fit(data);
  for (const ratio of [1, 4]) {
    const model = mlpEnergy({ inputShape: [2], hidden: [64, 64], key: prngKey(0) });
    const objective = nce({ noise, ratio });
    let state = objective.init(model, prngKey(2));
    let i = 0;
    bench(
      `ratio ${ratio}`,
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
});
