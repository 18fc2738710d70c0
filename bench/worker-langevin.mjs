// Bench row 4b: both cores for one sampler. wasm in Node has no threads (DESIGN.md), so the chains
// are split across worker threads, each with its own tfjs wasm backend and its own copy of the
// model (the same key gives the same weights), and every step is one message round trip: the main
// thread posts "step" to every worker and waits for all of them. Chains are independent, so this
// is the same sampler on the same chains, split by rows.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (!isMainThread) {
  const tf = await import('@tensorflow/tfjs');
  const { disposeState, foldIn, normal, prngKey, useBackend } = await import('@ebm/core');
  const { mlpEnergy } = await import('@ebm/core/models');
  const { langevin } = await import('@ebm/mcmc-langevin');
  const { index, batch, hidden, dim, stepSize } = workerData;
  await useBackend('wasm');
  const model = mlpEnergy({ inputShape: [dim], hidden: [hidden, hidden], key: prngKey(0) });
  const sampler = langevin({ stepSize });
  const init = normal(foldIn(prngKey(1), index), [batch, dim]);
  let state = sampler.init(init, model.energy);
  init.dispose();
  let t = 0;
  parentPort.on('message', (message) => {
    if (message === 'close') {
      disposeState(state);
      tf.dispose(model.variables);
      parentPort.close();
      return;
    }
    const [next, info] = sampler.step(foldIn(prngKey(2 + index), t++), state, model.energy);
    disposeState([state, info]);
    state = next;
    parentPort.postMessage('done');
  });
  parentPort.postMessage('ready');
}

/** Median ms per Langevin step of `batch` chains split over `workers` threads (two warm-up steps). */
export async function workerLangevin({ workers, batch, hidden, dim, stepSize, repeats }) {
  const share = Math.ceil(batch / workers);
  const threads = Array.from(
    { length: workers },
    (_, index) => new Worker(new URL(import.meta.url), { workerData: { index, batch: Math.min(share, batch - index * share), hidden, dim, stepSize } }),
  );
  let failure = null;
  for (const w of threads) w.on('error', (error) => (failure = error));
  const next = (w) =>
    new Promise((resolve, reject) =>
      w.once('message', () => (failure ? reject(failure) : resolve())),
    );
  await Promise.all(threads.map(next));
  const step = () => Promise.all(threads.map((w) => { const done = next(w); w.postMessage('step'); return done; }));
  await step();
  await step();
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await step();
    times.push(performance.now() - start);
  }
  const ms = times.sort((a, b) => a - b)[Math.floor(repeats / 2)];
  await Promise.all(threads.map((w) => { const exited = new Promise((resolve) => w.once('exit', resolve)); w.postMessage('close'); return exited; }));
  return ms;
}
