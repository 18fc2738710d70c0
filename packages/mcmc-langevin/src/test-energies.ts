/** Energies with known distributions, shared by this package's tests and benchmark. */
import * as tf from '@tensorflow/tfjs';
import type { EnergyFn } from '@ebm/core';

/** `E(x) = ||x||^2 / 2` over every non-batch axis: independent N(0, 1) elements, any batch shape. */
export const standardNormalEnergy: EnergyFn = (x) =>
  tf.tidy(() => tf.mul(0.5, tf.sum(tf.reshape(tf.square(x), [x.shape[0]!, -1]), 1)) as tf.Tensor1D);
