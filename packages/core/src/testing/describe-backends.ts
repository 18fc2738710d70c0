import { afterEach, beforeAll, describe } from 'vitest';
import { type BackendName, useBackend } from '../backend.js';

/** Backends every suite runs on by default: the two that work everywhere Node does. */
export const TEST_BACKENDS: readonly BackendName[] = ['cpu', 'wasm'];

/**
 * Runs the suite `body` once per backend (cpu and wasm by default, or the comma-separated list in
 * `EBM_TEST_BACKENDS`), switching backend before each copy. Build tensors inside tests or hooks,
 * not at collection time: switching backend disposes tensors of the previous one.
 *
 * @example
 * describeBackends('langevin', (backend) => {
 *   it('leaks nothing', () => { ... });
 * });
 */
export function describeBackends(name: string, body: (backend: BackendName) => void, backends?: readonly BackendName[]): void {
  const fromEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.EBM_TEST_BACKENDS;
  const list = backends ?? (fromEnv ? (fromEnv.split(',').map((b) => b.trim()) as BackendName[]) : TEST_BACKENDS);
  for (const backend of list) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(async () => {
        await useBackend(backend);
      });
      // Synchronous tests run back to back as microtasks, so the worker never reaches its event loop
      // and vitest's replies to its progress messages wait; after a minute of that, vitest reports
      // "Timeout calling onTaskUpdate". One macrotask turn after each test lets the replies in.
      afterEach(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
      body(backend);
    });
  }
}
