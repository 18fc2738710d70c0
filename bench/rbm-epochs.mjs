// Bench row 5: one PCD-1 epoch of a Bernoulli RBM on the 8x8 digits (@ebm/rbm + @ebm/cd) two
// ways, the closed-form update (`rbm.parameterVjp`, what contrastiveDivergence uses) and
// the same update through `tf.variableGrads` (the path before it), next to scikit-learn's
// BernoulliRBM on the same data and settings. The three are timed in interleaved rounds (ours
// closed form, ours tape, scikit-learn; repeat), medians over rounds. The scikit-learn side is the
// rbm package's reference script (packages/rbm/bench/sklearn_rbm.py) run with Debian's
// /usr/bin/python3, BLAS limited to one thread; without python3-sklearn its row is not measured.
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, disposeState, foldIn, prngKey, split, useBackend } from '@ebm/core';
import { contrastiveDivergence } from '@ebm/cd';
import { loadDigits } from '@ebm/datasets/node';
import { bernoulliRBM, blockGibbs } from '@ebm/rbm';
import { countKernels } from './device-reads.mjs';
import { SYSTEM_PYTHON, median, runPython } from './peer.mjs';
import { argument, isMain, loadAverage } from './script.mjs';

/** The two settings of the issue, with its targets for ours / scikit-learn (issue 16). */
const CONFIGS = [
  { hidden: 64, batch: 10, target: 3 },
  { hidden: 256, batch: 100, target: 1 },
];
/** scikit-learn's default learning rate for BernoulliRBM. */
const LEARNING_RATE = 0.1;
/** Digits used by --tiny (a few batches, so CI stays fast). */
const TINY_ROWS = 200;
/** BLAS threads of the scikit-learn side: one, as ours runs on one core. */
const PEER_THREADS = 1;

const sklearnScript = fileURLToPath(new URL('../packages/rbm/bench/sklearn_rbm.py', import.meta.url));
const digitsCsv = () => fileURLToPath(import.meta.resolve('@ebm/datasets/data/digits.csv.gz'));

/** scikit-learn's ms per epoch (its fit time / epochs), or `{ error }`. */
const sklearnEpoch = ({ hidden, batch }, epochs) => runPython(SYSTEM_PYTHON, [sklearnScript, digitsCsv(), hidden, LEARNING_RATE, batch, epochs, 0, PEER_THREADS]);

/** The RBM as a plain EnergyModel, without `parameterVjp`: the objective differentiates its free energy on the tape. */
const tapeOnly = (rbm) => ({ energy: rbm.energy, variables: rbm.variables });

/**
 * A PCD-1 trainer with SGD, as scikit-learn trains: `epoch()` runs one pass over `batches` and
 * returns its ms (waiting for the device at the end); `update()` is one training step.
 */
function trainer(batches, hidden, closedForm) {
  const [initKey, objectiveKey, trainKey] = split(prngKey(0), 3);
  const rbm = bernoulliRBM({ visible: 64, hidden, key: initKey });
  const model = closedForm ? rbm : tapeOnly(rbm);
  const objective = contrastiveDivergence({ sampler: blockGibbs(rbm), k: 1, init: 'persistent' });
  const optimizer = tf.train.sgd(LEARNING_RATE);
  let state = objective.init(model, objectiveKey);
  let step = 0;
  const update = (batch) => {
    const { loss, grads, state: next, metrics } = objective.gradients(model, batch, state, foldIn(trainKey, step++));
    optimizer.applyGradients(grads);
    disposeReplaced(state, next);
    state = next;
    tf.dispose([loss, grads, metrics]);
  };
  return {
    update: () => update(batches[step % batches.length]),
    epoch() {
      const start = performance.now();
      for (const b of batches) update(b);
      rbm.weights.dataSync();
      return performance.now() - start;
    },
    close() {
      disposeState(state);
      optimizer.dispose();
      tf.dispose(rbm.variables);
    },
  };
}

/**
 * Rows per setting: ours (closed form) in ms per epoch against the tape path; kernels per update,
 * both paths; and scikit-learn as a peer row (ratio = ours / scikit-learn, the target).
 * Each round trains a fresh RBM per path for 1 + `epochs` epochs (the first warms the kernels up)
 * and runs scikit-learn for `epochs` epochs, in turn; the rows are medians over `rounds`.
 */
export async function rbmEpochs({ epochs, rounds, tiny, backend }) {
  const { images: all } = await loadDigits();
  const images = tiny ? tf.slice(all, [0, 0], [TINY_ROWS, 64]) : all;
  const n = images.shape[0];
  const rows = [];
  for (const config of CONFIGS) {
    const { hidden, batch } = config;
    const batches = [];
    for (let start = 0; start < n; start += batch) batches.push(tf.slice(images, [start, 0], [Math.min(batch, n - start), 64]));
    const times = { closed: [], tape: [], sklearn: [] };
    let peer;
    for (let round = 0; round < rounds; round++) {
      for (const path of ['closed', 'tape']) {
        const t = trainer(batches, hidden, path === 'closed');
        const epochMs = Array.from({ length: epochs + 1 }, () => t.epoch()).slice(1);
        t.close();
        times[path].push(median(epochMs));
      }
      if (!tiny) {
        peer = sklearnEpoch(config, epochs);
        if (peer.error) break;
        times.sklearn.push(peer.msPerEpoch);
      }
    }
    const kernels = {};
    for (const path of ['closed', 'tape']) {
      const t = trainer(batches, hidden, path === 'closed');
      t.update();
      kernels[path] = await countKernels(() => t.update());
      t.close();
    }
    tf.dispose(batches);

    const setting = `${hidden} hidden, batch ${batch}`;
    const [ours, tape] = [median(times.closed), median(times.tape)];
    rows.push({
      name: `rbm pcd-1 epoch, digits, ${setting}`,
      backend,
      value: ours,
      unit: 'ms',
      baseline: tape,
      ratio: tape / ours,
      note: `closed-form update (rbm.parameterVjp); baseline = the same update through tf.variableGrads; ratio = speed-up; medians of ${rounds} interleaved rounds`,
    });
    rows.push({
      name: `rbm pcd-1 update kernels, ${setting}`,
      backend,
      value: kernels.closed,
      unit: 'kernels',
      baseline: kernels.tape,
      ratio: kernels.tape / kernels.closed,
      note: 'one objective.gradients + SGD update; baseline = through tf.variableGrads',
    });
    const peerRow = { name: `rbm pcd-1 epoch, scikit-learn BernoulliRBM (peer), digits, ${setting}`, backend, unit: 'ms', peer: 'sklearn', target: config.target, better: 'lower' };
    if (tiny || peer?.error) {
      const why = tiny ? '--tiny' : `${SYSTEM_PYTHON} cannot run scikit-learn (${peer.error}; apt-get install python3-sklearn)`;
      if (!tiny) console.log(`      (scikit-learn row not measured: ${why})`);
      rows.push({ ...peerRow, value: null, note: `not measured: ${why}` });
    } else {
      const sklearn = median(times.sklearn);
      rows.push({
        ...peerRow,
        value: sklearn,
        baseline: ours,
        ratio: ours / sklearn,
        note: `scikit-learn ${peer.sklearn}, float64, ${peer.blas}; baseline = ours (closed form); ratio = ours / scikit-learn (target: at most)`,
      });
    }
  }
  tf.dispose(tiny ? [all, images] : all);
  return rows;
}

// `node bench/rbm-epochs.mjs [--backend wasm] [--epochs 3] [--rounds 3]` runs this row alone.
if (isMain(import.meta.url)) {
  const backend = argument('backend', 'wasm');
  await useBackend(backend);
  console.log(`${backend}, load ${loadAverage()}`);
  const rows = await rbmEpochs({ epochs: Number(argument('epochs', 3)), rounds: Number(argument('rounds', 3)), tiny: process.argv.includes('--tiny'), backend });
  for (const row of rows) console.log(JSON.stringify(row));
  console.log(`load after: ${loadAverage()}`);
}
