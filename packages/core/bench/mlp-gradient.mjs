// Benchmark: forward + input gradient of the core MLP energy (what every sampler step costs),
// ours vs what a user would write, and vs the backend's own GEMM rate, in one run.
//
//   node bench/mlp-gradient.mjs [--backend wasm|cpu] [--batch 4096] [--hidden 256] [--repeats 10]
//
// Rows:
//   naive       tf.grad through tf.matMul + tf.add + x * tf.sigmoid(x)   (tfjs backprop: transposed matMuls)
//   ours-tape   tf.grad through mlpEnergy.energy (dense layers with untransposed custom gradients)
//   ours-fast   mlpEnergy.energy.valueAndGrad (hand-written input gradient; what samplers call)
//   gemm        the same matMul FLOPs as plain untransposed tf.matMul calls (the roofline)
import * as tf from '@tensorflow/tfjs';
import { energyAndGradient, mlpEnergy, prngKey, normal, useBackend } from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const backend = await useBackend(arg('backend', 'wasm'));
const batch = Number(arg('batch', 4096));
const hidden = Number(arg('hidden', 256));
const repeats = Number(arg('repeats', 10));
const dim = 2;

const model = mlpEnergy({ inputShape: [dim], hidden: [hidden, hidden], key: prngKey(0) });
const x = normal(prngKey(1), [batch, dim]);
const [w0, b0, w1, b1, w2, b2] = model.variables;

const naiveEnergy = (z) => {
  const swish = (a) => tf.mul(a, tf.sigmoid(a));
  const h1 = swish(tf.add(tf.matMul(z, w0), b0));
  const h2 = swish(tf.add(tf.matMul(h1, w1), b1));
  return tf.reshape(tf.add(tf.matMul(h2, w2), b2), [-1]);
};
const naive = tf.grad((z) => tf.sum(naiveEnergy(z)));
const oursTape = tf.grad((z) => tf.sum(model.energy(z)));

// The matMuls of forward + input gradient, all plain: forward [B,D]x[D,H], [B,H]x[H,H], [B,H]x[H,1];
// backward [B,H]x[H,H] and [B,H]x[H,D] (the [B,1]x[1,H] outer product is a broadcast, not a GEMM).
const a = normal(prngKey(2), [batch, hidden]);
const xin = normal(prngKey(3), [batch, dim]);
const wHH = normal(prngKey(4), [hidden, hidden]);
const wDH = normal(prngKey(5), [dim, hidden]);
const wH1 = normal(prngKey(6), [hidden, 1]);
const wHD = normal(prngKey(7), [hidden, dim]);
const gemmFlops = 2 * batch * (dim * hidden + hidden * hidden + hidden) + 2 * batch * (hidden * hidden + hidden * dim);
const gemm = () => [tf.matMul(xin, wDH), tf.matMul(a, wHH), tf.matMul(a, wH1), tf.matMul(a, wHH), tf.matMul(a, wHD)];

function time(fn) {
  for (let i = 0; i < 2; i++) tf.tidy(() => tf.stack([].concat(fn()).map((t) => tf.sum(t))).dataSync());
  const start = performance.now();
  for (let i = 0; i < repeats; i++) tf.tidy(() => tf.stack([].concat(fn()).map((t) => tf.sum(t))).dataSync());
  return (performance.now() - start) / repeats;
}

// Sanity: all three compute the same gradient.
const maxDiff = tf.tidy(() => {
  const g0 = naive(x);
  const g1 = oursTape(x);
  const g2 = energyAndGradient(model.energy, x).gradient;
  return Math.max(tf.max(tf.abs(tf.sub(g0, g1))).dataSync()[0], tf.max(tf.abs(tf.sub(g0, g2))).dataSync()[0]);
});

const rows = [];
const gemmMs = time(gemm);
const gflops = gemmFlops / gemmMs / 1e6;
for (const [name, fn] of [
  ['naive', () => naive(x)],
  ['ours-tape', () => oursTape(x)],
  ['ours-fast', () => Object.values(energyAndGradient(model.energy, x))],
]) {
  const ms = time(fn);
  rows.push({ name, ms });
}
const naiveMs = rows[0].ms;
console.log(`backend ${backend}, batch ${batch}, hidden [${hidden}, ${hidden}], input ${dim}; max |grad difference| ${maxDiff.toExponential(2)}`);
console.log(`gemm roofline: ${gemmMs.toFixed(1)} ms for ${(gemmFlops / 1e9).toFixed(2)} GFLOP = ${gflops.toFixed(1)} GFLOP/s`);
console.log('name        ms/step   speed-up vs naive   fraction of GEMM rate');
for (const { name, ms } of rows) {
  console.log(`${name.padEnd(10)} ${ms.toFixed(1).padStart(8)}   ${(naiveMs / ms).toFixed(2).padStart(8)}x   ${((100 * gemmMs) / ms).toFixed(0).padStart(10)}%`);
}
