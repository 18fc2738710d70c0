// Does tf.fused.matMul (matMul + bias [+ activation] in one kernel) beat tf.add(tf.matMul(a, b), bias)
// on this backend? Issue 16 asked to keep fused kernels only where they measure faster. Times
// both forms of the MLP layers' affine map (and, for leakyRelu, matMul + bias + activation) at the
// sizes of the hot paths, in interleaved rounds; medians of ms per call, each call synced with one read.
//
//   node bench/fused-matmul.mjs [--backend wasm] [--rounds 7] [--calls 200]
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@ebm/core';
import { median } from './peer.mjs';
import { argument, isMain, loadAverage } from './script.mjs';

/** [rows, in, out]: the small MLP of the fit rows (batch 2 x 256 stacked), the big Langevin MLP. */
const SIZES = [
  [512, 64, 64],
  [4096, 256, 256],
];

const FORMS = {
  'matMul + add': (a, b, bias) => tf.add(tf.matMul(a, b), bias),
  'fused matMul + bias': (a, b, bias) => tf.fused.matMul({ a, b, bias }),
  'matMul + add + leakyRelu': (a, b, bias) => tf.leakyRelu(tf.add(tf.matMul(a, b), bias), 0.2),
  'fused matMul + bias + leakyRelu': (a, b, bias) => tf.fused.matMul({ a, b, bias, activation: 'leakyrelu', leakyreluAlpha: 0.2 }),
};

/** ms per call of `form` over `calls` calls (one read at the end). */
function time(form, a, b, bias, calls) {
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const out = tf.tidy(() => form(a, b, bias));
    if (i === calls - 1) out.dataSync();
    out.dispose();
  }
  return (performance.now() - start) / calls;
}

export async function fusedMatMul({ backend, rounds, calls }) {
  const rows = [];
  // cpu runs ~0.6 GFLOP/s (DESIGN.md): the big size would take minutes there.
  for (const [n, k, m] of backend === 'cpu' ? SIZES.slice(0, 1) : SIZES) {
    const [a, b, bias] = [tf.randomNormal([n, k]), tf.randomNormal([k, m]), tf.randomNormal([m])];
    const scale = Math.max(1, Math.round((calls * 512 * 64 * 64) / (n * k * m)));
    const times = Object.fromEntries(Object.keys(FORMS).map((name) => [name, []]));
    for (const form of Object.values(FORMS)) time(form, a, b, bias, 3); // warm-up
    for (let r = 0; r < rounds; r++) for (const [name, form] of Object.entries(FORMS)) times[name].push(time(form, a, b, bias, Math.max(5, Math.round(calls / scale))));
    for (const [name, t] of Object.entries(times)) rows.push({ backend, size: `${n}x${k} . ${k}x${m}`, form: name, ms: median(t) });
    tf.dispose([a, b, bias]);
  }
  return rows;
}

if (isMain(import.meta.url)) {
  const backend = argument('backend', 'wasm');
  await useBackend(backend);
  console.log(`${backend}, load ${loadAverage()}`);
  const rows = await fusedMatMul({ backend, rounds: Number(argument('rounds', 7)), calls: Number(argument('calls', 200)) });
  for (const row of rows) console.log(`${row.size.padEnd(22)} ${row.form.padEnd(34)} ${row.ms.toFixed(4)} ms`);
  console.log(`load after: ${loadAverage()}`);
}
