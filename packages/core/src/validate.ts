/**
 * Argument checks shared by every package. Each throws an {@link InvalidArgumentError} subclass
 * whose message names the argument, what it was, and what to pass instead.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NonFiniteError, ShapeError } from './errors.js';
import type { Sampler } from './types.js';

/** `value` must be a finite number > 0. */
export function assertPositive(argument: string, value: number, hint = ''): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(argument, `must be a finite number > 0, got ${String(value)}.${hint ? ` ${hint}` : ''}`);
  }
}

/** `value` must be a finite number >= 0. */
export function assertNonNegative(argument: string, value: number, hint = ''): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(argument, `must be a finite number >= 0, got ${String(value)}.${hint ? ` ${hint}` : ''}`);
  }
}

/** `value` must be an integer >= `min` (default 1). */
export function assertInteger(argument: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(argument, `must be an integer >= ${min}, got ${String(value)}.`);
  }
}

/** `value` must lie in the closed interval `[lo, hi]`. */
export function assertInRange(argument: string, value: number, lo: number, hi: number): void {
  if (typeof value !== 'number' || !(value >= lo && value <= hi)) {
    throw new InvalidArgumentError(argument, `must be a number in [${lo}, ${hi}], got ${String(value)}.`);
  }
}

/** `value` must be one of `allowed`. */
export function assertOneOf<T extends string>(argument: string, value: string, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new InvalidArgumentError(argument, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${value}'.`);
  }
}

/** `x` must be a tfjs tensor of at least rank `minRank`, with a non-empty batch axis. */
export function assertBatch(argument: string, x: unknown, minRank = 2): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new ShapeError(argument, `must be a tf.Tensor with samples on axis 0, got ${typeof x}.`);
  }
  if (x.rank < minRank) {
    throw new ShapeError(
      argument,
      `must have rank >= ${minRank} with samples on axis 0 (e.g. [N, D]), got shape [${x.shape.join(', ')}]. ` +
        'Reshape a single sample with tf.expandDims(x, 0).',
    );
  }
  if (x.shape[0] === 0) {
    throw new ShapeError(argument, 'has no samples (axis 0 has length 0).');
  }
}

/** The per-sample event shape of `x` (all axes but 0) must equal `expected`. */
export function assertEventShape(argument: string, x: tf.Tensor, expected: readonly number[]): void {
  const event = x.shape.slice(1);
  if (event.length !== expected.length || event.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      argument,
      `has per-sample shape [${event.join(', ')}] but the model expects [${expected.join(', ')}] ` +
        `(full shape [N, ${expected.join(', ')}]).`,
    );
  }
}

/** The error both finiteness checks throw. */
function nonFinite(argument: string, what: string): NonFiniteError {
  return new NonFiniteError(argument, `contains NaN or Infinity ${what}. Clean or rescale it before use.`);
}

/**
 * All entries of `x` must be finite. Reads one boolean synchronously (a small device-to-host
 * transfer): fine on cpu and wasm; on webgl it waits for the GPU queue and on webgpu it is
 * unreliable, so code that can await uses {@link assertFiniteAsync} there.
 */
export function assertFinite(argument: string, x: tf.Tensor, what = 'values'): void {
  const ok = tf.tidy(() => tf.all(tf.isFinite(x)).dataSync()[0]);
  if (!ok) throw nonFinite(argument, what);
}

/**
 * {@link assertFinite} with an asynchronous read, safe on every backend (webgpu included): the
 * check `all(isFinite(x))` runs on the device and only its one boolean comes back.
 *
 * @example
 * await assertFiniteAsync('data', data);   // NonFiniteError "data: contains NaN or Infinity values. ..."
 */
export async function assertFiniteAsync(argument: string, x: tf.Tensor, what = 'values'): Promise<void> {
  const flag = tf.tidy(() => tf.all(tf.isFinite(x)));
  try {
    if (!(await flag.data())[0]) throw nonFinite(argument, what);
  } finally {
    flag.dispose();
  }
}

/** An energy's output must be a `Tensor1D` holding one value per sample. */
export function assertEnergyShape(energy: tf.Tensor, batchSize: number): asserts energy is tf.Tensor1D {
  if (energy.rank !== 1 || energy.shape[0] !== batchSize) {
    throw new ShapeError(
      'energy',
      `must return one value per sample, shape [${batchSize}], got [${energy.shape.join(', ')}]. ` +
        'Reduce over every non-batch axis, e.g. tf.sum(t, [1, 2, 3]) or tf.reshape(t, [-1]).',
    );
  }
}

/**
 * `sampler` must be a `Sampler` (`{ name, init, step }`); an `InvalidArgumentError` on `argument`
 * otherwise, e.g. for an objective given a sampler factory instead of a sampler.
 */
export function assertSampler(argument: string, sampler: unknown): asserts sampler is Sampler {
  const s = sampler as Partial<Sampler> | null;
  if (s === null || typeof s !== 'object' || typeof s.init !== 'function' || typeof s.step !== 'function') {
    throw new InvalidArgumentError(argument, 'must be a Sampler ({ name, init, step }), e.g. mala({ stepSize: 0.05 }) from @ebm/mcmc-langevin.');
  }
}
