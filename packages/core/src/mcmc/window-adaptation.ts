/**
 * Stan's windowed warm-up (Stan Reference Manual, "HMC algorithm parameters: automatic parameter
 * tuning"; BlackJAX's `window_adaptation`): the step size is tuned by dual averaging throughout,
 * and the inverse mass (the preconditioner) is estimated from the draws of doubling "slow" windows.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import { type Key, foldIn } from '../key.js';
import { disposeState } from '../state.js';
import type { AdaptableSampler, ChainState, EnergyFn, StepInfo, TunableSampler } from '../types.js';
import { assertBatch, assertInteger, assertOneOf } from '../validate.js';
import type { InverseMass } from './metric.js';
import { startStepSizeAdaptation, stepSizeAdaptationConstants, updateStepSizeAdaptation } from './step-size-adaptation.js';

/** The fewest warm-up steps `windowAdaptation` accepts (Stan's bound). */
const MIN_WARMUP_STEPS = 20;

/** Which inverse mass the slow windows estimate: none (step size only), a diagonal, or a dense matrix. */
export const MASS_ADAPTATIONS = ['none', 'diagonal', 'dense'] as const;
/** One of {@link MASS_ADAPTATIONS}. */
export type MassAdaptation = (typeof MASS_ADAPTATIONS)[number];

/** Options of {@link windowAdaptation}. */
export interface WindowAdaptationOptions {
  readonly energy: EnergyFn;
  /** Initial positions `[N, ...event]`; not disposed. */
  readonly init: tf.Tensor;
  /** Step `t` of the warm-up uses `foldIn(key, t)`. */
  readonly key: Key;
  /** Warm-up steps `W` (default 1000, Stan's; at least 20). */
  readonly numSteps?: number;
  /** What the slow windows estimate (default `'diagonal'`; `'none'` for samplers without `withInverseMass`). */
  readonly mass?: MassAdaptation;
  /** The acceptance rate dual averaging aims for (default the sampler's `targetAcceptance`). */
  readonly targetAcceptance?: number;
  /** Steps of the initial fast window, step size only (default 75). */
  readonly initialBuffer?: number;
  /** Steps of the final fast window, step size only (default 50). */
  readonly finalBuffer?: number;
  /** Steps of the first slow window; each next one doubles (default 25). */
  readonly windowSize?: number;
  /** Called after every warm-up step, for progress. */
  readonly onStep?: (progress: { readonly step: number; readonly totalSteps: number; readonly stepSize: number }) => void;
}

/** What {@link windowAdaptation} returns. The caller owns `position`. */
export interface WindowAdaptationResult<S extends ChainState, I extends StepInfo> {
  /** The sampler at the tuned step size and inverse mass: sample with it from `position`. */
  readonly sampler: TunableSampler<S, I>;
  /** The tuned step size (the averaged `eps-bar` of the final window). */
  readonly stepSize: number;
  /** The estimated inverse mass (undefined with `mass: 'none'`). */
  readonly inverseMass: InverseMass | undefined;
  /** The chains' positions at the end of the warm-up, `[N, ...event]`. */
  readonly position: tf.Tensor;
}

/** A slow window: the warm-up steps `[start, end)` whose draws estimate the inverse mass. */
export interface SlowWindow {
  readonly start: number;
  readonly end: number;
}

/**
 * Stan's slow windows for `numSteps` warm-up steps: after an initial buffer, windows of
 * `windowSize`, `2 windowSize`, `4 windowSize`, ... up to the final buffer, the last one stretched
 * to end where the final buffer starts (a window that could not be followed by one twice its size
 * takes the rest). When the three defaults do not fit, Stan's fallback: buffers of 15% and 10% and
 * one window in between.
 *
 * @example
 * slowWindows(1000); // [75, 100), [100, 150), [150, 250), [250, 450), [450, 950)
 */
export function slowWindows(numSteps: number, initialBuffer = 75, finalBuffer = 50, windowSize = 25): SlowWindow[] {
  let [first, last, size] = [initialBuffer, finalBuffer, windowSize];
  if (first + size + last > numSteps) {
    first = Math.floor(0.15 * numSteps);
    last = Math.floor(0.1 * numSteps);
    size = numSteps - first - last;
  }
  const windows: SlowWindow[] = [];
  const slowEnd = numSteps - last;
  for (let start = first; start < slowEnd && size > 0; size *= 2) {
    const end = start + size + 2 * size >= slowEnd ? slowEnd : start + size;
    windows.push({ start, end });
    start = end;
  }
  return windows;
}

/**
 * Stan's regularisation of a covariance entry estimated from `n` draws,
 * `(n / (n + 5)) C_ij + 1e-3 (5 / (n + 5)) [i = j]`: shrunk towards a small multiple of the
 * identity, so a short window cannot produce a singular or wildly anisotropic metric.
 */
function regularised(c: number, n: number, diagonal: boolean): number {
  return (n / (n + 5)) * c + (diagonal ? 1e-3 * (5 / (n + 5)) : 0);
}

/**
 * Windowed adaptation of the step size and the inverse mass (Stan's warm-up, as in BlackJAX's
 * `window_adaptation`) for any adaptable sampler (`hmc`, `nuts`, preconditioned `mala`,
 * `randomWalkMetropolis`). Over `numSteps` warm-up steps from `init`:
 *
 * - the step size follows dual averaging (Hoffman & Gelman 2014) towards the target acceptance at
 *   every step, restarted at `mu = log(10 eps)` after each slow window;
 * - the draws of each slow window (`slowWindows`: doubling windows between a fast initial buffer
 *   and a fast final buffer) give the sample covariance `C` of all chains' positions, regularised
 *   as Stan does, `Sigma = (n / (n + 5)) C + 1e-3 (5 / (n + 5)) I`, `n` the draws of the window
 *   (all chains); its diagonal (`mass: 'diagonal'`) or all of it (`'dense'`) becomes the inverse
 *   mass of the following steps;
 * - the tuned step size is the averaged `eps-bar` of the final window.
 *
 * Returns the sampler at the tuned parameters and the final positions: sample with
 * `sampleChain(result.sampler, { init: result.position, ... })` (no further burn-in needed). Each
 * warm-up step reads the acceptance rate from the device (one scalar), and each slow window reads
 * its moment sums once.
 *
 * @example
 * const warm = windowAdaptation(nuts({ stepSize: 0.1 }), { energy, init: tf.zeros([8, 10]), key, numSteps: 1000, mass: 'dense' });
 * const { samples } = sampleChain(warm.sampler, { energy, init: warm.position, key: sampleKey, numSteps: 1000 });
 * warm.position.dispose();
 */
export function windowAdaptation<S extends ChainState, I extends StepInfo>(
  sampler: AdaptableSampler<S, I> | TunableSampler<S, I>,
  options: WindowAdaptationOptions,
): WindowAdaptationResult<S, I> {
  const { energy, init, key, numSteps = 1000, mass = 'diagonal', onStep, initialBuffer = 75, finalBuffer = 50, windowSize = 25 } = options;
  assertBatch('init', init, 1);
  // Stan refuses fewer than 20 warm-up steps too: too few draws for a window's covariance.
  assertInteger('numSteps', numSteps, MIN_WARMUP_STEPS);
  assertOneOf('mass', mass, MASS_ADAPTATIONS);
  assertInteger('initialBuffer', initialBuffer, 0);
  assertInteger('finalBuffer', finalBuffer, 0);
  assertInteger('windowSize', windowSize, 1);
  if (typeof sampler?.withStepSize !== 'function' || typeof sampler.targetAcceptance !== 'number') {
    throw new InvalidArgumentError(
      'sampler',
      `${(sampler as { name?: string } | null)?.name ?? String(sampler)} cannot be adapted: it has no withStepSize and targetAcceptance. Adapt hmc, nuts, mala or randomWalkMetropolis.`,
    );
  }
  const adaptable = 'withInverseMass' in sampler && typeof sampler.withInverseMass === 'function';
  if (mass !== 'none' && !adaptable) {
    throw new InvalidArgumentError('mass', `'${mass}' needs a sampler with withInverseMass (hmc, nuts, mala, randomWalkMetropolis); ${sampler.name} has none. Pass mass: 'none'.`);
  }
  const constants = stepSizeAdaptationConstants({ targetAcceptance: options.targetAcceptance ?? sampler.targetAcceptance });
  const windows = slowWindows(numSteps, initialBuffer, finalBuffer, windowSize);
  const size = init.size / init.shape[0]!;

  let kernel: TunableSampler<S, I> = sampler;
  let inverseMass: InverseMass | undefined = (sampler as Partial<AdaptableSampler<S, I>>).inverseMass;
  let adaptation = startStepSizeAdaptation(sampler.stepSize);
  let state = kernel.init(init, energy);
  /** Shifted moment sums of the current slow window's draws: sum(x - c) and sum((x - c)(x - c)^T) (or its diagonal). */
  let moments: { shift: tf.Tensor1D; sum: tf.Tensor1D; outer: tf.Tensor; count: number } | undefined;
  try {
    for (let step = 0; step < numSteps; step++) {
      const stepSize = Math.exp(adaptation.logStepSize);
      const [next, info] = kernel.withStepSize(stepSize).step(foldIn(key, step), state, energy);
      disposeState(state);
      state = next;
      const acceptance = info.acceptanceRate?.dataSync()[0];
      disposeState(info);
      if (acceptance === undefined) {
        throw new InvalidArgumentError('sampler', `${sampler.name} reported no acceptanceRate, which step-size adaptation needs.`);
      }
      adaptation = updateStepSizeAdaptation(adaptation, acceptance, constants);
      const window = windows.find((w) => step >= w.start && step < w.end);
      if (mass !== 'none' && window !== undefined) {
        moments = accumulate(moments, state.position, mass);
        if (step === window.end - 1) {
          inverseMass = estimateInverseMass(moments, mass, size);
          disposeState(moments);
          moments = undefined;
          // The new metric changes the state (HMC-type states carry it): start again from the same positions.
          kernel = (kernel as AdaptableSampler<S, I>).withInverseMass(inverseMass);
          const restarted = kernel.withStepSize(Math.exp(adaptation.logStepSize)).init(state.position, energy);
          disposeState(state);
          state = restarted;
          adaptation = startStepSizeAdaptation(Math.exp(adaptation.logStepSize));
        }
      }
      onStep?.({ step, totalSteps: numSteps, stepSize });
    }
    const stepSize = Math.exp(adaptation.logAveragedStepSize);
    const position = tf.clone(state.position);
    return { sampler: kernel.withStepSize(stepSize), stepSize, inverseMass, position };
  } finally {
    disposeState([state, moments]);
  }
}

/** Adds the draws `x` (`[N, ...event]`) to the window's shifted moment sums (the shift is the first draws' mean). */
function accumulate(
  moments: { shift: tf.Tensor1D; sum: tf.Tensor1D; outer: tf.Tensor; count: number } | undefined,
  x: tf.Tensor,
  mass: 'diagonal' | 'dense',
): { shift: tf.Tensor1D; sum: tf.Tensor1D; outer: tf.Tensor; count: number } {
  return tf.tidy(() => {
    const flat = tf.reshape(x, [x.shape[0]!, -1]) as tf.Tensor2D;
    const shift = moments?.shift ?? (tf.mean(flat, 0) as tf.Tensor1D);
    const centred = tf.sub(flat, shift) as tf.Tensor2D;
    const outer = mass === 'dense' ? tf.matMul(tf.transpose(centred), centred) : tf.sum(tf.square(centred), 0);
    const previous = moments;
    const next = {
      shift: previous === undefined ? shift : tf.clone(shift),
      sum: (previous === undefined ? tf.sum(centred, 0) : tf.add(previous.sum, tf.sum(centred, 0))) as tf.Tensor1D,
      outer: previous === undefined ? outer : tf.add(previous.outer, outer),
      count: (previous?.count ?? 0) + x.shape[0]!,
    };
    if (previous !== undefined) tf.dispose([previous.shift, previous.sum, previous.outer]);
    return next;
  });
}

/** The regularised covariance (or its diagonal) of a window's draws, read from the device once. */
function estimateInverseMass(
  moments: { sum: tf.Tensor1D; outer: tf.Tensor; count: number },
  mass: 'diagonal' | 'dense',
  size: number,
): InverseMass {
  const n = moments.count;
  const values = tf.tidy(() => tf.concat([moments.sum, tf.reshape(moments.outer, [-1])]).dataSync());
  const mean = Array.from(values.subarray(0, size), (s) => s / n);
  const second = values.subarray(size);
  // C_ij = (sum (x_i - c_i)(x_j - c_j) - n m_i m_j) / (n - 1), with m the mean of x - c.
  const entry = (i: number, j: number, square: number): number => regularised((square - n * mean[i]! * mean[j]!) / (n - 1), n, i === j);
  if (mass === 'diagonal') return mean.map((_, i) => entry(i, i, second[i]!));
  // Symmetrised: a float32 matMul need not give (i, j) and (j, i) the same rounding.
  return mean.map((_, i) => mean.map((__, j) => entry(i, j, (second[i * size + j]! + second[j * size + i]!) / 2)));
}
