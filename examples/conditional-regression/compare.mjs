// Trains conditional EBMs p(y | x) and the Gaussian regression baseline on the conditional toys
// with the ebm CLI (same MLP width, data, seed and steps for every model) and prints one table:
// the exact conditional test NLL (log-partitions by quadrature over y for the EBMs, in closed
// form for the baseline), the floor -log p_data(y | x) on the same test pairs, the gap with its
// standard error over the pairs, and seconds.
// Run: node compare.mjs [--toys branching,heteroscedastic,ring] [--objectives cnce,gaussian] [--steps N] [--tiny] [--no-train]
// Runs land in runs/conditional/<toy>-<objective> (--tiny: runs/conditional-tiny/, so CI never overwrites a full run), with conditional.png (p(y | x) beside the truth) and loss.png.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable, main } from '@ebm/cli';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const tiny = process.argv.includes('--tiny');
const toys = arg('--toys', tiny ? 'branching' : 'branching,heteroscedastic,ring').split(',');
const objectives = arg('--objectives', 'cnce,gaussian').split(',');
const steps = arg('--steps', tiny ? '10' : '3000');
// Same network, data and budget for every model; --tiny shrinks everything so CI runs it in seconds.
const common = tiny
  ? ['--hidden', '8', '--data-size', '256', '--test-size', '64', '--batch-size', '32', '--eval-every', '10', '--num-noise', '4']
  : ['--hidden', '64,64', '--data-size', '20000', '--test-size', '2000', '--batch-size', '256', '--eval-every', '1000', '--learning-rate', '0.003'];
const silent = { out: () => undefined, err: (text) => process.stderr.write(text), tty: false };
const rows = [];
for (const toy of toys) {
  for (const objective of objectives) {
    const out = join('runs', tiny ? 'conditional-tiny' : 'conditional', `${toy}-${objective}`);
    const args = ['train', '--out', out, '--force', '--quiet', '--dataset', toy, '--objective', objective, '--steps', steps, ...common];
    if (!process.argv.includes('--no-train')) {
      process.stdout.write(`training ${objective} on ${toy}... `);
      if ((await main(args, silent)) !== 0) throw new Error(`ebm ${args.join(' ')} failed`);
    }
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    if (!process.argv.includes('--no-train')) console.log(`NLL ${s.nll.toFixed(3)}, gap ${s.gap.toFixed(3)} in ${s.seconds.toFixed(0)} s`);
    rows.push([toy, objective, s.nll, s.nllFloor, s.gap, s.gapStandardError, s.logZError.toExponential(1), s.seconds.toFixed(0)]);
  }
}
console.log(`\n${formatTable(['toy', 'objective', 'test NLL', 'floor', 'gap', 'gap se', 'logZ error', 'seconds'], rows, 4)}`);
