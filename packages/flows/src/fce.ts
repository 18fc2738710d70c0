import * as tf from '@tensorflow/tfjs';
import {
  type EnergyModel,
  InvalidArgumentError,
  type Key,
  type Objective,
  type ObjectiveStep,
  ShapeError,
  assertBatch,
  assertEnergyShape,
  assertInteger,
  assertNonNegative,
  assertPositive,
  nceLoss,
  variableGradients,
} from '@ebm/core';
import { uniqueName } from '@ebm/core/models';
import type { Flow } from './flow.js';
import { assertFlow } from './maximum-likelihood.js';

/** Options of {@link fce}. */
export interface FceOptions {
  /** The flow trained against the energy model (e.g. `realNvp({ dim, loc: mean, scale: std })`); its variables become the objective's. */
  readonly flow: Flow;
  /** Flow samples per data sample, nu > 0 (default 1: the paper's choice, and accuracies hover at 0.5 when the two match). */
  readonly ratio?: number;
  /** Initial value of the learned log-partition `c` (default 0). */
  readonly initialLogZ?: number;
  /**
   * Steps of maximum-likelihood warm-up (default 0): during the first `warmupSteps` steps the flow
   * follows the gradient of its negative log-likelihood on the batch instead of ascending the
   * NCE loss, while the energy model and `c` learn by NCE against it from the first step on. A
   * flow near the data is a useful noise from the start and keeps the adversarial phase stable.
   */
  readonly warmupSteps?: number;
  /**
   * Weight `lambda >= 0` of the flow's negative log-likelihood after the warm-up (default 0): the
   * flow minimises `-J + lambda NLL`, which keeps it close to the data when the energy model's
   * classification signal alone is weak.
   */
  readonly mleWeight?: number;
  /** Name of the `c` variable (default `fce/log_partition`, made unique). */
  readonly name?: string;
}

/**
 * FCE's state: the learned log-partition `c` and the flow's variables (the very variables of the
 * flow passed in, so it trains in place; a checkpoint saves them with the state and restores them
 * into new variables, which {@link FceObjective.flow} then reads), and the number of steps taken.
 */
export interface FceState {
  readonly logZ: tf.Variable;
  readonly flowVariables: readonly tf.Variable[];
  /** Steps taken so far (the warm-up counts them). */
  readonly step: number;
}

/** The {@link fce} objective: its variables are `c` and the flow's, and `flow(state)` is the flow as the state holds it. */
export interface FceObjective extends Objective<FceState> {
  /** `[c, ...flow variables]`, in that fixed order: `fit` and your loop optimise them with the model's. */
  variables(state: FceState): readonly tf.Variable[];
  /** The flow reading the state's variables: the flow passed in, unless the state was restored from a checkpoint. */
  flow(state: FceState): Flow;
}

/**
 * Flow contrastive estimation (Gao, Nijkamp, Kingma, Xu, Dai & Wu 2020, "Flow Contrastive
 * Estimation of Energy-Based Models", CVPR). NCE whose noise is a normalizing flow `q_alpha`
 * trained at the same time: with `log p_theta(u) = -E(u) - c`, `nu` flow draws per data row, and
 * the NCE loss (core's `nceLoss`)
 *
 *   G(u) = -E(u) - c - log nu - log q_alpha(u),
 *   J(theta, c, alpha) = 1/N sum_i softplus(-G(x_i)) + nu/M sum_j softplus(G(y_j)),   y_j = f_alpha(z_j), z_j ~ N(0, I),
 *
 * the energy model and `c` DEScend `J` (they learn to tell data from flow draws) and the flow
 * AScends it (it learns draws the classifier cannot tell from data): the minimax game of the
 * value function `V = -J`, whose equilibrium is `p_theta = q_alpha = p_data`. Both updates come
 * from one step: `grads` holds `dJ/dtheta`, `dJ/dc` and `-dJ/dalpha` (the flow draws are
 * reparameterised, so `J` is differentiated through them), and the flow's variables are objective
 * variables (`variables(state)`), so `fit` and a custom loop with one optimizer both work. With a
 * warm-up or an MLE weight the flow's gradient becomes `dNLL/dalpha` during the warm-up and
 * `-dJ/dalpha + lambda dNLL/dalpha` after it, `NLL = -1/N sum_i log q_alpha(x_i)`.
 *
 * The loss reported is `J`. Metrics, scalars on the device (nothing is read in a step): `logZ`
 * (c), `accuracy` (all rows), `dataAccuracy` (data rows with `G > 0`), `flowAccuracy` (flow
 * draws with `G <= 0`) — FCE's progress signal: with `ratio` 1 both hover near 0.5 once the flow
 * and the model match — and `flowLogLikelihood`, the mean `log q(x_i)` of the batch.
 *
 * The state owns the flow's variables from `init` on: `disposeState(state)` disposes them, so
 * read the trained flow (`objective.flow(state)`) before disposing the last state.
 *
 * @example
 * const flow = realNvp({ dim: 2, layers: 8, hidden: [64, 64], key: prngKey(1) });
 * const objective = fce({ flow, warmupSteps: 200 });
 * const { state } = await fit(model, objective, data, { optimizer: tf.train.adam(1e-3), steps: 4000, key: prngKey(2) });
 * const samples = objective.flow(state).sample(prngKey(3), 1000);
 */
export function fce(options: FceOptions): FceObjective {
  const { flow } = options ?? ({} as FceOptions);
  assertFlow('flow', flow);
  const ratio = options.ratio ?? 1;
  assertPositive('ratio', ratio, 'It is the number of flow samples per data sample, e.g. 1.');
  const initialLogZ = options.initialLogZ ?? 0;
  if (!Number.isFinite(initialLogZ)) throw new InvalidArgumentError('initialLogZ', `must be a finite number, got ${String(initialLogZ)}.`);
  const warmupSteps = options.warmupSteps ?? 0;
  assertInteger('warmupSteps', warmupSteps, 0);
  const mleWeight = options.mleWeight ?? 0;
  assertNonNegative('mleWeight', mleWeight);
  const baseName = options.name ?? 'fce/log_partition';
  const flowOf = (state: FceState): Flow => (state.flowVariables === flow.variables ? flow : flow.withVariables(state.flowVariables));

  return {
    name: 'fce',
    init: (model: EnergyModel) => {
      const shared = model.variables.filter((v) => flow.variables.includes(v));
      if (shared.length > 0) {
        throw new InvalidArgumentError('flow', `shares variables with the model (${shared.map((v) => `'${v.name}'`).join(', ')}): train an energy model against a separate flow.`);
      }
      // Created inside tidy: tf.variable keeps its initial tensor alive otherwise.
      return { logZ: tf.tidy(() => tf.variable(tf.scalar(initialLogZ), true, uniqueName(baseName))), flowVariables: flow.variables, step: 0 };
    },
    variables: (state: FceState) => [state.logZ, ...state.flowVariables],
    flow: flowOf,
    gradients(model: EnergyModel, batch: tf.Tensor, state: FceState, key: Key): ObjectiveStep<FceState> {
      assertBatch('batch', batch, 2);
      if (batch.rank !== 2 || batch.shape[1] !== flow.dim) {
        throw new ShapeError('flow', `models rows of dimension ${flow.dim} but the batch has shape [${batch.shape.join(', ')}]. Build the flow with dim = ${batch.shape.slice(1).join(' x ')}.`);
      }
      const q = flowOf(state);
      const n = batch.shape[0]!;
      const m = Math.max(1, Math.round(ratio * n));
      const nu = m / n;
      const warm = state.step < warmupSteps;
      // The flow's NLL weight: during the warm-up the flow follows its NLL alone (J sees the flow as constant).
      const nllWeight = warm ? 1 : mleWeight;
      const flowVariables = new Set(state.flowVariables.map((v) => v.name));
      const { loss, grads, metrics } = tf.tidy(() => {
        // During the warm-up the flow's draws and densities enter J as constants: computed off the tape.
        const constant = warm ? { ...q.sampleAndLogProb(key, m), dataLogQ: q.logProb(batch) } : undefined;
        const { grads: g, aux } = variableGradients(() => {
          const { sample: y, logProb: flowLogQ } = constant ?? q.sampleAndLogProb(key, m);
          const dataLogQ = constant?.dataLogQ ?? q.logProb(batch);
          const dataEnergy = model.energy(batch);
          const flowEnergy = model.energy(y);
          assertEnergyShape(dataEnergy, n);
          assertEnergyShape(flowEnergy, m);
          const terms = nceLoss({ dataEnergy, noiseEnergy: flowEnergy, logZ: state.logZ as tf.Scalar, dataLogNoise: dataLogQ, noiseLogNoise: flowLogQ, ratio: nu });
          // The flow's log-likelihood on the tape (a second pass during the warm-up, when dataLogQ is a constant).
          const meanLogQ = tf.mean(constant === undefined ? dataLogQ : q.logProb(batch)) as tf.Scalar;
          // S = J + w mean log q = J - w NLL: its gradient is dJ for the model and c, and, negated below, -dJ + w dNLL for the flow.
          const surrogate = nllWeight > 0 ? (tf.add(terms.loss, tf.mul(nllWeight, meanLogQ)) as tf.Scalar) : terms.loss;
          return {
            loss: surrogate,
            aux: {
              nceLoss: terms.loss,
              accuracy: terms.accuracy,
              dataAccuracy: terms.dataAccuracy,
              flowAccuracy: terms.noiseAccuracy,
              flowLogLikelihood: meanLogQ,
            },
          };
        }, [...model.variables, state.logZ, ...state.flowVariables]);
        // The flow ascends J: flip the sign of its gradients.
        const signed = Object.fromEntries(Object.entries(g).map(([name, t]) => [name, flowVariables.has(name) ? tf.neg(t) : t]));
        const { nceLoss: value, ...rest } = aux;
        return { loss: value, grads: signed, metrics: { logZ: tf.clone(state.logZ) as tf.Scalar, ...rest } };
      });
      return { loss, grads, state: { logZ: state.logZ, flowVariables: state.flowVariables, step: state.step + 1 }, metrics };
    },
  };
}
