import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, InvalidArgumentError, ShapeError, assertInteger } from '@ebm/core';
import { type MlpNetworkOptions, mlpNetwork } from '@ebm/core/models';
import { checkShape, conditionalEnergyModel } from './conditional-model.js';
import { assertConditionalModel } from './pairs.js';
import type { ConditionalEnergyModel } from './types.js';

/** A classifier read as an energy model (Grathwohl et al. 2020): see {@link classifierEnergy}. */
export interface ClassifierModel extends ConditionalEnergyModel {
  readonly numClasses: number;
  /** The logits `f(x)`, `[N, K]`. */
  logits(x: tf.Tensor): tf.Tensor2D;
  /** `A_x = logsumexp_k f(x)_k`, so `p(y | x) = softmax(f(x))_y`. */
  readonly logPartition: (x: tf.Tensor) => tf.Tensor1D;
  /** The unnormalised model of the inputs, `E(x) = -logsumexp_k f(x)_k`, on the same variables. */
  readonly marginal: EnergyModel;
}

/** Options of {@link classifierEnergy}. */
export interface ClassifierEnergyOptions {
  /** The logits `f(x)`: `[N, ...inputShape]` -> `[N, numClasses]` (any network). */
  readonly logits: (x: tf.Tensor) => tf.Tensor2D;
  /** The variables `logits` reads, in a fixed order with unique names. */
  readonly variables: readonly tf.Variable[];
  readonly inputShape: readonly number[];
  readonly numClasses: number;
}

/**
 * A classifier's logits `f(x)` as an energy-based model of inputs and classes (JEM, Grathwohl et
 * al. 2020, "Your classifier is secretly an energy based model and you should treat it like one",
 * ICLR): with targets one-hot vectors `y` (`[N, K]`, e.g. `tf.oneHot(labels, K)`),
 *
 *   E(x, y) = -f(x) . y = -f(x)[y],          p(x, y) ~ exp(f(x)[y]),
 *   A_x = logsumexp_k f(x)_k,                p(y | x) = softmax(f(x))_y   (the usual classifier),
 *   E(x) = -logsumexp_k f(x)_k  (`marginal`), p(x) ~ exp(-E(x))            (what the softmax ignores).
 *
 * `maximumLikelihood()` trains it as a plain classifier (cross-entropy); `jem(...)` adds the
 * maximum-likelihood term of `p(x)`. Class-conditional samples come from
 * `energyGivenTarget(model, oneHot)`, out-of-distribution scores from `-marginal.energy(x)`.
 *
 * @example
 * const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 10 })] });
 * const model = classifierEnergy({ logits: (x) => net.apply(x) as tf.Tensor2D, variables: net.trainableWeights.map((w) => w.read() as tf.Variable), inputShape: [64], numClasses: 10 });
 */
export function classifierEnergy(options: ClassifierEnergyOptions): ClassifierModel {
  const { logits: network, variables } = options;
  if (typeof network !== 'function') throw new InvalidArgumentError('logits', 'must be a function x -> logits [N, numClasses].');
  const inputShape = checkShape('inputShape', options.inputShape);
  const numClasses = options.numClasses;
  assertInteger('numClasses', numClasses, 2);
  const logits = (x: tf.Tensor): tf.Tensor2D =>
    tf.tidy(() => {
      const out = network(x);
      if (out.rank !== 2 || out.shape[0] !== x.shape[0] || out.shape[1] !== numClasses) {
        throw new ShapeError('logits', `must return [${x.shape[0]}, ${numClasses}] for ${x.shape[0]} inputs, got [${out.shape.join(', ')}].`);
      }
      return out;
    });
  const logPartition = (x: tf.Tensor): tf.Tensor1D => tf.tidy(() => tf.logSumExp(logits(x), 1) as tf.Tensor1D);
  const model = conditionalEnergyModel({
    energy: (x, y) => tf.tidy(() => tf.neg(tf.sum(tf.mul(logits(x), y), 1)) as tf.Tensor1D),
    variables,
    inputShape,
    targetShape: [numClasses],
    logPartition,
  });
  const marginal: EnergyModel = { energy: (x) => tf.tidy(() => tf.neg(logPartition(x))), variables: model.variables };
  return { ...model, numClasses, logits, logPartition, marginal };
}

/** Options of {@link mlpClassifier}: core's `mlpNetwork` options (default name `classifier`) with `numClasses` outputs. */
export interface MlpClassifierOptions extends Omit<MlpNetworkOptions, 'outputs'> {
  readonly numClasses: number;
}

/**
 * An MLP classifier (core's `mlpNetwork` with `numClasses` outputs) as a {@link classifierEnergy}.
 *
 * @example
 * const model = mlpClassifier({ inputShape: [64], numClasses: 10, hidden: [128, 128], key: prngKey(0) });
 */
export function mlpClassifier(options: MlpClassifierOptions): ClassifierModel {
  const { numClasses, ...rest } = options;
  const network = mlpNetwork({ ...rest, outputs: numClasses, name: options.name ?? 'classifier' });
  return classifierEnergy({ logits: network.apply, variables: network.variables, inputShape: network.inputShape, numClasses });
}

/** Checks that `model` is a {@link ClassifierModel} and returns it. */
export function assertClassifier(model: EnergyModel): ClassifierModel {
  const m = assertConditionalModel(model) as Partial<ClassifierModel>;
  if (typeof m.logits !== 'function' || m.marginal === undefined) {
    throw new InvalidArgumentError('model', 'must be a classifier energy model, e.g. mlpClassifier({ inputShape, numClasses }) or classifierEnergy({ logits, ... }).');
  }
  return m as ClassifierModel;
}
