// Memory held by the replay buffer of short-run SGLD training on MNIST-sized images (@ebm/cd):
// a 10,000-image buffer of 28x28x1 float32 is 10,000 * 784 * 4 bytes = 31.4 MB. Measures the
// tensor bytes tfjs reports (tf.memory().numBytes) for the objective state after the first
// training step, the peak while a push builds the new buffer next to the old one, and the wasm
// heap the backend had to grow to (WebAssembly memory never shrinks), plus the time of a push.
//
//   node bench/replay-buffer-memory.mjs [--size 10000] [--batch 128] [--backend wasm]
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, disposeState, prngKey, uniform, uniformDistribution, useBackend } from '@ebm/core';
import { convEnergy } from '@ebm/core/models';
import { contrastiveDivergence, pushToReplayBuffer } from '@ebm/cd';
import { langevin } from '@ebm/mcmc-langevin';
import { argument } from './script.mjs';

const SIZE = Number(argument('size', 10_000));
const BATCH = Number(argument('batch', 128));
const backend = argument('backend', 'wasm');
const MB = 1e6;

await useBackend(backend);
const heapBytes = () => (backend === 'wasm' ? tf.backend().wasm.HEAPU8.length : Number.NaN);
const model = convEnergy({ inputShape: [28, 28, 1], key: prngKey(0) });
const eventShape = [28, 28, 1];
const objective = contrastiveDivergence({
  sampler: langevin({ stepSize: 100, noiseScale: 0.005, gradClip: 0.01, clamp: [0, 1] }),
  k: 1,
  init: 'replay',
  bufferSize: SIZE,
  noise: uniformDistribution({ eventShape, low: 0, high: 1 }),
});
const batch = uniform(prngKey(1), [BATCH, ...eventShape], 0, 1);
const before = tf.memory().numBytes;
let state = objective.init(model, prngKey(2));
const step = objective.gradients(model, batch, state, prngKey(3));
tf.dispose([step.loss, step.metrics, step.grads]);
disposeReplaced(state, step.state);
state = step.state;
const held = tf.memory().numBytes - before;

// A push: the new buffer exists next to the old one until the caller disposes the old.
const negatives = uniform(prngKey(4), [BATCH, ...eventShape], 0, 1);
const beforePush = tf.memory().numBytes;
const times = [];
let peak = 0;
let replay = state.replay;
for (let i = 0; i < 21; i++) {
  const start = performance.now();
  const next = pushToReplayBuffer(replay, negatives);
  next.buffer.dataSync();
  times.push(performance.now() - start);
  if (i === 0) peak = tf.memory().numBytes - beforePush;
  if (replay !== state.replay) replay.buffer.dispose();
  replay = next;
}
times.sort((a, b) => a - b);
const result = {
  backend,
  bufferImages: SIZE,
  imageShape: eventShape,
  expectedMB: (SIZE * 784 * 4) / MB,
  objectiveStateMB: held / MB,
  extraDuringPushMB: peak / MB,
  wasmHeapMB: heapBytes() / MB,
  pushMsMedian: times[10],
  loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
};
console.log(JSON.stringify(result, null, 2));
replay.buffer.dispose();
disposeState(state);
tf.dispose([batch, negatives, ...model.variables]);
