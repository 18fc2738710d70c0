// Issue 16 (a): tfjs-backend-wasm's threaded SIMD build under Node. A probe, not a library feature.
//
//   node bench/wasm-threads.mjs [--rounds 4] [--repeats 21]
//
// tfjs 4.22 never picks the threaded build in Node: its WASM_HAS_MULTITHREAD_SUPPORT flag returns
// false when IS_NODE (tfjs issue #3830). Forcing the flag is not enough, for two reasons this
// script works around, during the backend's initialisation only:
//   1. the backend hands emscripten the pthread worker script as a `blob:` URL (locateFile ->
//      URL.createObjectURL), which Node's worker_threads.Worker rejects (ERR_WORKER_PATH); here
//      the Worker class is swapped for one that runs the same script with `eval: true`, plus an
//      `importScripts` that `require`s the threaded factory (the script's own one reads the
//      main-script Blob from a path);
//   2. the C++ side caps the thread count at emscripten_num_logical_cores() / 2 (it assumes two
//      hyper-threads per core), i.e. os.cpus().length / 2 = 1 on a 2-core machine; os.cpus is
//      stretched to 2 x threads while the module starts.
// Each round runs one child process per thread count (the backend is process-global) that times a
// 4096x256 by 256x256 GEMM and a batch-4096 Langevin step (core mlpEnergy [256, 256] +
// @ebm/mcmc-langevin) alternately, reports how the GEMM's CPU ticks split over OS threads, and
// writes its GEMM output and the positions after 3 steps so that the driver can check that both
// builds give bitwise the same numbers. Needs the built packages.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wt from 'node:worker_threads';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const BATCH = 4096;
const HIDDEN = 256;

/** Starts the wasm backend with `threads` pthreads (1: the single-threaded SIMD build tfjs picks in Node). */
async function startWasm(tf, wasm, threads) {
  if (threads > 1) {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    const factory = path.join(dir, 'wasm-out/tfjs-backend-wasm-threaded-simd.js');
    const { wasmWorkerContents } = require(path.join(dir, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js'));
    const importFactory = `;global.importScripts=function(){global.WasmBackendModuleThreadedSimd=require(${JSON.stringify(factory)})};`;
    const [NodeWorker, cpus] = [wt.Worker, os.cpus];
    wt.Worker = class extends NodeWorker {
      constructor(file, options) {
        if (typeof file === 'string' && file.startsWith('blob:')) super(wasmWorkerContents.replace(/\n/g, '\\n') + importFactory, { ...options, eval: true });
        else super(file, options);
      }
    };
    os.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    try {
      wasm.setThreadsCount(threads);
      await tf.setBackend('wasm');
    } finally {
      [wt.Worker, os.cpus] = [NodeWorker, cpus];
    }
  } else {
    wasm.setThreadsCount(1);
    await tf.setBackend('wasm');
  }
  return wasm.getThreadsCount();
}

/** CPU ticks of each OS thread of this process. */
const threadTicks = () =>
  new Map(
    readdirSync('/proc/self/task').map((id) => {
      const fields = readFileSync(`/proc/self/task/${id}/stat`, 'utf8').split(') ')[1].split(' ');
      return [id, Number(fields[11]) + Number(fields[12])];
    }),
  );

async function child(threads, repeats, out) {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const { disposeState, foldIn, normal, prngKey } = await import('@ebm/core');
  const { mlpEnergy } = await import('@ebm/core/models');
  const { langevin } = await import('@ebm/mcmc-langevin');
  const actual = await startWasm(tf, wasm, threads);
  const a = normal(prngKey(1), [BATCH, HIDDEN]);
  const w = normal(prngKey(2), [HIDDEN, HIDDEN]);
  const gemm = () => tf.tidy(() => tf.sum(tf.matMul(a, w)).dataSync());
  const model = mlpEnergy({ inputShape: [2], hidden: [HIDDEN, HIDDEN], key: prngKey(0) });
  const sampler = langevin({ stepSize: 0.01 });
  const init = normal(prngKey(3), [BATCH, 2]);
  let state = sampler.init(init, model.energy);
  let t = 0;
  const step = () => {
    const [next, info] = sampler.step(foldIn(prngKey(4), t++), state, model.energy);
    disposeState([state, info]);
    state = next;
    state.position.dataSync();
  };
  for (let i = 0; i < 3; i++) step();
  const product = tf.matMul(a, w);
  writeFileSync(out, JSON.stringify({ positions: Array.from(state.position.dataSync()), gemm: Array.from(product.dataSync()) }));
  product.dispose();
  const clock = (f) => {
    const start = performance.now();
    f();
    return performance.now() - start;
  };
  gemm();
  gemm();
  const [gemmMs, stepMs] = [[], []];
  for (let i = 0; i < repeats; i++) {
    gemmMs.push(clock(gemm));
    stepMs.push(clock(step));
  }
  const before = threadTicks();
  for (let i = 0; i < repeats; i++) gemm();
  const ticks = [...threadTicks()].map(([id, n]) => n - (before.get(id) ?? 0)).filter((n) => n > 0).sort((x, y) => y - x);
  console.log(JSON.stringify({ threads: actual, gemmMs: median(gemmMs), stepMs: median(stepMs), gemmTicksPerThread: ticks }));
  process.exit(0);
}

async function driver(rounds, repeats) {
  const self = fileURLToPath(import.meta.url);
  const results = { 1: [], 2: [] };
  const file = (n) => path.join(os.tmpdir(), `ebm-wasm-threads-${process.pid}-${n}.json`);
  console.log(`load ${os.loadavg()[0].toFixed(1)}, ${os.availableParallelism()} cores; ${rounds} rounds x ${repeats} calls, medians`);
  for (let round = 0; round < rounds; round++) {
    for (const n of [1, 2]) {
      const line = execFileSync(process.execPath, [self, '--child', n, '--repeats', repeats, '--out', file(n)], { encoding: 'utf8' });
      const r = JSON.parse(line.trim().split('\n').pop());
      results[n].push(r);
      console.log(`round ${round + 1}, ${r.threads} thread(s): GEMM ${r.gemmMs.toFixed(1)} ms, Langevin step ${r.stepMs.toFixed(1)} ms, GEMM CPU ticks per OS thread ${r.gemmTicksPerThread.join(' + ')}`);
    }
    const [one, two] = [1, 2].map((n) => JSON.parse(readFileSync(file(n), 'utf8')));
    for (const key of ['gemm', 'positions']) {
      const differ = one[key].filter((v, i) => v !== two[key][i]).length;
      if (differ > 0) console.log(`  ${key}: ${differ} of ${one[key].length} values differ between 1 and 2 threads`);
    }
  }
  const gemm = [1, 2].map((n) => median(results[n].map((r) => r.gemmMs)));
  const step = [1, 2].map((n) => median(results[n].map((r) => r.stepMs)));
  const flops = 2 * BATCH * HIDDEN * HIDDEN;
  console.log(`GEMM ${BATCH}x${HIDDEN}x${HIDDEN}: 1 thread ${gemm[0].toFixed(1)} ms (${(flops / gemm[0] / 1e6).toFixed(1)} GFLOP/s), 2 threads ${gemm[1].toFixed(1)} ms, speed-up ${(gemm[0] / gemm[1]).toFixed(2)}x`);
  console.log(`Langevin step, batch ${BATCH}, hidden [${HIDDEN},${HIDDEN}]: 1 thread ${step[0].toFixed(1)} ms, 2 threads ${step[1].toFixed(1)} ms, speed-up ${(step[0] / step[1]).toFixed(2)}x`);
  console.log(`load ${os.loadavg()[0].toFixed(1)} at the end`);
}

if (process.argv.includes('--child')) await child(Number(arg('child')), Number(arg('repeats', 21)), arg('out'));
else await driver(Number(arg('rounds', 4)), Number(arg('repeats', 21)));
