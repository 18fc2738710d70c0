// Quickstart: fit a Gaussian energy E(x) = 1/2 (x - mu)^T P (x - mu) to correlated 2-D data by
// maximum likelihood, NLL = mean E(x) + log Z with log Z known in closed form, and compare the
// learned mean and covariance with the data's. Run: node train.mjs [--steps N]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { normal, prngKey, split, useBackend } from '@ebm/core';
import { gaussianEnergy } from '@ebm/core/models';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '400' } } });
const steps = Number(values.steps);
await useBackend(process.env.EBM_BACKEND ?? 'wasm');
const [dataKey] = split(prngKey(0), 1);
// Data: x = z A + m with z ~ N(0, I), so Cov = A^T A.
const A = tf.tensor2d([[1.0, 0.0], [0.8, 0.6]]);
const m = tf.tensor1d([1, -2]);
const data = tf.add(tf.matMul(normal(dataKey, [2000, 2]), A), m);

const model = gaussianEnergy({ dim: 2 });
const optimizer = tf.train.adam(0.05);
// log Z = (D/2) log 2pi - log det L, with det L the product of its diagonal (D = 2).
const logZ = () => tf.sub(Math.log(2 * Math.PI), tf.sum(tf.log(tf.abs(tf.sum(tf.mul(model.precisionFactor, tf.eye(2)), 1)))));
for (let step = 1; step <= steps; step++) {
  const loss = optimizer.minimize(() => tf.add(tf.mean(model.energy(data)), logZ()), true, [...model.variables]);
  if (step % 100 === 0 || step === steps) console.log(`step ${step}  NLL ${loss.dataSync()[0].toFixed(4)}`);
  loss.dispose();
}
const sampleMean = tf.mean(data, 0).arraySync();
const centered = tf.sub(data, sampleMean);
const sampleCov = tf.div(tf.matMul(centered, centered, true, false), data.shape[0]).arraySync();
const fmt = (v) => JSON.stringify(v, (_, x) => (typeof x === 'number' ? Number(x.toFixed(3)) : x));
console.log(`learned mean ${fmt(model.mean.arraySync())}   data mean ${fmt(sampleMean)}`);
console.log(`learned cov  ${fmt(model.covariance())}   data cov  ${fmt(sampleCov)}`);
