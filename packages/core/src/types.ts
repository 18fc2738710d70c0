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
  /** `E(x)` and `dE/dx` together, faster than a gradient tape (optional; see above). */
  readonly valueAndGrad?: (x: tf.Tensor) => EnergyAndGradient;
}

/**
 * A model's energies on a batch and the means to differentiate any weighted sum of them with
 * respect to its parameters, as {@link EnergyModel.parameterVjp} returns them:
 *
 *   energy = E(x) (shape [N]),   vjp(w) = d/dtheta sum_i w_i E(x_i)  for every variable theta,
 *
 * a vector-Jacobian product of the per-sample energies with the weights `w` (`[N]`). The weights
 * may be computed from `energy` (they are constants to `vjp`): every objective whose loss is a
 * function of per-sample energies, `L = l(E(x_1), ..., E(x_N))`, gets its parameter gradient as
 * `vjp(dL/dE)`: contrastive divergence `w_i = +-1/n` (+ `2 alpha E_i / n` with its regulariser),
 * NCE the logistic loss's derivative per row. The forward pass runs once; `vjp` reuses its
 * activations. Call both inside one `tf.tidy` (the activations live in that scope); `vjp` may be
 * called more than once.
 */
export interface ParameterVjp {
  /** `E(x)`, shape `[N]`. */
  readonly energy: tf.Tensor1D;
  /**
   * `d/dtheta sum_i weights_i E(x_i)` for every variable of the model, keyed by variable name,
   * each of the variable's shape. `weights` has shape `[N]` and is not differentiated.
   */
  readonly vjp: (weights: tf.Tensor1D) => tf.NamedTensorMap;
}

/**
 * A trainable energy: the function and the variables it reads, in a fixed order.
 *
 * A model may also carry `parameterVjp`, its energies and their weighted parameter gradient
 * without a gradient tape ({@link ParameterVjp}): core's MLP and conv energies write the backward
 * pass by hand (untransposed matMuls, forward activations reused), an RBM has it in closed form
 * (`dW = -sum_i w_i x_i p_i^T`). Score matching differentiates the input gradient again and stays
 * on the tape. It must agree with `tf.variableGrads` of `sum_i w_i E(x_i)` to
 * float tolerance and with `energy` on the energies. Objectives whose loss is a function of the
 * energies (contrastive divergence, NCE) use it when present, as `energyAndGradient` uses
 * `EnergyFn.valueAndGrad`, and fall back to the tape otherwise.
 */
export interface EnergyModel {
  readonly energy: EnergyFn;
  /** Trainable variables, fixed order, unique names. Optimisers and checkpoints rely on the order. */
  readonly variables: readonly tf.Variable[];
  /**
   * `E(x)` and `w -> d/dtheta sum_i w_i E(x_i)` without a tape (optional; see above). Reads
   * nothing from the device and disposes nothing it is given.
   */
  readonly parameterVjp?: (x: tf.Tensor) => ParameterVjp;
}

/**
 * The state of a batch of Markov chains. `position` has axis 0 = chains. Samplers may cache more
 * (the energy and gradient at `position`, so the next step need not recompute them).
 *
 * Ownership: a state returned by `init` or `step` owns all its tensors, and shares none with the
 * state or position it was made from; the caller disposes the previous state (`disposeState`)
 * once the next one has been computed.
 */
export interface ChainState {
  readonly position: tf.Tensor;
}

/**
 * What one step reports. Tensors stay on the device (reading them stalls a GPU pipeline): the
 * caller owns them and disposes them with the info (`disposeState(info)`); `sampleChain` averages
 * every scalar of the info on the device and reads the averages once, at the end.
 */
export interface StepInfo {
  /** The mean over chains of the Metropolis-Hastings acceptance probability, a scalar on the device. */
  readonly acceptanceRate?: tf.Scalar;
}

/** Options of `Sampler.init`. */
export interface SamplerInitOptions {
  /**
   * Check the chains' start (finite energies, a valid support) with one device read (default
   * true). Objectives that restart chains every training step pass `false`: `fit` checks the loss,
   * which a non-finite start makes non-finite, in its one read per step.
   */
  readonly check?: boolean;
}

/**
 * A Markov chain Monte Carlo kernel as a record of two functions over explicit state
 * (after BlackJAX's `SamplingAlgorithm(init, step)`). Many chains run in parallel as one batch.
 *
 * Contract (checked by `expectSamplerContract` in `@ebm/core/testing`): `init` copies `position`
 * (the caller keeps and disposes its tensor); `step` neither disposes nor modifies `state` and
 * returns a fresh state and info that the caller owns.
 */
export interface Sampler<S extends ChainState = ChainState, I extends StepInfo = StepInfo> {
  readonly name: string;
  /**
   * Steps at the start of a chain that adapt the kernel (dual averaging) and are not exact draws;
   * `sampleChain` refuses a `burnIn` shorter than this. Absent for samplers that do not adapt.
   */
  readonly warmupSteps?: number;
  /** Builds the state at `position` (a copy: the caller keeps ownership of `position`). */
  init(position: tf.Tensor, energy: EnergyFn, options?: SamplerInitOptions): S;
  /** One transition. Does not dispose `state`; returns a fresh state and info the caller owns. */
  step(key: Key, state: S, energy: EnergyFn): readonly [S, I];
}

/**
 * A sampler whose step size adaptation can tune towards a target acceptance rate: `withStepSize`
 * returns the same kernel with another step size, and `targetAcceptance` is the acceptance rate
 * the sampler is most efficient at (MALA 0.574, HMC 0.65, NUTS 0.8, random-walk Metropolis 0.234).
 * MALA, HMC, NUTS, random-walk Metropolis and the pCN example implement it; every step reports
 * `acceptanceRate`.
 */
export interface TunableSampler<S extends ChainState = ChainState, I extends StepInfo = StepInfo> extends Sampler<S, I> {
  readonly stepSize: number;
  /** The acceptance rate dual averaging aims for by default, in (0, 1). */
  readonly targetAcceptance: number;
  /** The same kernel with step size `stepSize`. */
  withStepSize(stepSize: number): TunableSampler<S, I>;
}

/**
 * A tunable sampler whose preconditioner can be adapted too: `inverseMass` is its inverse mass
 * matrix `Sigma = M^-1` (HMC, NUTS) or proposal covariance shape (preconditioned MALA and
 * random-walk Metropolis), a diagonal or a dense matrix, ideally the target's covariance;
 * `withInverseMass` returns the same kernel with another one. Window adaptation tunes both.
 */
export interface AdaptableSampler<S extends ChainState = ChainState, I extends StepInfo = StepInfo> extends TunableSampler<S, I> {
  /** The current inverse mass (undefined: the identity). */
  readonly inverseMass: readonly number[] | readonly (readonly number[])[] | undefined;
  /** The same kernel (and inverse mass) with step size `stepSize`. */
  withStepSize(stepSize: number): AdaptableSampler<S, I>;
  /** The same kernel (and step size) with another inverse mass: a diagonal (length D) or a dense D x D matrix. */
  withInverseMass(inverseMass: readonly number[] | readonly (readonly number[])[]): AdaptableSampler<S, I>;
}

/**
 * Scalar metrics an objective reports for logging, e.g. `{ positiveEnergy, negativeEnergy }`, as
 * scalars on the device. The caller owns and disposes them; `fit` reads them together with the
 * loss in one batched read per step.
 */
export type Metrics = Readonly<Record<string, tf.Scalar>>;

/** The result of one objective step on a minibatch. The caller owns every tensor in it. */
export interface ObjectiveStep<S> {
  /** The surrogate loss, a scalar, for logging. The caller disposes it. */
  readonly loss: tf.Scalar;
  /** Gradients of the loss keyed by variable name (model variables and any objective variables). */
  readonly grads: Readonly<Record<string, tf.Tensor>>;
  /**
   * The next objective state, always a new object. Tensors it carries over from the previous state
   * (variables such as NCE's learned log Z) are the same objects; free the previous state with
   * `disposeReplaced(previous, next)`, which keeps them.
   */
  readonly state: S;
  /** Device scalars for logging; the caller disposes them. */
  readonly metrics: Metrics;
}

/**
 * A training objective: it owns the whole gradient estimate for one minibatch (sampling happens
 * inside `gradients`, outside any gradient tape), like an Optax transformation owns its update.
 *
 * Contract (checked by `expectObjectiveContract` in `@ebm/core/testing`): `gradients` reads
 * nothing from the device, disposes nothing it was given, and returns a new state object.
 */
export interface Objective<S = unknown> {
  readonly name: string;
  /** Chains, buffers, learned constants. */
  init(model: EnergyModel, key: Key): S;
  /**
   * Asynchronous work for one minibatch before `gradients` (optional): e.g. contrastive divergence
   * running its negative chains on worker threads through a {@link ChainRunner}. It gets the
   * minibatch, state and key that `gradients` will get and returns the state `gradients` then
   * receives, always a new object; tensors it carries over are the same objects (free the previous
   * state with `disposeReplaced(previous, prepared)`). `fit` awaits it before every `gradients`
   * call; a custom loop must do the same:
   *
   *   state = objective.prepare ? await objective.prepare(model, batch, state, key) : state;
   *   const step = objective.gradients(model, batch, state, key);
   *
   * It may read from the device; `gradients` still may not.
   */
  prepare?(model: EnergyModel, batch: tf.Tensor, state: S, key: Key): Promise<S>;
  /** One minibatch: the loss, a gradient for every model variable, the next state and the metrics (see above). */
  gradients(model: EnergyModel, batch: tf.Tensor, state: S, key: Key): ObjectiveStep<S>;
  /**
   * Trainable variables the objective owns besides the model's (e.g. NCE's learned log Z).
   * `fit` optimises them together with `model.variables`; their gradients are in `grads`.
   */
  variables?(state: S): readonly tf.Variable[];
}

/** Options of {@link ChainRunner.runChains}. */
export interface ChainRunnerOptions {
  /** The run's key; how it is split over the chains is the runner's documented rule. */
  readonly key: Key;
  /** Sampler steps to run (>= 0). */
  readonly numSteps: number;
}

/** What {@link ChainRunner.runChains} returns; the caller owns every tensor. */
export interface ChainRunnerResult {
  /** The chains' positions after the last step, the shape of the start. */
  readonly position: tf.Tensor;
  /**
   * The mean over steps and chains of every scalar the sampler reports (e.g. `acceptanceRate`),
   * scalars on the device.
   */
  readonly meanInfo: Readonly<Record<string, tf.Scalar>>;
}

/**
 * Runs Markov chains outside the caller's thread: a sampler it was built with, on the energy of
 * `model` at the model's current weights, from `start` (which stays the caller's) for `numSteps`
 * steps. `@ebm/workers`' pool is one (chains sharded over Node worker threads, each with its own
 * tfjs backend). Objectives that run chains accept one and call it from their
 * {@link Objective.prepare}, so `gradients` stays synchronous and free of device reads.
 *
 * @example
 * const { position, meanInfo } = await runner.runChains(model, start, { key, numSteps: 20 });
 */
export interface ChainRunner {
  readonly name: string;
  /** `numSteps` steps of the runner's sampler on `model`'s energy from `start` (not disposed); the caller owns the result. */
  runChains(model: EnergyModel, start: tf.Tensor, options: ChainRunnerOptions): Promise<ChainRunnerResult>;
}

/**
 * A normalised probability distribution over samples of a fixed per-sample shape: noise for
 * noise-contrastive estimation, fresh starts for contrastive-divergence chains, a normalizing flow.
 *
 * This is the one place `@ebm` speaks of a log-density rather than an energy: `logProb` is the
 * normalised `log p(x)`, which objectives compare with a model's `-E(x) - log Z`.
 */
export interface Distribution {
  /** The shape of one sample (`[D]` for points, `[H, W, C]` for images). */
  readonly eventShape: readonly number[];
  /** `n` independent draws, shape `[n, ...eventShape]`, from the key (same key, same numbers). */
  sample(key: Key, n: number): tf.Tensor;
  /** Normalised log-density `log p(x)` of each row of `x` (`[N, ...eventShape]`), shape `[N]`. */
  logProb(x: tf.Tensor): tf.Tensor1D;
  /** A distribution of the same family fitted to `data` (`[N, ...eventShape]`) by maximum likelihood, where that has a closed form. */
  fit?(data: tf.Tensor): Distribution;
  /** Frees the tensors the distribution holds. */
  dispose?(): void;
}
