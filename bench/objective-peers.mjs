// Bench row 8: training steps and the default `ebm train` run against PyTorch (issue 16), measured
// in the same run, interleaved. Ours is what a user of the library runs: core `fit` with the
// objective, optimizer and model the `ebm` cli builds (@ebm/cli's buildObjective / buildOptimizer /
// openSession); the peer is bench/torch_objectives.py, the same steps as a PyTorch user writes
// them (nn.Sequential, SiLU, autograd, torch.optim.Adam), one thread.
//
//   node bench/objective-peers.mjs [--backend wasm] [--tiny] [--rounds 5] [--train-steps 6000]
//
// Step rows: PCD (k = 20 Langevin, h = 0.01), denoising score matching (sigma 0.1) and NCE (ratio 4,
// Gaussian noise fitted to the data), MLP 2-64-64-1 swish, batch 128, on 4096 points of
// 8gaussians. Each round times `repeats` steps of ours (one `fit` call; ms between its `onStep`
// calls, after two warm-up steps) and then as many PyTorch steps (median of single steps after two
// warm-up steps); rows give the medians over rounds. Train row: the cli's default recipe (NCE,
// ratio 4, MLP [64, 64] swish, Adam 3e-3 with cosine decay over the run, batch 256, 50,000 points
// of 8gaussians, seed 0): ours is the `fit` the cli runs, without its evaluation every 500 steps
// and checkpoints; PyTorch trains from its own initialisation on the same data; one run each. Both
// models are then scored with the cli's final evaluation (@ebm/eval's nll2d, 400x400 grid on the
// data box scaled 1.5x, the run's 5,000 test points): the PyTorch weights are copied into our MLP.
import { unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, prngKey, split, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { fit } from '@ebm/core/train';
import { buildObjective, buildOptimizer, buildSampler, evaluateNll, openSession, trainConfigSchema } from '@ebm/cli';
import { toyDatasets } from '@ebm/datasets';
import { SYSTEM_PYTHON, median, startPeerServer } from './peer.mjs';
import { argument, isMain } from './script.mjs';

/** Issue 16's targets for ours / PyTorch (one thread). */
const STEP_TARGET = 1.5;
const TRAIN_TARGET = 2;
/** The step rows' problem: the issue's sizes. */
const STEP_BATCH = 128;
const STEP_DATA = 4096;
const HIDDEN = [64, 64];
/** The step rows: cli objective name, its config keys, the row label, and what the PyTorch side is told. */
const STEP_ROWS = [
  { objective: 'pcd', config: { mcmcSteps: 20 }, label: 'pcd step, k = 20 langevin', peer: { k: 20, stepSize: 0.01 } },
  { objective: 'dsm', config: { sigma: 0.1 }, label: 'dsm step, sigma 0.1', peer: { sigma: 0.1 } },
  { objective: 'nce', config: { ratio: 4 }, label: 'nce step, ratio 4', peer: { ratio: 4 } },
];
/** The cli's final evaluation's quadrature grid. */
const NLL_GRID = 400;

/** The notes' description of the peer. */
const peerNote = (info) => `PyTorch ${info.torch} (Debian python3-torch), ${info.threads} intra-op thread, BLAS ${info.blas}`;

/** This process's CPU ms so far (every thread). */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Wall and CPU ms per `fit` step (a fresh Adam of the cli's): `repeats` steps after two warm-up
 * steps, the time between consecutive `onStep` calls, medians.
 */
async function fitStepMs(model, objective, data, config, key, repeats) {
  const stamps = [];
  const optimizer = buildOptimizer(config);
  const onStep = () => void stamps.push([performance.now(), cpuMs()]);
  const result = await fit(model, objective, data, { optimizer, batchSize: STEP_BATCH, key, steps: repeats + 3, onStep });
  disposeReplaced(result.state, []);
  optimizer.dispose();
  const per = (field) => median(stamps.slice(3).map((t, i) => t[field] - stamps[i + 2][field]));
  return { msPerStep: per(0), cpuMsPerStep: per(1) };
}

/** The step rows: PCD, DSM and NCE steps of ours and PyTorch, interleaved. */
async function stepRows(torch, { backend, tiny, rounds }) {
  const repeats = tiny ? 3 : 41;
  const [dataKey, modelKey, trainKey] = split(prngKey(0), 3);
  const data = toyDatasets['8gaussians'].sample(dataKey, tiny ? 512 : STEP_DATA);
  if (!torch.error) await sendData(torch, data);
  const rows = [];
  for (const recipe of STEP_ROWS) {
    const row = { name: `pytorch ${recipe.label}, mlp [${HIDDEN}], batch ${STEP_BATCH} (peer)`, backend, unit: 'ms', peer: 'pytorch', target: STEP_TARGET, better: 'lower' };
    if (torch.error) {
      rows.push({ ...row, value: null, note: `not measured: ${SYSTEM_PYTHON}: ${torch.error}` });
      continue;
    }
    const config = trainConfigSchema.parse({ objective: recipe.objective, hidden: HIDDEN, batchSize: STEP_BATCH, ...recipe.config });
    const model = mlpEnergy({ inputShape: [2], hidden: HIDDEN, activation: config.activation, key: modelKey });
    const disposers = [];
    const objective = buildObjective(config, { sampler: buildSampler(config), data, flow: () => undefined, onDispose: (dispose) => disposers.push(dispose) });
    const [ours, peer] = [[], []];
    for (let round = 0; round < rounds; round++) {
      ours.push(await fitStepMs(model, objective, data, config, trainKey, repeats));
      peer.push(await torch.request(JSON.stringify({ op: 'step', objective: recipe.objective, batch: STEP_BATCH, repeats, ...recipe.peer })));
    }
    tf.dispose(model.variables);
    for (const dispose of disposers) dispose();
    const [oursMs, peerMs] = [median(ours.map((r) => r.msPerStep)), median(peer.map((r) => r.msPerStep))];
    const [oursCpu, peerCpu] = [median(ours.map((r) => r.cpuMsPerStep)), median(peer.map((r) => r.cpuMsPerStep))];
    rows.push({
      ...row,
      value: peerMs,
      baseline: oursMs,
      ratio: oursMs / peerMs,
      note:
        `${peerNote(torch.info)}: nn.Sequential + autograd + Adam, loss.item() each step; baseline = ours (${backend}): core fit with the cli's ` +
        `${recipe.objective} objective and Adam, one loss/metrics read per step; 8gaussians, ${rounds} interleaved rounds of ${repeats} steps, medians; ratio = ours / PyTorch; ` +
        `CPU ms per step (less sensitive to load) ours ${oursCpu.toFixed(3)}, PyTorch ${peerCpu.toFixed(3)}, ratio ${(oursCpu / peerCpu).toFixed(2)}`,
    });
  }
  data.dispose();
  return rows;
}

/** Writes `data` ([N, 2] float32) to a temporary file and points the PyTorch server at it. */
async function sendData(torch, data) {
  const file = path.join(os.tmpdir(), `ebm-bench-data-${process.pid}.f32`);
  const values = data.dataSync();
  writeFileSync(file, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  const answer = await torch.request(JSON.stringify({ op: 'data', path: file, rows: data.shape[0] }));
  unlinkSync(file);
  if (answer.error) throw new Error(`torch_objectives.py: ${answer.error}`);
}


/** The train row: the cli's default recipe, ours and PyTorch, training seconds and test NLL gaps. */
async function trainRow(torch, { backend, tiny, trainSteps }) {
  const steps = trainSteps ?? (tiny ? 20 : trainConfigSchema.parse({}).steps);
  const row = { name: `pytorch ebm train, default recipe (${steps} nce steps) (peer)`, backend, unit: 's', peer: 'pytorch', target: TRAIN_TARGET, better: 'lower' };
  if (torch.error) return { ...row, value: null, note: `not measured: ${SYSTEM_PYTHON}: ${torch.error}` };
  const config = trainConfigSchema.parse({ steps, backend, ...(tiny ? { dataSize: 1024, testSize: 256 } : {}) });
  const session = await openSession(config);
  const grid = tiny ? 50 : NLL_GRID;
  try {
    const [start, startCpu] = [performance.now(), cpuMs()];
    const result = await fit(session.model, session.objective, session.data, { optimizer: session.optimizer, steps, batchSize: config.batchSize, key: session.trainKey });
    const [oursSeconds, oursCpuSeconds] = [(performance.now() - start) / 1000, (cpuMs() - startCpu) / 1000];
    disposeReplaced(result.state, []);
    const oursGap = evaluateNll(session, grid).nll - session.dataset.entropy;
    await sendData(torch, session.data);
    const peer = await torch.request(JSON.stringify({ op: 'train', steps, batch: config.batchSize, learningRate: config.learningRate, ratio: config.ratio, seed: config.seed }));
    if (peer.error) throw new Error(`torch_objectives.py: ${peer.error}`);
    // torch.nn.Linear keeps W as [out, in]; core's dense layers as [in, out].
    peer.weights.forEach((w, i) => {
      const variable = session.model.variables[i];
      tf.tidy(() => variable.assign(i % 2 === 0 ? tf.transpose(tf.tensor2d(w)) : tf.tensor1d(w)));
    });
    const peerGap = evaluateNll(session, grid).nll - session.dataset.entropy;
    return {
      ...row,
      value: peer.seconds,
      baseline: oursSeconds,
      ratio: oursSeconds / peer.seconds,
      note:
        `${peerNote(torch.info)}: NCE loop with CosineAnnealingLR, loss.item() each step; baseline = ours (${backend}): the cli's fit (openSession's model, ` +
        `objective, optimizer), without its evaluations and checkpoints; test NLL gap ours ${oursGap.toFixed(3)}, PyTorch ${peerGap.toFixed(3)} nats ` +
        `(nll2d, ${grid}x${grid} grid, ${config.testSize} test points); one run each; ratio = ours / PyTorch seconds; ` +
        `CPU seconds ours ${oursCpuSeconds.toFixed(1)}, PyTorch ${peer.cpuSeconds.toFixed(1)}, ratio ${(oursCpuSeconds / peer.cpuSeconds).toFixed(2)}`,
    };
  } finally {
    session.dispose();
  }
}

/**
 * Rows: PCD, DSM and NCE training steps and the default `ebm train` run, ours against PyTorch
 * (value = PyTorch, baseline = ours, ratio = ours / PyTorch). Without torch the rows say not measured.
 */
export async function objectivePeerRows({ backend, tiny, rounds = tiny ? 1 : 5, trainSteps }) {
  const torch = await startPeerServer(SYSTEM_PYTHON, fileURLToPath(new URL('./torch_objectives.py', import.meta.url)));
  try {
    return [...(await stepRows(torch, { backend, tiny, rounds })), await trainRow(torch, { backend, tiny, trainSteps })];
  } finally {
    if (!torch.error) torch.close();
  }
}

if (isMain(import.meta.url)) {
  const backend = argument('backend', 'wasm');
  await useBackend(backend);
  const tiny = process.argv.includes('--tiny');
  const trainSteps = argument('train-steps') === undefined ? undefined : Number(argument('train-steps'));
  console.log(`${backend}, load ${os.loadavg()[0].toFixed(1)}`);
  for (const row of await objectivePeerRows({ backend, tiny, rounds: Number(argument('rounds', tiny ? 1 : 5)), trainSteps })) {
    console.log(`${row.name.padEnd(72)} ${row.value === null ? 'null' : row.value.toFixed(3)} ${row.unit}, ours ${row.baseline?.toFixed(3) ?? '-'}, ratio ${row.ratio?.toFixed(2) ?? '-'}  ${row.note}`);
  }
  console.log(`load ${os.loadavg()[0].toFixed(1)} at the end`);
}
