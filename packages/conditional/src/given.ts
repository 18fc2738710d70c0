/**
 * Ordinary core energies cut out of a conditional one: over y with x held fixed (MCMC on y for
 * each input, energy minimisation, conditional objectives' chains) and over x with y held fixed
 * (class-conditional sampling of a classifier).
 */
import * as tf from '@tensorflow/tfjs';
import { type EnergyAndGradient, type EnergyFn, ShapeError, assertBatch, assertEventShape, assertInteger } from '@ebm/core';
import { packPairs, repeatRows, sizeOf } from './pairs.js';
import type { ConditionalEnergyModel } from './types.js';

/** Options of {@link energyGivenInput} and {@link energyGivenTarget}. */
export interface GivenOptions {
  /** Chains per fixed row (default 1): the energy takes `[N * count, ...]` batches, rows `i * count + j` paired with row i. */
  readonly count?: number;
}

/**
 * `y -> E(x, y)` with the inputs `x` (`[N, ...inputShape]`) held fixed: an ordinary core
 * `EnergyFn` over targets, so every core sampler runs on y given x. With `count` chains per input
 * it takes `[N * count, ...targetShape]` batches and pairs row `i * count + j` with `x_i` (the
 * layout of `repeatRows` and of `ConditionalDistribution.sample`), so chains in y for many inputs
 * run as one batch. A single input (`x` `[1, ...]`) pairs with any number of targets.
 *
 *   E_x(y)_r = E(x_{floor(r / count)}, y_r),   dE_x/dy = the y-columns of dE/d[x, y].
 *
 * When the model's packed energy has a hand-written input gradient (`conditionalMlpEnergy`), the
 * returned energy has one too (`valueAndGrad`, the y-columns of the pair's gradient). `x` must
 * stay alive while the energy is used; the energy does not dispose it.
 *
 * @example
 * const energy = energyGivenInput(model, x, { count: 16 });          // 16 chains per input
 * const init = noise.sample(key, x, 16);                              // [N * 16, ...targetShape]
 * const { samples } = sampleChain(mala({ stepSize: 0.05 }), { energy, init, key, numSteps: 200 });
 */
export function energyGivenInput(model: ConditionalEnergyModel, x: tf.Tensor, options: GivenOptions = {}): EnergyFn {
  assertBatch('x', x, 2);
  assertEventShape('x', x, model.inputShape);
  const count = checkCount(options.count);
  const n = x.shape[0]!;
  const dx = sizeOf(model.inputShape);
  const inputs = (y: tf.Tensor): tf.Tensor => {
    assertBatch('y', y, 2);
    // One input pairs with any number of targets (quadrature lattices, density grids).
    if (n === 1) return tf.broadcastTo(x, [y.shape[0]!, ...model.inputShape]);
    assertRows('y', y, n * count, n, count);
    return count === 1 ? x : repeatRows(x, count);
  };
  const energy = (y: tf.Tensor): tf.Tensor1D => tf.tidy(() => model.conditionalEnergy(inputs(y), y));
  const fast = model.energy.valueAndGrad;
  if (fast === undefined) return energy;
  const valueAndGrad = (y: tf.Tensor): EnergyAndGradient =>
    tf.tidy(() => {
      assertEventShape('y', y, model.targetShape);
      const result = fast(packPairs(inputs(y), y));
      const gradient = tf.reshape(tf.slice(result.gradient, [0, dx], [y.shape[0]!, -1]), y.shape);
      return { energy: result.energy, gradient };
    });
  return Object.assign(energy, { valueAndGrad });
}

/**
 * `x -> E(x, y)` with the targets `y` (`[N, ...targetShape]`) held fixed: an energy over inputs,
 * `p(x | y) ~ exp(-E(x, y))` for a joint model such as JEM's classifier (`E(x, y) = -f(x)[y]`),
 * whose samples given a one-hot class are the class-conditional samples. With `count` chains per
 * target it takes `[N * count, ...inputShape]` batches, row `i * count + j` paired with `y_i`.
 *
 * @example
 * const sevens = tf.oneHot(tf.fill([16], 7, 'int32'), 10);             // 16 chains of class 7
 * const energy = energyGivenTarget(classifier, sevens);
 * const { finalState } = sampleChain(langevin({ stepSize: 1, noiseScale: 0.01 }), { energy, init, key, numSteps: 200, collect: false });
 */
export function energyGivenTarget(model: ConditionalEnergyModel, y: tf.Tensor, options: GivenOptions = {}): EnergyFn {
  assertBatch('y', y, 2);
  assertEventShape('y', y, model.targetShape);
  const count = checkCount(options.count);
  const rows = y.shape[0]! * count;
  return (x: tf.Tensor): tf.Tensor1D =>
    tf.tidy(() => {
      assertRows('x', x, rows, y.shape[0]!, count);
      return model.conditionalEnergy(x, count === 1 ? y : repeatRows(y, count));
    });
}

function checkCount(count: number | undefined): number {
  const c = count ?? 1;
  assertInteger('count', c, 1);
  return c;
}

function assertRows(argument: string, t: tf.Tensor, rows: number, fixed: number, count: number): void {
  if (t.shape[0] !== rows) {
    throw new ShapeError(
      argument,
      `must have ${rows} rows (${fixed} fixed rows x ${count} chains each), got ${t.shape[0]}. ` +
        'Draw starts with noise.sample(key, x, count) or repeat the fixed rows with repeatRows.',
    );
  }
}
