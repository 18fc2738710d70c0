/**
 * `@ebm/nce`: noise-contrastive estimation for `@ebm` energies: logistic classification of data
 * against noise with a learned log-partition `c -> log Z`, and Gaussian / Gaussian-mixture noise
 * (core `Distribution`s; any `Distribution` works as noise).
 */
export { type NceOptions, type NceState, nce } from './nce.js';
export { type GaussianNoise, type GaussianNoiseFitOptions, type GaussianNoiseOptions, gaussianNoise } from './gaussian-noise.js';
export { type GaussianMixtureNoise, type GaussianMixtureNoiseOptions, gaussianMixtureNoise } from './gaussian-mixture-noise.js';
