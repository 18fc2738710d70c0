// src/main.js of the fresh Vite project: imports every @ebm library package as an application would.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { ShapeError, disposeState, prngKey, sampleChainAsync, split, useBackend } from '@ebm/core';
import { cholesky } from '@ebm/core/math';
import { mlpEnergy } from '@ebm/core/models';
import { adam, fit, indexedDbCheckpointStore } from '@ebm/core/train';
import { contrastiveDivergence } from '@ebm/cd';
import { loadDigits, toyDatasets } from '@ebm/datasets';
import digitsUrl from '@ebm/datasets/data/digits.csv.gz?url';
import { nll2d } from '@ebm/eval';
import { hmc } from '@ebm/mcmc-hmc';
import { mala } from '@ebm/mcmc-langevin';
import { randomWalkMetropolis } from '@ebm/mcmc-mh';
import { gaussianNoise, nce } from '@ebm/nce';
import { bernoulliRBM, pseudoLikelihood } from '@ebm/rbm';
import { slicedScoreMatching } from '@ebm/score-matching';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

async function trainOn(backend) {
  window.progress = `${backend}: backend`;
  await useBackend(backend);
  const [dataKey, modelKey, fitKey, sampleKey] = split(prngKey(0), 4);
  const data = toyDatasets['8gaussians'].sample(dataKey, 1024);
  const model = mlpEnergy({ inputShape: [2], hidden: [32, 32], key: modelKey });
  const moments = await tf.tidy(() => tf.mean(data, 0)).array();
  const noise = gaussianNoise({ mean: moments, covariance: [[8, 0], [0, 8]] });
  const store = indexedDbCheckpointStore(`fresh-vite-${backend}`);
  const start = performance.now();
  window.progress = `${backend}: fit`;
  const { losses, state } = await fit(model, nce({ noise, ratio: 2 }), data, {
    optimizer: adam({ learningRate: 3e-3 }), steps: 60, batchSize: 256, key: fitKey, checkpoint: { store, every: 30 },
  });
  const stepsPerSecond = 60 / ((performance.now() - start) / 1000);
  disposeState(state);
  window.progress = `${backend}: sampleChainAsync`;
  const chain = await sampleChainAsync(mala({ stepSize: 0.05 }), { energy: model.energy, init: tf.zeros([64, 2]), key: sampleKey, numSteps: 50 });
  disposeState([chain.samples, chain.finalState]);
  window.progress = `${backend}: checkpoint store`;
  const result = { backend: tf.getBackend(), first: losses[0], last: losses.at(-1), acceptance: chain.acceptanceRate, saved: await store.latest(), stepsPerSecond };
  if (backend !== 'webgl') result.nll = nll2d(model.energy, data, { box: [[-4.5, 4.5], [-4.5, 4.5]], grid: 64 }).nll;
  tf.dispose([data, ...model.variables]);
  noise.dispose();
  return result;
}

const result = { runs: [] };
try {
  for (const backend of ['webgl', 'wasm', 'cpu']) result.runs.push(await trainOn(backend));
  window.progress = 'digits and the rbm';
  const digits = await loadDigits({ source: digitsUrl });
  const rbm = bernoulliRBM({ visible: 64, hidden: 16, key: prngKey(1) });
  result.digits = digits.images.shape;
  const binary = tf.cast(tf.greater(digits.images, 0.5), 'float32');
  result.pseudoLikelihood = (await tf.mean(pseudoLikelihood(rbm, binary, prngKey(2))).data())[0];
  result.names = [
    contrastiveDivergence({ sampler: hmc({ stepSize: 0.1, numLeapfrogSteps: 2 }) }).name,
    randomWalkMetropolis({ scale: 0.1 }).name,
    slicedScoreMatching().name,
    new ShapeError('x', 'y').name,
    cholesky([[9]])[0][0],
  ];
  result.nodeOnly = await useBackend('tensorflow').then(() => 'no error', (e) => `${e.name}: ${e.message}`);
} catch (error) {
  result.error = String(error?.stack ?? error);
}
window.result = result;
document.body.textContent = JSON.stringify(result, null, 2);
