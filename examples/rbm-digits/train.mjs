// Trains a Bernoulli RBM on the 8x8 digits with persistent contrastive divergence and writes two
// pictures: the learned filters (one 8x8 tile per hidden unit) and Gibbs samples (one chain per
// row, snapshots left to right). Prints the pseudo-likelihood and time of every epoch, then an
// AIS estimate of log Z and the log-likelihood of the binarised digits.
// Run: node train.mjs [--epochs 20] [--hidden 64] [--out runs/latest] [--quick]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { disposeState, foldIn, prngKey, split, useBackend } from '@ebm/core';
import { fit } from '@ebm/core/train';
import { contrastiveDivergence } from '@ebm/cd';
import { loadDigits } from '@ebm/datasets/node';
import { ais, aisSchedule, bernoulliRBM, blockGibbs, logLikelihood, pseudoLikelihood, visibleBiasFromData } from '@ebm/rbm';
import pngjs from 'pngjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const quick = process.argv.includes('--quick'); // a tiny run for CI
const epochs = Number(arg('epochs', quick ? 1 : 20));
const hidden = Number(arg('hidden', quick ? 16 : 64));
const outDir = arg('out', 'runs/latest');
// scikit-learn's BernoulliRBM settings: plain SGD, learning rate 0.1, batches of 10, PCD-1.
const LEARNING_RATE = 0.1;
const BATCH_SIZE = 10;
// Gibbs sweeps after which the sample picture shows each chain (columns).
const SNAPSHOTS = quick ? [0, 1, 10] : [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

await useBackend(process.env.EBM_BACKEND ?? 'wasm');
mkdirSync(outDir, { recursive: true });
const { images, labels } = await loadDigits(); // [1797, 64] in [0, 1]
const [initKey, fitKey, plKey, gibbsKey, aisKey] = split(prngKey(0), 5);

// 1. Model and objective: PCD-1 is contrastive divergence with one block-Gibbs sweep on persistent chains.
const baseBias = visibleBiasFromData(images);
const rbm = bernoulliRBM({ visible: 64, hidden, key: initKey, visibleBias: baseBias });
const objective = contrastiveDivergence({ sampler: blockGibbs(rbm), k: 1, init: 'persistent' });

// 2. Training with core's fit; after each epoch, the pseudo-likelihood and the epoch's time.
const stepsPerEpoch = Math.floor(images.shape[0] / BATCH_SIZE);
const meanPL = (key) => tf.tidy(() => tf.mean(pseudoLikelihood(rbm, images, key)).dataSync()[0]);
console.log(`${hidden} hidden units, lr ${LEARNING_RATE}, batch ${BATCH_SIZE}, PCD-1, backend ${tf.getBackend()}`);
console.log('epoch  pseudo-likelihood  ms/epoch');
let epochStart = performance.now();
const { state } = await fit(rbm, objective, images, {
  optimizer: tf.train.sgd(LEARNING_RATE),
  epochs,
  batchSize: BATCH_SIZE,
  key: fitKey,
  onStep: ({ step }) => {
    if (step % stepsPerEpoch !== 0) return;
    const ms = performance.now() - epochStart;
    const epoch = step / stepsPerEpoch;
    console.log(`${String(epoch).padStart(5)}  ${meanPL(foldIn(plKey, epoch)).toFixed(2).padStart(17)}  ${ms.toFixed(0).padStart(8)}`);
    epochStart = performance.now(); // the pseudo-likelihood is not part of the epoch's time
  },
});
disposeState(state);

// 3. Pictures. Tiles are 8x8 images in [0, 1], drawn 4x larger with 1-pixel gaps.
function writeGrid(path, tiles, columns) {
  const [scale, gap] = [4, 1];
  const size = 8 * scale + gap;
  const rows = Math.ceil(tiles.length / columns);
  const png = new pngjs.PNG({ width: columns * size + gap, height: rows * size + gap });
  png.data.fill(255); // white gaps
  tiles.forEach((tile, t) => {
    const [x0, y0] = [(t % columns) * size + gap, Math.floor(t / columns) * size + gap];
    for (let y = 0; y < 8 * scale; y++) {
      for (let x = 0; x < 8 * scale; x++) {
        const grey = Math.round(255 * (1 - tile[Math.floor(y / scale) * 8 + Math.floor(x / scale)])); // ink is dark
        const i = ((y0 + y) * png.width + x0 + x) * 4;
        png.data[i] = png.data[i + 1] = png.data[i + 2] = grey;
      }
    }
  });
  writeFileSync(path, pngjs.PNG.sync.write(png));
}

// Filters: column j of W as an 8x8 image, each rescaled to its own [min, max].
const filters = tf.tidy(() => tf.transpose(rbm.weights).arraySync()).map((w) => {
  const [lo, hi] = [Math.min(...w), Math.max(...w)];
  return w.map((x) => (x - lo) / (hi - lo || 1)); // drawn like ink: high weights dark
});
writeGrid(join(outDir, 'filters.png'), filters, Math.ceil(Math.sqrt(hidden)));

// Gibbs samples: one chain per digit class, started at that class's first image; each snapshot
// shows p(v | h) of the last sweep (smoother than the binary sample itself).
const starts = Array.from({ length: 10 }, (_, digit) => labels.indexOf(digit));
const sampler = blockGibbs(rbm);
let chain = sampler.init(tf.gather(images, starts), rbm.energy);
const snapshots = [tf.tidy(() => chain.position.arraySync())];
for (let sweep = 1; sweep <= SNAPSHOTS.at(-1); sweep++) {
  const [next, info] = sampler.step(foldIn(gibbsKey, sweep), chain, rbm.energy);
  disposeState([chain, info]); // the caller owns the step's info too
  chain = next;
  if (SNAPSHOTS.includes(sweep)) snapshots.push(tf.tidy(() => rbm.visibleProbabilities(rbm.sampleHidden(foldIn(gibbsKey, 1e6 + sweep), chain.position)).arraySync()));
}
disposeState(chain);
const sampleTiles = starts.flatMap((_, row) => snapshots.map((snapshot) => snapshot[row]));
writeGrid(join(outDir, 'samples.png'), sampleTiles, SNAPSHOTS.length);

// 4. Log-likelihood: AIS estimate of log Z (Salakhutdinov & Murray's schedule and 100 runs; fewer
// with --quick), then mean log p(v) of the digits binarised at 0.5 (a likelihood needs binary v).
const t0 = performance.now();
const estimate = ais(rbm, {
  key: aisKey,
  baseVisibleBias: baseBias,
  ...(quick ? { betas: Array.from({ length: 201 }, (_, i) => i / 200), runs: 20 } : { betas: aisSchedule(), runs: 100 }),
});
const binary = tf.cast(tf.greater(images, 0.5), 'float32');
const ll = (logZ) => logLikelihood(rbm, binary, logZ);
console.log(
  `AIS log Z = ${estimate.logZ.toFixed(2)} (3-sigma bounds ${estimate.logZLower.toFixed(2)} .. ${estimate.logZUpper.toFixed(2)}, ` +
    `${estimate.logWeights.length} runs, ESS ${estimate.effectiveSampleSize.toFixed(1)}, ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);
console.log(`mean log p(v) of the binarised digits = ${ll(estimate.logZ).toFixed(2)} nats (bounds ${ll(estimate.logZUpper).toFixed(2)} .. ${ll(estimate.logZLower).toFixed(2)})`);
console.log(`wrote ${join(outDir, 'filters.png')} and ${join(outDir, 'samples.png')}`);
tf.dispose([images, binary, baseBias, ...rbm.variables]);
