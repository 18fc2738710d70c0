/**
 * `@ebm/flows`: normalizing flows as core `Distribution`s and trainable models (RealNVP affine
 * and rational-quadratic spline coupling, elementwise affine, any `Bijector` you write), their maximum-likelihood objective, and
 * flow contrastive estimation (FCE), which trains an energy-based model and a flow against each
 * other with the NCE value function.
 */
export type { Bijector, BijectorResult } from './bijector.js';
export { type AffineCouplingOptions, affineCoupling } from './affine-coupling.js';
export { type ElementwiseAffineOptions, elementwiseAffine } from './elementwise-affine.js';
export { type Flow, type FlowSample, type NormalizingFlowOptions, normalizingFlow } from './flow.js';
export { type SplineCouplingOptions, splineCoupling } from './spline-coupling.js';
export { type CouplingFlowOptions, type CouplingLayerSpec, couplingFlow } from './coupling-flow.js';
export { type RealNvpOptions, realNvp } from './real-nvp.js';
export { type NeuralSplineFlowOptions, neuralSplineFlow } from './neural-spline-flow.js';
export { type FlowMaximumLikelihoodState, assertFlow, flowMaximumLikelihood } from './maximum-likelihood.js';
export { type FceObjective, type FceOptions, type FceState, fce } from './fce.js';
