// A custom training loop: noise-contrastive estimation of an MLP energy on 8gaussians with your own
// loop over objective.gradients and an optimizer with a cosine learning-rate schedule (what core's
// fit() does for you, minus checkpoints). Prints the exact test NLL (log Z by quadrature) against
// the 2.832-nat floor. Run: node train.mjs [--steps N]
import * as tf from '@tensorflow/tfjs';
import { cosineDecay, disposeReplaced, foldIn, prngKey, readScalars, split, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { adam, minibatches } from '@ebm/core/train';
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
const noise = gaussianNoise.fit(data);
const objective = nce({ noise, ratio: 4 });
const optimizer = adam({ learningRate: cosineDecay({ initial: 3e-3, decaySteps: steps }) }); // the schedule follows the optimizer's update count
const batches = minibatches(data, { key: batchKey, batchSize: 256 });
let state = objective.init(model, initKey);
const variables = [...model.variables, ...objective.variables(state)]; // fixed order for Adam
for (let t = 0; t < steps; t++) {
  const batch = batches.batch(t);
  const { loss, grads, state: next, metrics } = objective.gradients(model, batch, state, foldIn(stepKey, t));
  optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
  if ((t + 1) % 500 === 0 || t + 1 === steps) {
    const read = await readScalars({ loss, ...metrics }); // one device read, only on the steps we print
    console.log(`step ${t + 1}  ${Object.entries(read).map(([name, value]) => `${name} ${value.toFixed(4)}`).join('  ')}`);
  }
  tf.dispose([batch, loss, ...Object.values(grads), ...Object.values(metrics)]);
  disposeReplaced(state, next); // frees what the new state no longer holds
  state = next;
}
// --- end of the loop ---

const { nll, partition } = nll2d(model.energy, test, { box: [[-7, 7], [-7, 7]], grid: 256 });
console.log(`test NLL ${nll.toFixed(4)} nats (floor ${toy.entropy.toFixed(4)}, gap ${(nll - toy.entropy).toFixed(4)}; log Z ${partition.logZ.toFixed(4)} +- ${partition.errorBound.toExponential(1)})`);
noise.dispose();
