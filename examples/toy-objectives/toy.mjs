// What every script here shares: the 8gaussians data, an MLP energy, fit() with a progress line,
// and the evaluation at the end (exact test NLL with log Z by quadrature, and its gap to the floor).
import { prngKey, split, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { adam, fit } from '@ebm/core/train';
import { toyDatasets } from '@ebm/datasets';
import { nll2d } from '@ebm/eval';

/** `--name value` from the command line, or `fallback`. */
export function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** Trains `makeObjective(data)` on 8gaussians for `--steps` steps and prints the test NLL. */
export async function trainOnToy(title, makeObjective, { steps, learningRate = 1e-3, batchSize = 128 }) {
  await useBackend(process.env.EBM_BACKEND ?? 'wasm');
  const [dataKey, testKey, modelKey, fitKey] = split(prngKey(0), 4);
  const toy = toyDatasets['8gaussians'];
  const data = toy.sample(dataKey, 10_000);
  const model = mlpEnergy({ inputShape: [2], hidden: [64, 64], key: modelKey });
  const started = performance.now();
  const result = await fit(model, makeObjective(data), data, {
    optimizer: adam({ learningRate }),
    steps: Number(flag('steps', steps)),
    batchSize,
    key: fitKey,
    onStep: ({ step, totalSteps, loss }) => {
      if (step % 250 === 0 || step === totalSteps) console.log(`${title}  step ${step}/${totalSteps}  loss ${loss.toFixed(4)}`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const { nll } = nll2d(model.energy, toy.sample(testKey, 5000), { box: [[-6, 6], [-6, 6]], grid: 256 });
  console.log(`${title}: test NLL ${nll.toFixed(3)} nats, floor ${toy.entropy.toFixed(3)}, gap ${(nll - toy.entropy).toFixed(3)}, ${seconds.toFixed(1)} s`);
  return { model, result };
}
