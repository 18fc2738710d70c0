import * as tf from '@tensorflow/tfjs';
import { type Key, prngKey, split } from '../key.js';
import { uniform } from '../random.js';
import type { EnergyAndGradient, EnergyFn, EnergyModel, ParameterVjp } from '../types.js';
import { InvalidArgumentError } from '../errors.js';
import { assertBatch, assertEventShape, assertInteger, assertOneOf } from '../validate.js';
import { ACTIVATIONS, type Activation, activationOps } from './activations.js';
import { type Conv2d, conv2d } from './conv2d.js';
import { mlpEnergy } from './mlp.js';
import { traceMlp } from './mlp-trace.js';
import { uniqueName } from './names.js';

/** Options of {@link convEnergy}. */
export interface ConvEnergyOptions {
  /** Per-image shape `[height, width]` (one channel) or `[height, width, channels]`. */
  readonly inputShape: readonly number[];
  /** Output channels of each conv layer (default `[32, 64]`). */
  readonly channels?: readonly number[];
  /** Side of every square kernel (default 3). */
  readonly kernelSize?: number;
  /** Stride of every conv layer (default 2: each layer halves the resolution). */
  readonly stride?: number;
  /** Hidden widths of the dense head on the flattened features (default `[]`: a linear read-out). */
  readonly hidden?: readonly number[];
  /** Activation after every conv and hidden dense layer (default `'swish'`). */
  readonly activation?: Activation;
  /** Key for the weight initialisation (default `prngKey(0)`). */
  readonly key?: Key;
  /** Variable-name prefix (default `conv`, made unique). */
  readonly name?: string;
}

/** A convolutional energy model: the energy, its variables, and the architecture it was built with. */
export interface ConvEnergy extends EnergyModel {
  /** The per-image shape the energy accepts, as given. */
  readonly inputShape: readonly number[];
  readonly channels: readonly number[];
  readonly kernelSize: number;
  readonly stride: number;
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly parameterVjp: (x: tf.Tensor) => ParameterVjp;
}

/**
 * A convolutional energy for images,
 *
 *   h_0 = x,   h_l = f(conv_l(h_{l-1}) + b_l)  (l = 1..L, stride s, padding floor(k / 2)),
 *   E(x) = mlp(flatten(h_L))                  (dense head, one value per image),
 *
 * with `f` swish by default and the head an {@link mlpEnergy} (`hidden: []` is a linear
 * read-out). Kernels start Glorot-uniform, `U(-a, a)` with `a = sqrt(6 / (k^2 C_in + k^2 C_out))`,
 * biases at zero. Every conv is a {@link conv2d} layer with hand-written gradients, so:
 * - `energy` trains on every backend (tfjs wasm cannot differentiate tf.conv2d with respect to
 *   its filter; here the kernel gradient is patches x GEMM);
 * - `energy.valueAndGrad` is a hand-written backward pass for the input gradient only (what a
 *   Langevin sampler needs): the head's, then for each layer
 *   `dE/dh_{l-1} = conv_l^T(dE/dh_l * f'(a_l))` (the layer's `inputGradient`, forward
 *   convolutions only), skipping every weight gradient. It is built from differentiable ops, so
 *   score matching can differentiate it again;
 * - `parameterVjp` (core's `EnergyModel` hook) is a hand-written backward pass for the parameter
 *   gradients of `sum_i w_i E(x_i)`: the head's (an MLP's, see `mlpEnergy`), then for each layer
 *   `delta_l = g_l * f'(a_l)`, `dK_l = patches(h_{l-1})^T delta_l` (the layer's
 *   `kernelGradient`), `db_l = sum_{n, o} delta_l`, `g_{l-1} = conv_l^T(delta_l)`, reusing the
 *   forward activations (no tape, no gradient for the images).
 *
 * Variables, in order: `conv_l/kernel` `[k, k, C_in, C_out]` and `conv_l/bias` for each layer,
 * then the head's.
 *
 * @example
 * const model = convEnergy({ inputShape: [28, 28, 1], channels: [32, 64], key: prngKey(1) });
 * const { energy, gradient } = energyAndGradient(model.energy, images); // [N], [N, 28, 28, 1]
 */
export function convEnergy(options: ConvEnergyOptions): ConvEnergy {
  const inputShape = [...options.inputShape];
  if (inputShape.length !== 2 && inputShape.length !== 3) {
    throw new InvalidArgumentError('inputShape', `must be [height, width] or [height, width, channels], got [${inputShape.join(', ')}].`);
  }
  inputShape.forEach((d, i) => assertInteger(`inputShape[${i}]`, d));
  const channels = [...(options.channels ?? [32, 64])];
  if (channels.length === 0) throw new InvalidArgumentError('channels', 'must list at least one conv layer, e.g. [32, 64]. Use mlpEnergy for no convolutions.');
  channels.forEach((c, i) => assertInteger(`channels[${i}]`, c));
  const kernelSize = options.kernelSize ?? 3;
  const stride = options.stride ?? 2;
  const hidden = [...(options.hidden ?? [])];
  const activation = options.activation ?? 'swish';
  assertOneOf('activation', activation, ACTIVATIONS);
  const act = activationOps[activation];
  const prefix = uniqueName(options.name ?? 'conv');
  const keys = split(options.key ?? prngKey(0), channels.length + 1);

  const imageShape: [number, number, number] = [inputShape[0]!, inputShape[1]!, inputShape[2] ?? 1];
  const layers: Conv2d[] = [];
  const kernels: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  let shape = imageShape;
  channels.forEach((out, l) => {
    const layer = conv2d({ inputShape: shape, kernelSize, stride });
    const limit = Math.sqrt(6 / (kernelSize * kernelSize * (shape[2] + out)));
    // tf.variable keeps its initial tensor alive: create inside tidy so only the variable remains.
    kernels.push(tf.tidy(() => tf.variable(uniform(keys[l]!, [kernelSize, kernelSize, shape[2], out], -limit, limit), true, `${prefix}/conv_${l}/kernel`)));
    biases.push(tf.tidy(() => tf.variable(tf.zeros([out]), true, `${prefix}/conv_${l}/bias`)));
    layers.push(layer);
    shape = [layer.outputSize[0], layer.outputSize[1], out];
  });
  const head = mlpEnergy({ inputShape: shape, hidden, activation, key: keys[channels.length], name: `${prefix}/head` });

  const toImages = (x: tf.Tensor): tf.Tensor4D => {
    assertBatch('x', x, 2);
    assertEventShape('x', x, inputShape);
    return tf.reshape(x, [x.shape[0]!, ...imageShape]);
  };

  const energyFn = (x: tf.Tensor): tf.Tensor1D =>
    tf.tidy(() => {
      let h: tf.Tensor = toImages(x);
      layers.forEach((layer, l) => {
        h = act.apply(layer.apply(h, kernels[l]!, biases[l] as tf.Tensor1D));
      });
      return head.energy(h);
    });

  const valueAndGrad = (x: tf.Tensor): EnergyAndGradient =>
    tf.tidy(() => {
      // f'(a_l), kept from the forward pass (f and f' share their sigmoid).
      const derivatives: tf.Tensor[] = [];
      let h: tf.Tensor = toImages(x);
      layers.forEach((layer, l) => {
        const [f, derivative] = act.applyAndDerivative(layer.apply(h, kernels[l]!, biases[l] as tf.Tensor1D));
        derivatives.push(derivative);
        h = f;
      });
      const { energy, gradient: headGradient } = head.energy.valueAndGrad!(h);
      let grad: tf.Tensor = headGradient;
      for (let l = layers.length - 1; l >= 0; l--) {
        grad = layers[l]!.inputGradient(tf.mul(grad, derivatives[l]!), kernels[l]!);
      }
      return { energy, gradient: tf.reshape(grad, x.shape) };
    });

  const parameterVjp = (x: tf.Tensor): ParameterVjp => {
    // Each layer's input and f'(a_l), kept from the forward pass until vjp runs (the caller's scope).
    const { inputs, derivatives, features } = tf.tidy(() => {
      const inputs: tf.Tensor[] = [toImages(x)];
      const derivatives: tf.Tensor[] = [];
      layers.forEach((layer, l) => {
        const [f, derivative] = act.applyAndDerivative(layer.apply(inputs[l]!, kernels[l]!, biases[l] as tf.Tensor1D));
        derivatives.push(derivative);
        inputs.push(f);
      });
      return { inputs, derivatives, features: tf.reshape(inputs[layers.length]!, [x.shape[0]!, -1]) as tf.Tensor2D };
    });
    const trace = traceMlp(head.variables, activation, features);
    const vjp = (weights: tf.Tensor1D): tf.NamedTensorMap =>
      tf.tidy(() => {
        const { grads, inputGradient } = trace.backward(weights, true);
        let g: tf.Tensor = tf.reshape(inputGradient!, inputs[layers.length]!.shape);
        for (let l = layers.length - 1; l >= 0; l--) {
          const delta = tf.mul(g, derivatives[l]!);
          grads[kernels[l]!.name] = layers[l]!.kernelGradient(inputs[l]!, delta);
          grads[biases[l]!.name] = tf.sum(delta, [0, 1, 2]);
          if (l > 0) g = layers[l]!.inputGradient(delta, kernels[l]!);
        }
        return grads;
      });
    return { energy: trace.energy, vjp };
  };

  const energy: EnergyFn = Object.assign(energyFn, { valueAndGrad });
  const variables = [...kernels.flatMap((kernel, l) => [kernel, biases[l]!]), ...head.variables];
  return { energy, variables, inputShape, channels, kernelSize, stride, hidden, activation, parameterVjp };
}
