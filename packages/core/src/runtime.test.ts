import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from './errors.js';
import { assertNode, isNode, onGpuBackend } from './runtime.js';
import { describeBackends } from './testing/index.js';

describe('isNode and assertNode', () => {
  it('knows it runs in Node here, and passes', () => {
    expect(isNode()).toBe(true);
    expect(() => assertNode('readIdx(path)', 'pass bytes')).not.toThrow();
  });

  it('throws an EnvironmentError naming the function and the browser alternative when process is absent', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'process')!;
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try {
      expect(isNode()).toBe(false);
      expect(() => assertNode('fileCheckpointStore', "in a browser, use indexedDbCheckpointStore from '@ebm/core/train'")).toThrow(EnvironmentError);
      expect(() => assertNode('fileCheckpointStore', 'use X')).toThrow(/^fileCheckpointStore needs Node .* cannot run in a browser or worker: use X\.$/);
    } finally {
      Object.defineProperty(globalThis, 'process', saved);
    }
  });
});

describeBackends('onGpuBackend', () => {
  it('is false on the cpu and wasm backends', () => {
    expect(['cpu', 'wasm']).toContain(tf.getBackend());
    expect(onGpuBackend()).toBe(false);
  });
});
