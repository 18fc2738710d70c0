// NCE with a Gaussian noise fitted to the data (the CLI's default recipe), flow contrastive
// estimation (FCE) and the flow alone by maximum likelihood, on every 2-D toy of @ebm/datasets,
// through the ebm CLI's main(): the same MLP energy, data, seed and evaluation (exact test NLL by
// quadrature) for all. Two budgets per toy:
//   equal steps  every method runs --steps training steps;
//   equal time   NCE and the flow run as many steps as fit in the seconds FCE took at equal steps
//                (their steps are scaled by the measured seconds per step).
// Prints one table: test NLL minus the NLL floor (the data's entropy) where the floor is known,
// else the test NLL (marked *), for each method and budget, and the NLL of the flow FCE trained.
// Run: node compare.mjs [--steps N] [--learning-rate LR] [--datasets a,b] [--tiny] [--no-train]
// Runs land in runs/flow-contrastive/<dataset>/<method> (and <dataset>/results.json; --tiny: runs/flow-contrastive-tiny); --no-train
// prints the table from the results.json files there (e.g. after running halves of the toys in parallel).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { formatTable, main } from '@ebm/cli';
import { TOY_DATASET_NAMES } from '@ebm/datasets';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const tiny = process.argv.includes('--tiny');
const train = !process.argv.includes('--no-train');
const steps = Number(arg('--steps', tiny ? '10' : '800'));
const datasets = arg('--datasets', tiny ? '8gaussians' : TOY_DATASET_NAMES.join(',')).split(',');
// --tiny runs go to their own folder, so CI's smoke run never overwrites a measured table.
const root = join('runs', tiny ? 'flow-contrastive-tiny' : 'flow-contrastive');
// The same energy, data and evaluation for everyone; one evaluation at the end (evalEvery = steps).
// --tiny shrinks everything so CI runs it in seconds.
const common = tiny
  ? ['--hidden', '8', '--data-size', '512', '--test-size', '256', '--batch-size', '64', '--sample-size', '64', '--sample-steps', '5', '--flow-width', '4', '--flow-layers', '2']
  : ['--data-size', '20000', '--sample-size', '500', '--sample-steps', '100'];
// Per-method settings. One learning rate for all: at budgets this short every method learns more
// at 0.01 than at the CLI's 0.003 (tuned for 6000 steps); see packages/flows/README.md.
const learningRate = arg('--learning-rate', '0.01');
const settings = {
  nce: ['--objective', 'nce', '--ratio', '4', '--learning-rate', learningRate],
  fce: ['--objective', 'fce', '--learning-rate', learningRate],
  flow: ['--objective', 'flow', '--learning-rate', learningRate],
};
const silent = { out: () => undefined, err: (text) => process.stderr.write(text), tty: false };

/** Trains (unless --no-train) and returns the run's summary.json. */
async function run(dataset, name, method, runSteps) {
  const out = join(root, dataset, name);
  {
    const args = ['train', '--out', out, '--force', '--quiet', '--dataset', dataset, '--steps', String(runSteps), '--eval-every', String(runSteps), ...common, ...settings[method]];
    process.stdout.write(`${dataset} ${name} (${runSteps} steps)... `);
    if ((await main(args, silent)) !== 0) throw new Error(`ebm ${args.join(' ')} failed`);
  }
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  console.log(`NLL ${summary.nll.toFixed(3)} in ${summary.seconds.toFixed(1)} s (load ${loadavg()[0].toFixed(1)})`);
  return summary;
}

/** The budgets of one toy: every method at equal steps, then NCE and the flow alone at FCE's seconds. */
async function compareOn(dataset) {
  const equalSteps = {};
  for (const method of ['nce', 'fce', 'flow']) equalSteps[method] = await run(dataset, method, method, steps);
  // Equal wall-clock time: the seconds FCE took, at each method's own measured seconds per step.
  const budgetSeconds = equalSteps.fce.seconds;
  const equalTime = {};
  for (const method of ['nce', 'flow']) {
    const timedSteps = Math.max(1, Math.round((steps * budgetSeconds) / Math.max(equalSteps[method].seconds, 1e-9)));
    equalTime[method] = await run(dataset, `${method}-time`, method, timedSteps);
  }
  const result = { dataset, steps, budgetSeconds, load: loadavg(), equalSteps, equalTime };
  mkdirSync(join(root, dataset), { recursive: true });
  writeFileSync(join(root, dataset, 'results.json'), JSON.stringify(result, null, 1));
  return result;
}

const results = [];
for (const dataset of datasets) {
  results.push(train ? await compareOn(dataset) : JSON.parse(readFileSync(join(root, dataset, 'results.json'), 'utf8')));
}

/** NLL minus the floor where the floor is known, else the NLL marked with *. */
const cell = (summary, nll = summary.nll) => (summary.nllFloor === undefined ? `${nll.toFixed(3)}*` : (nll - summary.nllFloor).toFixed(3));
const rows = results.map(({ dataset, equalSteps: s, equalTime: t, budgetSeconds }) => [
  dataset,
  s.nce.nllFloor === undefined ? '-' : s.nce.nllFloor.toFixed(3),
  cell(s.nce),
  cell(s.fce),
  cell(s.flow),
  cell(s.fce, s.fce.flowNll),
  `${cell(t.nce)} (${t.nce.steps})`,
  `${cell(t.flow)} (${t.flow.steps})`,
  budgetSeconds.toFixed(0),
]);
console.log(`\nGap to the NLL floor (test NLL - entropy, nats; * = test NLL, the floor is unknown). Equal steps: ${steps} each.`);
console.log('Equal time: NCE and the flow alone trained for the seconds FCE took (their steps in parentheses).\n');
console.log(
  formatTable(
    ['dataset', 'floor', 'NCE', 'FCE', 'flow MLE', 'FCE\'s flow', 'NCE, equal time', 'flow MLE, equal time', 'FCE s'],
    rows,
  ),
);
const { user, system } = process.cpuUsage();
console.log(`\nCPU time of this process: ${((user + system) / 1e6 / 60).toFixed(1)} min; load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
