import * as tf from '@tensorflow/tfjs';
import { effectiveSampleSize, splitRhat } from './diagnostics.js';
import { type Key, foldIn } from './key.js';
import { disposeState } from './state.js';
import type { ChainState, EnergyFn, Sampler, StepInfo } from './types.js';
import { assertBatch, assertInteger } from './validate.js';

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
  /** Steps run first and discarded (default 0). */
  readonly burnIn?: number;
  /** Keep every `thin`-th post-burn-in state (default 1). */
  readonly thin?: number;
  /** Collect the kept positions into `samples` (default true). */
  readonly collect?: boolean;
  /** Called after every step (burn-in included), for progress bars and logging. */
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
export interface SampleChainResult<S extends ChainState, I extends StepInfo> {
  /** Kept positions `[numKept, numChains, ...event]` (empty when `collect` is false). The caller disposes it. */
  readonly samples: tf.Tensor;
  /** The last state; the caller disposes it (`disposeState`). */
  readonly finalState: S;
  /** What every post-burn-in step reported. */
  readonly info: readonly I[];
  /** Mean acceptance rate over post-burn-in steps, when the sampler reports one. */
  readonly acceptanceRate: number | undefined;
  /** ESS and R-hat of the kept draws (needs at least 4 kept draws and `collect`). */
  readonly diagnostics: ChainDiagnostics | undefined;
}

/**
 * Runs `burnIn + numSteps` steps of `sampler` from `init`, keeping every `thin`-th post-burn-in
 * position, and reports per-step info, mean acceptance, effective sample size and split R-hat.
 * Disposes every intermediate state; the result owns `samples` and `finalState`.
 *
 * @example
 * const { samples, diagnostics } = sampleChain(mala({ stepSize: 0.1 }), {
 *   energy: model.energy, init: tf.zeros([64, 2]), key: prngKey(0), numSteps: 1000, burnIn: 200,
 * });
 */
export function sampleChain<S extends ChainState, I extends StepInfo>(
  sampler: Sampler<S, I>,
  options: SampleChainOptions<S, I>,
): SampleChainResult<S, I> {
  const { energy, init, key, numSteps = 1000, burnIn = 0, thin = 1, collect = true, onStep } = options;
  assertBatch('init', init, 1);
  assertInteger('numSteps', numSteps, 0);
  assertInteger('burnIn', burnIn, 0);
  assertInteger('thin', thin, 1);
  const totalSteps = burnIn + numSteps;
  const kept: tf.Tensor[] = [];
  const info: I[] = [];
  let state = sampler.init(init, energy);
  try {
    for (let step = 0; step < totalSteps; step++) {
      const [next, stepInfo] = sampler.step(foldIn(key, step), state, energy);
      disposeState(state);
      state = next;
      const postBurnIn = step - burnIn;
      if (postBurnIn >= 0) {
        info.push(stepInfo);
        if (collect && (postBurnIn + 1) % thin === 0) kept.push(tf.clone(state.position));
      }
      onStep?.({ step, totalSteps, info: stepInfo, state });
    }
  } catch (error) {
    disposeState(state);
    tf.dispose(kept);
    throw error;
  }
  const samples = kept.length > 0 ? tf.stack(kept) : tf.zeros([0, ...init.shape]);
  tf.dispose(kept);
  const rates = info.map((i) => i.acceptanceRate).filter((r): r is number => r !== undefined);
  const acceptanceRate = rates.length > 0 ? rates.reduce((a, b) => a + b, 0) / rates.length : undefined;
  const diagnostics = kept.length >= 4 ? traceDiagnostics(samples) : undefined;
  return { samples, finalState: state, info, acceptanceRate, diagnostics };
}

/** ESS and split R-hat of every event dimension of a trace `[draws, chains, ...event]`. */
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
