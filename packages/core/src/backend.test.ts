import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKEND_ENV_VAR, useBackend } from './backend.js';
import { BackendError } from './errors.js';

describe('useBackend', () => {
  const saved = process.env[BACKEND_ENV_VAR];
  afterEach(() => {
    if (saved === undefined) delete process.env[BACKEND_ENV_VAR];
    else process.env[BACKEND_ENV_VAR] = saved;
  });

  it('selects cpu and wasm by name (wasm loaded by name in Node)', async () => {
    expect(await useBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await useBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('reads EBM_BACKEND when no name is given', async () => {
    process.env[BACKEND_ENV_VAR] = 'cpu';
    expect(await useBackend()).toBe('cpu');
    process.env[BACKEND_ENV_VAR] = 'wasm';
    expect(await useBackend()).toBe('wasm');
  });

  it('rejects an unknown name, listing the valid ones', async () => {
    await expect(useBackend('gpu')).rejects.toThrow(BackendError);
    await expect(useBackend('gpu')).rejects.toThrow(/Unknown backend 'gpu'. Choose one of 'cpu', 'wasm', 'webgl', 'webgpu', 'tensorflow'/);
    process.env[BACKEND_ENV_VAR] = 'fast';
    await expect(useBackend()).rejects.toThrow(/Unknown backend EBM_BACKEND='fast'/);
  });

  it('names the package to install when a backend package is missing in Node', async () => {
    // @tensorflow/tfjs-backend-webgpu and @tensorflow/tfjs-node are optional peers, not installed here.
    await expect(useBackend('webgpu')).rejects.toThrow(/needs the package @tensorflow\/tfjs-backend-webgpu, which is not installed.*npm install @tensorflow\/tfjs-backend-webgpu@4\.22\.0/);
    await expect(useBackend('tensorflow')).rejects.toThrow(/npm install @tensorflow\/tfjs-node@/);
  });

  it('says when a bundled backend cannot start here', async () => {
    await expect(useBackend('webgl')).rejects.toThrow(/'webgl' backend is not available in this environment \(it needs a browser with WebGL\)/);
    await useBackend('cpu');
  });
});
