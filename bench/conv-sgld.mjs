// The SGLD step of a convolutional image energy (@ebm/core convEnergy: 28x28x1 -> conv 3x3/2 32
// -> conv 3x3/2 64 -> linear read-out, swish, batch 64) on tfjs wasm, against:
//   - the GEMM roofline: the step's matmul FLOPs as plain untransposed tf.matMul calls;
//   - tf.grad through our energy (the tape, instead of the hand-written valueAndGrad);
//   - the same network written with tf.conv2d and differentiated by tf.grad (what a user would write);
//   - PyTorch on the same machine (bench/native_conv_sgld.py, /usr/bin/python3, one thread).
// The tfjs and PyTorch sides are measured in alternating rounds, so load from other processes falls
// on both alike; medians over rounds are printed. Needs the built packages and, for the PyTorch
// column, Debian's python3-torch (`apt-get install -y python3-torch`).
//
//   node bench/conv-sgld.mjs [--batch 64] [--repeats 15] [--rounds 3] [--threads 1]
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { disposeState, energyAndGradient, foldIn, prngKey, uniform, useBackend } from '@ebm/core';
import { convEnergy } from '@ebm/core/models';
import { langevin } from '@ebm/mcmc-langevin';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const BATCH = arg('batch', 64);
const REPEATS = arg('repeats', 15);
const ROUNDS = arg('rounds', 3);
const THREADS = arg('threads', 1);
/** The short-run recipe's sampler (Du & Mordatch 2019 scale: big step, small noise, clipped gradient). */
const SAMPLER = { stepSize: 10, noiseScale: 0.005, gradClip: 0.03, clamp: [0, 1] };

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median ms of `repeats` calls after two warm-up calls (cpu and wasm run synchronously). */
function medianMs(run, repeats) {
  run();
  run();
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

function torchRound() {
  const script = fileURLToPath(new URL('./native_conv_sgld.py', import.meta.url));
  const env = { ...process.env };
  // Debian's OpenBLAS misreads these settings of the development image; unset for this command only.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  try {
    const text = execFileSync('/usr/bin/python3', [script, BATCH, REPEATS, THREADS].map(String), { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(text.trim().split('\n').pop());
  } catch (error) {
    return { error: String(error.stderr || error.message).trim().split('\n').pop() };
  }
}

await useBackend('wasm');
const model = convEnergy({ inputShape: [28, 28, 1], channels: [32, 64], key: prngKey(0) });
const [k0, b0, k1, b1, w, b] = model.variables;
const x = uniform(prngKey(1), [BATCH, 28, 28, 1], 0, 1);

// The same network on tfjs's own conv kernels, with our weights.
const pad = [[0, 0], [1, 1], [1, 1], [0, 0]];
const swish = (a) => tf.mul(a, tf.sigmoid(a));
const plainEnergy = (z) =>
  tf.tidy(() => {
    const h1 = swish(tf.add(tf.conv2d(z, k0, 2, pad), b0));
    const h2 = swish(tf.add(tf.conv2d(h1, k1, 2, pad), b1));
    return tf.reshape(tf.add(tf.matMul(tf.reshape(h2, [z.shape[0], -1]), w), b), [-1]);
  });
const tapeEnergy = (z) => model.energy(z); // no valueAndGrad: energyAndGradient falls back to tf.grad

const gradientMs = (energy) =>
  medianMs(() => {
    const { energy: e, gradient } = energyAndGradient(energy, x);
    tf.tidy(() => tf.sum(gradient).dataSync());
    tf.dispose([e, gradient]);
  }, REPEATS);

const sampler = langevin(SAMPLER);
const stepMs = () => {
  const state = sampler.init(x, model.energy);
  let i = 0;
  const ms = medianMs(() => {
    const [next, info] = sampler.step(foldIn(prngKey(2), i++), state, model.energy);
    tf.tidy(() => tf.sum(next.position).dataSync());
    disposeState([next, info]);
  }, REPEATS);
  disposeState(state);
  return ms;
};

// The step's matmuls as plain GEMMs: forward conv_1, conv_2, head; backward conv_2, conv_1 patches.
const gemmShapes = [
  [BATCH * 196, 9, 32],
  [BATCH * 49, 288, 64],
  [BATCH, 3136, 1],
  [BATCH * 49, 64, 288],
  [BATCH * 196, 32, 9],
];
const gemmOperands = gemmShapes.map(([m, k, n], i) => [uniform(prngKey(10 + i), [m, k], -1, 1), uniform(prngKey(20 + i), [k, n], -1, 1)]);
const gemmFlops = gemmShapes.reduce((s, [m, k, n]) => s + 2 * m * k * n, 0);
const gemmMs = () => medianMs(() => tf.tidy(() => tf.stack(gemmOperands.map(([a, c]) => tf.sum(tf.matMul(a, c)))).dataSync()), REPEATS);

const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  const round = {
    gemm: gemmMs(),
    step: stepMs(),
    ours: gradientMs(model.energy),
    tape: gradientMs(tapeEnergy),
    plain: gradientMs(plainEnergy),
    torch: torchRound(),
  };
  rounds.push(round);
  console.error(`round ${r + 1}/${ROUNDS}: ${JSON.stringify(round)}`);
}
const pick = (f) => median(rounds.map(f).filter((v) => Number.isFinite(v)));
const torchError = rounds.find((r) => r.torch.error)?.torch.error;
const result = {
  batch: BATCH,
  loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
  gemmMs: pick((r) => r.gemm),
  gemmGflops: gemmFlops / pick((r) => r.gemm) / 1e6,
  stepFlops: gemmFlops,
  sgldStepMs: pick((r) => r.step),
  inputGradientMs: pick((r) => r.ours),
  tapeGradientMs: pick((r) => r.tape),
  tfConv2dGradientMs: pick((r) => r.plain),
  torchStepMs: torchError ? null : pick((r) => r.torch.step_ms),
  torchGradientMs: torchError ? null : pick((r) => r.torch.grad_ms),
  torchThreads: THREADS,
  ...(torchError ? { torchError } : { torch: rounds[0].torch.torch }),
};
console.log(JSON.stringify(result, null, 2));
console.log(
  `wasm, batch ${BATCH}: SGLD step ${result.sgldStepMs.toFixed(1)} ms (input gradient ${result.inputGradientMs.toFixed(1)} ms = ` +
    `${(result.gemmMs / result.inputGradientMs).toFixed(2)} of the GEMM rate, ${result.gemmGflops.toFixed(1)} GFLOP/s); ` +
    `tape ${result.tapeGradientMs.toFixed(1)} ms; tf.conv2d + tf.grad ${result.tfConv2dGradientMs.toFixed(1)} ms; ` +
    (torchError ? `PyTorch skipped: ${torchError}` : `PyTorch ${THREADS} thread(s): step ${result.torchStepMs.toFixed(1)} ms, gradient ${result.torchGradientMs.toFixed(1)} ms`),
);
tf.dispose([x, ...model.variables, ...gemmOperands.flat()]);
