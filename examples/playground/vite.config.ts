import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) lets tfjs's wasm backend use threads (SharedArrayBuffer);
 * the dev server and `vite preview` send these headers, and a static host must send them too
 * (see README). Without them the playground still works, with one wasm thread.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  worker: { format: 'es' },
  // esbuild, not Vite 8's default oxc minifier: tfjs's threaded wasm backend sends its module factory
  // to its threads as source text (Function.toString), and oxc drops a `typeof _scriptDir` guard in
  // it that only holds inside the bundle ("e is not defined" in every wasm thread).
  build: { target: 'es2022', minify: 'esbuild', chunkSizeWarningLimit: 4096 },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
});
