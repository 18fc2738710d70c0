import * as tf from '@tensorflow/tfjs';

/** The inputs of {@link nceLoss}: a model's energies and a noise's log-densities on data and noise rows. */
export interface NceLossInput {
  /** `E(x_i)` on the N data rows, shape `[N]`. */
  readonly dataEnergy: tf.Tensor1D;
  /** `E(y_j)` on the M noise rows, shape `[M]`. */
  readonly noiseEnergy: tf.Tensor1D;
  /** The learned log-partition `c` (a scalar; the model is `log p_m(u) = -E(u) - c`). */
  readonly logZ: tf.Scalar;
  /** `log p_n(x_i)`, the noise's normalised log-density on the data rows, shape `[N]`. */
  readonly dataLogNoise: tf.Tensor1D;
  /** `log p_n(y_j)` on the noise rows, shape `[M]`. */
  readonly noiseLogNoise: tf.Tensor1D;
  /** The noise-to-data ratio `nu = M / N` of this batch. */
  readonly ratio: number;
}

/** What {@link nceLoss} returns: the loss and the classifier's accuracies, scalars on the device. */
export interface NceLossTerms {
  /** `J`, the logistic loss (see {@link nceLoss}). */
  readonly loss: tf.Scalar;
  /** The fraction of all N + M rows the classifier `G > 0 <=> data` labels correctly. */
  readonly accuracy: tf.Scalar;
  /** The fraction of data rows with `G(x) > 0`. */
  readonly dataAccuracy: tf.Scalar;
  /** The fraction of noise rows with `G(y) <= 0`. */
  readonly noiseAccuracy: tf.Scalar;
}

/**
 * The noise-contrastive estimation loss (Gutmann & Hyvarinen 2010): logistic regression of data
 * `x_1..x_N` against noise `y_1..y_M` (`nu = M / N`) on the log-ratio
 *
 *   G(u) = log p_m(u) - log(nu p_n(u)) = -E(u) - c - log nu - log p_n(u),
 *
 *   J = -1/N sum_i log sigma(G(x_i)) - nu/M sum_j log(1 - sigma(G(y_j)))
 *     =  1/N sum_i softplus(-G(x_i))  + nu/M sum_j softplus(G(y_j)).
 *
 * (`log sigma(z) = -softplus(-z)`: tf.logSigmoid cannot be differentiated on intermediate
 * tensors.) Differentiable in every input, so NCE (fixed noise) and flow contrastive estimation
 * (a trained noise, which ascends `J`) share it. The accuracies count rows the Bayes classifier
 * `G > 0` labels correctly; they are not differentiated. Call inside `tf.tidy` (or a
 * `variableGradients` loss); reads nothing from the device.
 *
 * @example
 * const { loss, accuracy } = nceLoss({ dataEnergy: model.energy(x), noiseEnergy: model.energy(y), logZ: c,
 *   dataLogNoise: noise.logProb(x), noiseLogNoise: noise.logProb(y), ratio: m / n });
 */
export function nceLoss(input: NceLossInput): NceLossTerms {
  const { dataEnergy, noiseEnergy, logZ, dataLogNoise, noiseLogNoise, ratio } = input;
  const logNu = Math.log(ratio);
  const logRatio = (energy: tf.Tensor1D, logNoise: tf.Tensor1D): tf.Tensor1D => tf.sub(tf.neg(tf.add(energy, logZ)), tf.add(logNoise, logNu));
  const gData = logRatio(dataEnergy, dataLogNoise);
  const gNoise = logRatio(noiseEnergy, noiseLogNoise);
  const dataCorrect = tf.sum(tf.cast(tf.greater(gData, 0), 'float32'));
  const noiseCorrect = tf.sum(tf.cast(tf.lessEqual(gNoise, 0), 'float32'));
  const [n, m] = [gData.shape[0], gNoise.shape[0]];
  return {
    loss: tf.add(tf.mean(tf.softplus(tf.neg(gData))), tf.mul(ratio, tf.mean(tf.softplus(gNoise)))) as tf.Scalar,
    accuracy: tf.div(tf.add(dataCorrect, noiseCorrect), n + m) as tf.Scalar,
    dataAccuracy: tf.div(dataCorrect, n) as tf.Scalar,
    noiseAccuracy: tf.div(noiseCorrect, m) as tf.Scalar,
  };
}
