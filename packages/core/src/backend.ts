/**
 * Choosing the tfjs backend at run time.
 *
 * `cpu` and `webgl` ship with `@tensorflow/tfjs`; `wasm`, `webgpu` and `tensorflow` (native
 * libtensorflow via tfjs-node) are separate packages, loaded on demand the first time they are
 * asked for. Choose the backend before building models: `tf.setBackend` disposes tensors that
 * live on the previous backend.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendError } from './errors.js';

/** The backends @ebm knows how to load. */
export const BACKEND_NAMES = ['cpu', 'wasm', 'webgl', 'webgpu', 'tensorflow'] as const;
/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Environment variable that selects the backend when `useBackend` is called without a name. */
export const BACKEND_ENV_VAR = 'EBM_BACKEND';

/** The backend used when neither an argument nor `EBM_BACKEND` names one: wasm is ~40x faster than cpu in Node. */
export const DEFAULT_BACKEND: BackendName = 'wasm';

/** The npm package that provides each backend outside `@tensorflow/tfjs` itself. */
export const BACKEND_PACKAGES: Readonly<Partial<Record<BackendName, string>>> = {
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** Literal dynamic imports, so bundlers can see (and split out) each optional backend. */
const LOADERS: Readonly<Partial<Record<BackendName, () => Promise<unknown>>>> = {
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  // @ts-ignore -- optional peer dependency: absent unless the application installs it.
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  // @ts-ignore -- optional peer dependency: absent unless the application installs it.
  tensorflow: () => import('@tensorflow/tfjs-node'),
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
 * Selects a tfjs backend, loading its package if needed, and waits until it is ready.
 *
 * The name comes from the argument, else the `EBM_BACKEND` environment variable, else
 * {@link DEFAULT_BACKEND}. Throws a {@link BackendError} for an unknown name, a backend package
 * that is not installed (naming the package to install), or a backend that cannot start here
 * (webgl and webgpu need a browser or a GPU).
 *
 * @returns the name of the backend now active.
 * @example
 * await useBackend('wasm');          // npm i @tensorflow/tfjs-backend-wasm
 * await useBackend();                // EBM_BACKEND=cpu node train.js
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
  const load = LOADERS[backend];
  if (load && tf.findBackendFactory(backend) === null) {
    const pkg = BACKEND_PACKAGES[backend]!;
    try {
      await load();
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
  const unavailable = new BackendError(
    `The '${backend}' backend is not available in this environment` +
      (backend === 'webgl' || backend === 'webgpu' ? ' (it needs a browser with WebGL/WebGPU).' : '.') +
      " Use 'wasm' or 'cpu' instead.",
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
