/**
 * The GPU path of validation, seen from Node: `onGpuBackend()` is mocked to true (as on webgl and
 * webgpu), so the checks that would read synchronously must not read, and the asynchronous ones
 * (fit's data check, sampleChainAsync's start check) still catch NaN with the same errors.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it, vi } from 'vitest';
import { countDeviceReads } from './device-reads.js';
import { NonFiniteError } from './errors.js';
import { prngKey } from './key.js';
import { initChainState, startCheckEnabled } from './mcmc/init-chain-state.js';
import { sampleChainAsync } from './mcmc/sample-chain.js';
import { gaussianEnergy } from './models/gaussian.js';
import { describeBackends } from './testing/index.js';
import { fit } from './train/fit.js';
import type { EnergyFn, Objective, Sampler } from './types.js';

vi.mock('./runtime.js', async (importOriginal) => ({ ...(await importOriginal<typeof import('./runtime.js')>()), onGpuBackend: () => true }));

const quadratic: EnergyFn = (x) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(x), 1)) as tf.Tensor1D);

/** A sampler that only initialises through initChainState (steps keep the state). */
const still: Sampler = {
  name: 'still',
  init: (position, energy, options) => initChainState('still', position, energy, { ...options, gradient: true }),
  step: (_key, state) => [{ ...state, position: tf.clone(state.position) }, {}],
};

describeBackends('validation on a GPU backend', () => {
  it("samplers' synchronous start checks are off, whatever the options say", () => {
    expect(startCheckEnabled()).toBe(false);
    expect(startCheckEnabled({ check: true })).toBe(false);
  });

  it('initChainState reads nothing and leaves the finiteness check to the caller', async () => {
    const x = tf.tensor2d([[1, Number.NaN]]);
    let state: { position: tf.Tensor; energy: tf.Tensor1D; gradient: tf.Tensor } | undefined;
    expect(await countDeviceReads(() => (state = initChainState('still', x, quadratic, { gradient: true })))).toBe(0);
    tf.dispose([x, state!.position, state!.energy, state!.gradient]);
  });

  it('sampleChainAsync checks the initial state with one asynchronous read, naming the field, and frees it', async () => {
    const x = tf.tensor2d([[1, Number.NaN], [0, 1]]);
    const before = tf.memory().numTensors;
    const error = await sampleChainAsync(still, { energy: quadratic, init: x, key: prngKey(0), numSteps: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteError);
    expect((error as NonFiniteError).argument).toBe('position');
    expect((error as Error).message).toMatch(/initial position \(still needs a finite start/);
    expect(tf.memory().numTensors).toBe(before);
    const kink: EnergyFn = (z) => tf.tidy(() => tf.sum(tf.sqrt(tf.abs(z)), 1) as tf.Tensor1D);
    const zero = tf.zeros([2, 2]);
    await expect(sampleChainAsync(still, { energy: kink, init: zero, key: prngKey(0), numSteps: 3 })).rejects.toThrow(/^gradient: contains NaN or Infinity/);
    tf.dispose([x, zero]);
  });

  it("fit's data check still throws the same NonFiniteError, after an asynchronous read", async () => {
    const model = gaussianEnergy({ dim: 2 });
    const objective: Objective = {
      name: 'never',
      init: () => ({}),
      gradients: () => {
        throw new Error('fit must stop at the data check');
      },
    };
    const data = tf.tensor2d([[0, 1], [Number.POSITIVE_INFINITY, 2]]);
    await expect(fit(model, objective, data, { optimizer: tf.train.sgd(0.1), steps: 1, key: prngKey(0) })).rejects.toThrow(
      /^data: contains NaN or Infinity values\. Clean or rescale it before use\.$/,
    );
    tf.dispose([data, ...model.variables]);
  });
});
