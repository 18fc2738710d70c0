/**
 * `@ebm/mcmc-langevin`: unadjusted Langevin dynamics (ULA / SGLD-style) and the
 * Metropolis-adjusted Langevin algorithm (MALA), with step-size schedules.
 */
export { type LangevinInfo, type LangevinOptions, type LangevinSampler, type LangevinState, langevin } from './langevin.js';
export { type MalaInfo, type MalaOptions, type MalaSampler, type MalaState, mala } from './mala.js';
export { type LangevinProposalOptions, langevinProposal } from './proposal.js';
export {
  type ExponentialDecayOptions,
  type PolynomialDecayOptions,
  type StepSize,
  type StepSizeSchedule,
  constantSchedule,
  exponentialDecay,
  polynomialDecay,
} from './schedule.js';
