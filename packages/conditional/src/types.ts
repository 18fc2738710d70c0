import type * as tf from '@tensorflow/tfjs';
import type { EnergyModel, Key } from '@ebm/core';

/**
 * A conditional energy `E(x, y)` over a batch of N pairs: `x` is `[N, ...inputShape]`, `y` is
 * `[N, ...targetShape]`, and the result holds one energy per pair, `[N]`. It defines the
 * conditional density
 *
 *   p(y | x) = exp(-E(x, y) - A_x),   A_x = log int exp(-E(x, y)) dy,
 *
 * (a sum over y for discrete targets): lower energy = a more probable target for that input.
 */
export type ConditionalEnergyFn = (x: tf.Tensor, y: tf.Tensor) => tf.Tensor1D;

/**
 * A trainable conditional energy, usable wherever core expects an `EnergyModel`.
 *
 * A batch of pairs travels as ONE tensor, the pairs packed row by row: `[N, Dx + Dy]` with the
 * flattened input in the first `Dx = prod(inputShape)` columns and the flattened target in the
 * last `Dy = prod(targetShape)` (`packPairs(x, y)`). `energy` is `E(x, y)` on packed rows, so core's
 * `fit`, minibatches, checkpoints and `expectObjectiveContract` work on conditional models and
 * objectives unchanged; `conditionalEnergy` is the same function on unpacked `(x, y)`.
 *
 * `logPartition`, where present, is the exact `A_x` (`[N]` for `x` `[N, ...inputShape]`) of a
 * model normalised in closed form: 0 for the Gaussian regression, `logsumexp_k f(x)_k` for a
 * classifier. Maximum likelihood (`maximumLikelihood`) needs it; the other objectives do not.
 */
export interface ConditionalEnergyModel extends EnergyModel {
  /** `E(x, y)` on unpacked pairs. */
  readonly conditionalEnergy: ConditionalEnergyFn;
  /** The per-sample shape of the input x, e.g. `[1]` or `[64]`. */
  readonly inputShape: readonly number[];
  /** The per-sample shape of the target y, e.g. `[1]`, `[2]`, or `[K]` (one-hot classes). */
  readonly targetShape: readonly number[];
  /** The exact log-partition `A_x`, where the model has it in closed form. */
  readonly logPartition?: (x: tf.Tensor) => tf.Tensor1D;
}

/**
 * A normalised distribution over targets given inputs, `q(y | x)`: the noise of conditional NCE,
 * the starts of conditional chains and of energy minimisation. The conditional counterpart of
 * core's `Distribution`.
 */
export interface ConditionalDistribution {
  /** The per-sample shape of y. */
  readonly targetShape: readonly number[];
  /**
   * `count` independent draws of y for each row of `x` (`[N, ...inputShape]`), as
   * `[N * count, ...targetShape]` with rows `i * count .. i * count + count - 1` drawn given `x_i`
   * (the layout of `repeatRows(x, count)`). Same key, same numbers.
   */
  sample(key: Key, x: tf.Tensor, count: number): tf.Tensor;
  /** Normalised `log q(y_i | x_i)` of each pair (`x` `[N, ...]`, `y` `[N, ...]`), shape `[N]`. */
  logProb(x: tf.Tensor, y: tf.Tensor): tf.Tensor1D;
}
