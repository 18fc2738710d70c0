/**
 * `@ebm/core/math`: host-side numerics in float64: Cholesky and SPD inverse for closed-form
 * Gaussians, log-sum-exp for partition functions, and 2-D boxes for quadrature and plots.
 */
export { cholesky, inverseSPD } from './linalg.js';
export { LogSumExp, logSumExp } from './log-sum-exp.js';
export { type Box2d, checkBox2d } from './box.js';
