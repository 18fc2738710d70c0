// AIS against the exact log Z on an RBM small enough to enumerate: 20 hidden units trained on the
// digits (PCD-1, lr 0.1, batch 10, 10 epochs), exact log Z by summing 2^20 hidden states, AIS with
// Salakhutdinov & Murray's 14,500 temperatures and 100 runs from the data base-rate model.
// Needs the built packages (pnpm build). Usage: node bench/ais-vs-exact.mjs [--backend wasm] [--betas N]
import * as tf from '@tensorflow/tfjs';
import { disposeState, prngKey, split, useBackend } from '@ebm/core';
import { fit } from '@ebm/core/train';
import { contrastiveDivergence } from '@ebm/cd';
import { loadDigits } from '@ebm/datasets/node';
import { ais, aisSchedule, bernoulliRBM, blockGibbs, exactLogPartition, logLikelihood, visibleBiasFromData } from '@ebm/rbm';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
await useBackend(arg('backend', 'wasm'));
const betasArg = arg('betas', null);
const { images } = await loadDigits();
const [initKey, fitKey, aisKey] = split(prngKey(0), 3);
const base = visibleBiasFromData(images);
const rbm = bernoulliRBM({ visible: 64, hidden: 20, key: initKey, visibleBias: base });
const objective = contrastiveDivergence({ sampler: blockGibbs(rbm), k: 1, init: 'persistent' });
const { state } = await fit(rbm, objective, images, { optimizer: tf.train.sgd(0.1), epochs: 10, batchSize: 10, key: fitKey });
disposeState(state);

let t0 = performance.now();
const exact = exactLogPartition(rbm);
const exactSeconds = (performance.now() - t0) / 1000;
t0 = performance.now();
const betas = betasArg ? Array.from({ length: Number(betasArg) + 1 }, (_, i) => i / Number(betasArg)) : aisSchedule();
const estimate = ais(rbm, { key: aisKey, betas, runs: 100, baseVisibleBias: base });
const aisSeconds = (performance.now() - t0) / 1000;
const binary = tf.cast(tf.greater(images, 0.5), 'float32');
console.log(`RBM 64 x 20 trained on digits; backend ${tf.getBackend()}`);
console.log(`exact log Z = ${exact.toFixed(4)}  (2^20 hidden states, ${exactSeconds.toFixed(1)} s)`);
console.log(
  `AIS   log Z = ${estimate.logZ.toFixed(4)}  bounds [${estimate.logZLower.toFixed(4)}, ${estimate.logZUpper.toFixed(4)}]  ` +
    `(${betas.length - 1} transitions, 100 runs, ESS ${estimate.effectiveSampleSize.toFixed(1)}, ${aisSeconds.toFixed(1)} s)`,
);
console.log(`exact within AIS bounds: ${estimate.logZLower <= exact && exact <= estimate.logZUpper}; AIS - exact = ${(estimate.logZ - exact).toFixed(4)}`);
console.log(`mean log p(v) of binarised digits: exact ${logLikelihood(rbm, binary, exact).toFixed(3)}, AIS ${logLikelihood(rbm, binary, estimate.logZ).toFixed(3)}`);
tf.dispose([images, binary, base, ...rbm.variables]);
