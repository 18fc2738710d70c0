import * as tf from '@tensorflow/tfjs';
import {
  type ChainState,
  type EnergyFn,
  type EnergyModel,
  InvalidArgumentError,
  type Key,
  NonFiniteError,
  type Objective,
  type ObjectiveStep,
  type Sampler,
  ShapeError,
  type StepInfo,
  assertBatch,
  assertInRange,
  assertInteger,
  assertNonNegative,
  assertOneOf,
  disposeState,
  foldIn,
  split,
  variableGradients,
} from '@ebm/core';
import { DEFAULT_NOISE, type NoiseOptions, sampleNoise, validateNoise } from './noise.js';
import { type ReplayBufferState, createReplayBuffer, drawFromReplayBuffer, pushToReplayBuffer } from './replay-buffer.js';

/** Where the negative chains start each step. */
export type ChainInit = 'data' | 'persistent' | 'replay';
/** Every accepted `init` value, in the order the options docs list them (what `assertOneOf` checks against). */
export const CHAIN_INITS: readonly ChainInit[] = ['data', 'persistent', 'replay'];

/** Where persistent chains start on the first step. */
export type PersistentStart = 'data' | 'noise';
/** Every accepted `persistentStart` value (what `assertOneOf` checks against). */
export const PERSISTENT_STARTS: readonly PersistentStart[] = ['data', 'noise'];

/** Options of {@link contrastiveDivergence}: the sampler, and where and for how long its chains run. */
export interface ContrastiveDivergenceOptions<S extends ChainState = ChainState, I extends StepInfo = StepInfo> {
  /** Any sampler (MALA, Langevin, HMC, Gibbs...); it runs `k` steps per training step on the model's energy. */
  readonly sampler: Sampler<S, I>;
  /** Sampler steps per training step (default 1, Hinton's CD-1). */
  readonly k?: number;
  /**
   * Where the negative chains start (default `'data'`):
   * - `'data'`: the positive batch itself (CD-k, Hinton 2002);
   * - `'persistent'`: where the previous step left them (PCD, Tieleman 2008); one chain per row of
   *   the first batch, started as `persistentStart` says;
   * - `'replay'`: a replay buffer of past negatives, with random restarts from noise (Du & Mordatch 2019).
   */
  readonly init?: ChainInit;
  /** How persistent chains start on the first step: a copy of the first batch, or noise (default `'data'`). */
  readonly persistentStart?: PersistentStart;
  /** Noise for replay restarts and noise-started persistent chains (default {@link DEFAULT_NOISE}, uniform in [-1, 1)). */
  readonly noise?: NoiseOptions;
  /** Replay buffer capacity in negatives (default 10,000, as in Du & Mordatch 2019). Must be >= the batch size. */
  readonly bufferSize?: number;
  /** Probability that a replay chain restarts from fresh noise (default 0.05, as in Du & Mordatch 2019). */
  readonly restartProbability?: number;
  /** Weight of the energy-magnitude regulariser `alpha * (mean E(x+)^2 + mean E(x-)^2)` (default 0: off). */
  readonly alpha?: number;
}

/**
 * The objective state. `chains` (persistent mode) and `replay` (replay mode) are created on the
 * first call to `gradients`, when the batch's per-sample shape is known; they are `null` before
 * and in the modes that do not use them. Every tensor here is owned by the state.
 */
export interface ContrastiveDivergenceState {
  /** Persistent negative chains `[M, ...event]` (M = size of the first batch). */
  readonly chains: tf.Tensor | null;
  /** Replay buffer of past negatives and the number written. */
  readonly replay: ReplayBufferState | null;
}

/**
 * Contrastive divergence: the maximum-likelihood gradient of an energy-based model
 * `p(x) = exp(-E_theta(x)) / Z` with the intractable model expectation estimated by MCMC samples,
 *
 *   grad_theta NLL = E_data[grad_theta E(x+)] - E_model[grad_theta E(x-)]
 *                 ~= mean_i grad_theta E(x+_i) - mean_j grad_theta E(x-_j),
 *
 * where the negatives `x-` are `k` sampler steps from a start chosen by `init` (data: CD-k,
 * Hinton 2002; persistent: PCD, Tieleman 2008; replay: Du & Mordatch 2019).
 *
 * The chains run first, outside any gradient tape (every intermediate state is disposed); then
 * `tf.variableGrads` differentiates the surrogate loss with the negatives held constant,
 *
 *   L = mean E(x+) - mean E(x-) + alpha * (mean E(x+)^2 + mean E(x-)^2).
 *
 * Metrics: `positiveEnergy` = mean E(x+), `negativeEnergy` = mean E(x-), `energyGap` =
 * positiveEnergy - negativeEnergy (the unregularised loss; near 0 when the sampler matches the
 * data), `acceptanceRate` (mean over the k steps, when the sampler reports one) and, in replay
 * mode, `restartFraction` (the fraction of chains restarted from noise this step).
 *
 * Throws a `NonFiniteError` when the negatives' energy is NaN or infinite (a diverged sampler:
 * lower its step size or add `alpha`).
 *
 * @example
 * const model = mlpEnergy({ inputShape: [2], hidden: [64, 64] });
 * const objective = contrastiveDivergence({ sampler: mala({ stepSize: 0.05 }), k: 20, init: 'replay' });
 * let state = objective.init(model, prngKey(0));
 * const { loss, grads, state: next, metrics } = objective.gradients(model, batch, state, prngKey(1));
 */
export function contrastiveDivergence<S extends ChainState, I extends StepInfo>(
  options: ContrastiveDivergenceOptions<S, I>,
): Objective<ContrastiveDivergenceState> {
  const { sampler } = options;
  if (sampler === null || typeof sampler !== 'object' || typeof sampler.init !== 'function' || typeof sampler.step !== 'function') {
    throw new InvalidArgumentError('sampler', 'must be a Sampler ({ name, init, step }), e.g. mala({ stepSize: 0.05 }) from @ebm/mcmc-langevin.');
  }
  const k = options.k ?? 1;
  assertInteger('k', k, 1);
  const init = options.init ?? 'data';
  assertOneOf('init', init, CHAIN_INITS);
  const persistentStart = options.persistentStart ?? 'data';
  assertOneOf('persistentStart', persistentStart, PERSISTENT_STARTS);
  const noise = options.noise ?? DEFAULT_NOISE;
  validateNoise('noise', noise);
  const bufferSize = options.bufferSize ?? 10_000;
  assertInteger('bufferSize', bufferSize, 1);
  const restartProbability = options.restartProbability ?? 0.05;
  assertInRange('restartProbability', restartProbability, 0, 1);
  const alpha = options.alpha ?? 0;
  assertNonNegative('alpha', alpha);

  /** Runs k sampler steps from `start` (not disposed); returns the final positions and the mean acceptance. */
  const runChains = (key: Key, start: tf.Tensor, energy: EnergyFn): { negatives: tf.Tensor; acceptanceRate?: number } => {
    // The sampler may keep `start` itself as its position: clone so disposing states never frees the caller's tensor.
    let state = sampler.init(tf.clone(start), energy);
    let acceptance = 0;
    let reported = 0;
    for (let step = 0; step < k; step++) {
      const [next, info] = sampler.step(foldIn(key, step), state, energy);
      disposeState(state);
      state = next;
      if (info.acceptanceRate !== undefined) {
        acceptance += info.acceptanceRate;
        reported++;
      }
    }
    const negatives = tf.clone(state.position);
    disposeState(state);
    return reported > 0 ? { negatives, acceptanceRate: acceptance / reported } : { negatives };
  };

  const gradients = (
    model: EnergyModel,
    batch: tf.Tensor,
    state: ContrastiveDivergenceState,
    key: Key,
  ): ObjectiveStep<ContrastiveDivergenceState> =>
    // tf.tidy keeps every tensor in the returned record (its types do not admit the null fields).
    tf.tidy((): tf.TensorContainer => {
      assertBatch('batch', batch);
      const n = batch.shape[0]!;
      const eventShape = batch.shape.slice(1);
      const [startKey, chainKey] = split(key, 2) as [Key, Key];
      const metrics: Record<string, number> = {};

      let start: tf.Tensor;
      let replay: ReplayBufferState | null = null;
      if (init === 'data') {
        start = batch;
      } else if (init === 'persistent') {
        if (state.chains === null) {
          start = persistentStart === 'data' ? batch : sampleNoise(startKey, batch.shape, noise);
        } else {
          assertSameEvent(eventShape, state.chains.shape.slice(1), 'the persistent chains');
          start = state.chains;
        }
      } else {
        if (state.replay !== null) assertSameEvent(eventShape, state.replay.buffer.shape.slice(1), 'the replay buffer');
        replay = state.replay ?? createReplayBuffer(bufferSize, eventShape);
        const draw = drawFromReplayBuffer(startKey, replay, n, noise, restartProbability);
        start = draw.start;
        metrics.restartFraction = draw.restarted.reduce((a, b) => a + b, 0) / n;
      }

      const { negatives, acceptanceRate } = runChains(chainKey, start, model.energy);
      if (acceptanceRate !== undefined) metrics.acceptanceRate = acceptanceRate;

      const { value, grads } = variableGradients(() => {
        const positive = model.energy(batch);
        const negative = model.energy(negatives);
        const meanPositive = tf.mean(positive);
        const meanNegative = tf.mean(negative);
        const [ePos, eNeg] = tf.stack([meanPositive, meanNegative]).dataSync() as Float32Array;
        metrics.positiveEnergy = ePos!;
        metrics.negativeEnergy = eNeg!;
        metrics.energyGap = ePos! - eNeg!;
        const gap = tf.sub(meanPositive, meanNegative);
        if (alpha === 0) return gap as tf.Scalar;
        return tf.add(gap, tf.mul(alpha, tf.add(tf.mean(tf.square(positive)), tf.mean(tf.square(negative))))) as tf.Scalar;
      }, model.variables);
      // Thrown after variableGrads returns (throwing inside it would strand its taped tensors); tf.tidy frees the rest.
      if (!Number.isFinite(metrics.negativeEnergy)) {
        throw new NonFiniteError(
          'sampler',
          `produced negatives with non-finite mean energy (${metrics.negativeEnergy}). Lower the sampler's step size, or regularise with alpha > 0.`,
        );
      }

      const next: ContrastiveDivergenceState = {
        chains: init === 'persistent' ? negatives : null,
        replay: replay === null ? null : pushToReplayBuffer(replay, negatives),
      };
      const result: ObjectiveStep<ContrastiveDivergenceState> = { loss: value, grads, state: next, metrics };
      return result as unknown as tf.TensorContainer;
    }) as unknown as ObjectiveStep<ContrastiveDivergenceState>;

  return {
    name: `contrastive-divergence(${init}, k=${k}, ${sampler.name})`,
    init: () => ({ chains: null, replay: null }),
    gradients,
  };
}

function assertSameEvent(eventShape: readonly number[], expected: readonly number[], what: string): void {
  if (eventShape.length !== expected.length || eventShape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      'batch',
      `has per-sample shape [${eventShape.join(', ')}] but ${what} hold samples of shape [${expected.join(', ')}]. ` +
        'Pass batches of one per-sample shape to one objective state, or start a new state with objective.init.',
    );
  }
}
