// JEM against the same classifier trained by cross-entropy alone, on the bundled 8x8 digits, with
// the ebm CLI (same MLP, split, seed, optimizer and steps): test accuracy, expected calibration
// error (15 bins), and the AUROC of log p(x) = logsumexp f(x) for digits against uniform noise and
// against Fashion-MNIST downsampled to 8x8 (when installed: apt-get install dataset-fashion-mnist).
// Run: node compare.mjs [--steps N] [--seeds 0,1,2] [--tiny] [--no-train]
// Runs land in runs/jem/<objective>-<seed> (--tiny: runs/jem-tiny/, so CI never overwrites a full run), with samples.png (class-conditional samples, one row per
// class) and reliability.png.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable, main } from '@ebm/cli';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const tiny = process.argv.includes('--tiny');
const steps = arg('--steps', tiny ? '10' : '4000');
const seeds = arg('--seeds', '0').split(',');
const FASHION = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';
const ood = existsSync(FASHION) && !tiny ? ['--ood-images', FASHION] : [];
// One network and budget for both; --tiny shrinks everything so CI runs it in seconds.
const common = tiny
  ? ['--hidden', '16', '--batch-size', '32', '--sgld-steps', '2', '--sgld-buffer-size', '256', '--sample-steps', '5', '--eval-every', '10']
  : ['--hidden', '128,128', '--batch-size', '64', '--learning-rate', '0.001', '--sample-steps', '500', '--eval-every', '500'];
const silent = { out: () => undefined, err: (text) => process.stderr.write(text), tty: false };
const rows = [];
for (const seed of seeds) {
  for (const objective of ['classifier', 'jem']) {
    const out = join('runs', tiny ? 'jem-tiny' : 'jem', `${objective}-${seed}`);
    const args = ['train', '--out', out, '--force', '--quiet', '--dataset', 'digits', '--objective', objective, '--steps', steps, '--seed', seed, ...common, ...ood];
    if (!process.argv.includes('--no-train')) {
      process.stdout.write(`training ${objective} (seed ${seed})... `);
      if ((await main(args, silent)) !== 0) throw new Error(`ebm ${args.join(' ')} failed`);
    }
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    if (!process.argv.includes('--no-train')) console.log(`accuracy ${(100 * s.accuracy).toFixed(1)}% in ${s.seconds.toFixed(0)} s`);
    rows.push([objective, seed, 100 * s.accuracy, s.ece, s.nll, s.aurocNoise, s.aurocOod, s.seconds.toFixed(0)]);
  }
}
console.log(`\n${formatTable(['objective', 'seed', 'accuracy %', 'ECE', 'test NLL', 'AUROC noise', 'AUROC fashion', 'seconds'], rows, 4)}`);
