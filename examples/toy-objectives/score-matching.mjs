// Score matching: no sampling at all. --variant exact (Hessian trace, Hyvarinen 2005), sliced
// (random projections, Song et al. 2019) or denoising (Vincent 2011).
// Run: node score-matching.mjs --variant exact|sliced|denoising [--steps N]
import { denoisingScoreMatching, scoreMatching, slicedScoreMatching } from '@ebm/score-matching';
import { flag, trainOnToy } from './toy.mjs';

const variant = flag('variant', 'denoising');
const objectives = {
  exact: () => scoreMatching(),
  sliced: () => slicedScoreMatching({ projections: 1, distribution: 'rademacher', varianceReduced: true }),
  denoising: () => denoisingScoreMatching({ sigma: 0.1 }),
};
if (!(variant in objectives)) throw new Error(`--variant must be one of ${Object.keys(objectives).join(', ')}, got '${variant}'`);
await trainOnToy(`${variant} score matching`, objectives[variant], { steps: 2000 });
