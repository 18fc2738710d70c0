// Trains every objective the ebm CLI knows on the same toy (8gaussians, same MLP, data, seed and
// number of steps) and prints one table: test NLL, gap to the NLL floor, MMD^2 between model
// samples and test data, and seconds. Each objective keeps its own sampler settings.
// Run: node compare.mjs [--steps N] [--dataset NAME] [--tiny] [--no-train]
// Runs land in runs/compare/<objective>; --no-train only prints the table of the runs already there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBJECTIVES, formatTable, main } from '@ebm/cli';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const tiny = process.argv.includes('--tiny');
const steps = arg('--steps', tiny ? '20' : '1500');
const dataset = arg('--dataset', '8gaussians');
// Same model, data and budget for everyone; --tiny shrinks everything so CI can run it in seconds.
const common = tiny
  ? ['--hidden', '8', '--data-size', '512', '--test-size', '256', '--batch-size', '64', '--sample-size', '64', '--sample-steps', '5', '--eval-every', '10']
  : ['--hidden', '64,64'];
// Per-objective settings: the sampling objectives need their chains tuned, the others do not.
const settings = {
  cd: ['--sampler', 'langevin', '--step-size', '0.01', '--mcmc-steps', tiny ? '2' : '20', '--learning-rate', '0.001'],
  pcd: ['--sampler', 'langevin', '--step-size', '0.01', '--mcmc-steps', tiny ? '2' : '20', '--learning-rate', '0.001'],
  replay: ['--sampler', 'langevin', '--step-size', '0.01', '--mcmc-steps', tiny ? '2' : '20', '--learning-rate', '0.001', '--buffer-size', tiny ? '256' : '10000'],
  nce: ['--ratio', '4', '--learning-rate', '0.003'],
  dsm: ['--sigma', '0.1', '--learning-rate', '0.003'],
  ssm: ['--learning-rate', '0.003'],
  sm: ['--learning-rate', '0.003'],
};
const silent = { out: () => undefined, err: (text) => process.stderr.write(text), tty: false };
const rows = [];
const summaries = [];
for (const objective of Object.keys(OBJECTIVES)) {
  const out = join('runs', 'compare', objective);
  const args = ['train', '--out', out, '--force', '--quiet', '--dataset', dataset, '--objective', objective, '--steps', steps, ...common, ...(settings[objective] ?? [])];
  if (!process.argv.includes('--no-train')) {
    process.stdout.write(`training ${objective}... `);
    if ((await main(args, silent)) !== 0) throw new Error(`ebm ${args.join(' ')} failed`);
  }
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  summaries.push(s);
  if (!process.argv.includes('--no-train')) console.log(`NLL ${s.nll.toFixed(3)} in ${s.seconds.toFixed(1)} s`);
  rows.push([objective, s.nll, s.gap, s.mmd.toExponential(2), s.seconds.toFixed(1)]);
}
console.log(`\n${dataset}, ${summaries[0].steps} steps each, NLL floor ${summaries[0].nllFloor?.toFixed(3) ?? '-'}\n`);
console.log(formatTable(['objective', 'test NLL', 'gap', 'MMD^2', 'seconds'], rows));
