/**
 * The training and test points of a run, made on the host side of the evaluation backend: a toy
 * data set of @ebm/datasets, or the drawn points, each drawn point the centre of a small Gaussian.
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, normal, randomIndices, split } from '@ebm/core';
import { toyDatasets } from '@ebm/datasets';
import { gaussianNoise } from '@ebm/nce';
import type { DataMoments } from './recipes.js';
import type { Settings } from './settings.js';

/** Training points per run and held-out points for the exact test NLL. */
export const TRAIN_SIZE = 20_000;
export const TEST_SIZE = 5_000;
/** Standard deviation of the blob around each drawn point. */
export const DRAWN_STD = 0.15;

/** A run's data as host arrays (x0 y0 x1 y1 ...), their moments, and the data set's entropy when known. */
export interface RunData {
  readonly train: Float32Array;
  readonly test: Float32Array;
  readonly moments: DataMoments;
  readonly entropy?: number;
}

/** `n` points of the data set in `settings`, as a tensor on the active backend. */
function samplePoints(settings: Settings, key: Key, n: number): tf.Tensor2D {
  if (settings.data !== 'drawn') return toyDatasets[settings.data].sample(key, n);
  const count = settings.points.length / 2;
  if (count === 0) throw new Error('Draw some points on the density panel first (hold the mouse button and move).');
  const [indexKey, noiseKey] = split(key, 2) as [Key, Key];
  return tf.tidy(() => {
    const centres = tf.gather(tf.tensor2d(settings.points as number[], [count, 2]), randomIndices(indexKey, n, count));
    return tf.add(centres, tf.mul(DRAWN_STD, normal(noiseKey, [n, 2]))) as tf.Tensor2D;
  });
}

/** The run's data; reads synchronously, so call it on a cpu or wasm backend. */
export function makeRunData(settings: Settings, key: Key): RunData {
  const [trainKey, testKey] = split(key, 2) as [Key, Key];
  const train = samplePoints(settings, trainKey, TRAIN_SIZE);
  const test = samplePoints(settings, testKey, TEST_SIZE);
  const noise = gaussianNoise.fit(train, { ridge: 1e-3 });
  const moments = { mean: noise.mean, covariance: noise.covariance };
  noise.dispose();
  const data = { train: train.dataSync() as Float32Array, test: test.dataSync() as Float32Array, moments };
  tf.dispose([train, test]);
  const entropy = settings.data === 'drawn' ? undefined : toyDatasets[settings.data].entropy;
  return entropy === undefined ? data : { ...data, entropy };
}
