/**
 * The record every preconditioned sampler (HMC, NUTS, MALA, random-walk Metropolis) is: an
 * `AdaptableSampler` whose state carries its metric. The sampler writes its transition; the
 * shell checks the options and the state, builds the metric at `init`, and carries it into the
 * next state.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Key } from '../key.js';
import type { AdaptableSampler, ChainState, EnergyFn, SamplerInitOptions, StepInfo } from '../types.js';
import { type ChainStateFields, assertChainState } from './chain-state.js';
import { type InverseMass, type Metric, assertInverseMass, assertMetric, cloneMetric, initChainStateWithMetric } from './metric.js';

/** A chain state with its cached energy (and gradient) and its metric. */
export interface MetricChainState extends ChainState {
  readonly position: tf.Tensor;
  /** `E(position)`, shape `[N]`. */
  readonly energy: tf.Tensor1D;
  /** The metric built from the sampler's `inverseMass`, uploaded once at `init`. */
  readonly metric: Metric;
}

/** What {@link adaptableSampler} builds a sampler from. */
export interface AdaptableSamplerSpec<S extends MetricChainState, I extends StepInfo> {
  readonly name: string;
  /** The step size the sampler reports (a constant, or a schedule's first value). */
  readonly stepSize: number;
  readonly inverseMass: InverseMass | undefined;
  readonly targetAcceptance: number;
  /** Whether the state caches `dE/dx` (HMC, NUTS, MALA) besides `E`. */
  readonly gradient: boolean;
  /** Fields the state starts with besides position, energy, gradient and metric (MALA's `{ step: 0 }`), and their checks. */
  readonly extraFields?: { readonly initial: Omit<S, keyof MetricChainState | 'gradient'>; readonly checks: ChainStateFields };
  /** The same sampler with another step size or inverse mass: the sampler's own factory on changed options. */
  rebuild(changes: { readonly stepSize?: number; readonly inverseMass?: InverseMass }): AdaptableSampler<S, I>;
  /** One transition from a checked state: the next state without its metric (fresh tensors) and the info. */
  transition(key: Key, state: S, energy: EnergyFn): readonly [Omit<S, 'metric'>, I];
}

/**
 * An `AdaptableSampler` from its transition: checks `inverseMass` at construction (host only),
 * builds the state at `init` with `initChainStateWithMetric` (a copy of the position, `E`, `dE/dx`
 * when `gradient`, the metric), checks every state with `assertChainState` and `assertMetric`
 * before the transition, and hands the next state its own clone of the metric. `withStepSize` and
 * `withInverseMass` call `rebuild`.
 *
 * @example
 * return adaptableSampler({
 *   name: 'hmc', stepSize, inverseMass, targetAcceptance: 0.65, gradient: true,
 *   rebuild: (changes) => hmc({ ...options, ...changes }),
 *   transition: (key, state, energy) => metropolisHastingsStep(key, state, (proposalKey) => ...),
 * });
 */
export function adaptableSampler<S extends MetricChainState, I extends StepInfo>(spec: AdaptableSamplerSpec<S, I>): AdaptableSampler<S, I> {
  const { name, stepSize, inverseMass, targetAcceptance, gradient, extraFields } = spec;
  if (inverseMass !== undefined) assertInverseMass(inverseMass, 'inverseMass');
  return {
    name,
    stepSize,
    inverseMass,
    targetAcceptance,
    withStepSize: (newStepSize: number) => spec.rebuild({ stepSize: newStepSize }),
    withInverseMass: (newInverseMass: InverseMass) => spec.rebuild({ inverseMass: newInverseMass }),
    init(position: tf.Tensor, energy: EnergyFn, options?: SamplerInitOptions): S {
      const start = gradient
        ? initChainStateWithMetric(name, position, energy, inverseMass, { ...options, gradient: true })
        : initChainStateWithMetric(name, position, energy, inverseMass, { ...options, gradient: false });
      return { ...start, ...extraFields?.initial } as S;
    },
    step(key: Key, state: S, energy: EnergyFn): readonly [S, I] {
      assertChainState(state, name, { energy: true, gradient, ...extraFields?.checks });
      assertMetric(state.metric, state.position.shape, name);
      const [next, info] = spec.transition(key, state, energy);
      return [{ ...next, metric: cloneMetric(state.metric) } as S, info];
    },
  };
}
