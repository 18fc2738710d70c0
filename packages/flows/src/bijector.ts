import type * as tf from '@tensorflow/tfjs';

/** What a bijector returns: the mapped rows and the log-determinant of the map's Jacobian, per row. */
export interface BijectorResult {
  /** The mapped rows, `[N, D]`. */
  readonly y: tf.Tensor2D;
  /** `log |det J|` of the map at each row, `[N]`. */
  readonly logDet: tf.Tensor1D;
}

/**
 * An invertible, differentiable map `f: R^D -> R^D` with a tractable Jacobian determinant, the
 * layer a normalizing flow is composed of. `forward` is the generative direction (from the base
 * towards the data) and `inverse` the normalising one:
 *
 *   forward(x) = (f(x), log |det df/dx|),   inverse(y) = (f^-1(y), log |det df^-1/dy|) = (x, -log |det df/dx|).
 *
 * Both read the layer's parameters from `params`, tensors with the shapes of `variables` in the
 * same order, so one architecture can run on other variables (a checkpoint's, an objective
 * state's): `normalizingFlow` passes its own. Call inside `tf.tidy`; neither reads the device.
 */
export interface Bijector {
  /** The variable-name prefix of this layer (informative). */
  readonly name: string;
  /** The dimension D of the rows it maps. */
  readonly dim: number;
  /** The layer's trainable variables, in the fixed order `params` follows. */
  readonly variables: readonly tf.Variable[];
  /** The generative direction: `(f(x), log |det df/dx|)` for rows `x` `[N, D]`, with the layer's parameters `params`. */
  forward(x: tf.Tensor2D, params: readonly tf.Tensor[]): BijectorResult;
  /** The normalising direction: `(f^-1(y), log |det df^-1/dy|)` for rows `y` `[N, D]`, with the layer's parameters `params`. */
  inverse(y: tf.Tensor2D, params: readonly tf.Tensor[]): BijectorResult;
}
