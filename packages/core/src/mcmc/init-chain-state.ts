import * as tf from '@tensorflow/tfjs';
import { energyAndGradient } from '../energy-gradient.js';
import type { EnergyFn, SamplerInitOptions } from '../types.js';
import { NonFiniteError } from '../errors.js';
import { onGpuBackend } from '../runtime.js';
import { assertBatch, assertEnergyShape } from '../validate.js';
import { assertFloatPositions } from './chain-state.js';

/**
 * What a sampler's `init` returns at the chains' starting positions: a copy of `position` (the
 * caller keeps its tensor), `E(x0)` (one value per chain) and, with `gradient: true`,
 * `dE/dx (x0)`. Checks that `position` is a float32 batch, that the energy returns one value per chain,
 * and that energies (and gradients) are finite, throwing `ShapeError` / `NonFiniteError` that name
 * the sampler. The energy runs inside `tf.tidy`, so its intermediates are freed; the result is
 * fresh tensors the caller owns, and nothing leaks on error. The finiteness check reads from the
 * device once (synchronously: `init` is synchronous); `check: false` (the sampler's `init` options)
 * skips it and reads nothing. On the GPU backends (webgl, webgpu) the check is left to the caller's
 * asynchronous reads, where a synchronous read would stall the queue (webgl) or return wrong values
 * (webgpu): `fit` stops on a non-finite loss, and `sampleChainAsync` checks the initial state.
 *
 * @example
 * init(position, energy, options) {
 *   return { ...initChainState('mala', position, energy, { ...options, gradient: true }), step: 0 };
 * }
 */
export function initChainState(
  sampler: string,
  position: tf.Tensor,
  energy: EnergyFn,
  options: { readonly gradient: true } & SamplerInitOptions,
): { position: tf.Tensor; energy: tf.Tensor1D; gradient: tf.Tensor };
export function initChainState(
  sampler: string,
  position: tf.Tensor,
  energy: EnergyFn,
  options?: { readonly gradient?: false } & SamplerInitOptions,
): { position: tf.Tensor; energy: tf.Tensor1D };
export function initChainState(
  sampler: string,
  position: tf.Tensor,
  energy: EnergyFn,
  options: { readonly gradient?: boolean } & SamplerInitOptions = {},
): { position: tf.Tensor; energy: tf.Tensor1D; gradient?: tf.Tensor } {
  assertBatch('position', position, 1);
  assertFloatPositions('position', position);
  const result = tf.tidy(() => {
    if (options.gradient) {
      const { energy: e, gradient } = energyAndGradient(energy, position);
      return { position: tf.clone(position), energy: e, gradient };
    }
    const e = energy(position);
    assertEnergyShape(e, position.shape[0]!);
    return { position: tf.clone(position), energy: e };
  });
  if (!startCheckEnabled(options)) return result;
  // One read for both checks: [all E finite, all dE/dx finite].
  const [energyFinite, gradientFinite] = tf.tidy(() =>
    tf.stack([tf.all(tf.isFinite(result.energy)), tf.all(tf.isFinite(result.gradient ?? result.energy))]).dataSync(),
  );
  if (!energyFinite || !gradientFinite) {
    tf.dispose(result);
    const what = energyFinite ? 'gradient' : 'energy';
    throw new NonFiniteError(
      what,
      `contains NaN or Infinity values at the initial position (${sampler} needs a finite ${energyFinite ? 'dE/dx' : 'E(x)'} ` +
        'to start from: check the energy and the initial samples).',
    );
  }
  return result;
}

/**
 * Whether a sampler's `init` runs its start check, which reads from the device synchronously
 * (finite energies, binary states, values in range): not when the caller passes `check: false`
 * (objectives that restart chains every step, covered by `fit`'s loss check), and not on webgl or
 * webgpu, where a synchronous read stalls the GPU queue or, on webgpu, can return wrong values and
 * lose the device (`fit` and `sampleChainAsync` check asynchronously there).
 *
 * @example
 * init(position, energy, options) {
 *   if (startCheckEnabled(options)) checkBinary(position);   // one dataSync
 *   return { position: tf.clone(position) };
 * }
 */
export function startCheckEnabled(options?: SamplerInitOptions): boolean {
  return options?.check !== false && !onGpuBackend();
}
