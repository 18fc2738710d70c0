// Flow contrastive estimation on the checkerboard toy: an MLP energy and a neural spline flow
// trained against each other with core's fit, then the exact test NLL of both (log Z of the
// energy by quadrature; the flow is normalised, its log Z is 0).
// Run: node fce.mjs [--steps N]
import * as tf from '@tensorflow/tfjs';
import { cosineDecay, disposeState, prngKey, split, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { adam, fit } from '@ebm/core/train';
import { toyDatasets } from '@ebm/datasets';
import { nll2d } from '@ebm/eval';
import { fce, neuralSplineFlow } from '@ebm/flows';

const steps = Number(process.argv.includes('--steps') ? process.argv[process.argv.indexOf('--steps') + 1] : 2000);
await useBackend('wasm');
const [dataKey, testKey, modelKey, flowKey, fitKey] = split(prngKey(0), 5);
const toy = toyDatasets.checkerboard;
const data = toy.sample(dataKey, 20_000);
const { mean, variance } = tf.moments(data, 0);

const model = mlpEnergy({ inputShape: [2], hidden: [64, 64], key: modelKey });
// The flow starts as the data's diagonal Gaussian; its splines act on standardised coordinates.
const flow = neuralSplineFlow({ dim: 2, layers: 4, hidden: [32, 32], loc: [...mean.dataSync()], scale: [...variance.dataSync()].map(Math.sqrt), key: flowKey });
const objective = fce({ flow });
const { state } = await fit(model, objective, data, {
  optimizer: adam({ learningRate: cosineDecay({ initial: 3e-3, decaySteps: steps }) }),
  steps,
  batchSize: 256,
  key: fitKey,
  onStep: ({ step, loss, metrics }) => {
    // FCE's progress signal: the classifier's accuracy on data and on flow samples, ~0.5 once they match.
    if (step % 250 === 0 || step === steps) {
      console.log(`step ${step}  loss ${loss.toFixed(3)}  accuracy data ${metrics.dataAccuracy.toFixed(2)} flow ${metrics.flowAccuracy.toFixed(2)}  log Z ${metrics.logZ.toFixed(3)}`);
    }
  },
});
const test = toy.sample(testKey, 5000);
const box = [[-6, 6], [-6, 6]];
const energyNll = nll2d(model.energy, test, { box, grid: 400 }).nll;
const flowNll = nll2d(objective.flow(state).energy, test, { box, grid: 400 }).nll;
console.log(`test NLL: energy ${energyNll.toFixed(3)}, flow ${flowNll.toFixed(3)} (floor ${toy.entropy.toFixed(3)})`);
disposeState([state, model.variables]); // the state owns the flow's variables
tf.dispose([data, test, mean, variance]);
