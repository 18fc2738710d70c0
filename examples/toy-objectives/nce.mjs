// Noise-contrastive estimation (Gutmann & Hyvarinen 2010): classify data against noise from a
// Gaussian fitted to the data; the learned constant c converges to log Z.
// Run: node nce.mjs [--steps N]
import { gaussianNoise, nce } from '@ebm/nce';
import { trainOnToy } from './toy.mjs';

const { result } = await trainOnToy('NCE', (data) => nce({ noise: gaussianNoise.fit(data), ratio: 4 }), { steps: 2000, learningRate: 3e-3 });
console.log(`learned log Z ${result.metrics.at(-1).logZ.toFixed(3)}`);
