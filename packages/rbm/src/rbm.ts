/**
 * The restricted Boltzmann machine shared by the Bernoulli and Gaussian-Bernoulli variants: its
 * parameters, free energy, conditionals and checks. The two public factories are in
 * `bernoulli-rbm.ts` and `gaussian-bernoulli-rbm.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import { type EnergyFn, type EnergyModel, InvalidArgumentError, type Key, ShapeError, assertBatch, assertEventShape, assertFinite, assertInteger, bernoulli, normal, type ParameterVjp, prngKey } from '@ebm/core';
import { uniqueName } from '@ebm/core/models';
import { freeEnergyOp } from './free-energy.js';
import { rbmParameterVjp } from './parameter-vjp.js';

/**
 * Standard deviation of the initial weights, `W ~ N(0, 0.01^2)`: Hinton (2010), "A practical guide
 * to training restricted Boltzmann machines", section 8 ("small random values chosen from a
 * zero-mean Gaussian with a standard deviation of about 0.01").
 */
export const WEIGHT_INIT_STD = 0.01;

/** Which visible units the RBM has. */
export type RBMType = 'bernoulli' | 'gaussian-bernoulli';

/**
 * A restricted Boltzmann machine as an `EnergyModel` whose `energy` is the free energy `F(v)`
 * (the hidden units summed out), so `p(v) = exp(-F(v)) / Z`. Weights are `[visible, hidden]`.
 */
export interface RBM extends EnergyModel {
  readonly type: RBMType;
  readonly visible: number;
  readonly hidden: number;
  /** Visible standard deviation sigma (1 for a Bernoulli RBM, where it plays no role). */
  readonly sigma: number;
  /** `W`, shape `[visible, hidden]`. */
  readonly weights: tf.Variable;
  /** `b`, shape `[visible]`. */
  readonly visibleBias: tf.Variable;
  /** `c`, shape `[hidden]`. */
  readonly hiddenBias: tf.Variable;
  /** The free energy `F(v)`, one value per row of `v` `[N, visible]`; its gradient is closed-form. */
  readonly energy: EnergyFn;
  /**
   * Core's `EnergyModel.parameterVjp` in closed form, without a gradient tape: the free energies
   * `F(v)` of the rows of `v` (`[N, visible]`, shape checked, values not read) and `w -> d/dtheta
   * sum_i w_i F(v_i)`, e.g. `dW = -sum_i w_i x_i^T p(h = 1 | v_i)`. With CD's weights (`1/n` on
   * the data, `-1/m` on the negatives) it is the CD / PCD update `-(<x p^T>_+ - <x p^T>_-)`;
   * `contrastiveDivergence` from @ebm/cd and `nce` from @ebm/nce train through it.
   */
  readonly parameterVjp: (v: tf.Tensor) => ParameterVjp;
  /** `p(h_j = 1 | v) = sigmoid(c_j + (v / sigma) W_j)`, `[N, hidden]`: the feature transform. */
  hiddenProbabilities(v: tf.Tensor): tf.Tensor2D;
  /**
   * Bernoulli: `p(v_i = 1 | h) = sigmoid(b_i + W_i h)`; Gaussian-Bernoulli: the mean of
   * `p(v | h) = N(b + sigma W h, sigma^2)`. Shape `[N, visible]`.
   */
  visibleProbabilities(h: tf.Tensor): tf.Tensor2D;
  /** `h ~ p(h | v)`: zeros and ones, `[N, hidden]`. */
  sampleHidden(key: Key, v: tf.Tensor): tf.Tensor2D;
  /** `v ~ p(v | h)`: zeros and ones (Bernoulli) or Gaussian draws, `[N, visible]`. */
  sampleVisible(key: Key, h: tf.Tensor): tf.Tensor2D;
  /** The mean-field reconstruction `visibleProbabilities(hiddenProbabilities(v))`. */
  reconstruct(v: tf.Tensor): tf.Tensor2D;
  /**
   * Throws unless `v` is a `[N, visible]` batch with values in [0, 1] (Bernoulli) or finite
   * values (Gaussian-Bernoulli); the error names `argument` (default `'v'`). The value check reads
   * `v` once; `values: false` checks the shape only and reads nothing.
   */
  assertVisible(v: tf.Tensor, argument?: string, values?: boolean): void;
}

/** Options common to both RBM factories. */
export interface RBMOptions {
  /** Number of visible units (pixels), an integer >= 1. */
  readonly visible: number;
  /** Number of hidden units (features), an integer >= 1. */
  readonly hidden: number;
  /** Key for the weight initialisation `W ~ N(0, 0.01^2)` (default `prngKey(0)`). */
  readonly key?: Key;
  /** Initial visible biases, length `visible` (default zeros; see `visibleBiasFromData`). */
  readonly visibleBias?: tf.Tensor1D | readonly number[];
  /** Variable-name prefix (default `rbm`, made unique among live variables). */
  readonly name?: string;
}

/** Checks that `v` holds values in [0, 1] (binary states, or probabilities used as mean-field inputs). */
export function assertUnitInterval(argument: string, v: tf.Tensor): void {
  const [min, max] = tf.tidy(() => tf.stack([tf.min(v), tf.max(v)]).dataSync());
  if (!(min! >= 0 && max! <= 1)) {
    throw new InvalidArgumentError(
      argument,
      `must hold values in [0, 1] for a Bernoulli RBM (binary states, or grey levels as probabilities), got values in [${min}, ${max}]. ` +
        'Scale the data first, e.g. tf.div(pixels, 255), or use gaussianBernoulliRBM for real-valued data.',
    );
  }
}

/** Builds an RBM of either type (the factories validate their own options first). */
export function createRBM(type: RBMType, options: RBMOptions, sigma: number): RBM {
  const { visible, hidden } = options;
  assertInteger('visible', visible);
  assertInteger('hidden', hidden);
  const prefix = uniqueName(options.name ?? 'rbm');
  const key = options.key ?? prngKey(0);
  const initialBias = options.visibleBias ?? new Array<number>(visible).fill(0);
  const biasLength = initialBias instanceof tf.Tensor ? initialBias.size : initialBias.length;
  if (biasLength !== visible || (initialBias instanceof tf.Tensor && initialBias.rank !== 1)) {
    throw new ShapeError('visibleBias', `must be a vector of length visible = ${visible}, got ${biasLength} values.`);
  }
  // Each variable is created inside tidy: tf.variable keeps its initial tensor alive otherwise.
  const weights = tf.tidy(() => tf.variable(tf.mul(normal(key, [visible, hidden]), WEIGHT_INIT_STD), true, `${prefix}/weights`));
  const visibleBias = tf.tidy(() =>
    tf.variable(initialBias instanceof tf.Tensor ? tf.clone(initialBias) : tf.tensor1d([...initialBias]), true, `${prefix}/visible_bias`),
  );
  const hiddenBias = tf.tidy(() => tf.variable(tf.zeros([hidden]), true, `${prefix}/hidden_bias`));
  const scale = 1 / sigma;
  const freeEnergy = freeEnergyOp(type, sigma);

  const checkVisible = (argument: string, v: tf.Tensor, values: boolean): tf.Tensor2D => {
    assertBatch(argument, v, 2);
    assertEventShape(argument, v, [visible]);
    if (values) {
      if (type === 'bernoulli') assertUnitInterval(argument, v);
      else assertFinite(argument, v);
    }
    return v as tf.Tensor2D;
  };
  const checkHidden = (h: tf.Tensor): tf.Tensor2D => {
    assertBatch('h', h, 2);
    assertEventShape('h', h, [hidden]);
    return h as tf.Tensor2D;
  };
  const hiddenProbs = (v: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => tf.sigmoid(tf.add(tf.matMul(type === 'bernoulli' ? v : tf.mul(v, scale), weights), hiddenBias)) as tf.Tensor2D);
  const visibleProbs = (h: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => {
      const hWt = tf.matMul(h, tf.transpose(weights));
      return (type === 'bernoulli' ? tf.sigmoid(tf.add(hWt, visibleBias)) : tf.add(visibleBias, tf.mul(hWt, sigma))) as tf.Tensor2D;
    });

  const vjpOf = rbmParameterVjp(type, sigma, { weights, visibleBias, hiddenBias });

  const energy: EnergyFn = (v: tf.Tensor) =>
    tf.tidy(() => freeEnergy(checkVisible('v', v, false), weights as tf.Tensor2D, visibleBias as tf.Tensor1D, hiddenBias as tf.Tensor1D));

  return {
    type,
    visible,
    hidden,
    sigma,
    weights,
    visibleBias,
    hiddenBias,
    variables: [weights, visibleBias, hiddenBias],
    energy,
    parameterVjp: (v) => vjpOf(checkVisible('v', v, false)),
    hiddenProbabilities: (v) => hiddenProbs(checkVisible('v', v, true)),
    visibleProbabilities: (h) => visibleProbs(checkHidden(h)),
    sampleHidden: (key, v) => tf.tidy(() => bernoulli(key, hiddenProbs(checkVisible('v', v, false))) as tf.Tensor2D),
    sampleVisible: (key, h) =>
      tf.tidy(() => {
        const probs = visibleProbs(checkHidden(h));
        return (type === 'bernoulli' ? bernoulli(key, probs) : tf.add(probs, tf.mul(normal(key, probs.shape), sigma))) as tf.Tensor2D;
      }),
    reconstruct: (v) => tf.tidy(() => visibleProbs(hiddenProbs(checkVisible('v', v, true)))),
    assertVisible: (v, argument = 'v', values = true) => {
      checkVisible(argument, v, values);
    },
  };
}
