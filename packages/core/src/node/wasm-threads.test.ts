import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvironmentError, InvalidArgumentError } from '../errors.js';
import { prngKey } from '../key.js';
import { mlpEnergy } from '../models/mlp.js';
import { normal } from '../random.js';
import { MAX_WASM_THREADS, useWasmThreads } from './wasm-threads.js';

/** A GEMM and an MLP energy's value and input gradient (what a Langevin step computes) on fixed inputs, read back. */
function compute(): { gemm: Float32Array; energy: Float32Array; gradient: Float32Array } {
  const a = normal(prngKey(1), [512, 96]);
  const b = normal(prngKey(2), [96, 80]);
  const x = normal(prngKey(3), [512, 2]);
  const model = mlpEnergy({ inputShape: [2], hidden: [96, 96], key: prngKey(4) });
  const gemm = tf.matMul(a, b);
  const { energy, gradient } = model.energy.valueAndGrad!(x);
  const out = { gemm: gemm.dataSync() as Float32Array, energy: energy.dataSync() as Float32Array, gradient: gradient.dataSync() as Float32Array };
  tf.dispose([a, b, x, gemm, energy, gradient, ...model.variables]);
  return out;
}

describe('useWasmThreads', () => {
  // Each test file runs in its own process: back to one thread for whatever runs after these tests in it.
  afterAll(async () => {
    await useWasmThreads(1);
  });

  it('runs the threaded wasm build with 2 threads and gives bit for bit the numbers of 1 thread, without leaking tensors', async () => {
    expect(await useWasmThreads(1)).toBe(1);
    const single = compute();
    const before = tf.memory().numTensors;
    expect(await useWasmThreads(2)).toBe(2);
    expect(tf.getBackend()).toBe('wasm');
    const threaded = compute();
    expect(tf.memory().numTensors).toBe(before);
    expect(threaded.gemm).toEqual(single.gemm);
    expect(threaded.energy).toEqual(single.energy);
    expect(threaded.gradient).toEqual(single.gradient);
    // And back to one thread: the same numbers again.
    expect(await useWasmThreads(1)).toBe(1);
    expect(compute().gradient).toEqual(single.gradient);
  });

  it('rejects a thread count that is not an integer in [1, 8], naming the argument', async () => {
    for (const bad of [0, 1.5, MAX_WASM_THREADS + 1, Number.NaN]) {
      await expect(useWasmThreads(bad)).rejects.toThrow(InvalidArgumentError);
    }
    await expect(useWasmThreads(9)).rejects.toThrow(/threads.*\[1, 8\]/);
  });

  it('refuses to run outside Node with an EnvironmentError', async () => {
    const versions = process.versions;
    Object.defineProperty(process, 'versions', { value: {}, configurable: true });
    try {
      await expect(useWasmThreads(2)).rejects.toThrow(EnvironmentError);
    } finally {
      Object.defineProperty(process, 'versions', { value: versions, configurable: true });
    }
  });
});
