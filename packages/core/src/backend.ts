/**
 * Choosing the tfjs backend at run time.
 *
 * `cpu` and `webgl` ship with `@tensorflow/tfjs`; `wasm`, `webgpu` and `tensorflow` (native
 * libtensorflow via tfjs-node) are separate packages that @ebm never imports itself, so a bundle
 * of @ebm never contains, or fails on, a package the application did not install. The application
 * registers an optional backend by importing its package (`import '@tensorflow/tfjs-backend-wasm'`);
 * in Node, `useBackend` also loads an installed one by name. Choose the backend before building
 * models: `tf.setBackend` disposes tensors that live on the previous backend.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendError } from './errors.js';
import { isNode } from './runtime.js';

/** The backends `@ebm` knows how to select. */
export const BACKEND_NAMES = ['cpu', 'wasm', 'webgl', 'webgpu', 'tensorflow'] as const;
/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Environment variable that selects the backend when `useBackend` is called without a name (Node). */
export const BACKEND_ENV_VAR = 'EBM_BACKEND';

/** The backend used when neither an argument nor `EBM_BACKEND` names one: wasm is ~40x faster than cpu in Node. */
export const DEFAULT_BACKEND: BackendName = 'wasm';

/** The npm package that registers each backend outside `@tensorflow/tfjs` itself. */
export const BACKEND_PACKAGES: Readonly<Partial<Record<BackendName, string>>> = {
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  tensorflow: '@tensorflow/tfjs-node',
};

function readEnv(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[BACKEND_ENV_VAR]?.trim();
  return value ? value : undefined;
}

function isModuleNotFound(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string } | null;
  const code = e?.code ?? '';
  const message = e?.message ?? '';
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    (message.includes(pkg) && /cannot find|could not resolve|failed to (load|resolve)|not found/i.test(message))
  );
}

/**
 * Imports `pkg` by name in Node (it registers its backend as a side effect). The specifier is a
 * variable, and the comments tell webpack and Vite to leave it alone: no bundler follows it, so
 * a browser bundle never depends on a backend package the application did not import itself.
 */
async function importInNode(backend: BackendName, pkg: string): Promise<void> {
  try {
    await import(/* webpackIgnore: true */ /* @vite-ignore */ pkg);
  } catch (error) {
    if (isModuleNotFound(error, pkg)) {
      throw new BackendError(
        `The '${backend}' backend needs the package ${pkg}, which is not installed. ` +
          `Install it with \`npm install ${pkg}@${tf.version_core}\` (the same version as @tensorflow/tfjs), or choose another backend.`,
      );
    }
    throw new BackendError(`Loading ${pkg} for the '${backend}' backend failed: ${(error as Error).message}`);
  }
}

/** Why a registered backend may fail to start, per backend. */
const UNAVAILABLE_REASONS: Readonly<Partial<Record<BackendName, string>>> = {
  webgl: ' (it needs a browser with WebGL).',
  webgpu: ' (it needs a browser with WebGPU, and a GPU adapter).',
  wasm: ' (its .wasm binaries could not be fetched or compiled: in a browser, serve them and call setWasmPaths).',
};

/** The error for an optional backend that a browser application has not imported. */
function notImported(backend: BackendName, pkg: string): BackendError {
  const wasmFiles =
    backend === 'wasm'
      ? ` The backend fetches its .wasm binaries at run time: serve them and point to them with setWasmPaths from ${pkg} (see its README).`
      : '';
  return new BackendError(
    `The '${backend}' backend is not registered. In a browser, @ebm cannot load packages by name: install ${pkg}@${tf.version_core} ` +
      `and import it once in your application before calling useBackend, \`import '${pkg}';\`.${wasmFiles}`,
  );
}

/**
 * Selects a tfjs backend and waits until it is ready.
 *
 * The name comes from the argument, else the `EBM_BACKEND` environment variable (Node), else
 * `wasm`. `cpu` and `webgl` come with `@tensorflow/tfjs`. `wasm` and `webgpu` are
 * registered by importing their packages in the application (`import
 * '@tensorflow/tfjs-backend-wasm'`); in Node an installed package is also imported by name when
 * needed. `tensorflow` (native, `@tensorflow/tfjs-node`) is Node-only. Throws a
 * {@link BackendError} for an unknown name, a backend package that is not installed or not
 * imported (naming the package and the fix), `tensorflow` in a browser, or a backend that
 * cannot start here (webgl and webgpu need a browser with a GPU API).
 *
 * @returns the name of the backend now active.
 * @example
 * import '@tensorflow/tfjs-backend-wasm';  // registers 'wasm' (optional in Node)
 * await useBackend('wasm');
 * await useBackend();                       // EBM_BACKEND=cpu node train.js
 */
export async function useBackend(name?: string): Promise<BackendName> {
  const requested = name ?? readEnv() ?? DEFAULT_BACKEND;
  if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
    const source = name === undefined && readEnv() !== undefined ? `${BACKEND_ENV_VAR}=` : '';
    throw new BackendError(
      `Unknown backend ${source}'${requested}'. Choose one of ${BACKEND_NAMES.map((b) => `'${b}'`).join(', ')}.`,
    );
  }
  const backend = requested as BackendName;
  if (tf.getBackend() === backend) return backend;
  const node = isNode();
  if (backend === 'tensorflow' && !node) {
    throw new BackendError(
      "The 'tensorflow' backend (native libtensorflow through @tensorflow/tfjs-node) runs only in Node. " +
        "In a browser choose 'webgpu', 'webgl', 'wasm' or 'cpu'.",
    );
  }
  const pkg = BACKEND_PACKAGES[backend];
  if (pkg !== undefined && tf.findBackendFactory(backend) === null) {
    if (!node) throw notImported(backend, pkg);
    await importInNode(backend, pkg);
  }
  const unavailable = new BackendError(
    `The '${backend}' backend is not available in this environment${UNAVAILABLE_REASONS[backend] ?? '.'} Use 'wasm' or 'cpu' instead.`,
  );
  if (tf.findBackendFactory(backend) === null) throw unavailable;
  let ok = false;
  try {
    ok = await tf.setBackend(backend);
  } catch (error) {
    throw new BackendError(`The '${backend}' backend failed to start: ${(error as Error).message}`);
  }
  if (!ok) throw unavailable;
  await tf.ready();
  return backend;
}
