import { InvalidArgumentError } from './errors.js';
import { type Key, randomUint32 } from './key.js';

/**
 * `n` integers drawn uniformly from `{0, ..., k - 1}`: `floor(u_i k)` with `u_i = w_i / 2^32`
 * and `w_i` the key's 32-bit words. The floor's bias is below `k / 2^32`. For picking rows of a
 * buffer, patterns of a data set, units to flip, noise levels.
 *
 * @example
 * const rows = randomIndices(key, 128, buffer.shape[0]); // Int32Array of 128 row indices
 */
export function randomIndices(key: Key, n: number, k: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError('n', `must be a non-negative integer, got ${n}.`);
  }
  if (!Number.isInteger(k) || k < 1 || k > 2 ** 31) {
    throw new InvalidArgumentError('k', `must be an integer in [1, 2^31], got ${k}.`);
  }
  return Int32Array.from(randomUint32(key, n), (w) => Math.floor((w / 2 ** 32) * k));
}
