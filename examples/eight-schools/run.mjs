// NUTS on the eight-schools posterior: Stan-style window adaptation (dense metric), then draws,
// compared with the exact posterior moments. `--check` exits with an error when a posterior mean
// is more than 4 Monte Carlo standard errors (from the effective sample size) off, or R-hat >= 1.01.
//
//   node run.mjs [--warmup 1000] [--draws 1000] [--chains 8] [--target 0.95] [--check]
import * as tf from '@tensorflow/tfjs';
import { disposeState, effectiveSampleSize, prngKey, sampleChain, split, useBackend, windowAdaptation } from '@ebm/core';
import { nuts } from '@ebm/mcmc-hmc';
import { eightSchoolsEnergy, exactPosterior } from './eight-schools.mjs';

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const [warmup, draws, chains] = [arg('warmup', 1000), arg('draws', 1000), arg('chains', 8)];
// A hierarchical posterior's neck (tau -> 0) wants smaller steps than NUTS's default 0.8 gives (Stan's advice too).
const targetAcceptance = arg('target', 0.95);
await useBackend('wasm');

const [adaptKey, sampleKey] = split(prngKey(2026));
const init = tf.zeros([chains, 10]);
const warm = windowAdaptation(nuts({ stepSize: 0.1 }), { energy: eightSchoolsEnergy, init, key: adaptKey, numSteps: warmup, mass: 'dense', targetAcceptance });
const { samples, finalState, meanInfo, diagnostics } = sampleChain(warm.sampler, { energy: eightSchoolsEnergy, init: warm.position, key: sampleKey, numSteps: draws });

/** Posterior mean, sd and its Monte Carlo standard error for coordinate `d` of the draws, through `f`. */
function summary(d, f = (v) => v) {
  const values = samples.dataSync();
  const trace = new Float64Array(draws * chains);
  for (let i = 0; i < trace.length; i++) trace[i] = f(values[i * 10 + d]);
  const mean = trace.reduce((a, b) => a + b) / trace.length;
  const sd = Math.sqrt(trace.reduce((a, b) => a + (b - mean) ** 2, 0) / (trace.length - 1));
  const ess = effectiveSampleSize({ draws, chains, values: trace });
  return { mean, sd, ess, se: sd / Math.sqrt(ess) };
}

const exact = exactPosterior();
const rows = [
  ['mu', summary(0), exact.mu],
  ['log tau', summary(1), exact.s],
  ['tau', summary(1, Math.exp), exact.tau],
];
console.log(`NUTS, ${chains} chains, ${warmup} warm-up + ${draws} draws, target acceptance ${targetAcceptance}; step size ${warm.stepSize.toFixed(3)}, ` +
  `mean tree depth ${meanInfo.meanTreeDepth.toFixed(2)}, divergences ${(100 * meanInfo.divergenceRate).toFixed(2)}%, max R-hat ${diagnostics.maxRhat.toFixed(4)}`);
console.log('| parameter | posterior mean (NUTS) | MC se | exact mean | posterior sd (NUTS) | exact sd | ESS |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, got, truth] of rows) {
  console.log(`| ${name} | ${got.mean.toFixed(3)} | ${got.se.toFixed(3)} | ${truth.mean.toFixed(3)} | ${got.sd.toFixed(3)} | ${truth.sd.toFixed(3)} | ${got.ess.toFixed(0)} |`);
}
tf.dispose([init, samples, warm.position]);
disposeState(finalState);

if (process.argv.includes('--check')) {
  const failures = rows.filter(([, got, truth]) => Math.abs(got.mean - truth.mean) > 4 * got.se).map(([name]) => name);
  if (diagnostics.maxRhat >= 1.01) failures.push(`R-hat ${diagnostics.maxRhat.toFixed(4)}`);
  if (failures.length > 0) {
    console.error(`eight-schools check failed: ${failures.join(', ')}`);
    process.exit(1);
  }
  console.log('check passed: every posterior mean within 4 Monte Carlo standard errors of the exact value, R-hat < 1.01');
}
