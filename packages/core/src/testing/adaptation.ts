/**
 * The check every step-size adaptation test makes: after `numAdaptationSteps` steps of
 * `dualAveraging(sampler)`, the step size is frozen and the acceptance sits at the target.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Key } from '../key.js';
import type { DualAveragingInfo, DualAveragingState } from '../mcmc/dual-averaging.js';
import { sampleChain } from '../mcmc/sample-chain.js';
import { readScalarsSync } from '../read-scalars.js';
import type { ChainState, EnergyFn, Sampler, StepInfo } from '../types.js';
import { DEFAULT_Z, monteCarloEstimate } from './statistics.js';

/** Options of {@link sampleTunedChain}. */
export interface TunedChainOptions {
  readonly energy: EnergyFn;
  readonly init: tf.Tensor;
  readonly key: Key;
  /** The `numAdaptationSteps` the sampler was built with; run as burn-in. */
  readonly numAdaptationSteps: number;
  /** Steps kept after adaptation. */
  readonly numSteps: number;
  /** The acceptance rate adaptation aims for. */
  readonly targetAcceptance: number;
  /**
   * Allowance for the adaptation error of the averaged step size, on top of `z` Monte Carlo
   * standard errors of the measured mean acceptance (measure it per sampler and target).
   */
  readonly allowance: number;
}

/**
 * Runs a `dualAveraging` sampler through `numAdaptationSteps` of burn-in and `numSteps` kept steps,
 * reading every kept step's acceptance rate (a test may read; a library loop would not), and asserts
 * that every kept step ran at the frozen averaged step size `exp(log eps-bar)` without adapting,
 * and that the mean acceptance is within `DEFAULT_Z` standard errors (ESS of the acceptance trace)
 * plus `allowance` of the target. Returns the kept samples and the final state, for the caller's
 * moment checks; the caller disposes both.
 *
 * @example
 * const sampler = dualAveraging(mala({ stepSize: 2 }), { numAdaptationSteps: 300 });
 * const { samples, finalState } = sampleTunedChain(sampler, { energy, init, key, numAdaptationSteps: 300, numSteps: 600, targetAcceptance: 0.574, allowance: 0.025 });
 */
export function sampleTunedChain<S extends ChainState, I extends StepInfo>(
  sampler: Sampler<DualAveragingState<S>, DualAveragingInfo<I>>,
  options: TunedChainOptions,
): { samples: tf.Tensor; finalState: DualAveragingState<S> } {
  const { energy, init, key, numAdaptationSteps, numSteps, targetAcceptance, allowance } = options;
  const kept: { adapting: boolean; stepSize: number; acceptanceRate: number }[] = [];
  const { samples, finalState } = sampleChain(sampler, {
    energy,
    init,
    key,
    burnIn: numAdaptationSteps,
    numSteps,
    onStep: ({ step, info }) => {
      if (step >= numAdaptationSteps) kept.push({ adapting: info.adapting, stepSize: info.stepSize, acceptanceRate: readScalarsSync(info).acceptanceRate! });
    },
  });
  const tuned = Math.exp(finalState.logAveragedStepSize);
  const frozen = kept.every((i) => !i.adapting && i.stepSize === tuned);
  const rates = Float64Array.from(kept, (i) => i.acceptanceRate);
  const acceptance = monteCarloEstimate({ draws: rates.length, chains: 1, values: rates });
  const tolerance = DEFAULT_Z * acceptance.standardError + allowance;
  const problem = !frozen
    ? `a kept step ran while adapting or at a step size other than the tuned ${tuned}`
    : !(Math.abs(acceptance.mean - targetAcceptance) <= tolerance)
      ? `mean acceptance ${acceptance.mean.toFixed(4)} is not within ${tolerance.toFixed(4)} of the target ${targetAcceptance}`
      : undefined;
  if (problem !== undefined) {
    samples.dispose();
    throw new Error(`${sampler.name}: ${problem}.`);
  }
  return { samples, finalState };
}
