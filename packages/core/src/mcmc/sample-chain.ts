import * as tf from '@tensorflow/tfjs';
import type { Key } from '../key.js';
import { InvalidArgumentError, NonFiniteError } from '../errors.js';
import { readScalars, readScalarsSync } from '../read-scalars.js';
import { onGpuBackend } from '../runtime.js';
import { disposeState } from '../state.js';
import type { ChainState, EnergyFn, Sampler, StepInfo } from '../types.js';
import { assertBatch, assertInteger } from '../validate.js';
import { effectiveSampleSize, splitRhat } from './diagnostics.js';
import { runChain } from './run-chain.js';

/** Options of {@link sampleChain}. */
export interface SampleChainOptions<S extends ChainState, I extends StepInfo> {
  /** The target energy. */
  readonly energy: EnergyFn;
  /** Initial positions, axis 0 = chains (`[numChains, ...event]`). Not disposed. */
  readonly init: tf.Tensor;
  /** Step `t` uses `foldIn(key, t)`. */
  readonly key: Key;
  /** Steps after burn-in (default 1000). */
  readonly numSteps?: number;
  /** Steps run first and discarded (default 0; at least the sampler's `warmupSteps`). */
  readonly burnIn?: number;
  /** Keep every `thin`-th post-burn-in state (default 1). */
  readonly thin?: number;
  /** Collect the kept positions into `samples` (default true). With `false`, `samples` is undefined. */
  readonly collect?: boolean;
  /**
   * Compute `diagnostics` (default true; it reads the kept samples once). `false` skips them, for a
   * caller that combines several runs' draws and computes the diagnostics over all of them.
   */
  readonly diagnostics?: boolean;
  /**
   * Called after every step (burn-in included), for progress bars and logging. `state` and `info`
   * stay on the device and are valid only during the call; read what you need with
   * `readScalarsSync(info)` (one device read), only on the steps you report.
   */
  readonly onStep?: (progress: { readonly step: number; readonly totalSteps: number; readonly info: I; readonly state: S }) => void;
}

/** Per-dimension diagnostics over the kept draws, flattened event dimensions. */
export interface ChainDiagnostics {
  /** Effective sample size per event dimension (split chains, Geyer truncation). */
  readonly ess: Float64Array;
  /** Split R-hat per event dimension. */
  readonly rhat: Float64Array;
  readonly minEss: number;
  readonly maxRhat: number;
}

/** What {@link sampleChain} returns; the caller owns `samples` and `finalState`. */
export interface SampleChainResult<S extends ChainState> {
  /**
   * Kept positions `[numKept, numChains, ...event]` (`numKept = floor(numSteps / thin)`, possibly 0);
   * undefined when `collect` is false. The caller disposes it.
   */
  readonly samples: tf.Tensor | undefined;
  /** The last state; the caller disposes it (`disposeState`). */
  readonly finalState: S;
  /** The mean over post-burn-in steps of every scalar the sampler reports (e.g. `acceptanceRate`, tree depth). */
  readonly meanInfo: Readonly<Record<string, number>>;
  /** Mean acceptance rate over post-burn-in steps (`meanInfo.acceptanceRate`), when the sampler reports one. */
  readonly acceptanceRate: number | undefined;
  /** ESS and R-hat of the kept draws (needs at least 4 kept draws and `collect`; undefined with `diagnostics: false`). */
  readonly diagnostics: ChainDiagnostics | undefined;
}

/** What the chain phases leave for reading: the last state, the device means of the infos, the kept positions. */
interface ChainRun<S extends ChainState> {
  readonly state: S;
  readonly means: Readonly<Record<string, tf.Scalar>>;
  readonly kept: tf.Tensor[];
}

/** Checks the options shared by {@link sampleChain} and {@link sampleChainAsync}. */
function checkOptions<S extends ChainState, I extends StepInfo>(sampler: Sampler<S, I>, options: SampleChainOptions<S, I>): void {
  const { init, numSteps = 1000, burnIn = 0, thin = 1 } = options;
  assertBatch('init', init, 1);
  assertInteger('numSteps', numSteps, 0);
  assertInteger('burnIn', burnIn, 0);
  assertInteger('thin', thin, 1);
  const warmup = sampler.warmupSteps ?? 0;
  if (burnIn < warmup) {
    throw new InvalidArgumentError(
      'burnIn',
      `(${burnIn}) is shorter than the ${warmup} adapting steps of ${sampler.name}: adapting draws would be kept as samples. ` +
        `Pass burnIn >= ${warmup}, or adapt for fewer steps (numAdaptationSteps <= ${burnIn}).`,
    );
  }
}

/** Burn-in, then sampling, from `start` (owned): no device reads; frees `kept` when a step throws. */
function runPhases<S extends ChainState, I extends StepInfo>(sampler: Sampler<S, I>, start: S, options: SampleChainOptions<S, I>): ChainRun<S> {
  const { energy, key, numSteps = 1000, burnIn = 0, thin = 1, collect = true, onStep } = options;
  const totalSteps = burnIn + numSteps;
  const report = onStep && ((step: number, state: S, info: I) => onStep({ step, totalSteps, info, state }));
  const kept: tf.Tensor[] = [];
  try {
    const burnt = runChain(sampler, start, { energy, key, numSteps: burnIn, onStep: report });
    disposeState(burnt.meanInfo);
    const sampled = runChain(sampler, burnt.state, {
      energy,
      key,
      numSteps,
      firstStep: burnIn,
      onStep: (step, current, info) => {
        if (collect && (step - burnIn + 1) % thin === 0) kept.push(tf.clone(current.position));
        report?.(step, current, info);
      },
    });
    return { state: sampled.state, means: sampled.meanInfo, kept };
  } catch (error) {
    // runChain disposed the state it was given; only the kept positions are left to free.
    tf.dispose(kept);
    throw error;
  }
}

/**
 * Stacks the kept positions into `[numKept, numChains, ...event]` (undefined without `collect`)
 * and frees the run's info means and kept positions; `finalState` stays with the caller.
 */
function stackSamples<S extends ChainState>(run: ChainRun<S>, options: { readonly init: tf.Tensor; readonly collect?: boolean }): tf.Tensor | undefined {
  disposeState(run.means);
  const samples = options.collect === false ? undefined : run.kept.length > 0 ? tf.stack(run.kept) : tf.zeros([0, ...options.init.shape]);
  tf.dispose(run.kept);
  return samples;
}

/** Diagnostics need at least this many kept draws (split R-hat halves each chain, twice). */
const MIN_DRAWS_FOR_DIAGNOSTICS = 4;

/** Whether a run computes diagnostics: asked for (the default), samples collected, and enough draws. */
function wantsDiagnostics(samples: tf.Tensor | undefined, options: { readonly diagnostics?: boolean }): samples is tf.Tensor {
  return options.diagnostics !== false && samples !== undefined && samples.shape[0]! >= MIN_DRAWS_FOR_DIAGNOSTICS;
}

/**
 * Runs `burnIn + numSteps` steps of `sampler` from `init`, keeping every `thin`-th post-burn-in
 * position, and reports the mean of every scalar step info (acceptance rate...), effective sample
 * size and split R-hat. Step infos are averaged on the device and read once, at the end; the
 * diagnostics read the kept samples once. Disposes every intermediate state; the result owns
 * `samples` and `finalState`. The reads are synchronous: on webgl and webgpu use
 * {@link sampleChainAsync}.
 *
 * @example
 * const { samples, acceptanceRate, diagnostics } = sampleChain(mala({ stepSize: 0.1 }), {
 *   energy: model.energy, init: tf.zeros([64, 2]), key: prngKey(0), numSteps: 1000, burnIn: 200,
 * });
 */
export function sampleChain<S extends ChainState, I extends StepInfo>(
  sampler: Sampler<S, I>,
  options: SampleChainOptions<S, I> & { readonly collect?: true },
): SampleChainResult<S> & { readonly samples: tf.Tensor };
export function sampleChain<S extends ChainState, I extends StepInfo>(
  sampler: Sampler<S, I>,
  options: SampleChainOptions<S, I> & { readonly collect: false },
): SampleChainResult<S> & { readonly samples: undefined };
export function sampleChain<S extends ChainState, I extends StepInfo>(sampler: Sampler<S, I>, options: SampleChainOptions<S, I>): SampleChainResult<S>;
export function sampleChain<S extends ChainState, I extends StepInfo>(
  sampler: Sampler<S, I>,
  options: SampleChainOptions<S, I>,
): SampleChainResult<S> {
  checkOptions(sampler, options);
  const run = runPhases(sampler, sampler.init(options.init, options.energy), options);
  const meanInfo = readScalarsSync(run.means);
  const samples = stackSamples(run, options);
  const diagnostics = wantsDiagnostics(samples, options) ? traceDiagnostics(samples) : undefined;
  return { samples, finalState: run.state, meanInfo, acceptanceRate: meanInfo.acceptanceRate, diagnostics };
}

/**
 * {@link sampleChain} with asynchronous device reads, for webgl and webgpu (where a synchronous
 * read stalls the GPU queue or, on webgpu, can return wrong values): the steps are queued as in
 * `sampleChain`, and the step-info means and the kept samples are read with `await`. On those
 * backends the samplers skip their synchronous start check, and this checks instead that every
 * tensor of the initial state (position, energy, gradient...) is finite, in one asynchronous read,
 * throwing a `NonFiniteError` that names the field. Same results as `sampleChain` on the same backend.
 *
 * @example
 * const { samples, acceptanceRate } = await sampleChainAsync(mala({ stepSize: 0.1 }), {
 *   energy: model.energy, init: tf.zeros([64, 2]), key: prngKey(0), numSteps: 1000,
 * });
 */
export async function sampleChainAsync<S extends ChainState, I extends StepInfo>(
  sampler: Sampler<S, I>,
  options: SampleChainOptions<S, I>,
): Promise<SampleChainResult<S>> {
  checkOptions(sampler, options);
  const gpu = onGpuBackend();
  const start = sampler.init(options.init, options.energy, gpu ? { check: false } : undefined);
  if (gpu) await assertStateFinite(sampler.name, start);
  const run = runPhases(sampler, start, options);
  const meanInfo = await readScalars(run.means);
  const samples = stackSamples(run, options);
  const diagnostics = wantsDiagnostics(samples, options) ? diagnosticsOf(samples.shape, await samples.data()) : undefined;
  return { samples, finalState: run.state, meanInfo, acceptanceRate: meanInfo.acceptanceRate, diagnostics };
}

/** Every tensor field of a freshly initialised `state` must be finite (one asynchronous read); frees `state` and throws otherwise. */
async function assertStateFinite(sampler: string, state: ChainState): Promise<void> {
  const fields = Object.entries(state).filter((entry): entry is [string, tf.Tensor] => entry[1] instanceof tf.Tensor);
  const flags = tf.tidy(() => tf.stack(fields.map(([, t]) => tf.all(tf.isFinite(t)))));
  const finite = await flags.data().finally(() => flags.dispose());
  const bad = fields.find((_, i) => !finite[i]);
  if (bad !== undefined) {
    disposeState(state);
    throw new NonFiniteError(
      bad[0],
      `contains NaN or Infinity values at the initial position (${sampler} needs a finite start: check the energy and the initial samples).`,
    );
  }
}

/** ESS and split R-hat of every event dimension of a trace `[draws, chains, ...event]` (one device read). */
export function traceDiagnostics(samples: tf.Tensor): ChainDiagnostics {
  return diagnosticsOf(samples.shape, samples.dataSync());
}

/** ESS and split R-hat per event dimension from a trace's shape `[draws, chains, ...event]` and its values. */
function diagnosticsOf(shape: readonly number[], values: ArrayLike<number>): ChainDiagnostics {
  const [draws, chains] = shape as [number, number];
  const dims = values.length / (draws * chains);
  const ess = new Float64Array(dims);
  const rhat = new Float64Array(dims);
  const column = new Float64Array(draws * chains);
  for (let d = 0; d < dims; d++) {
    for (let i = 0; i < draws * chains; i++) column[i] = values[i * dims + d]!;
    const trace = { draws, chains, values: column };
    ess[d] = effectiveSampleSize(trace);
    rhat[d] = splitRhat(trace);
  }
  return { ess, rhat, minEss: Math.min(...ess), maxRhat: Math.max(...rhat) };
}
