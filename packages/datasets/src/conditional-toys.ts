/**
 * Conditional toy data sets `(x, y)` with closed-form conditional densities `p(y | x)`, so the
 * conditional NLL floor is known: a branching (pitchfork) regression whose two modes split at
 * x = 0, a heteroscedastic regression (unimodal: the Gaussian baseline's home ground), and a 2-D
 * target on a ring whose radius is the input.
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, assertBatch, assertEventShape, assertInteger, bernoulli, normal, split, uniform } from '@ebm/core';
import { noisyCircleLogDensity } from './toy2d-densities.js';

/** One conditional toy data set. */
export interface ConditionalToyDataset {
  readonly name: ConditionalToyName;
  /** Per-sample shape of x: `[1]` for every toy. */
  readonly inputShape: readonly number[];
  /** Per-sample shape of y: `[1]` or `[2]`. */
  readonly targetShape: readonly number[];
  /** `n` pairs, `x` `[n, 1]` and `y` `[n, ...targetShape]`, new tensors; same key, same numbers. */
  sample(key: Key, n: number): { x: tf.Tensor2D; y: tf.Tensor2D };
  /** The true `log p(y_i | x_i)` of each pair, `[N]`, a new tensor. `-log p` is the ideal conditional energy. */
  logDensity(x: tf.Tensor, y: tf.Tensor): tf.Tensor1D;
  /** The expected conditional entropy `E_x H(Y | x)` in nats: the lowest expected conditional NLL any model can reach. */
  readonly conditionalEntropy: number;
  /** The range of x (the support of its uniform distribution). */
  readonly inputInterval: readonly [number, number];
  /** One `[lo, hi]` per target dimension, holding all but a negligible fraction of every `p(y | x)`: for quadrature and plots. */
  readonly targetRange: readonly (readonly [number, number])[];
}

/** The names of the conditional toys. */
export const CONDITIONAL_TOY_NAMES = ['branching', 'heteroscedastic', 'ring'] as const;
/** A conditional toy name. */
export type ConditionalToyName = (typeof CONDITIONAL_TOY_NAMES)[number];

/** Noise of `branching` around each branch. */
export const BRANCHING_STD = 0.1;
/** Noise of `ring` around the circle of radius x. */
export const RING_STD = 0.1;
/**
 * `E_x H(Y | x)` of branching: -0.425230 nats, by adaptive quadrature of `-p log p` over y
 * (scipy `quad`, tolerance 1e-12) on 30,001 values of x, integrated by Simpson's rule. For x < 0
 * it is `1/2 log(2 pi e s^2) = -0.884`; for well-separated branches `log 2` more.
 */
export const BRANCHING_ENTROPY = -0.42523;
/** `E_x H(Y | x) = E_x 1/2 log(2 pi e sigma(x)^2)` of heteroscedastic: -0.104916 nats (closed form in x, by quadrature). */
export const HETEROSCEDASTIC_ENTROPY = -0.104916;
/** `E_x H(Y | x)` of ring: 1.106917 nats, by radial quadrature of `-p log p` (scipy `quad`) on 3,001 radii, Simpson's rule over x. */
export const RING_ENTROPY = 1.106917;

const LOG_TWO_PI = Math.log(2 * Math.PI);

function assertPairs(x: tf.Tensor, y: tf.Tensor, targetDim: number): void {
  assertBatch('x', x, 2);
  assertEventShape('x', x, [1]);
  assertBatch('y', y, 2);
  assertEventShape('y', y, [targetDim]);
}

/** `log N(y; mu, s^2)` elementwise. */
function logNormal(y: tf.Tensor, mu: tf.Tensor, s: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(-0.5, tf.square(tf.div(tf.sub(y, mu), s))), tf.add(tf.log(s), 0.5 * LOG_TWO_PI));
}

/**
 * branching: `x ~ U(-1, 2)`, `y = b sqrt(max(x, 0)) + s eps` with `b = +-1` equally likely and
 * `s = 0.1`: one mode at 0 for x < 0 that splits into two branches (a pitchfork bifurcation),
 *
 *   p(y | x) = 1/2 N(y; sqrt(x+), s^2) + 1/2 N(y; -sqrt(x+), s^2).
 */
function branching(): ConditionalToyDataset {
  const branch = (x: tf.Tensor) => tf.sqrt(tf.relu(x));
  return {
    name: 'branching',
    inputShape: [1],
    targetShape: [1],
    sample(key, n) {
      assertInteger('n', n, 1);
      const [xKey, signKey, noiseKey] = split(key, 3);
      return tf.tidy(() => {
        const x = uniform(xKey!, [n, 1], -1, 2) as tf.Tensor2D;
        const sign = tf.sub(tf.mul(2, bernoulli(signKey!, tf.fill([n, 1], 0.5))), 1);
        const y = tf.add(tf.mul(sign, branch(x)), tf.mul(BRANCHING_STD, normal(noiseKey!, [n, 1]))) as tf.Tensor2D;
        return { x, y };
      });
    },
    logDensity(x, y) {
      assertPairs(x, y, 1);
      return tf.tidy(() => {
        const m = branch(x);
        const s = tf.scalar(BRANCHING_STD);
        const both = tf.concat([logNormal(y, m, s), logNormal(y, tf.neg(m), s)], 1);
        return tf.sub(tf.logSumExp(both, 1), Math.log(2)) as tf.Tensor1D;
      });
    },
    conditionalEntropy: BRANCHING_ENTROPY,
    inputInterval: [-1, 2],
    targetRange: [[-2, 2]],
  };
}

/**
 * heteroscedastic: `x ~ U(-2, 2)`, `y = sin(1.5 x) + sigma(x) eps`, `sigma(x) = 0.05 + 0.1 (x + 2)`
 * (from 0.05 to 0.45): `p(y | x) = N(y; sin(1.5 x), sigma(x)^2)`, unimodal, so a Gaussian
 * regression can be exact.
 */
function heteroscedastic(): ConditionalToyDataset {
  const moments = (x: tf.Tensor) => [tf.sin(tf.mul(1.5, x)), tf.add(0.05, tf.mul(0.1, tf.add(x, 2)))] as const;
  return {
    name: 'heteroscedastic',
    inputShape: [1],
    targetShape: [1],
    sample(key, n) {
      assertInteger('n', n, 1);
      const [xKey, noiseKey] = split(key);
      return tf.tidy(() => {
        const x = uniform(xKey!, [n, 1], -2, 2) as tf.Tensor2D;
        const [mu, sigma] = moments(x);
        return { x, y: tf.add(mu, tf.mul(sigma, normal(noiseKey!, [n, 1]))) as tf.Tensor2D };
      });
    },
    logDensity(x, y) {
      assertPairs(x, y, 1);
      return tf.tidy(() => {
        const [mu, sigma] = moments(x);
        return tf.reshape(logNormal(y, mu, sigma), [-1]) as tf.Tensor1D;
      });
    },
    conditionalEntropy: HETEROSCEDASTIC_ENTROPY,
    inputInterval: [-2, 2],
    targetRange: [[-2.5, 3]],
  };
}

/**
 * ring: `x ~ U(0.5, 2)`, `y = x (cos t, sin t) + s eps` with `t ~ U(0, 2 pi)`, `s = 0.1`: a noisy
 * circle whose radius is the input. With `rho = |y|`,
 *
 *   p(y | x) = exp(-(rho - x)^2 / (2 s^2)) I0e(rho x / s^2) / (2 pi s^2).
 */
function ring(): ConditionalToyDataset {
  return {
    name: 'ring',
    inputShape: [1],
    targetShape: [2],
    sample(key, n) {
      assertInteger('n', n, 1);
      const [xKey, angleKey, noiseKey] = split(key, 3);
      return tf.tidy(() => {
        const x = uniform(xKey!, [n, 1], 0.5, 2) as tf.Tensor2D;
        const t = uniform(angleKey!, [n, 1], 0, 2 * Math.PI);
        const y = tf.add(tf.mul(x, tf.concat([tf.cos(t), tf.sin(t)], 1)), tf.mul(RING_STD, normal(noiseKey!, [n, 2]))) as tf.Tensor2D;
        return { x, y };
      });
    },
    logDensity(x, y) {
      assertPairs(x, y, 2);
      return tf.tidy(() => tf.reshape(noisyCircleLogDensity(tf.norm(y, 'euclidean', 1, true), x, RING_STD), [-1]) as tf.Tensor1D);
    },
    conditionalEntropy: RING_ENTROPY,
    inputInterval: [0.5, 2],
    targetRange: [
      [-2.6, 2.6],
      [-2.6, 2.6],
    ],
  };
}

/**
 * The conditional toy data sets by name.
 *
 * @example
 * const toy = conditionalToyDatasets.branching;
 * const { x, y } = toy.sample(prngKey(0), 5000);            // x [5000, 1], y [5000, 1]
 * const floor = -tf.mean(toy.logDensity(x, y)).dataSync()[0]; // ~ toy.conditionalEntropy = -0.425
 */
export const conditionalToyDatasets: Readonly<Record<ConditionalToyName, ConditionalToyDataset>> = Object.freeze({
  branching: branching(),
  heteroscedastic: heteroscedastic(),
  ring: ring(),
});

/** Whether `name` is a {@link ConditionalToyName}. */
export function isConditionalToyName(name: string): name is ConditionalToyName {
  return (CONDITIONAL_TOY_NAMES as readonly string[]).includes(name);
}
