import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, disposeState, foldIn, prngKey, split } from '@ebm/core';
import { describeBackends, expectObjectiveNoLeaks } from '@ebm/core/testing';
import { contrastiveDivergence } from '@ebm/cd';
import { loadDigits } from '@ebm/datasets/node';
import { expect, it } from 'vitest';
import { bernoulliRBM } from './bernoulli-rbm.js';
import { blockGibbs } from './block-gibbs.js';
import { pseudoLikelihood } from './pseudo-likelihood.js';

/**
 * scikit-learn 1.2.1's reference (sklearn/neural_network/tests/test_rbm.py::test_score_samples is
 * the same estimator): BernoulliRBM(n_components=64, learning_rate=0.1, batch_size=10, n_iter=7)
 * on digits / 16 reaches a mean pseudo-likelihood of about -21; its own test accepts -21 +/- 1.5.
 */
const REFERENCE_PL = -21;
const REFERENCE_TOLERANCE = 1.5;

// Training on the digits runs on wasm only: 1,260 steps take ~40 s on the cpu backend (per-op
// overhead), too much for the suite's time budget; the tiny leak test below runs on both.
describeBackends(
  'RBM on digits',
  () => {
    it('PCD-1 with lr 0.1, batch 10, 7 epochs reaches scikit-learn pseudo-likelihood band', async () => {
      const { images } = await loadDigits();
      const [initKey, objectiveKey, trainKey, plKey] = split(prngKey(9), 4);
      const rbm = bernoulliRBM({ visible: 64, hidden: 64, key: initKey });
      const objective = contrastiveDivergence({ sampler: blockGibbs(rbm), k: 1, init: 'persistent' });
      const optimizer = tf.train.sgd(0.1);
      let state = objective.init(rbm, objectiveKey!);
      const n = images.shape[0];
      let step = 0;
      for (let epoch = 0; epoch < 7; epoch++) {
        // Consecutive batches of 10 in data order, as scikit-learn's fit does.
        for (let start = 0; start < n; start += 10) {
          const batch = tf.slice(images, [start, 0], [Math.min(10, n - start), 64]);
          const { loss, grads, metrics, state: next } = objective.gradients(rbm, batch, state, foldIn(trainKey!, step++));
          optimizer.applyGradients(grads);
          disposeReplaced(state, next);
          state = next;
          tf.dispose([batch, loss, grads, metrics]);
        }
      }
      const pl = pseudoLikelihood(rbm, images, plKey!);
      const mean = tf.mean(pl).dataSync()[0]!;
      expect(Math.abs(mean - REFERENCE_PL)).toBeLessThanOrEqual(REFERENCE_TOLERANCE);
      disposeState(state);
      optimizer.dispose();
      tf.dispose([images, pl, ...rbm.variables]);
    });
  },
  ['wasm'],
);

describeBackends('RBM training', () => {
  it('leaks no tensors over 1000 PCD training steps', () => {
    const rbm = bernoulliRBM({ visible: 6, hidden: 4 });
    const objective = contrastiveDivergence({ sampler: blockGibbs(rbm), init: 'persistent' });
    const data = tf.cast(tf.less(tf.randomUniform([4, 6], 0, 1, 'float32', 3), 0.5), 'float32');
    expectObjectiveNoLeaks(objective, { model: rbm, batch: data, key: prngKey(1), learningRate: 0.05 });
    tf.dispose([data, ...rbm.variables]);
  });
});
