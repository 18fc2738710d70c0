import * as tf from '@tensorflow/tfjs';
import {
  type Distribution,
  type EnergyModel,
  type Key,
  type Objective,
  type ObjectiveStep,
  InvalidArgumentError,
  assertDistribution,
  ShapeError,
  assertBatch,
  assertPositive,
  nceGradients,
} from '@ebm/core';
import { uniqueName } from '@ebm/core/models';

/** Options of {@link nce}: the noise distribution, the noise-to-data ratio and the log-partition variable. */
export interface NceOptions {
  /**
   * The noise distribution: any core `Distribution` (`eventShape`, `sample(key, n)`, `logProb(x)`)
   * whose event shape is the data rows' shape, e.g. `gaussianNoise.fit(data)` or
   * `normalDistribution({ eventShape: [D], std: 2 })`.
   */
  readonly noise: Distribution;
  /**
   * Noise samples per data sample, nu > 0 (default 1). Each step draws `round(nu N)` noise rows
   * for a batch of N and uses that exact ratio in the loss. Larger nu lowers the variance
   * (the asymptotic variance is (1 + 1/nu) times the MLE's when the noise equals the data).
   */
  readonly ratio?: number;
  /** Initial value of the learned log-partition `c` (default 0). */
  readonly initialLogZ?: number;
  /** Name of the `c` variable (default `nce/log_partition`, made unique). */
  readonly name?: string;
}

/** NCE's state: the learned log-partition `c`, a variable the optimiser updates in place (every step's state holds the same variable). */
export interface NceState {
  readonly logZ: tf.Variable;
}

/**
 * Noise-contrastive estimation (Gutmann & Hyvarinen 2010, "Noise-contrastive estimation: a new
 * estimation principle for unnormalized statistical models", AISTATS; JMLR 13, 2012). The model
 * is normalised by a learned scalar `c`, `log p_m(x) = -E(x) - c`, and trained to tell the data
 * `x_1..x_N` from `M = nu N` noise draws `y_1..y_M ~ p_n` by logistic regression on the log-ratio
 *
 *   G(u) = log p_m(u) - log(nu p_n(u)) = -E(u) - c - log nu - log p_n(u),
 *
 *   J = -1/N sum_i log sigma(G(x_i)) - nu/M sum_j log(1 - sigma(G(y_j)))
 *     =  1/N sum_i softplus(-G(x_i))  + nu/M sum_j softplus(G(y_j)).
 *
 * (`log sigma(z) = -softplus(-z)` and `log(1 - sigma(z)) = -softplus(z)`; tf.logSigmoid is not
 * used: tfjs cannot differentiate it on intermediate tensors.) At the optimum `p_m` is the data
 * density and `c` its log-partition, `c -> log Z = log int exp(-E)`.
 *
 * The gradient is core's `nceGradients`: without a tape when the model offers `parameterVjp`
 * (core's MLP and conv energies, RBMs; the VJP of the energies with `dJ/dE`), through
 * `tf.variableGrads` otherwise, the same to float tolerance.
 *
 * `c` is a `tf.Variable` the objective owns: `init` creates it, `variables(state)` lists it, and
 * `grads` holds its gradient under its name, so `fit` (or your loop) optimises it with the model.
 * `gradients` returns a new state object holding the same variable (c changes only through the
 * optimiser); free the previous one with `disposeReplaced(previous, next)` (which keeps c) and
 * dispose the last one with `disposeState(state)` when training is over.
 *
 * Metrics, scalars on the device (read nothing; `fit` reads them with the loss): `logZ` (c at
 * this step), `accuracy` (fraction of data and noise rows the classifier `G > 0` labels
 * correctly; 0.5 means the model cannot tell them apart), `dataEnergy` and `noiseEnergy` (mean E
 * on each).
 *
 * @example
 * const noise = gaussianNoise.fit(data);
 * const objective = nce({ noise, ratio: 4 });
 * const state = objective.init(model, prngKey(0));
 * const { loss, grads, metrics, state: next } = objective.gradients(model, batch, state, key);
 * optimizer.applyGradients([...model.variables, ...objective.variables(next)].map((v) => ({ name: v.name, tensor: grads[v.name]! })));
 * console.log(await readScalars(metrics)); // { logZ, accuracy, dataEnergy, noiseEnergy }
 */
export function nce(options: NceOptions): Objective<NceState> & {
  /** The learned log Z, `[state.logZ]`: train it with the model's variables, in this order after them. */
  variables(state: NceState): readonly tf.Variable[];
} {
  const { noise } = options ?? ({} as NceOptions);
  assertDistribution('noise', noise);
  const ratio = options.ratio ?? 1;
  assertPositive('ratio', ratio, 'It is the number of noise samples per data sample, e.g. 1 or 4.');
  const initialLogZ = options.initialLogZ ?? 0;
  if (!Number.isFinite(initialLogZ)) {
    throw new InvalidArgumentError('initialLogZ', `must be a finite number, got ${String(initialLogZ)}.`);
  }
  const baseName = options.name ?? 'nce/log_partition';

  return {
    name: 'nce',
    // Created inside tidy: tf.variable keeps its initial tensor alive otherwise.
    init: () => ({ logZ: tf.tidy(() => tf.variable(tf.scalar(initialLogZ), true, uniqueName(baseName))) }),
    variables: (state: NceState) => [state.logZ],
    gradients(model: EnergyModel, batch: tf.Tensor, state: NceState, key: Key): ObjectiveStep<NceState> {
      assertBatch('batch', batch, 2);
      assertDistribution('noise', noise, batch.shape.slice(1));
      const n = batch.shape[0]!;
      const m = Math.max(1, Math.round(ratio * n));
      const nu = m / n;
      const { loss, grads, metrics } = tf.tidy(() => {
        const y = noise.sample(key, m);
        if (!sameShape(y.shape, [m, ...noise.eventShape])) {
          throw new ShapeError('noise', `sample(key, ${m}) must return shape [${m}, ${noise.eventShape.join(', ')}], got [${y.shape.join(', ')}].`);
        }
        const logNoiseData = noise.logProb(batch);
        const logNoiseNoise = noise.logProb(y);
        if (logNoiseData.rank !== 1 || logNoiseData.shape[0] !== n || logNoiseNoise.rank !== 1 || logNoiseNoise.shape[0] !== m) {
          throw new ShapeError('noise', 'logProb(x) must return one log-density per row, shape [N].');
        }
        const { loss, grads: g, accuracy, dataEnergy, noiseEnergy } = nceGradients(model, {
          data: batch,
          noise: y,
          logZ: state.logZ,
          dataLogNoise: logNoiseData,
          noiseLogNoise: logNoiseNoise,
          ratio: nu,
        });
        return { loss, grads: g, metrics: { logZ: tf.clone(state.logZ) as tf.Scalar, accuracy, dataEnergy, noiseEnergy } };
      });
      return { loss, grads, state: { logZ: state.logZ }, metrics };
    },
  };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

