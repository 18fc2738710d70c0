/**
 * The Euclidean metric of Hamiltonian and preconditioned samplers (after BlackJAX's
 * `metrics.gaussian_euclidean`): an inverse mass matrix `Sigma = M^-1`, either diagonal or dense,
 * that sets the momentum distribution `p ~ N(0, M)`, the kinetic energy `K(p) = 1/2 p^T Sigma p`,
 * the velocity `dx/dt = Sigma p`, and the proposal covariance of preconditioned MALA and random-walk
 * Metropolis. Set `Sigma` to (an estimate of) the target's covariance and the sampler sees an
 * isotropic target (window adaptation estimates it).
 *
 * A metric is a plain record of tensors, built once (`createMetric`) and carried in sampler
 * states, so a step uploads nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Key } from '../key.js';
import { cholesky, inverseSPD } from '../math/linalg.js';
import { normal } from '../random.js';
import { disposeState } from '../state.js';
import type { EnergyFn, SamplerInitOptions } from '../types.js';
import { assertBatch } from '../validate.js';
import { initChainState } from './init-chain-state.js';

/** An inverse mass matrix as numbers: a diagonal (one variance per coordinate) or a dense D x D SPD matrix. */
export type InverseMass = readonly number[] | readonly (readonly number[])[];

/** The identity metric `Sigma = I`: no tensors, no kernels (the default). */
export interface IdentityMetric {
  readonly kind: 'identity';
}

/** A diagonal metric: `Sigma = diag(inverseMass)`. */
export interface DiagonalMetric {
  readonly kind: 'diagonal';
  /** The diagonal of `Sigma`, shaped `[1, ...event]` to broadcast over chains. */
  readonly inverseMass: tf.Tensor;
}

/** A dense metric: `Sigma` a full D x D matrix over the flattened event. */
export interface DenseMetric {
  readonly kind: 'dense';
  /** `Sigma`, `[D, D]`. */
  readonly inverseMass: tf.Tensor2D;
  /** `L^T` with `Sigma = L L^T` (lower-triangular `L`): `z L^T ~ N(0, Sigma)` for row vectors `z ~ N(0, I)`. */
  readonly choleskyTransposed: tf.Tensor2D;
  /** `L^-1`: `z L^-1 ~ N(0, Sigma^-1) = N(0, M)`. */
  readonly inverseCholesky: tf.Tensor2D;
  /** `M = Sigma^-1`, `[D, D]`. */
  readonly mass: tf.Tensor2D;
}

/** A Euclidean metric: the identity, diagonal or dense. */
export type Metric = IdentityMetric | DiagonalMetric | DenseMetric;

/**
 * Builds a metric for chains of per-chain shape `eventShape` (D coordinates): `undefined` is the
 * identity, an array of D positive numbers a diagonal `Sigma`, a D x D symmetric positive-definite
 * matrix a dense one (its Cholesky factor and inverse are computed once, in float64). Throws a
 * `ShapeError` / `InvalidArgumentError` on `argument` for a wrong size or a matrix that is not SPD.
 * The identity holds no tensors and costs no kernels.
 *
 * @example
 * const metric = createMetric([[1, 0.8], [0.8, 1]], [2]); // precondition a correlated 2-D target
 */
export function createMetric(inverseMass: InverseMass | undefined, eventShape: readonly number[], argument = 'inverseMass'): Metric {
  const size = eventShape.reduce((a, b) => a * b, 1);
  if (inverseMass === undefined) return { kind: 'identity' };
  assertInverseMass(inverseMass, argument, size, eventShape);
  if (inverseMass.every((v) => typeof v === 'number')) {
    return { kind: 'diagonal', inverseMass: tf.tidy(() => tf.reshape(tf.tensor1d([...(inverseMass as readonly number[])]), [1, ...eventShape])) };
  }
  const matrix = inverseMass as readonly (readonly number[])[];
  const l = cholesky(matrix, argument);
  const lInverse = inverseLowerTriangular(l);
  return tf.tidy(() => ({
    kind: 'dense' as const,
    inverseMass: tf.tensor2d(matrix.map((row) => [...row])),
    choleskyTransposed: tf.tensor2d(l.map((_, i) => l.map((row) => row[i]!))),
    inverseCholesky: tf.tensor2d(lInverse),
    mass: tf.tensor2d(inverseSPD(matrix, argument)),
  }));
}

/**
 * Checks an inverse mass on the host, uploading nothing: D positive variances, or a symmetric
 * positive-definite D x D matrix (D = `size`, default the length of `inverseMass`). Samplers call
 * it at construction, so a bad mass fails before any chain starts.
 *
 * @example
 * if (options.inverseMass !== undefined) assertInverseMass(options.inverseMass, 'inverseMass');
 */
export function assertInverseMass(
  inverseMass: InverseMass,
  argument: string,
  size: number = Array.isArray(inverseMass) ? inverseMass.length : 0,
  eventShape: readonly number[] = [size],
): void {
  // A mass checked once is not checked again (adaptation rebuilds samplers every step: O(D^3) each).
  if (checkedMasses.has(inverseMass) && inverseMass.length === size) return;
  if (!Array.isArray(inverseMass) || inverseMass.length !== size || size === 0) {
    throw new ShapeError(
      argument,
      `must have one entry (diagonal) or one row (dense) per coordinate of a chain: ${size} for per-chain shape [${eventShape.join(', ')}], ` +
        `got ${Array.isArray(inverseMass) ? inverseMass.length : String(inverseMass)}.`,
    );
  }
  if (inverseMass.every((v) => typeof v === 'number')) {
    (inverseMass as readonly number[]).forEach((v, i) => {
      if (!(Number.isFinite(v) && v > 0)) throw new InvalidArgumentError(`${argument}[${i}]`, `must be a finite number > 0 (a variance), got ${String(v)}.`);
    });
    checkedMasses.add(inverseMass);
    return;
  }
  const matrix = inverseMass as readonly (readonly number[])[];
  if (!matrix.every((row) => Array.isArray(row) && row.length === size && row.every(Number.isFinite))) {
    throw new ShapeError(argument, `must be a ${size} x ${size} matrix of finite numbers (or a diagonal of ${size} numbers).`);
  }
  const symmetric = matrix.every((row, i) => row.every((v, j) => Math.abs(v - matrix[j]![i]!) <= 1e-9 * (Math.abs(v) + 1)));
  if (!symmetric) throw new InvalidArgumentError(argument, 'must be symmetric (a covariance matrix).');
  cholesky(matrix, argument);
  checkedMasses.add(inverseMass);
}

/** Inverse masses that passed `assertInverseMass` (by identity: arrays are not copied between samplers). */
const checkedMasses = new WeakSet<InverseMass>();

/** The inverse of a lower-triangular matrix by forward substitution (float64). */
function inverseLowerTriangular(l: readonly (readonly number[])[]): number[][] {
  const n = l.length;
  const inv = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let col = 0; col < n; col++) {
    for (let i = col; i < n; i++) {
      let s = i === col ? 1 : 0;
      for (let k = col; k < i; k++) s -= l[i]![k]! * inv[k]![col]!;
      inv[i]![col] = s / l[i]![i]!;
    }
  }
  return inv;
}

/** `x` flattened to `[N, D]`, `f` applied, and reshaped back: dense metrics act on flattened events. */
function onFlat(x: tf.Tensor, f: (flat: tf.Tensor2D) => tf.Tensor): tf.Tensor {
  return tf.reshape(f(tf.reshape(x, [x.shape[0]!, -1])), x.shape);
}

/**
 * The velocity `Sigma p` (also the preconditioned drift `Sigma g` of MALA), the shape of `p`
 * (`p` itself for the identity metric).
 *
 * @example
 * const x1 = tf.add(x, tf.mul(stepSize, velocity(metric, momentum)));
 */
export function velocity(metric: Metric, p: tf.Tensor): tf.Tensor {
  if (metric.kind === 'identity') return p;
  return tf.tidy(() => (metric.kind === 'diagonal' ? tf.mul(metric.inverseMass, p) : onFlat(p, (flat) => tf.matMul(flat, metric.inverseMass))));
}

/**
 * The per-chain dot product `sum over event coordinates of a * b`, shape `[N]`.
 *
 * @example
 * const projection = dotPerChain(velocity(metric, p), rho); // v . rho per chain
 */
export function dotPerChain(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.reshape(tf.mul(a, b), [a.shape[0]!, -1]), 1) as tf.Tensor1D;
}

/**
 * Kinetic energy `K(p) = 1/2 p^T Sigma p` per chain, shape `[N]`.
 *
 * @example
 * const h = tf.add(energy, kineticEnergy(metric, momentum)); // the Hamiltonian
 */
export function kineticEnergy(metric: Metric, p: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.mul(0.5, metric.kind === 'identity' ? dotPerChain(p, p) : dotPerChain(p, velocity(metric, p))) as tf.Tensor1D);
}

/**
 * The Mahalanobis form `r^T M r = r^T Sigma^-1 r` per chain, shape `[N]`: the exponent of a
 * Gaussian with covariance `Sigma` (preconditioned MALA's proposal density).
 */
export function massQuadraticForm(metric: Metric, r: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    if (metric.kind === 'identity') return dotPerChain(r, r);
    return metric.kind === 'diagonal' ? dotPerChain(tf.div(r, metric.inverseMass), r) : dotPerChain(onFlat(r, (flat) => tf.matMul(flat, metric.mass)), r);
  });
}

/**
 * A momentum `p ~ N(0, M)`, `M = Sigma^-1`, of the given `[N, ...event]` shape: `z / sqrt(Sigma)`
 * (diagonal) or `z L^-1` (dense), `z ~ N(0, I)` from `key`.
 */
export function sampleMomentum(key: Key, metric: Metric, shape: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const z = normal(key, shape);
    if (metric.kind === 'identity') return z;
    return metric.kind === 'diagonal' ? tf.div(z, tf.sqrt(metric.inverseMass)) : onFlat(z, (flat) => tf.matMul(flat, metric.inverseCholesky));
  });
}

/**
 * Gaussian noise `xi ~ N(0, Sigma)` of the given `[N, ...event]` shape: `sqrt(Sigma) z` (diagonal)
 * or `z L^T` (dense), `z ~ N(0, I)` from `key`: the proposal noise of preconditioned MALA and
 * random-walk Metropolis.
 */
export function preconditionedNoise(key: Key, metric: Metric, shape: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const z = normal(key, shape);
    if (metric.kind === 'identity') return z;
    return metric.kind === 'diagonal' ? tf.mul(z, tf.sqrt(metric.inverseMass)) : onFlat(z, (flat) => tf.matMul(flat, metric.choleskyTransposed));
  });
}

/** A copy of `metric` sharing its data (`tf.clone`): what a step carries into its next state. */
export function cloneMetric(metric: Metric): Metric {
  if (metric.kind === 'identity') return { kind: 'identity' };
  return tf.tidy(() =>
    metric.kind === 'diagonal'
      ? { kind: 'diagonal' as const, inverseMass: tf.clone(metric.inverseMass) }
      : {
          kind: 'dense' as const,
          inverseMass: tf.clone(metric.inverseMass),
          choleskyTransposed: tf.clone(metric.choleskyTransposed),
          inverseCholesky: tf.clone(metric.inverseCholesky),
          mass: tf.clone(metric.mass),
        },
  );
}

/**
 * Checks that a state's metric is present, alive and fits positions of `shape` (a `ShapeError`
 * on `argument` telling to build the state with the sampler's `init` otherwise).
 */
export function assertMetric(metric: unknown, shape: readonly number[], sampler: string, argument = 'state.metric'): asserts metric is Metric {
  const fix = `Build the state with ${sampler}(...).init(position, energy) and pass each step's returned state to the next.`;
  const m = metric as Partial<DiagonalMetric | DenseMetric> | IdentityMetric | undefined;
  if (m !== undefined && m !== null && m.kind === 'identity') return;
  if (m === undefined || m === null || !(m.inverseMass instanceof tf.Tensor) || m.inverseMass.isDisposed) {
    throw new ShapeError(argument, `is missing or disposed. ${fix}`);
  }
  const size = shape.slice(1).reduce((a, b) => a * b, 1);
  const fits = m.kind === 'diagonal' ? m.inverseMass.size === size : m.inverseMass.shape[0] === size;
  if (!fits) throw new ShapeError(argument, `was built for ${m.inverseMass.shape.join(' x ')} coordinates, but a chain has ${size}. ${fix}`);
}

/**
 * `initChainState` plus the metric built from `inverseMass` for the positions' per-chain shape:
 * what the `init` of a preconditioned sampler (HMC, MALA, random-walk Metropolis) returns. Nothing
 * leaks when the energy or the mass is rejected.
 *
 * @example
 * init: (position, energy, options) => initChainStateWithMetric('hmc', position, energy, inverseMass, { ...options, gradient: true }),
 */
export function initChainStateWithMetric(
  sampler: string,
  position: tf.Tensor,
  energy: EnergyFn,
  inverseMass: InverseMass | undefined,
  options: { readonly gradient: true } & SamplerInitOptions,
): { position: tf.Tensor; energy: tf.Tensor1D; gradient: tf.Tensor; metric: Metric };
export function initChainStateWithMetric(
  sampler: string,
  position: tf.Tensor,
  energy: EnergyFn,
  inverseMass: InverseMass | undefined,
  options?: { readonly gradient?: false } & SamplerInitOptions,
): { position: tf.Tensor; energy: tf.Tensor1D; metric: Metric };
export function initChainStateWithMetric(
  sampler: string,
  position: tf.Tensor,
  energy: EnergyFn,
  inverseMass: InverseMass | undefined,
  options: { readonly gradient?: boolean } & SamplerInitOptions = {},
): { position: tf.Tensor; energy: tf.Tensor1D; gradient?: tf.Tensor; metric: Metric } {
  assertBatch('position', position, 1);
  const metric = createMetric(inverseMass, position.shape.slice(1));
  try {
    const start = options.gradient ? initChainState(sampler, position, energy, { ...options, gradient: true }) : initChainState(sampler, position, energy, { ...options, gradient: false });
    return { ...start, metric };
  } catch (error) {
    disposeState(metric);
    throw error;
  }
}
