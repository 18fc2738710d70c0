import * as tf from '@tensorflow/tfjs';
import { checkedParameterVjp } from './parameter-vjp.js';
import type { EnergyModel } from './types.js';
import { assertEnergyShape } from './validate.js';
import { variableGradients } from './variable-gradients.js';

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
  const [gData, gNoise] = logRatios(input);
  return lossTerms(gData, gNoise, input.ratio);
}

/** `G(x_i)` and `G(y_j)` of {@link nceLoss}. */
function logRatios(input: NceLossInput): [tf.Tensor1D, tf.Tensor1D] {
  const { dataEnergy, noiseEnergy, logZ, dataLogNoise, noiseLogNoise, ratio } = input;
  const logNu = Math.log(ratio);
  const logRatio = (energy: tf.Tensor1D, logNoise: tf.Tensor1D): tf.Tensor1D => tf.sub(tf.neg(tf.add(energy, logZ)), tf.add(logNoise, logNu));
  return [logRatio(dataEnergy, dataLogNoise), logRatio(noiseEnergy, noiseLogNoise)];
}

/** {@link nceLoss}'s loss and accuracies from the log-ratios. */
function lossTerms(gData: tf.Tensor1D, gNoise: tf.Tensor1D, ratio: number): NceLossTerms {
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

/** The inputs of {@link nceGradients}: the model's rows instead of their energies, and `c` as a variable. */
export interface NceGradientsInput extends Omit<NceLossInput, 'dataEnergy' | 'noiseEnergy' | 'logZ'> {
  /** The N data rows `x_i`. */
  readonly data: tf.Tensor;
  /** The M noise rows `y_j` (held constant: NCE's noise is not trained). */
  readonly noise: tf.Tensor;
  /** The learned log-partition `c`, trained with the model. */
  readonly logZ: tf.Variable;
}

/** What {@link nceGradients} returns; the caller owns every tensor. */
export interface NceGradients extends NceLossTerms {
  /** `dJ/dtheta` for every model variable and `dJ/dc` for `logZ`, keyed by variable name. */
  readonly grads: tf.NamedTensorMap;
  /** `mean_i E(x_i)`. */
  readonly dataEnergy: tf.Scalar;
  /** `mean_j E(y_j)`. */
  readonly noiseEnergy: tf.Scalar;
}

/**
 * {@link nceLoss} and its gradient with respect to the model's variables and `c`, for noise rows
 * held constant (NCE). A model with `parameterVjp` (core's MLP and conv energies, RBMs) is
 * differentiated without a tape: one forward pass over `[x; y]`, then the VJP with the logistic
 * loss's derivative per row,
 *
 *   dJ/dE(x_i) = sigma(-G(x_i)) / N,   dJ/dE(y_j) = -nu sigma(G(y_j)) / M,   dJ/dc = sum of both
 *
 * (`G` depends on `E` and `c` alike). Any other model goes through `tf.variableGrads` of `J`; both
 * give the same loss, gradients and accuracies to float tolerance. Call inside `tf.tidy`; reads
 * nothing from the device.
 *
 * @example
 * const { loss, grads, accuracy } = nceGradients(model, { data: x, noise: y, logZ: c,
 *   dataLogNoise: noise.logProb(x), noiseLogNoise: noise.logProb(y), ratio: m / n });
 */
export function nceGradients(model: EnergyModel, input: NceGradientsInput): NceGradients {
  const { data, noise, logZ, ...rest } = input;
  const [n, m] = [data.shape[0]!, noise.shape[0]!];
  const traced = model.parameterVjp === undefined ? undefined : checkedParameterVjp(model, tf.concat([data, noise], 0));
  if (traced !== undefined) {
    const { energy, vjp } = traced;
    const [dataEnergy, noiseEnergy] = [tf.slice(energy, [0], [n]), tf.slice(energy, [n], [m])];
    const [gData, gNoise] = logRatios({ ...rest, dataEnergy, noiseEnergy, logZ: logZ as tf.Scalar });
    const weights = tf.concat([tf.mul(tf.sigmoid(tf.neg(gData)), 1 / n), tf.mul(tf.sigmoid(gNoise), -rest.ratio / m)]) as tf.Tensor1D;
    const grads = { ...vjp(weights), [logZ.name]: tf.sum(weights) };
    return { ...lossTerms(gData, gNoise, rest.ratio), grads, dataEnergy: tf.mean(dataEnergy) as tf.Scalar, noiseEnergy: tf.mean(noiseEnergy) as tf.Scalar };
  }
  const { grads, aux } = variableGradients(() => {
    const dataEnergy = model.energy(data);
    const noiseEnergy = model.energy(noise);
    assertEnergyShape(dataEnergy, n);
    assertEnergyShape(noiseEnergy, m);
    const terms = nceLoss({ ...rest, dataEnergy, noiseEnergy, logZ: logZ as tf.Scalar });
    return { loss: terms.loss, aux: { ...terms, dataEnergy: tf.mean(dataEnergy) as tf.Scalar, noiseEnergy: tf.mean(noiseEnergy) as tf.Scalar } };
  }, [...model.variables, logZ]);
  return { ...aux, grads };
}
