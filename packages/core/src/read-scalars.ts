/**
 * Reading device scalars (step infos, objective metrics, losses) to the host in one transfer. On
 * webgl and webgpu every read waits for the GPU to finish its queue, so a loop that reads three
 * scalars one by one stalls three times; these read all of them at once.
 */
import * as tf from '@tensorflow/tfjs';

/** The scalar tensors among `record`'s own fields, in field order. */
function scalarFields(record: object): [string, tf.Tensor][] {
  return Object.entries(record).filter((entry): entry is [string, tf.Tensor] => entry[1] instanceof tf.Tensor && entry[1].rank === 0);
}

function stackScalars(fields: readonly [string, tf.Tensor][]): tf.Tensor1D {
  return tf.tidy(() => tf.stack(fields.map(([, t]) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32')))) as tf.Tensor1D);
}

function toRecord(fields: readonly [string, tf.Tensor][], values: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(fields.map(([field], i) => [field, values[i]!]));
}

/**
 * Every scalar tensor field of `record` as a number, read with one asynchronous device read
 * (booleans become 0 or 1; other fields are skipped). Nothing is read when there is no scalar.
 * Does not dispose `record`.
 *
 * @example
 * const { loss, accuracy } = await readScalars({ loss: step.loss, ...step.metrics });
 */
export async function readScalars(record: object): Promise<Record<string, number>> {
  const fields = scalarFields(record);
  if (fields.length === 0) return {};
  const stacked = stackScalars(fields);
  try {
    return toRecord(fields, await stacked.data());
  } finally {
    stacked.dispose();
  }
}

/**
 * {@link readScalars} with a synchronous read, for synchronous loops (`sampleChain`, a
 * `runChain` callback). Prefer the asynchronous one on webgl and webgpu.
 *
 * @example
 * sampleChain(sampler, { ..., onStep: ({ step, info }) => step % 100 === 0 && console.log(readScalarsSync(info)) });
 */
export function readScalarsSync(record: object): Record<string, number> {
  const fields = scalarFields(record);
  if (fields.length === 0) return {};
  const stacked = stackScalars(fields);
  try {
    return toRecord(fields, stacked.dataSync());
  } finally {
    stacked.dispose();
  }
}
