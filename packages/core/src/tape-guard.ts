/**
 * Exceptions inside a differentiated function, without leaks.
 *
 * tfjs records every op of a function it differentiates on a tape, and keeps the tensors the
 * backward pass will need (`saved`). Only the backward pass frees them: when the function throws
 * (a wrong-shaped energy, a model given rows of the wrong width), the forward pass unwinds, the
 * backward pass never runs, and the saved tensors leak, one set per call. A guarded function
 * catches the exception instead, returns a stand-in loss so that the backward pass runs and frees
 * the tape, and the exception is rethrown once the gradient call has returned.
 */
import * as tf from '@tensorflow/tfjs';

/** The function to differentiate, wrapped, and what to do once the gradient call returned. */
export interface TapeGuard<A extends unknown[]> {
  /** `f`, or `standIn` (with the same arguments) when `f` throws. Pass it to `tf.grad` / `tf.variableGrads`. */
  readonly guarded: (...args: A) => tf.Scalar;
  /** When `f` threw during the gradient call: disposes `results` (what the call returned) and rethrows. */
  readonly throwIfFailed: (results: tf.TensorContainer) => void;
}

/**
 * Wraps `f` for `tf.grad` / `tf.variableGrads` so that an exception inside it leaks nothing (see
 * the module comment). `standIn` builds the loss returned in its place: a scalar that the gradient
 * call accepts (for `tf.grad`, one connected to the input, e.g. `tf.sum(tf.mul(x, 0))`).
 *
 * @example
 * const guard = guardTape((z: tf.Tensor) => tf.sum(energy(z)), (z) => tf.sum(tf.mul(z, 0)));
 * const gradient = tf.grad(guard.guarded)(x);
 * guard.throwIfFailed(gradient);
 */
export function guardTape<A extends unknown[]>(f: (...args: A) => tf.Scalar, standIn: (...args: A) => tf.Scalar): TapeGuard<A> {
  let thrown: { readonly error: unknown } | undefined;
  return {
    guarded: (...args) => {
      thrown = undefined;
      try {
        return f(...args);
      } catch (error) {
        thrown = { error };
        return standIn(...args);
      }
    },
    throwIfFailed: (results) => {
      if (thrown === undefined) return;
      tf.dispose(results);
      throw thrown.error;
    },
  };
}
