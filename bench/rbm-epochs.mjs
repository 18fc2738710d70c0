// Bench row 5: one PCD-1 epoch of a Bernoulli RBM on the 8x8 digits (@ebm/rbm + @ebm/cd), next to
// scikit-learn's BernoulliRBM on the same data and settings. The scikit-learn side is the rbm
// package's own reference script (packages/rbm/bench/sklearn_rbm.py), run with /usr/bin/python3;
// without python3-sklearn the rows are skipped with a note.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, disposeState, foldIn, prngKey, split } from '@ebm/core';
import { contrastiveDivergence } from '@ebm/cd';
import { loadDigits } from '@ebm/datasets/node';
import { bernoulliRBM, blockGibbs } from '@ebm/rbm';

/** The two settings of the issue: scikit-learn's test settings, and a wider RBM with larger batches. */
const CONFIGS = [
  { hidden: 64, batch: 10 },
  { hidden: 256, batch: 100 },
];
/** scikit-learn's default learning rate for BernoulliRBM. */
const LEARNING_RATE = 0.1;
/** Digits used by --tiny (a few batches, so CI stays fast). */
const TINY_ROWS = 200;

const sklearnScript = fileURLToPath(new URL('../packages/rbm/bench/sklearn_rbm.py', import.meta.url));
const sklearnCache = new Map();

function sklearnMsPerEpoch({ hidden, batch }, epochs) {
  const id = `${hidden}/${batch}/${epochs}`;
  if (!sklearnCache.has(id)) {
    const csv = fileURLToPath(import.meta.resolve('@ebm/datasets/data/digits.csv.gz'));
    let result;
    try {
      const text = execFileSync('/usr/bin/python3', [sklearnScript, csv, hidden, LEARNING_RATE, batch, epochs, 0].map(String), {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      result = JSON.parse(text.trim().split('\n').pop());
    } catch (error) {
      result = { error: String(error.stderr || error.message).trim().split('\n').pop() };
    }
    sklearnCache.set(id, result);
  }
  return sklearnCache.get(id);
}

/** Median ms of epochs 2..n (the first includes kernel warm-up) of PCD-1 with SGD, as scikit-learn trains. */
function oursMsPerEpoch(images, { hidden, batch }, epochs) {
  const n = images.shape[0];
  const batches = [];
  for (let start = 0; start < n; start += batch) batches.push(tf.slice(images, [start, 0], [Math.min(batch, n - start), 64]));
  const [initKey, objectiveKey, trainKey] = split(prngKey(0), 3);
  const rbm = bernoulliRBM({ visible: 64, hidden, key: initKey });
  const objective = contrastiveDivergence({ sampler: blockGibbs(rbm), k: 1, init: 'persistent' });
  const optimizer = tf.train.sgd(LEARNING_RATE);
  let state = objective.init(rbm, objectiveKey);
  let step = 0;
  const epochMs = [];
  for (let epoch = 0; epoch < epochs + 1; epoch++) {
    const start = performance.now();
    for (const b of batches) {
      const { loss, grads, state: next, metrics } = objective.gradients(rbm, b, state, foldIn(trainKey, step++));
      optimizer.applyGradients(grads);
      disposeReplaced(state, next);
      state = next;
      tf.dispose([loss, grads, metrics]);
    }
    rbm.weights.dataSync();
    epochMs.push(performance.now() - start);
  }
  disposeState(state);
  optimizer.dispose();
  tf.dispose([...rbm.variables, ...batches]);
  const steady = epochMs.slice(1).sort((a, b) => a - b);
  return steady[Math.floor(steady.length / 2)];
}

/** Rows: ms per epoch, ours, with scikit-learn's ms per epoch as baseline (ratio >= 1: ours no slower). */
export async function rbmEpochs({ epochs, tiny, backend }) {
  const { images: all } = await loadDigits();
  const images = tiny ? tf.slice(all, [0, 0], [TINY_ROWS, 64]) : all;
  const rows = [];
  for (const config of CONFIGS) {
    const name = `rbm pcd-1 epoch, digits, ${config.hidden} hidden, batch ${config.batch}`;
    const ours = oursMsPerEpoch(images, config, epochs);
    const ref = tiny ? { error: '--tiny: scikit-learn not run' } : sklearnMsPerEpoch(config, epochs);
    if (ref.error) {
      if (!tiny) console.log(`      (no scikit-learn baseline for ${name}: ${ref.error}; apt-get install python3-sklearn)`);
      rows.push({ name, backend, value: ours, unit: 'ms', target: 1, note: 'no scikit-learn baseline' });
    } else {
      rows.push({
        name,
        backend,
        value: ours,
        unit: 'ms',
        baseline: ref.msPerEpoch,
        ratio: ref.msPerEpoch / ours,
        target: 1,
        note: `baseline = scikit-learn ${ref.sklearn}; ratio = sklearn ms / ours ms`,
      });
    }
  }
  tf.dispose(tiny ? [all, images] : all);
  return rows;
}
