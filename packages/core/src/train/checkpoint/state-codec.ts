import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from '../../errors.js';
import { isKey, keyData, keyFromData } from '../../key.js';

/** A JSON value, as stored in a checkpoint manifest. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Turns an objective state (any tree of arrays and plain objects) into JSON, handing every tensor
 * to `addTensor`, which returns the tensor's index in `tensors.bin`. Encodings:
 *
 * - `tf.Variable` -> `{"$variable": i, "trainable": bool, "name": string}` (restored as a variable)
 * - other `tf.Tensor` -> `{"$tensor": i}`; the same tensor object twice gets the same index
 * - a PRNG `Key` -> `{"$key": [w0, w1]}`
 * - `NaN`, `Infinity`, `-Infinity` -> `{"$number": "NaN"}`; `undefined` -> `{"$undefined": true}`
 * - finite numbers, strings, booleans, `null` -> themselves
 *
 * Anything else (functions, class instances, Maps, typed arrays) throws a `CheckpointError`
 * naming its path in the state, e.g. `objectiveState.buffer.sampler`.
 */
export function encodeState(value: unknown, addTensor: (tensor: tf.Tensor, path: string) => number, path = 'objectiveState'): JsonValue {
  if (value instanceof tf.Variable) {
    return { $variable: addTensor(value, path), trainable: value.trainable, name: value.name };
  }
  if (value instanceof tf.Tensor) return { $tensor: addTensor(value, path) };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === undefined) return { $undefined: true };
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (isKey(value)) return { $key: keyData(value) };
  if (Array.isArray(value)) return value.map((item, i) => encodeState(item, addTensor, `${path}[${i}]`));
  if (typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [field, item] of Object.entries(value)) {
      if (field.startsWith('$')) {
        throw new CheckpointError(
          `Cannot save ${path}.${field}: field names starting with '$' are reserved for the checkpoint format. Rename the field.`,
        );
      }
      out[field] = encodeState(item, addTensor, `${path}.${field}`);
    }
    return out;
  }
  const what = typeof value === 'function' ? 'a function' : `a ${(value as object)?.constructor?.name ?? typeof value}`;
  throw new CheckpointError(
    `Cannot save ${path}: it is ${what}. An objective state may hold only tensors, variables, keys, numbers, ` +
      'strings, booleans, null, arrays and plain objects; keep functions and class instances in the objective itself.',
  );
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Rebuilds a state from {@link encodeState}'s JSON; `tensorAt(i)` makes tensor `i` of
 * `tensors.bin` (a fresh tensor the decoder owns). Tensors referenced twice come back as one
 * object; variables come back as `tf.variable`s under their saved name when that name is free
 * (tfjs requires unique names), under a generated one otherwise. Every tensor created is pushed
 * to `created`, so a caller can dispose them if loading fails later.
 */
export function decodeState(json: JsonValue, tensorAt: (index: number) => tf.Tensor, created: tf.Tensor[], path = 'objectiveState'): unknown {
  const restored = new Map<number, tf.Tensor>();
  const index = (value: JsonValue, at: string): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new CheckpointError(`manifest.json: ${at} is not a tensor index (got ${JSON.stringify(value)}). The checkpoint is corrupt.`);
    }
    return value;
  };
  const walk = (node: JsonValue, at: string): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${at}[${i}]`));
    if ('$tensor' in node) {
      const i = index(node.$tensor!, at);
      if (!restored.has(i)) {
        const tensor = tensorAt(i);
        created.push(tensor);
        restored.set(i, tensor);
      }
      return restored.get(i);
    }
    if ('$variable' in node) {
      const i = index(node.$variable!, at);
      if (!restored.has(i)) {
        const initial = tensorAt(i);
        const name = typeof node.name === 'string' && tf.engine().registeredVariables[node.name] === undefined ? node.name : undefined;
        const variable = tf.variable(initial, node.trainable !== false, name);
        initial.dispose();
        created.push(variable);
        restored.set(i, variable);
      }
      return restored.get(i);
    }
    if ('$key' in node) {
      try {
        return keyFromData(node.$key as number[]);
      } catch {
        throw new CheckpointError(`manifest.json: ${at} is not a valid key (${JSON.stringify(node.$key)}). The checkpoint is corrupt.`);
      }
    }
    if ('$number' in node) return Number(node.$number);
    if ('$undefined' in node) return undefined;
    const out: Record<string, unknown> = {};
    for (const [field, item] of Object.entries(node)) out[field] = walk(item, `${at}.${field}`);
    return out;
  };
  return walk(json, path);
}
