/**
 * Test helpers: the conditional Gaussian `p(y | x) = N(y; w x + b, 1 / a)` as a conditional
 * energy with a closed-form log-partition, its data, and its closed-form maximum-likelihood fit.
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, normal, split, uniform } from '@ebm/core';
import { conditionalEnergyModel } from './conditional-model.js';
import type { ConditionalEnergyModel } from './types.js';

/** The parameters of the linear conditional Gaussian: precision a, slope w, intercept b. */
export interface LinearGaussianParameters {
  readonly a: number;
  readonly w: number;
  readonly b: number;
}

/** The model's variables, readable as numbers. */
export interface LinearGaussianModel extends ConditionalEnergyModel {
  readonly a: tf.Variable;
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  parameters(): LinearGaussianParameters;
}

let created = 0;

/** `E(x, y) = a/2 (y - w x - b)^2`, `A_x = 1/2 log(2 pi / a)`, x and y one-dimensional. */
export function linearGaussian(initial: LinearGaussianParameters): LinearGaussianModel {
  const id = created++;
  const [a, w, b] = (['a', 'w', 'b'] as const).map((name) => tf.tidy(() => tf.variable(tf.scalar(initial[name]), true, `linear_gaussian_${id}/${name}`)));
  const model = conditionalEnergyModel({
    energy: (x, y) =>
      tf.tidy(() => {
        const residual = tf.sub(tf.reshape(y, [-1]), tf.add(tf.mul(w!, tf.reshape(x, [-1])), b!));
        return tf.mul(tf.mul(0.5, a!), tf.square(residual)) as tf.Tensor1D;
      }),
    variables: [a!, w!, b!],
    inputShape: [1],
    targetShape: [1],
    logPartition: (x) => tf.tidy(() => tf.mul(tf.fill([x.shape[0]!], 0.5), tf.log(tf.div(2 * Math.PI, a!))) as tf.Tensor1D),
  });
  const read = (v: tf.Variable): number => v.dataSync()[0]!;
  return { ...model, a: a!, w: w!, b: b!, parameters: () => ({ a: read(a!), w: read(w!), b: read(b!) }) };
}

/** `n` pairs: x ~ U(-2, 2), y = w x + b + eps / sqrt(a). */
export function linearGaussianData(key: Key, n: number, truth: LinearGaussianParameters): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const [xKey, noiseKey] = split(key);
  return tf.tidy(() => {
    const x = uniform(xKey!, [n, 1], -2, 2) as tf.Tensor2D;
    const y = tf.add(tf.add(tf.mul(truth.w, x), truth.b), tf.mul(1 / Math.sqrt(truth.a), normal(noiseKey!, [n, 1]))) as tf.Tensor2D;
    return { x, y };
  });
}

/**
 * The closed-form conditional MLE (least squares for w and b, a = 1 / mean squared residual) and
 * its asymptotic standard errors, from the inverse Fisher information:
 * `var(w) = s^2 / (N var(x))`, `var(b) = s^2 (1 / N + mean(x)^2 / (N var(x)))`, `var(a) = 2 a^2 / N`.
 */
export function linearGaussianMle(x: tf.Tensor, y: tf.Tensor): { mle: LinearGaussianParameters; se: LinearGaussianParameters } {
  const xs = Array.from(x.dataSync(), Number);
  const ys = Array.from(y.dataSync(), Number);
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  const sxx = xs.reduce((s, v) => s + (v - mx) ** 2, 0);
  const sxy = xs.reduce((s, v, i) => s + (v - mx) * (ys[i]! - my), 0);
  const w = sxy / sxx;
  const b = my - w * mx;
  const s2 = xs.reduce((s, v, i) => s + (ys[i]! - w * v - b) ** 2, 0) / n;
  const a = 1 / s2;
  const varX = sxx / n;
  return {
    mle: { a, w, b },
    se: { a: Math.sqrt((2 * a * a) / n), w: Math.sqrt(s2 / (n * varX)), b: Math.sqrt(s2 * (1 / n + (mx * mx) / (n * varX))) },
  };
}
