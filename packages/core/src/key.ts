/**
 * Explicit, splittable pseudo-random keys (after JAX's `PRNGKey`).
 *
 * A {@link Key} is an immutable pair of 32-bit words. New keys are derived with the Threefry-2x32
 * block cipher (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"; 20 rounds, the
 * variant JAX uses): child `i` of `split(key, n)` is `threefry(key, [i, 0])`, `foldIn(key, d)` is
 * `threefry(key, [d, 1])`, and `seedOf(key)` reads `threefry(key, [0, 2])`. The three counter
 * domains never overlap, so a key's children, folds and seed are independent streams.
 *
 * Rule of use: split a key once per random use; never reuse a key for two different draws.
 * The same key on the same backend gives the same numbers.
 *
 * @example
 * const key = prngKey(42);
 * const [initKey, trainKey] = split(key);
 * const noise = tf.randomNormal([8, 2], 0, 1, 'float32', seedOf(initKey));
 */
import { InvalidArgumentError } from './errors.js';

/** An immutable PRNG key. Create with {@link prngKey}; derive with {@link split} or {@link foldIn}. */
export interface Key {
  readonly kind: 'ebm.key';
  readonly data: readonly [number, number];
}

/** Threefry-2x32 rotation constants (Salmon et al. 2011, Table 4). */
const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
/** Threefry key-schedule parity constant (the Skein "C240" constant). */
const KEY_PARITY = 0x1bd11bda;

function rotl32(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/** Threefry-2x32 with 20 rounds: encrypts the counter `[c0, c1]` under the key `[k0, k1]`. */
export function threefry2x32(
  key: readonly [number, number],
  counter: readonly [number, number],
): [number, number] {
  const ks = [key[0] >>> 0, key[1] >>> 0, (key[0] ^ key[1] ^ KEY_PARITY) >>> 0];
  let x0 = (counter[0] + ks[0]!) >>> 0;
  let x1 = (counter[1] + ks[1]!) >>> 0;
  for (let round = 0; round < 20; round++) {
    x0 = (x0 + x1) >>> 0;
    x1 = rotl32(x1, ROTATIONS[round % 8]!);
    x1 = (x1 ^ x0) >>> 0;
    if (round % 4 === 3) {
      const injection = (round + 1) / 4;
      x0 = (x0 + ks[injection % 3]!) >>> 0;
      x1 = (x1 + ks[(injection + 1) % 3]! + injection) >>> 0;
    }
  }
  return [x0, x1];
}

function makeKey(data: readonly [number, number]): Key {
  return Object.freeze({ kind: 'ebm.key' as const, data: Object.freeze([data[0] >>> 0, data[1] >>> 0]) as readonly [number, number] });
}

/** A key from an integer seed in `[0, 2^53)`. */
export function prngKey(seed: number): Key {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError('seed', `must be an integer in [0, 2^53), got ${seed}. Pass e.g. prngKey(0).`);
  }
  return makeKey([Math.floor(seed / 2 ** 32) >>> 0, seed >>> 0]);
}

/** `n` independent keys derived from `key` (default 2). */
export function split(key: Key, n = 2): Key[] {
  assertKey(key);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError('n', `must be a positive integer, got ${n}.`);
  }
  return Array.from({ length: n }, (_, i) => makeKey(threefry2x32(key.data, [i, 0])));
}

/** A key derived from `key` and an integer `data` (a step index, a chain id); deterministic. */
export function foldIn(key: Key, data: number): Key {
  assertKey(key);
  if (!Number.isInteger(data) || data < 0 || data >= 2 ** 32) {
    throw new InvalidArgumentError('data', `must be an integer in [0, 2^32), got ${data}.`);
  }
  return makeKey(threefry2x32(key.data, [data, 1]));
}

/**
 * A seed for tfjs random ops (`tf.randomNormal(..., seed)`), an integer in `[0, 2^53)` so that
 * distinct keys practically never share a seed.
 */
export function seedOf(key: Key): number {
  assertKey(key);
  const [hi, lo] = threefry2x32(key.data, [0, 2]);
  return (hi & 0x1fffff) * 2 ** 32 + lo;
}

/**
 * `count` uniform 32-bit integers from `key` (Threefry in counter mode), for randomness drawn in
 * JavaScript rather than in a tensor op (permutations, buffer indices).
 */
export function randomUint32(key: Key, count: number): Uint32Array {
  assertKey(key);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i += 2) {
    const [a, b] = threefry2x32(key.data, [i >>> 1, 3]);
    out[i] = a;
    if (i + 1 < count) out[i + 1] = b;
  }
  return out;
}

/** Whether `value` is a {@link Key}. */
export function isKey(value: unknown): value is Key {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Key).kind === 'ebm.key' &&
    Array.isArray((value as Key).data) &&
    (value as Key).data.length === 2
  );
}

/** The key's two words, for serialisation (checkpoints). Inverse of {@link keyFromData}. */
export function keyData(key: Key): [number, number] {
  assertKey(key);
  return [key.data[0], key.data[1]];
}

/** Rebuilds a key from {@link keyData}. */
export function keyFromData(data: readonly number[]): Key {
  if (data.length !== 2 || !data.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
    throw new InvalidArgumentError('data', `must be two 32-bit unsigned integers, got ${JSON.stringify(data)}.`);
  }
  return makeKey([data[0]!, data[1]!]);
}

function assertKey(key: unknown): asserts key is Key {
  if (!isKey(key)) {
    throw new InvalidArgumentError('key', 'is not a PRNG key. Create one with prngKey(seed) and derive more with split(key).');
  }
}
