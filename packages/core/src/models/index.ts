/**
 * `@ebm/core/models`: energy models. A Gaussian energy with closed-form moments and log Z (the
 * test bed of every sampler and objective), an MLP energy and a convolutional energy for images,
 * both with a hand-written input gradient, a tfjs-layers model as an energy, and the building
 * blocks (dense layer, patches x GEMM conv layer, activations, smooth ops with exact second
 * derivatives, unique variable names).
 */
export { type GaussianEnergy, type GaussianEnergyOptions, gaussianEnergy } from './gaussian.js';
export { type MlpEnergy, type MlpEnergyOptions, mlpEnergy } from './mlp.js';
export { type ConvEnergy, type ConvEnergyOptions, convEnergy } from './conv-energy.js';
export { type MlpNetwork, type MlpNetworkOptions, mlpNetwork } from './mlp-network.js';
export { layersEnergy } from './layers-energy.js';
export { dense } from './dense.js';
export { type Conv2d, type Conv2dOptions, conv2d } from './conv2d.js';
export { ACTIVATIONS, type Activation, type ActivationOps, activationOps } from './activations.js';
export { sigmoid as smoothSigmoid, softplus as smoothSoftplus, tanh as smoothTanh } from './smooth-ops.js';
export { uniqueName } from './names.js';
