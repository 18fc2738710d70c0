/**
 * useBackend as a browser sees it: `isNode()` is false, so nothing is imported by name and the
 * Node-only backend is refused with a message saying so.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { BackendError } from './errors.js';

vi.mock('./runtime.js', async (importOriginal) => ({ ...(await importOriginal<typeof import('./runtime.js')>()), isNode: () => false }));

const { useBackend } = await import('./backend.js');

describe('useBackend in a browser', () => {
  it("says the 'tensorflow' backend is Node-only instead of suggesting an install", async () => {
    const error = await useBackend('tensorflow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/runs only in Node\. In a browser choose 'webgpu', 'webgl', 'wasm' or 'cpu'/);
    expect((error as Error).message).not.toMatch(/npm install/);
  });

  it('asks the application to import an optional backend package it has not imported', async () => {
    // Nothing in this test file imported @tensorflow/tfjs-backend-webgpu, so 'webgpu' has no factory.
    expect(tf.findBackendFactory('webgpu')).toBeNull();
    await expect(useBackend('webgpu')).rejects.toThrow(
      /'webgpu' backend is not registered\. In a browser, @ebm cannot load packages by name: install @tensorflow\/tfjs-backend-webgpu@4\.22\.0 and import it once.*import '@tensorflow\/tfjs-backend-webgpu';/,
    );
  });

  it('uses a backend the application registered by importing its package', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    expect(await useBackend('wasm')).toBe('wasm');
    expect(await useBackend('cpu')).toBe('cpu');
  });
});
