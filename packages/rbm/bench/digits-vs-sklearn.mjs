// Trains a Bernoulli RBM on the 8x8 digits with scikit-learn's settings and compares it with
// scikit-learn's BernoulliRBM, run in the same process tree: mean pseudo-likelihood and ms per epoch.
// Needs the built packages (pnpm build) and /usr/bin/python3 with python3-sklearn.
// Usage: node bench/digits-vs-sklearn.mjs [--backend wasm] [--seeds 3]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, disposeState, foldIn, prngKey, split, useBackend } from '@ebm/core';
import { contrastiveDivergence } from '@ebm/cd';
import { loadDigits } from '@ebm/datasets/node';
import { bernoulliRBM, blockGibbs, pseudoLikelihood } from '@ebm/rbm';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const backend = arg('backend', 'wasm');
const seeds = Number(arg('seeds', 3));
// scikit-learn's reference settings (sklearn/neural_network/tests/test_rbm.py, issue 5).
const HIDDEN = 64, LR = 0.1, BATCH = 10, EPOCHS = 7;

await useBackend(backend);
const { images } = await loadDigits();
const n = images.shape[0];
const batches = [];
for (let start = 0; start < n; start += BATCH) batches.push(tf.slice(images, [start, 0], [Math.min(BATCH, n - start), 64]));

function trainOurs(seed) {
  const [initKey, objectiveKey, trainKey, plKey] = split(prngKey(seed), 4);
  const rbm = bernoulliRBM({ visible: 64, hidden: HIDDEN, key: initKey });
  const objective = contrastiveDivergence({ sampler: blockGibbs(rbm), k: 1, init: 'persistent' });
  const optimizer = tf.train.sgd(LR);
  let state = objective.init(rbm, objectiveKey);
  let step = 0;
  const epochMs = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const t0 = performance.now();
    for (const batch of batches) {
      const { loss, grads, metrics, state: next } = objective.gradients(rbm, batch, state, foldIn(trainKey, step++));
      optimizer.applyGradients(grads);
      disposeReplaced(state, next);
      state = next;
      tf.dispose([loss, grads, metrics]);
    }
    rbm.weights.dataSync(); // wait for the device before reading the clock
    epochMs.push(performance.now() - t0);
  }
  const pl = tf.tidy(() => tf.mean(pseudoLikelihood(rbm, images, plKey)).dataSync()[0]);
  disposeState(state);
  optimizer.dispose();
  tf.dispose(rbm.variables);
  // The first epoch includes kernel warm-up; report the median of the others.
  const steady = epochMs.slice(1).sort((a, b) => a - b)[Math.floor((epochMs.length - 1) / 2)];
  return { pseudoLikelihood: pl, msPerEpoch: steady, firstEpochMs: epochMs[0] };
}

function trainSklearn(seed) {
  const script = fileURLToPath(new URL('./sklearn_rbm.py', import.meta.url));
  const csv = fileURLToPath(import.meta.resolve('@ebm/datasets/data/digits.csv.gz'));
  const out = execFileSync('/usr/bin/python3', [script, csv, HIDDEN, LR, BATCH, EPOCHS, seed].map(String), { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

const fmt = (x, d = 2) => x.toFixed(d).padStart(8);
console.log(`digits [1797, 64] in [0, 1]; ${HIDDEN} hidden, lr ${LR}, batch ${BATCH}, ${EPOCHS} epochs, PCD-1; tfjs ${tf.version.tfjs} on ${tf.getBackend()}`);
console.log('seed   ours PL  ours ms/epoch   sklearn PL  sklearn ms/epoch');
const rows = [];
for (let seed = 0; seed < seeds; seed++) {
  const ours = trainOurs(seed);
  const ref = trainSklearn(seed);
  rows.push({ ours, ref });
  console.log(`${String(seed).padStart(4)} ${fmt(ours.pseudoLikelihood)} ${fmt(ours.msPerEpoch, 1)}       ${fmt(ref.pseudoLikelihood)} ${fmt(ref.msPerEpoch, 1)}   (scikit-learn ${ref.sklearn})`);
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`mean ${fmt(mean(rows.map((r) => r.ours.pseudoLikelihood)))} ${fmt(mean(rows.map((r) => r.ours.msPerEpoch)), 1)}       ${fmt(mean(rows.map((r) => r.ref.pseudoLikelihood)))} ${fmt(mean(rows.map((r) => r.ref.msPerEpoch)), 1)}`);
tf.dispose([images, ...batches]);
