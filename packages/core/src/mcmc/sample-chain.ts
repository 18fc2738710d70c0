import * as tf from '@tensorflow/tfjs';
import type { Key } from '../key.js';
import { InvalidArgumentError } from '../errors.js';
import { readScalarsSync } from '../read-scalars.js';
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
  /** ESS and R-hat of the kept draws (needs at least 4 kept draws and `collect`). */
  readonly diagnostics: ChainDiagnostics | undefined;
}

/**
 * Runs `burnIn + numSteps` steps of `sampler` from `init`, keeping every `thin`-th post-burn-in
 * position, and reports the mean of every scalar step info (acceptance rate...), effective sample
 * size and split R-hat. Step infos are averaged on the device and read once, at the end; the
 * diagnostics read the kept samples once. Disposes every intermediate state; the result owns
 * `samples` and `finalState`.
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
  const { energy, init, key, numSteps = 1000, burnIn = 0, thin = 1, collect = true, onStep } = options;
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
  const totalSteps = burnIn + numSteps;
  const report = onStep && ((step: number, state: S, info: I) => onStep({ step, totalSteps, info, state }));
  const kept: tf.Tensor[] = [];
  let state = sampler.init(init, energy);
  let means: Readonly<Record<string, tf.Scalar>> = {};
  try {
    const burnt = runChain(sampler, state, { energy, key, numSteps: burnIn, onStep: report });
    state = burnt.state;
    disposeState(burnt.meanInfo);
    const sampled = runChain(sampler, state, {
      energy,
      key,
      numSteps,
      firstStep: burnIn,
      onStep: (step, current, info) => {
        if (collect && (step - burnIn + 1) % thin === 0) kept.push(tf.clone(current.position));
        report?.(step, current, info);
      },
    });
    state = sampled.state;
    means = sampled.meanInfo;
  } catch (error) {
    // runChain disposed the state it was given; only the kept positions are left to free.
    tf.dispose(kept);
    throw error;
  }
  const meanInfo = readScalarsSync(means);
  disposeState(means);
  const samples = !collect ? undefined : kept.length > 0 ? tf.stack(kept) : tf.zeros([0, ...init.shape]);
  tf.dispose(kept);
  const diagnostics = samples !== undefined && kept.length >= 4 ? traceDiagnostics(samples) : undefined;
  return { samples, finalState: state, meanInfo, acceptanceRate: meanInfo.acceptanceRate, diagnostics };
}

/** ESS and split R-hat of every event dimension of a trace `[draws, chains, ...event]` (one device read). */
export function traceDiagnostics(samples: tf.Tensor): ChainDiagnostics {
  const [draws, chains] = samples.shape as [number, number];
  const dims = samples.size / (draws * chains);
  const values = samples.dataSync();
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
