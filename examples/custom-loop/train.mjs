// A custom training loop: noise-contrastive estimation of an MLP energy on 8gaussians with your own
// loop over objective.gradients and a tfjs optimizer (what core's fit() does for you, minus
// checkpoints). Prints the exact test NLL (log Z by quadrature) against the 2.832-nat floor.
// Run: node train.mjs [--steps N]
import * as tf from '@tensorflow/tfjs';
import { disposeReplaced, foldIn, minibatches, mlpEnergy, prngKey, split, useBackend } from '@ebm/core';
import { toyDatasets } from '@ebm/datasets';
import { nll2d } from '@ebm/eval';
import { gaussianNoise, nce } from '@ebm/nce';

const steps = process.argv.includes('--steps') ? Number(process.argv[process.argv.indexOf('--steps') + 1]) : 2000;
await useBackend(process.env.EBM_BACKEND ?? 'wasm');
const [dataKey, testKey, modelKey, batchKey, initKey, stepKey] = split(prngKey(0), 6);
const toy = toyDatasets['8gaussians'];
const [data, test] = [toy.sample(dataKey, 20000), toy.sample(testKey, 5000)];

// --- the loop ---
const model = mlpEnergy({ inputShape: [2], hidden: [64, 64], key: modelKey });
const objective = nce({ noise: gaussianNoise.fit(data), ratio: 4 });
const optimizer = tf.train.adam(3e-3);
const batches = minibatches(data, { key: batchKey, batchSize: 256 });
let state = objective.init(model, initKey);
const variables = [...model.variables, ...objective.variables(state)]; // fixed order for Adam
for (let t = 0; t < steps; t++) {
  const batch = batches.batch(t);
  const { loss, grads, state: next } = objective.gradients(model, batch, state, foldIn(stepKey, t));
  optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
  if ((t + 1) % 500 === 0 || t + 1 === steps) console.log(`step ${t + 1}  loss ${loss.dataSync()[0].toFixed(4)}`);
  tf.dispose([batch, loss, ...Object.values(grads)]);
  disposeReplaced(state, next); // frees what the new state no longer holds
  state = next;
}
// --- end of the loop ---

const { nll, partition } = nll2d(model.energy, test, { box: [[-7, 7], [-7, 7]], grid: 256 });
console.log(`test NLL ${nll.toFixed(4)} nats (floor ${toy.entropy.toFixed(4)}, gap ${(nll - toy.entropy).toFixed(4)}; log Z ${partition.logZ.toFixed(4)} +- ${partition.errorBound.toExponential(1)})`);
