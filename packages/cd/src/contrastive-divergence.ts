import * as tf from '@tensorflow/tfjs';
import {
  type ChainRunner,
  type ChainState,
  type Distribution,
  type EnergyModel,
  InvalidArgumentError,
  type Key,
  type Metrics,
  type Objective,
  type ObjectiveStep,
  type Sampler,
  ShapeError,
  type StepInfo,
  assertBatch,
  assertDistribution,
  assertInRange,
  assertInteger,
  assertNonNegative,
  assertOneOf,
  assertSampler,
  contrastiveGradients,
  disposeState,
  runChain,
  split,
  uniformDistribution,
} from '@ebm/core';
import { type ReplayBufferState, createReplayBuffer, drawFromReplayBuffer, pushToReplayBuffer } from './replay-buffer.js';

/**
 * The default box for fresh chain starts, uniform in `[-1, 1)` per coordinate: the box that data
 * scaled to `[-1, 1]` (the usual EBM preprocessing) lives in. Du & Mordatch (2019) start their
 * replay-buffer chains from uniform noise over the data range in the same way.
 */
const DEFAULT_NOISE_LOW = -1;
const DEFAULT_NOISE_HIGH = 1;

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
  /**
   * Where fresh chains start (replay restarts, noise-started persistent chains): any core
   * `Distribution` whose `eventShape` is the batch rows' shape, e.g. `normalDistribution({
   * eventShape: [2], std: 2 })`. Default: `uniformDistribution({ eventShape, low: -1, high: 1 })`
   * over the first batch's per-sample shape, the box of data scaled to `[-1, 1]`.
   */
  readonly noise?: Distribution;
  /** Replay buffer capacity in negatives (default 10,000, as in Du & Mordatch 2019). Must be >= the batch size. */
  readonly bufferSize?: number;
  /** Probability that a replay chain restarts from fresh noise (default 0.05, as in Du & Mordatch 2019). */
  readonly restartProbability?: number;
  /** Weight of the energy-magnitude regulariser `alpha * (mean E(x+)^2 + mean E(x-)^2)` (default 0: off). */
  readonly alpha?: number;
  /**
   * Runs the negative chains elsewhere (optional), e.g. on worker threads with `@ebm/workers`'
   * `workerChains` pool (built with the same sampler). The objective then gains `prepare`, which
   * sends the chain starts to the runner and awaits the negatives; `gradients` uses them and stays
   * synchronous and free of device reads. `fit` calls `prepare` for you. The negatives follow the
   * runner's key rule (the pool's: block b of the chains steps with `foldIn(chainKey, b)`), so
   * they differ from the in-thread chains' for the same key; `sampler` still names the objective
   * and must be the runner's sampler.
   */
  readonly runner?: ChainRunner;
}

/**
 * The objective state. `chains` (persistent mode) and `replay` (replay mode) are created on the
 * first call to `gradients`, when the batch's per-sample shape is known; they are `null` before
 * and in the modes that do not use them. Every tensor here is owned by the state, and every
 * `gradients` call returns a new state object with new tensors (free the previous state with
 * `disposeReplaced(previous, next)` or `disposeState(previous)`).
 */
export interface ContrastiveDivergenceState {
  /** Persistent negative chains `[M, ...event]` (M = size of the first batch). */
  readonly chains: tf.Tensor | null;
  /** Replay buffer of past negatives and the number written. */
  readonly replay: ReplayBufferState | null;
  /** With a `runner`: the negatives `prepare` fetched for the next `gradients` call (absent otherwise). */
  readonly prepared?: PreparedNegatives;
}

/** The negatives a {@link ContrastiveDivergenceOptions.runner} produced in `prepare`, and their sampler metrics (device scalars). */
export interface PreparedNegatives {
  readonly negatives: tf.Tensor;
  readonly metrics: Metrics;
}

/** Where this step's chains start, and the replay buffer they were drawn from (replay mode). */
type ChainStart = {
  readonly start: tf.Tensor;
  readonly buffer: { readonly buffer: tf.Tensor; readonly count: number } | undefined;
  readonly metrics: Record<string, tf.Scalar>;
};

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
 * The chains run first, with core's `runChain` and outside any gradient tape (`sampler.init`
 * copies the start, so neither the batch nor the previous state is touched; every intermediate
 * state is disposed); then core's `contrastiveGradients` differentiates the surrogate loss with
 * the negatives held constant,
 *
 *   L = mean E(x+) - mean E(x-) + alpha * (mean E(x+)^2 + mean E(x-)^2),
 *
 * without a tape when the model offers `parameterVjp` (core's MLP and conv energies; every RBM of
 * @ebm/rbm, whose CD statistics `-(<v h^T>_data - <v h^T>_model)` are its closed form), through
 * `tf.variableGrads` otherwise; the result is the same gradient to float tolerance.
 *
 * Metrics, scalars on the device (`gradients` itself reads nothing; `fit` reads them with the loss
 * in one batched read): `positiveEnergy` = mean E(x+), `negativeEnergy` = mean E(x-), `energyGap`
 * = positiveEnergy - negativeEnergy (the unregularised loss; near 0 when the sampler matches the
 * data), `acceptanceRate` (mean over the k steps, when the sampler reports one) and, in replay
 * mode, `restartFraction` (the fraction of chains restarted from noise this step). A diverged
 * sampler shows as a non-finite `negativeEnergy` and loss: `fit` stops with a `NonFiniteError`
 * that lists the non-finite metrics (lower the step size or add `alpha`).
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
  assertSampler('sampler', sampler);
  const k = options.k ?? 1;
  assertInteger('k', k, 1);
  const init = options.init ?? 'data';
  assertOneOf('init', init, CHAIN_INITS);
  const persistentStart = options.persistentStart ?? 'data';
  assertOneOf('persistentStart', persistentStart, PERSISTENT_STARTS);
  const { noise } = options;
  if (noise !== undefined) assertDistribution('noise', noise);
  const bufferSize = options.bufferSize ?? 10_000;
  assertInteger('bufferSize', bufferSize, 1);
  const restartProbability = options.restartProbability ?? 0.05;
  assertInRange('restartProbability', restartProbability, 0, 1);
  const alpha = options.alpha ?? 0;
  assertNonNegative('alpha', alpha);
  const { runner } = options;
  if (runner !== undefined && typeof runner.runChains !== 'function') {
    throw new InvalidArgumentError('runner', 'must be a ChainRunner (an object with runChains(model, start, { key, numSteps })), e.g. a workerChains pool from @ebm/workers.');
  }

  /** The noise fresh chains start from: the given one (checked against the batch) or the default box. */
  const noiseFor = (eventShape: readonly number[]): Distribution => {
    if (noise === undefined) return uniformDistribution({ eventShape, low: DEFAULT_NOISE_LOW, high: DEFAULT_NOISE_HIGH });
    assertDistribution('noise', noise, eventShape);
    return noise;
  };

  /**
   * Where this step's chains start: the batch (CD-k), the persistent chains (or their first start),
   * or a draw from the replay buffer (created on the first step). Call inside `tf.tidy`.
   */
  const startChains = (batch: tf.Tensor, state: ContrastiveDivergenceState, startKey: Key): ChainStart => {
    const n = batch.shape[0]!;
    const eventShape = batch.shape.slice(1);
    if (init === 'data') return { start: batch, buffer: undefined, metrics: {} };
    if (init === 'persistent') {
      return { start: state.chains ?? (persistentStart === 'data' ? batch : noiseFor(eventShape).sample(startKey, n)), buffer: undefined, metrics: {} };
    }
    const buffer = state.replay ?? createReplayBuffer(bufferSize, eventShape);
    const draw = drawFromReplayBuffer(startKey, buffer, n, noiseFor(eventShape), restartProbability);
    return { start: draw.start, buffer, metrics: { restartFraction: tf.scalar(draw.restarted.reduce((a, b) => a + b, 0) / n) } };
  };

  /** The shape checks every step makes on the batch against the state's chains and buffer. */
  const checkBatch = (batch: tf.Tensor, state: ContrastiveDivergenceState): void => {
    assertBatch('batch', batch);
    const eventShape = batch.shape.slice(1);
    if (init === 'persistent' && state.chains !== null) assertSameEvent(eventShape, state.chains.shape.slice(1), 'the persistent chains');
    if (init === 'replay' && state.replay !== null) {
      assertSameEvent(eventShape, state.replay.buffer.shape.slice(1), 'the replay buffer');
      assertReplayCount(state.replay.count);
    }
  };

  /** With a runner: the chains' starts go to the runner, and its negatives wait in the state for `gradients`. */
  const prepare = async (
    model: EnergyModel,
    batch: tf.Tensor,
    state: ContrastiveDivergenceState,
    key: Key,
  ): Promise<ContrastiveDivergenceState> => {
    checkBatch(batch, state);
    const [startKey, chainKey] = split(key, 2) as [Key, Key];
    const { start, buffer, metrics } = tf.tidy(() => startChains(batch, state, startKey));
    const created = start !== batch && start !== state.chains;
    let position: tf.Tensor;
    let meanInfo: Readonly<Record<string, tf.Scalar>>;
    try {
      ({ position, meanInfo } = await runner!.runChains(model, start, { key: chainKey, numSteps: k }));
    } catch (error) {
      tf.dispose(Object.values(metrics));
      if (buffer !== undefined && buffer !== state.replay) disposeState(buffer);
      throw error;
    } finally {
      if (created) start.dispose();
    }
    const { acceptanceRate, ...otherInfo } = meanInfo;
    tf.dispose(Object.values(otherInfo));
    const sampled = acceptanceRate === undefined ? metrics : { ...metrics, acceptanceRate };
    return { chains: state.chains, replay: buffer ?? state.replay, prepared: { negatives: position, metrics: sampled } };
  };

  const gradients = (
    model: EnergyModel,
    batch: tf.Tensor,
    state: ContrastiveDivergenceState,
    key: Key,
  ): ObjectiveStep<ContrastiveDivergenceState> => {
    checkBatch(batch, state);
    const n = batch.shape[0]!;
    const [startKey, chainKey] = split(key, 2) as [Key, Key];
    const { loss, grads, metrics, chains, replay } = tf.tidy(() => {
      let negatives: tf.Tensor;
      let samplerMetrics: Record<string, tf.Scalar>;
      let buffer: ReplayBufferState | null;
      if (runner === undefined) {
        const chainStart = startChains(batch, state, startKey);
        buffer = chainStart.buffer ?? null;
        samplerMetrics = chainStart.metrics;
        // No start check (a device read): a non-finite start makes the loss non-finite, which fit's one read per step catches.
        const started = sampler.init(chainStart.start, model.energy, { check: false });
        const { state: last, meanInfo } = runChain(sampler, started, { energy: model.energy, key: chainKey, numSteps: k });
        negatives = last.position;
        if (meanInfo.acceptanceRate !== undefined) samplerMetrics.acceptanceRate = meanInfo.acceptanceRate;
      } else {
        const prepared = assertPrepared(state.prepared, init === 'persistent' ? undefined : n);
        negatives = prepared.negatives;
        samplerMetrics = Object.fromEntries(Object.entries(prepared.metrics).map(([name, value]) => [name, tf.clone(value)]));
        buffer = init === 'replay' ? state.replay : null;
      }

      const { value, grads: g, metrics } = contrastiveGradients(model, batch, negatives, alpha);
      const pushed = buffer === null ? undefined : pushToReplayBuffer(buffer, negatives);
      return {
        loss: value,
        grads: g,
        metrics: { ...metrics, ...samplerMetrics },
        chains: init === 'persistent' ? negatives : undefined,
        replay: pushed === undefined ? undefined : { buffer: pushed.buffer, count: pushed.count },
      };
    });
    return { loss, grads, metrics, state: { chains: chains ?? null, replay: replay ?? null } };
  };

  const name = `contrastive-divergence(${init}, k=${k}, ${sampler.name})`;
  const initState = (): ContrastiveDivergenceState => ({ chains: null, replay: null });
  return runner === undefined ? { name, init: initState, gradients } : { name, init: initState, prepare, gradients };
}

/** With a runner, `gradients` needs the negatives of `prepare` (one per batch row, except for persistent chains, one per chain). */
function assertPrepared(prepared: PreparedNegatives | undefined, n: number | undefined): PreparedNegatives {
  if (prepared === undefined) {
    throw new InvalidArgumentError(
      'state',
      'holds no negatives: with a runner, call `state = await objective.prepare(model, batch, state, key)` before gradients (fit does).',
    );
  }
  if (n !== undefined && prepared.negatives.shape[0] !== n) {
    throw new ShapeError('state', `holds ${prepared.negatives.shape[0]} prepared negatives for a batch of ${n} rows: prepare and gradients must get the same batch.`);
  }
  return prepared;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}


/** A replay state's `count` is a plain number (checkpoints of @ebm/cd 0.0 stored it as a tensor). */
function assertReplayCount(count: unknown): void {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new InvalidArgumentError(
      'state',
      'replay.count must be the number of negatives written, a non-negative integer (an @ebm/cd 0.0 checkpoint stored it as a tensor). ' +
        'Start a new state with objective.init.',
    );
  }
}

function assertSameEvent(eventShape: readonly number[], expected: readonly number[], what: string): void {
  if (!sameShape(eventShape, expected)) {
    throw new ShapeError(
      'batch',
      `has per-sample shape [${eventShape.join(', ')}] but ${what} hold samples of shape [${expected.join(', ')}]. ` +
        'Pass batches of one per-sample shape to one objective state, or start a new state with objective.init.',
    );
  }
}
