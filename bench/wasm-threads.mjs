// Issue 16 (a): tfjs-backend-wasm's threaded SIMD build under Node, started by core's
// `useWasmThreads` (@ebm/core/node; its module comment says what it works around), 1 vs 2 threads.
//
//   node bench/wasm-threads.mjs [--rounds 4] [--repeats 21]
//
// Each round runs one child process per thread count that times a 4096x256 by 256x256 GEMM and a
// batch-4096 Langevin step (core mlpEnergy [256, 256] + @ebm/mcmc-langevin) alternately, reports
// how the GEMM's CPU ticks split over the process's OS threads (a load-independent sign that the
// second thread works), and writes its GEMM output and the positions after 3 steps, so that the
// driver can check that both builds give bitwise the same numbers. Needs the built packages.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { argument } from './script.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const BATCH = 4096;
const HIDDEN = 256;

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
  const { disposeState, foldIn, normal, prngKey } = await import('@ebm/core');
  const { useWasmThreads } = await import('@ebm/core/node');
  const { mlpEnergy } = await import('@ebm/core/models');
  const { langevin } = await import('@ebm/mcmc-langevin');
  const actual = await useWasmThreads(threads);
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

if (process.argv.includes('--child')) await child(Number(argument('child')), Number(argument('repeats', 21)), argument('out'));
else await driver(Number(argument('rounds', 4)), Number(argument('repeats', 21)));
