import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors.js';
import type { EnergyModel } from '../types.js';
import { assertBatch, assertEventShape, assertInteger } from '../validate.js';
import { cholesky, inverseSPD } from '../math/linalg.js';
import { uniqueName } from './names.js';

/** Options of {@link gaussianEnergy}. */
export interface GaussianEnergyOptions {
  /** Dimension D of the samples `[N, D]`. */
  readonly dim: number;
  /** Initial mean, length D (default zeros). */
  readonly mean?: readonly number[];
  /** Initial precision, a symmetric positive-definite D x D matrix (default identity). */
  readonly precision?: readonly (readonly number[])[];
  /** Variable-name prefix (default `gaussian`, made unique). */
  readonly name?: string;
}

/** A Gaussian energy with trainable mean and precision and closed forms for testing objectives. */
export interface GaussianEnergy extends EnergyModel {
  readonly dim: number;
  /** Trainable mean `mu`, shape `[D]`. */
  readonly mean: tf.Variable;
  /** Trainable factor `L`, shape `[D, D]`; only its lower triangle is used: `P = tril(L) tril(L)^T`. */
  readonly precisionFactor: tf.Variable;
  /** The current precision `P = L L^T` as a plain array. */
  precision(): number[][];
  /** The current covariance `P^-1` as a plain array. */
  covariance(): number[][];
  /** `log Z = (D/2) log(2 pi) - (1/2) log det P`, the log-partition function of `exp(-E)`. */
  logPartition(): number;
}

/**
 * A Gaussian (quadratic) energy
 *
 *   E(x) = 1/2 (x - mu)^T P (x - mu),   P = L L^T,
 *
 * with `L` lower triangular, so `P` stays positive semi-definite under any gradient step. Its
 * density is N(mu, P^-1) and its log-partition function is known in closed form, which makes it
 * the test bed for every sampler and objective.
 *
 * @example
 * const model = gaussianEnergy({ dim: 2, mean: [1, -1] });
 * const e = model.energy(tf.tensor2d([[0, 0]])); // [1]
 */
export function gaussianEnergy(options: GaussianEnergyOptions): GaussianEnergy {
  const { dim } = options;
  assertInteger('dim', dim);
  const meanInit = options.mean ?? new Array<number>(dim).fill(0);
  if (meanInit.length !== dim) {
    throw new ShapeError('mean', `must have length dim = ${dim}, got ${meanInit.length}.`);
  }
  const precisionInit =
    options.precision ?? Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0)));
  if (precisionInit.length !== dim || precisionInit.some((row) => row.length !== dim)) {
    throw new ShapeError('precision', `must be a ${dim} x ${dim} matrix.`);
  }
  const prefix = uniqueName(options.name ?? 'gaussian');
  // tf.variable keeps its initial tensor alive: build both inside tidy so only the variables remain.
  const mean = tf.tidy(() => tf.variable(tf.tensor1d([...meanInit]), true, `${prefix}/mean`));
  const precisionFactor = tf.tidy(() =>
    tf.variable(tf.tensor2d(cholesky(precisionInit, 'precision')), true, `${prefix}/precision_factor`),
  );
  // The lower-triangle mask of L, as numbers: a tensor of it is made inside each tidy below, so
  // disposing the variables frees the whole model (a kept mask tensor outlived it). A constant
  // mask, not tf.linalg.bandPart, because bandPart's gradient is broken in tfjs.
  const lowerMaskValues = Float32Array.from({ length: dim * dim }, (_, k) => (k % dim <= Math.floor(k / dim) ? 1 : 0));
  const lowerFactor = (): tf.Tensor2D => tf.mul(precisionFactor, tf.tensor2d(lowerMaskValues, [dim, dim])) as tf.Tensor2D;

  const energy = (x: tf.Tensor): tf.Tensor1D =>
    tf.tidy(() => {
      assertBatch('x', x, 2);
      assertEventShape('x', x, [dim]);
      const z = tf.matMul(tf.sub(x, mean), lowerFactor());
      return tf.mul(0.5, tf.sum(tf.square(z), 1)) as tf.Tensor1D;
    });

  const factor = (): number[][] =>
    tf.tidy(() => lowerFactor().arraySync() as number[][]);
  const precision = (): number[][] => tf.tidy(() => {
    const l = lowerFactor();
    return tf.matMul(l, l, false, true).arraySync() as number[][];
  });

  return {
    dim,
    energy,
    variables: [mean, precisionFactor],
    mean,
    precisionFactor,
    precision,
    covariance: () => inverseSPD(precision()),
    logPartition: () => {
      const l = factor();
      let logDetL = 0;
      for (let i = 0; i < dim; i++) logDetL += Math.log(Math.abs(l[i]![i]!));
      return (dim / 2) * Math.log(2 * Math.PI) - logDetL;
    },
  };
}
