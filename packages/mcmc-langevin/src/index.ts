/**
 * `@ebm/mcmc-langevin`: unadjusted Langevin dynamics (ULA / SGLD-style) and the
 * Metropolis-adjusted Langevin algorithm (MALA). Step sizes take core's schedules.
 */
export { type LangevinInfo, type LangevinOptions, type LangevinSampler, type LangevinState, langevin } from './langevin.js';
export { MALA_TARGET_ACCEPTANCE, type MalaInfo, type MalaOptions, type MalaSampler, type MalaState, mala } from './mala.js';
export { type LangevinProposalOptions, langevinProposal } from './proposal.js';
