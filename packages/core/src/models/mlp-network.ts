import * as tf from '@tensorflow/tfjs';
import { type Key, prngKey, split } from '../key.js';
import { uniform } from '../random.js';
import { assertBatch, assertEventShape, assertInteger, assertOneOf } from '../validate.js';
import { ACTIVATIONS, type Activation, activationOps } from './activations.js';
import { dense } from './dense.js';
import { uniqueName } from './names.js';

/** Options of {@link mlpNetwork}. */
export interface MlpNetworkOptions {
  /** Per-sample input shape, e.g. `[2]` or `[8, 8]` (flattened to its product D). */
  readonly inputShape: readonly number[];
  /** Outputs per sample (the width of the last, linear layer), e.g. 10 logits of a classifier. */
  readonly outputs: number;
  /** Hidden layer widths (default `[128, 128]`). */
  readonly hidden?: readonly number[];
  /** Hidden activation (default `'swish'`: smooth, fast on wasm). */
  readonly activation?: Activation;
  /** Key for the weight initialisation (default `prngKey(0)`). */
  readonly key?: Key;
  /** Variable-name prefix (default `mlp`, made unique). */
  readonly name?: string;
}

/** A multilayer perceptron with several outputs: its forward pass, its variables and its architecture. */
export interface MlpNetwork {
  /** `[N, ...inputShape]` -> `[N, outputs]`. */
  readonly apply: (x: tf.Tensor) => tf.Tensor2D;
  /** Kernels and biases, layer by layer: `[W_1, b_1, ..., W_out, b_out]`. */
  readonly variables: readonly tf.Variable[];
  /** The kernels `W_l` (`[in, out]`), in layer order (the same variables as in `variables`). */
  readonly weights: readonly tf.Variable[];
  /** The biases `b_l` (`[out]`), in layer order. */
  readonly biases: readonly tf.Variable[];
  readonly inputShape: readonly number[];
  /** The flattened input dimension, the product of `inputShape`. */
  readonly inputDim: number;
  readonly outputs: number;
  readonly hidden: readonly number[];
  readonly activation: Activation;
}

/**
 * A multilayer perceptron `h_l = f(h_{l-1} W_l + b_l)`, `out = h_{L-1} W_L + b_L` (the last layer
 * linear), from `[N, ...inputShape]` (flattened) to `[N, outputs]`. Weights are Glorot-uniform,
 * `W ~ U(-a, a)`, `a = sqrt(6 / (in + out))`, biases zero; every layer is core's {@link dense},
 * whose gradient runs no transposed matMul (fast on wasm). Variables are named
 * `<prefix>/dense_<l>/kernel` and `<prefix>/dense_<l>/bias`.
 *
 * The body of `mlpEnergy` (`outputs: 1`) and of networks with several heads: a classifier's
 * logits, the mean and log-variance of a Gaussian regression.
 *
 * @example
 * const net = mlpNetwork({ inputShape: [64], outputs: 10, hidden: [128, 128], key: prngKey(1) });
 * const logits = net.apply(images); // [N, 10]
 */
export function mlpNetwork(options: MlpNetworkOptions): MlpNetwork {
  const inputShape = [...options.inputShape];
  inputShape.forEach((d, i) => assertInteger(`inputShape[${i}]`, d));
  assertInteger('outputs', options.outputs);
  const hidden = [...(options.hidden ?? [128, 128])];
  hidden.forEach((h, i) => assertInteger(`hidden[${i}]`, h));
  const activation = options.activation ?? 'swish';
  assertOneOf('activation', activation, ACTIVATIONS);
  const act = activationOps[activation];
  const inputDim = inputShape.reduce((a, b) => a * b, 1);
  const prefix = uniqueName(options.name ?? 'mlp');
  const widths = [inputDim, ...hidden, options.outputs];
  const keys = split(options.key ?? prngKey(0), widths.length - 1);

  const weights: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  for (let l = 0; l < widths.length - 1; l++) {
    const [fanIn, fanOut] = [widths[l]!, widths[l + 1]!];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    // tf.variable keeps its initial tensor alive: create inside tidy so only the variable remains.
    weights.push(tf.tidy(() => tf.variable(uniform(keys[l]!, [fanIn, fanOut], -limit, limit), true, `${prefix}/dense_${l}/kernel`)));
    biases.push(tf.tidy(() => tf.variable(tf.zeros([fanOut]), true, `${prefix}/dense_${l}/bias`)));
  }
  const layers = weights.length;

  const apply = (x: tf.Tensor): tf.Tensor2D =>
    tf.tidy(() => {
      assertBatch('x', x, 2);
      assertEventShape('x', x, inputShape);
      let h = tf.reshape(x, [x.shape[0]!, inputDim]) as tf.Tensor2D;
      for (let l = 0; l < layers; l++) {
        const a = dense(h, weights[l] as tf.Tensor2D, biases[l] as tf.Tensor1D);
        h = l < layers - 1 ? (act.apply(a) as tf.Tensor2D) : a;
      }
      return h;
    });

  const variables = weights.flatMap((w, l) => [w, biases[l]!]);
  return { apply, variables, weights, biases, inputShape, inputDim, outputs: options.outputs, hidden, activation };
}
