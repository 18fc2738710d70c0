import * as tf from '@tensorflow/tfjs';
import { type Distribution, type Key, InvalidArgumentError, ShapeError, assertBatch, assertEventShape, assertNonNegative, normal } from '@ebm/core';
import { cholesky, inverseSPD } from '@ebm/core/math';

/** Options of {@link gaussianNoise}: the mean and covariance of `N(mu, Sigma)`. */
export interface GaussianNoiseOptions {
  /** Mean `mu`, length D. */
  readonly mean: readonly number[];
  /** Covariance `Sigma`, a symmetric positive-definite D x D matrix. */
  readonly covariance: readonly (readonly number[])[];
}

/** Options of `gaussianNoise.fit`. */
export interface GaussianNoiseFitOptions {
  /** Added to the diagonal of the sample covariance, `Sigma + ridge I` (default 0); use it when the data are degenerate. */
  readonly ridge?: number;
}

/** A full-covariance Gaussian noise distribution (event shape `[D]`). Holds three small tensors: call `dispose()` when done. */
export interface GaussianNoise extends Distribution {
  readonly dim: number;
  readonly mean: readonly number[];
  readonly covariance: readonly (readonly number[])[];
  /** A new Gaussian fitted to `[N, D]` data, as `gaussianNoise.fit(data, options)`. */
  fit(data: tf.Tensor, options?: GaussianNoiseFitOptions): GaussianNoise;
  dispose(): void;
}

/** Argument names that errors about the mean and covariance report (a mixture names its components). */
export interface GaussianNoiseArguments {
  readonly mean: string;
  readonly covariance: string;
}

/**
 * `N(mean, covariance)` as a {@link GaussianNoise}; errors name `names.mean` / `names.covariance`.
 * Internal: `gaussianNoise` and `gaussianMixtureNoise` (one per component) build through it.
 */
export function buildGaussianNoise(
  mean: readonly number[],
  covariance: readonly (readonly number[])[],
  names: GaussianNoiseArguments = { mean: 'mean', covariance: 'covariance' },
): GaussianNoise {
  const dim = mean.length;
  if (dim === 0) throw new ShapeError(names.mean, 'must have at least one entry.');
  if (covariance.length !== dim || covariance.some((row) => row.length !== dim)) {
    throw new ShapeError(names.covariance, `must be a ${dim} x ${dim} matrix to match ${names.mean} (length ${dim}).`);
  }
  if (![...mean, ...covariance.flat()].every(Number.isFinite)) {
    throw new InvalidArgumentError(names.covariance, `${names.mean} and ${names.covariance} must hold finite numbers.`);
  }
  const factor = cholesky(covariance, names.covariance);
  // The precision's Cholesky factor A (P = Sigma^-1 = A A^T) gives ||A^T (x - mu)||^2 = (x - mu)^T P (x - mu).
  const precisionFactor = cholesky(inverseSPD(covariance, names.covariance), names.covariance);
  let logDetPrecision = 0;
  for (let i = 0; i < dim; i++) logDetPrecision += 2 * Math.log(precisionFactor[i]![i]!);
  const logNormaliser = 0.5 * logDetPrecision - (dim / 2) * Math.log(2 * Math.PI);
  const meanT = tf.tensor1d([...mean]);
  // Transposed once here: a plain matMul is much faster on wasm than one with a transpose flag.
  const factorT = tf.tensor2d(factor.map((_, i) => factor.map((row) => row[i]!)));
  const precisionFactorT = tf.tensor2d(precisionFactor);

  return {
    eventShape: [dim],
    dim,
    mean: [...mean],
    covariance: covariance.map((row) => [...row]),
    sample: (key: Key, n: number) => tf.tidy(() => tf.add(tf.matMul(normal(key, [n, dim]), factorT), meanT)),
    logProb: (x: tf.Tensor) =>
      tf.tidy(() => {
        assertBatch('x', x, 2);
        assertEventShape('x', x, [dim]);
        const z = tf.matMul(tf.sub(x, meanT), precisionFactorT);
        return tf.sub(logNormaliser, tf.mul(0.5, tf.sum(tf.square(z), 1))) as tf.Tensor1D;
      }),
    fit: fitGaussianNoise,
    dispose: () => tf.dispose([meanT, factorT, precisionFactorT]),
  };
}

/** Fits the mean and the (1/N) covariance of `[N, D]` data (N >= 2), plus `ridge` on the diagonal. */
function fitGaussianNoise(data: tf.Tensor, options: GaussianNoiseFitOptions = {}): GaussianNoise {
  assertBatch('data', data, 2);
  if (data.rank !== 2) throw new ShapeError('data', `must be [N, D], got [${data.shape.join(', ')}]. Flatten the samples first.`);
  const n = data.shape[0]!;
  if (n < 2) throw new ShapeError('data', `needs at least 2 rows to fit a covariance, got ${n}.`);
  const ridge = options.ridge ?? 0;
  assertNonNegative('ridge', ridge);
  const [mean, covariance] = tf.tidy(() => {
    const mu = tf.mean(data, 0);
    const centred = tf.sub(data, mu);
    const cov = tf.div(tf.matMul(tf.transpose(centred), centred), n);
    return [mu.arraySync() as number[], cov.arraySync() as number[][]] as const;
  });
  const regularised = covariance.map((row, i) => row.map((c, j) => (i === j ? c + ridge : c)));
  try {
    return buildGaussianNoise(mean, regularised);
  } catch (error) {
    if (error instanceof InvalidArgumentError && error.argument === 'covariance') {
      throw new InvalidArgumentError('data', 'has a singular or non-finite sample covariance. Pass { ridge: 1e-3 } (or larger) to gaussianNoise.fit.');
    }
    throw error;
  }
}

/**
 * Gaussian noise `N(mu, Sigma)` for NCE (full covariance), a core `Distribution` with event shape `[D]`:
 *
 *   sample:  y = mu + L z,  z ~ N(0, I),  Sigma = L L^T (Cholesky);
 *   logProb: log p_n(x) = -1/2 (x - mu)^T Sigma^-1 (x - mu) - 1/2 log det Sigma - D/2 log(2 pi).
 *
 * `gaussianNoise.fit(data)` builds it from the sample mean and the (1/N) sample covariance of
 * `[N, D]` data, the usual NCE noise (Gutmann & Hyvarinen 2012 recommend noise close to the data);
 * `noise.fit(data)` does the same from an instance (the `Distribution.fit` of the contract).
 *
 * @example
 * const noise = gaussianNoise.fit(data);             // or gaussianNoise({ mean: [0, 0], covariance: [[1, 0], [0, 1]] })
 * const y = noise.sample(prngKey(0), 256);           // [256, D]
 * const logp = noise.logProb(y);                      // [256]
 */
export const gaussianNoise = Object.assign(
  (options: GaussianNoiseOptions): GaussianNoise => buildGaussianNoise(options.mean, options.covariance),
  {
    /** Fits the mean and the (1/N) covariance of `[N, D]` data (N >= 2), plus `ridge` on the diagonal. */
    fit: fitGaussianNoise,
  },
);
