import type * as tf from '@tensorflow/tfjs';
import type { Key } from './key.js';

/** Per-sample energies and their gradient with respect to the input. */
export interface EnergyAndGradient {
  /** `E(x)`, shape `[N]`. */
  readonly energy: tf.Tensor1D;
  /** `dE/dx`, the shape of `x`. */
  readonly gradient: tf.Tensor;
}

/**
 * An energy function: `E(x) = -log p~(x)`, lower is more probable.
 *
 * `x` is a batch whose axis 0 indexes samples (`[N, D]` or `[N, H, W, C]`); the result holds one
 * energy per sample, shape `[N]`.
 *
 * An energy may also carry `valueAndGrad`, a faster way to compute the energy and its input
 * gradient together (the MLP energy uses it to avoid transposed matMuls). It must agree with
 * `tf.grad` of the sum of energies; {@link energyAndGradient} uses it when present.
 */
export interface EnergyFn {
  (x: tf.Tensor): tf.Tensor1D;
  readonly valueAndGrad?: (x: tf.Tensor) => EnergyAndGradient;
}

/** A trainable energy: the function and the variables it reads, in a fixed order. */
export interface EnergyModel {
  readonly energy: EnergyFn;
  /** Trainable variables, fixed order, unique names. Optimisers and checkpoints rely on the order. */
  readonly variables: readonly tf.Variable[];
}

/**
 * The state of a batch of Markov chains. `position` has axis 0 = chains. Samplers may cache more
 * (the energy and gradient at `position`, so the next step need not recompute them).
 *
 * Ownership: a state returned by `init` or `step` owns all its tensors; the caller disposes the
 * previous state (see `disposeState`) once the next one has been computed.
 */
export interface ChainState {
  readonly position: tf.Tensor;
}

/** What one step reports. `acceptanceRate` is the mean MH acceptance probability over chains. */
export interface StepInfo {
  readonly acceptanceRate?: number;
}

/**
 * A Markov chain Monte Carlo kernel as a record of two functions over explicit state
 * (after BlackJAX's `SamplingAlgorithm(init, step)`). Many chains run in parallel as one batch.
 */
export interface Sampler<S extends ChainState = ChainState, I extends StepInfo = StepInfo> {
  readonly name: string;
  /** Builds the state at `position` (the sampler takes ownership of nothing: it may clone). */
  init(position: tf.Tensor, energy: EnergyFn): S;
  /** One transition. Does not dispose `state`; returns a fresh state the caller owns. */
  step(key: Key, state: S, energy: EnergyFn): readonly [S, I];
}

/**
 * A sampler with a step size that adaptation (dual averaging) can tune: `withStepSize` returns the
 * same kernel with another step size. Langevin, MALA, random-walk Metropolis (its scale) and HMC
 * implement it.
 */
export interface TunableSampler<S extends ChainState = ChainState, I extends StepInfo = StepInfo> extends Sampler<S, I> {
  readonly stepSize: number;
  withStepSize(stepSize: number): TunableSampler<S, I>;
}

/** Scalar metrics an objective reports for logging, e.g. `{ positiveEnergy, negativeEnergy }`. */
export type Metrics = Readonly<Record<string, number>>;

/** The result of one objective step on a minibatch. */
export interface ObjectiveStep<S> {
  /** The surrogate loss, a scalar, for logging. The caller disposes it. */
  readonly loss: tf.Scalar;
  /** Gradients of the loss keyed by variable name (model variables and any objective variables). */
  readonly grads: Readonly<Record<string, tf.Tensor>>;
  /** The next objective state. The caller disposes the previous one. */
  readonly state: S;
  readonly metrics: Metrics;
}

/**
 * A training objective: it owns the whole gradient estimate for one minibatch (sampling happens
 * inside `gradients`, outside any gradient tape), like an Optax transformation owns its update.
 */
export interface Objective<S = unknown> {
  readonly name: string;
  /** Chains, buffers, learned constants. */
  init(model: EnergyModel, key: Key): S;
  gradients(model: EnergyModel, batch: tf.Tensor, state: S, key: Key): ObjectiveStep<S>;
  /**
   * Trainable variables the objective owns besides the model's (e.g. NCE's learned log Z).
   * `fit` optimises them together with `model.variables`; their gradients are in `grads`.
   */
  variables?(state: S): readonly tf.Variable[];
}
