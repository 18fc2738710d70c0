import * as tf from '@tensorflow/tfjs';
import {
  type Distribution,
  type EnergyFn,
  type EnergyModel,
  InvalidArgumentError,
  type Key,
  ShapeError,
  assertBatch,
  assertEventShape,
  assertInteger,
  normal,
} from '@ebm/core';
import type { Bijector } from './bijector.js';

/** Draws of a flow with their exact log-density, as {@link Flow.sampleAndLogProb} returns them. */
export interface FlowSample {
  /** `[n, D]` draws `x = f(z)`, `z ~ N(0, I)`; differentiable in the flow's variables (reparameterised). */
  readonly sample: tf.Tensor2D;
  /** `log q(x)` of each draw, `[n]`. */
  readonly logProb: tf.Tensor1D;
}

/**
 * A normalizing flow `x = f(z) = f_K(... f_1(z))`, `z ~ N(0, I_D)`, with its exact density
 *
 *   log q(x) = log N(f^-1(x); 0, I) + log |det d f^-1 / dx|.
 *
 * It is a core `Distribution` (noise for NCE, starts for MCMC chains) and a trainable
 * `EnergyModel` whose energy is `E(x) = -log q(x)` (normalised: its log Z is 0), so
 * `fit(flow, flowMaximumLikelihood(), data, ...)` trains it by maximum likelihood and every
 * evaluation of energies in `@ebm` applies to it.
 */
export interface Flow extends Distribution, EnergyModel {
  readonly eventShape: readonly [number];
  /** The dimension D. */
  readonly dim: number;
  /** The layers, in the generative order (base to data). */
  readonly layers: readonly Bijector[];
  /** Every layer's variables, layer by layer, in a fixed order. */
  readonly variables: readonly tf.Variable[];
  /** `E(x) = -log q(x)`, shape `[N]`. */
  readonly energy: EnergyFn;
  /** `n` draws `f(z)`, `z ~ N(0, I)` from `key`; reparameterised (differentiable in the variables). */
  sample(key: Key, n: number): tf.Tensor2D;
  /** `n` draws together with their log-density, in one pass through the layers (no inverse needed). */
  sampleAndLogProb(key: Key, n: number): FlowSample;
  /** The exact `log q(x)` of each row of `[N, D]` `x`, shape `[N]`. */
  logProb(x: tf.Tensor): tf.Tensor1D;
  /** `z -> x = f(z)` with `log |det dx/dz|` per row. */
  forward(z: tf.Tensor2D): { readonly x: tf.Tensor2D; readonly logDet: tf.Tensor1D };
  /** `x -> z = f^-1(x)` with `log |det dz/dx|` per row. */
  inverse(x: tf.Tensor2D): { readonly z: tf.Tensor2D; readonly logDet: tf.Tensor1D };
  /**
   * The same architecture reading `variables` (shapes and order of `this.variables`) instead of
   * its own; shares no state with this flow. Objectives that keep a flow's variables in their
   * state (and so in checkpoints) evaluate the flow through it.
   */
  withVariables(variables: readonly tf.Variable[]): Flow;
  /** Disposes the variables this flow reads. */
  dispose(): void;
}

/** Options of {@link normalizingFlow}. */
export interface NormalizingFlowOptions {
  /** The layers in the generative order (base to data), all of one dimension. */
  readonly layers: readonly Bijector[];
}

/** `-D/2 log(2 pi)`: the log-normaliser of a standard normal in D dimensions, per dimension. */
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The normalizing flow of `layers` over a standard normal base (see {@link Flow}):
 *
 *   sample:   z ~ N(0, I),  x = f_K(... f_1(z)),  log q(x) = log N(z) - sum_k log |det df_k|,
 *   logProb:  z = f_1^-1(... f_K^-1(x)),           log q(x) = log N(z) + sum_k log |det df_k^-1|,
 *
 * with `log N(z) = -|z|^2 / 2 - D/2 log(2 pi)`. Every method runs inside `tf.tidy` and reads
 * nothing from the device.
 *
 * @example
 * const flow = normalizingFlow({ layers: [affineCoupling({ dim: 2, mask: [1, 0] }), affineCoupling({ dim: 2, mask: [0, 1] })] });
 * const x = flow.sample(prngKey(0), 256);   // [256, 2]
 * const logq = flow.logProb(x);             // [256]
 */
export function normalizingFlow(options: NormalizingFlowOptions): Flow {
  const layers = options?.layers;
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new InvalidArgumentError('layers', 'must be a non-empty array of bijectors, e.g. [affineCoupling({ dim: 2, mask: [1, 0] }), ...].');
  }
  const dim = layers[0]!.dim;
  layers.forEach((layer, k) => {
    if (layer.dim !== dim) throw new ShapeError(`layers[${k}]`, `maps rows of dimension ${layer.dim}, but layers[0] maps dimension ${dim}.`);
  });
  return bindFlow(layers, layers.flatMap((layer) => layer.variables));
}

/** The flow of `layers` reading `variables` (the layers' variables, or tensors of the same shapes). */
function bindFlow(layers: readonly Bijector[], variables: readonly tf.Variable[]): Flow {
  const dim = layers[0]!.dim;
  const counts = layers.map((layer) => layer.variables.length);
  const paramsOf = counts.map((_, k) => {
    const start = counts.slice(0, k).reduce((a, b) => a + b, 0);
    return variables.slice(start, start + counts[k]!);
  });
  const logBase = (z: tf.Tensor2D): tf.Tensor1D => tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), dim * HALF_LOG_TWO_PI) as tf.Tensor1D;

  const forward = (z: tf.Tensor2D) =>
    tf.tidy(() => {
      let x = z;
      let logDet = tf.zeros([z.shape[0]]) as tf.Tensor1D;
      layers.forEach((layer, k) => {
        const out = layer.forward(x, paramsOf[k]!);
        x = out.y;
        logDet = tf.add(logDet, out.logDet);
      });
      return { x, logDet };
    });
  const inverse = (x: tf.Tensor2D) =>
    tf.tidy(() => {
      let z = x;
      let logDet = tf.zeros([x.shape[0]]) as tf.Tensor1D;
      for (let k = layers.length - 1; k >= 0; k--) {
        const out = layers[k]!.inverse(z, paramsOf[k]!);
        z = out.y;
        logDet = tf.add(logDet, out.logDet);
      }
      return { z, logDet };
    });
  const rows = (argument: string, x: tf.Tensor): tf.Tensor2D => {
    assertBatch(argument, x, 2);
    assertEventShape(argument, x, [dim]);
    return x as tf.Tensor2D;
  };
  const logProb = (x: tf.Tensor): tf.Tensor1D =>
    tf.tidy(() => {
      const { z, logDet } = inverse(rows('x', x));
      return tf.add(logBase(z), logDet);
    });
  const sampleAndLogProb = (key: Key, n: number): FlowSample => {
    assertInteger('n', n);
    return tf.tidy(() => {
      const z = normal(key, [n, dim]) as tf.Tensor2D;
      const { x, logDet } = forward(z);
      return { sample: x, logProb: tf.sub(logBase(z), logDet) as tf.Tensor1D };
    });
  };
  const energy: EnergyFn = (x: tf.Tensor) => tf.tidy(() => tf.neg(logProb(x)));

  return {
    eventShape: [dim],
    dim,
    layers,
    variables,
    energy,
    sample: (key: Key, n: number) => {
      const { sample, logProb: logq } = sampleAndLogProb(key, n);
      logq.dispose();
      return sample;
    },
    sampleAndLogProb,
    logProb,
    forward: (z: tf.Tensor2D) => {
      const { x, logDet } = forward(rows('z', z));
      return { x, logDet };
    },
    inverse: (x: tf.Tensor2D) => inverse(rows('x', x)),
    withVariables: (other: readonly tf.Variable[]) => {
      if (!Array.isArray(other) || other.length !== variables.length) {
        throw new ShapeError('variables', `must hold ${variables.length} variables (one per flow variable, in order), got ${Array.isArray(other) ? other.length : typeof other}.`);
      }
      other.forEach((v, i) => {
        const expected = variables[i]!.shape;
        if (!(v instanceof tf.Tensor) || v.shape.join() !== expected.join()) {
          throw new ShapeError(`variables[${i}]`, `must have shape [${expected.join(', ')}] like the flow's '${variables[i]!.name}', got ${v instanceof tf.Tensor ? `[${v.shape.join(', ')}]` : typeof v}.`);
        }
      });
      return bindFlow(layers, other);
    },
    dispose: () => tf.dispose([...variables]),
  };
}
