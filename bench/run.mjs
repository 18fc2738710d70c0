// `pnpm bench`: every @ebm performance measurement, side by side in one run, on wasm and cpu.
// Prints a table and writes bench/results.json (one row per measurement: name, backend, value,
// unit, baseline, ratio, target, note, and better: 'lower' or 'higher', which way the value is
// better). Ratios are measured in the same process, so a busy machine slows numerator and
// denominator alike; absolute times are only indicative.
//
//   node bench/run.mjs [--tiny] [--backends wasm,cpu] [--out bench/results.json] [--train-steps 6000]
//
// --tiny: a few repeats at tiny sizes (what CI runs through the package's `test` script).
// Needs the built packages (the root `pnpm bench` builds them first). Rows 4 and 5 call python3
// (numpy) and /usr/bin/python3 (scikit-learn) and are skipped with a note when those are missing.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { disposeState, foldIn, normal, prngKey, useBackend } from '@ebm/core';
import { layersEnergy, mlpEnergy } from '@ebm/core/models';
import { langevin } from '@ebm/mcmc-langevin';
import { countKernels, deviceReads } from './device-reads.mjs';
import { objectivePeerRows } from './objective-peers.mjs';
import { SYSTEM_PYTHON, median, runPython, startPeerServer } from './peer.mjs';
import { rbmEpochs } from './rbm-epochs.mjs';
import { workerLangevin } from './worker-langevin.mjs';
import { workerChainsRows } from './worker-chains.mjs';
import { argument } from './script.mjs';

const tiny = process.argv.includes('--tiny');
const backends = argument('backends', 'wasm,cpu').split(',');
const out = argument('out', fileURLToPath(new URL('./results.json', import.meta.url)));
/** Row 8's training steps: the cli's default (6000; 20 with --tiny) unless --train-steps says otherwise. */
const trainSteps = () => (argument('train-steps') === undefined ? undefined : Number(argument('train-steps')));

/** Problem sizes. `big` is the sampler-step problem, `small` its 2-D toy size. */
const SIZES = tiny
  ? { big: { batch: 64, hidden: 16 }, small: { batch: 16, hidden: 8 }, repeats: { wasm: 2, cpu: 2 }, userRepeats: { wasm: 1, cpu: 1 }, smallRepeats: 3, fitSteps: 2, rbmEpochs: 1, rbmRounds: 1 }
  : { big: { batch: 4096, hidden: 256 }, small: { batch: 256, hidden: 64 }, repeats: { wasm: 21, cpu: 5 }, userRepeats: { wasm: 5, cpu: 3 }, smallRepeats: 201, fitSteps: 20, rbmEpochs: 3, rbmRounds: 3 };
const DIM = 2;
/** Langevin step size of every sampler row (its value does not change the cost). */
const STEP_SIZE = 0.01;
/** Speed-up over the obvious tfjs code the issue asks for, on wasm. */
const USER_CODE_TARGET = 5;
/** Fraction of the backend's own GEMM rate the sampler step should reach. */
const ROOFLINE_TARGET = 0.7;

/** Issue 16's targets for ours / PyTorch (one thread): the batch-4096 step and the small step. */
const BIG_STEP_TARGET = 1.25;
const SMALL_STEP_TARGET = 1.2;
/** Interleaved rounds of ours and a peer served from a child process (PyTorch). */
const PEER_ROUNDS = tiny ? 1 : 5;

/** Which way a value is better, by its unit (a row may say otherwise). */
const BETTER = { ms: 'lower', kernels: 'lower', reads: 'lower', 'GFLOP/s': 'higher', 'steps/s': 'higher' };

const rows = [];
function record(row) {
  const full = { baseline: null, ratio: null, target: null, note: '', better: BETTER[row.unit], ...row };
  rows.push(full);
  const show = (v, d = 2) => (v === null ? '' : Number(v).toFixed(d));
  console.log(
    `${full.backend.padEnd(5)} ${full.name.padEnd(64)} ${show(full.value).padStart(10)} ${full.unit.padEnd(9)} ${full.better.padEnd(6)} ${show(full.baseline).padStart(10)} ${show(full.ratio, 3).padStart(8)} ${show(full.target).padStart(6)}  ${full.note}`,
  );
}

/**
 * Median ms of `repeats` calls of `run` after two warm-up calls. The median, not the mean: on a
 * shared machine a few calls stall for other processes. cpu and wasm run synchronously, so the
 * clock around a call measures its work.
 */
function medianMs(run, repeats) {
  run();
  run();
  return median(Array.from({ length: repeats }, () => clockMs(run)));
}

/** Wall ms of one call. */
function clockMs(run) {
  const start = performance.now();
  run();
  return performance.now() - start;
}


/**
 * A Langevin chain of `batch` 2-D chains on `energy`, as a sampler user drives it: `step()` takes
 * one step and frees the previous state. `close()` frees the chain.
 */
function chain(energy, batch, seed) {
  const sampler = langevin({ stepSize: STEP_SIZE });
  const init = normal(prngKey(seed), [batch, DIM]);
  let state = sampler.init(init, energy);
  init.dispose();
  let t = 0;
  return {
    step() {
      const [next, info] = sampler.step(foldIn(prngKey(seed + 1), t++), state, energy);
      disposeState([state, info]);
      state = next;
    },
    position: () => state.position,
    close: () => disposeState(state),
  };
}

/** Median ms per Langevin step, each step's positions read back. */
const timeSteps = (c, repeats) =>
  medianMs(() => {
    c.step();
    c.position().dataSync();
  }, repeats);

/** The energies a user would write: plain ops (tfjs backprop through tf.grad) and a tfjs-layers model. */
function userEnergies(model, hidden) {
  const [w0, b0, w1, b1, w2, b2] = model.variables;
  const swish = (a) => tf.mul(a, tf.sigmoid(a));
  const plain = (x) =>
    tf.tidy(() => {
      const h1 = swish(tf.add(tf.matMul(x, w0), b0));
      const h2 = swish(tf.add(tf.matMul(h1, w1), b1));
      return tf.reshape(tf.add(tf.matMul(h2, w2), b2), [-1]);
    });
  const net = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [DIM], units: hidden, activation: 'swish' }),
      tf.layers.dense({ units: hidden, activation: 'swish' }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  net.setWeights(model.variables);
  return { plain, layers: layersEnergy(net).energy, dispose: () => net.dispose() };
}

/** Matmul FLOPs of forward + input gradient of a [D, H, H, 1] MLP on `batch` rows (the [N,1]x[1,H] outer product is a broadcast). */
const stepFlops = (batch, hidden) => 2 * batch * (DIM * hidden + hidden * hidden + hidden) + 2 * batch * (hidden * hidden + hidden * DIM);

/**
 * The same matmul FLOPs as plain, untransposed tf.matMul calls (the backend's roofline for one
 * step), timed alternately with the steps of chain `c`: median ms of each.
 */
function gemmAndStepMs(batch, hidden, c, repeats) {
  const gemm = gemmSet(batch, hidden);
  const step = () => {
    c.step();
    c.position().dataSync();
  };
  const gemmTimes = [];
  const stepTimes = [];
  // Two warm-up rounds, then `repeats` timed ones.
  for (let i = 0; i < repeats + 2; i++) {
    gemmTimes.push(clockMs(gemm.run));
    stepTimes.push(clockMs(step));
  }
  gemm.dispose();
  return { gemm: median(gemmTimes.slice(2)), oursMs: median(stepTimes.slice(2)) };
}

function gemmSet(batch, hidden) {
  const [a, xin, wHH, wDH, wH1, wHD] = [
    [batch, hidden],
    [batch, DIM],
    [hidden, hidden],
    [DIM, hidden],
    [hidden, 1],
    [hidden, DIM],
  ].map((shape, i) => normal(prngKey(100 + i), shape));
  const run = () =>
    tf.tidy(() => tf.stack([tf.matMul(xin, wDH), tf.matMul(a, wHH), tf.matMul(a, wH1), tf.matMul(a, wHH), tf.matMul(a, wHD)].map((t) => tf.sum(t))).dataSync());
  return { run, dispose: () => tf.dispose([a, xin, wHH, wDH, wH1, wHD]) };
}

/**
 * PyTorch peer rows (bench/torch_langevin.py with Debian's /usr/bin/python3, one thread): for each
 * size, `PEER_ROUNDS` rounds of (ours: `reps` steps, PyTorch: `reps` steps), each side's median
 * per round, the rows the medians over rounds. Without torch the rows say not measured.
 */
async function pytorchRows(backend, sizes) {
  const torch = await startPeerServer(SYSTEM_PYTHON, fileURLToPath(new URL('./torch_langevin.py', import.meta.url)));
  for (const [sz, label, reps, target] of sizes) {
    const row = { name: `pytorch langevin step (peer), ${label}`, backend, unit: 'ms', peer: 'pytorch', target };
    if (torch.error) {
      console.log(`      (PyTorch rows not measured: ${torch.error})`);
      record({ ...row, value: null, note: `not measured: ${SYSTEM_PYTHON}: ${torch.error}` });
      continue;
    }
    const model = mlpEnergy({ inputShape: [DIM], hidden: [sz.hidden, sz.hidden], key: prngKey(0) });
    const c = chain(model.energy, sz.batch, 1);
    const ours = [];
    const peer = [];
    for (let round = 0; round < PEER_ROUNDS; round++) {
      ours.push(timeSteps(c, reps));
      peer.push((await torch.request(`${sz.batch} ${sz.hidden} ${reps}`)).msPerStep);
    }
    c.close();
    tf.dispose(model.variables);
    const [oursMs, peerMs] = [median(ours), median(peer)];
    record({
      ...row,
      value: peerMs,
      baseline: oursMs,
      ratio: oursMs / peerMs,
      note:
        `PyTorch ${torch.info.torch} (Debian python3-torch), ${torch.info.threads} intra-op thread, BLAS ${torch.info.blas}, autograd input gradient; ` +
        `baseline = ours (${backend}, position read back each step); ${PEER_ROUNDS} interleaved rounds, medians; ratio = ours / PyTorch`,
    });
  }
  if (!torch.error) torch.close();
}

async function samplerRows(backend) {
  const repeats = SIZES.repeats[backend];
  const { batch, hidden } = SIZES.big;
  const size = `batch ${batch}, hidden [${hidden},${hidden}]`;

  // 1. Sampler step vs roofline, measured interleaved (one GEMM set, one step, ...) so that load
  // from other processes falls on both alike.
  const model = mlpEnergy({ inputShape: [DIM], hidden: [hidden, hidden], key: prngKey(0) });
  const ours = chain(model.energy, batch, 1);
  const { gemm, oursMs } = gemmAndStepMs(batch, hidden, ours, repeats);
  ours.close();
  record({ name: `gemm (same matmul FLOPs), ${size}`, backend, value: stepFlops(batch, hidden) / gemm / 1e6, unit: 'GFLOP/s', note: `${gemm.toFixed(1)} ms` });
  record({
    name: `langevin step, ${size}`,
    backend,
    value: oursMs,
    unit: 'ms',
    baseline: gemm,
    ratio: gemm / oursMs,
    target: ROOFLINE_TARGET,
    note: 'ratio = fraction of the GEMM rate',
  });

  // 2. Ours vs what a user would write.
  const user = userEnergies(model, hidden);
  for (const [label, energy] of [
    ['tf.grad through plain ops', user.plain],
    ['tfjs-layers model (layersEnergy)', user.layers],
  ]) {
    const c = chain(energy, batch, 1);
    const ms = timeSteps(c, SIZES.userRepeats[backend]);
    c.close();
    record({
      name: `langevin step, ${label}`,
      backend,
      value: ms,
      unit: 'ms',
      baseline: oursMs,
      ratio: ms / oursMs,
      target: backend === 'wasm' ? USER_CODE_TARGET : null,
      note: 'ratio = speed-up of ours',
    });
  }
  user.dispose();
  tf.dispose(model.variables);

  // 3. Small problems: ms and kernel launches per step, ours and the obvious code.
  const small = SIZES.small;
  const smallSize = `batch ${small.batch}, hidden [${small.hidden},${small.hidden}]`;
  const smallModel = mlpEnergy({ inputShape: [DIM], hidden: [small.hidden, small.hidden], key: prngKey(0) });
  const smallUser = userEnergies(smallModel, small.hidden);
  const smallRepeats = backend === 'cpu' ? Math.ceil(SIZES.smallRepeats / 4) : SIZES.smallRepeats;
  let smallGemm;
  const measured = {};
  for (const [label, energy] of [
    ['ours', smallModel.energy],
    ['tf.grad through plain ops', smallUser.plain],
  ]) {
    const c = chain(energy, small.batch, 1);
    let ms;
    if (label === 'ours') ({ gemm: smallGemm, oursMs: ms } = gemmAndStepMs(small.batch, small.hidden, c, smallRepeats));
    else ms = timeSteps(c, smallRepeats);
    const kernels = await countKernels(() => c.step());
    c.close();
    measured[label] = ms;
    record({
      name: `small langevin step, ${label}, ${smallSize}`,
      backend,
      value: ms,
      unit: 'ms',
      baseline: smallGemm,
      ratio: smallGemm / ms,
      note: 'baseline = GEMM ms; ratio = fraction of the GEMM rate',
    });
    record({ name: `small langevin step kernels, ${label}`, backend, value: kernels, unit: 'kernels' });
  }
  record({
    name: `small langevin step, speed-up of ours, ${smallSize}`,
    backend,
    value: measured.ours,
    unit: 'ms',
    baseline: measured['tf.grad through plain ops'],
    ratio: measured['tf.grad through plain ops'] / measured.ours,
    note: 'baseline = plain-ops ms',
  });
  smallUser.dispose();
  tf.dispose(smallModel.variables);

  // 4. Native reference: numpy with hand-written backprop, same sizes, same process tree.
  if (backend === 'wasm') {
    for (const [sz, ms, label] of [
      [SIZES.big, oursMs, size],
      [small, measured.ours, smallSize],
    ]) {
      const reps = sz === small ? SIZES.smallRepeats : repeats;
      const ref = runPython('python3', [fileURLToPath(new URL('./native_langevin.py', import.meta.url)), sz.batch, sz.hidden, DIM, reps]);
      const name = `numpy langevin step (peer), ${label}`;
      if (ref.error) {
        record({ name, backend, value: null, unit: 'ms', peer: 'numpy', note: `not measured: python3 with numpy failed: ${ref.error}` });
        continue;
      }
      record({
        name,
        backend,
        value: ref.msPerStep,
        unit: 'ms',
        baseline: ms,
        ratio: ms / ref.msPerStep,
        peer: 'numpy',
        note: `numpy ${ref.numpy}, hand-written backprop, its BLAS on every core; numpy GEMM ${ref.gemmMs.toFixed(1)} ms; baseline = ours (wasm); ratio = ours / numpy`,
      });
    }
    // 7. PyTorch: the same steps, interleaved with ours.
    await pytorchRows(backend, [
      [SIZES.big, size, repeats, BIG_STEP_TARGET],
      [small, smallSize, SIZES.smallRepeats, SMALL_STEP_TARGET],
    ]);
    // Both cores: chains split across worker threads, each with its own wasm backend.
    const workers = Math.min(2, os.availableParallelism());
    const parallel = await workerLangevin({ workers, batch, hidden, dim: DIM, stepSize: STEP_SIZE, repeats });
    record({
      name: `langevin step, ${workers} worker threads, ${size}`,
      backend,
      value: parallel,
      unit: 'ms',
      baseline: oursMs,
      ratio: oursMs / parallel,
      note: 'ratio = speed-up over one thread',
    });
    // The same with the library pool (@ebm/workers' workerChains), and a PCD fit step with its chains in the pool.
    for (const row of await workerChainsRows({ tiny, repeats: Math.min(repeats, 9) })) record(row);
  }
}

for (const backend of backends) {
  await useBackend(backend);
  console.log(`\n${backend} (tfjs ${tf.version.tfjs}, node ${process.version}, ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)})${tiny ? ', --tiny sizes' : ''}`);
  console.log(`${'back'.padEnd(5)} ${'name'.padEnd(64)} ${'value'.padStart(10)} ${'unit'.padEnd(9)} ${'better'} ${'baseline'.padStart(10)} ${'ratio'.padStart(8)} ${'target'.padStart(6)}`);
  await samplerRows(backend);
  // 5. RBM epochs on digits vs scikit-learn.
  for (const row of await rbmEpochs({ epochs: SIZES.rbmEpochs, rounds: SIZES.rbmRounds, tiny, backend })) record(row);
  // 6. Device reads, kernels and steps/s of one fit step per objective of the default 2-D recipe, and CD-20 with MALA.
  for (const row of await deviceReads({ steps: SIZES.fitSteps, tiny, backend })) record(row);
  // 8. PCD, DSM and NCE steps and the default `ebm train` run against PyTorch (wasm only; --train-steps N shortens the run).
  if (backend === 'wasm') for (const row of await objectivePeerRows({ backend, tiny, trainSteps: trainSteps() })) record(row);
  const leaked = tf.memory().numTensors;
  console.log(`      (${leaked} tensors alive after the ${backend} rows)`);
}

writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
console.log(`\nwrote ${rows.length} rows to ${out}`);
