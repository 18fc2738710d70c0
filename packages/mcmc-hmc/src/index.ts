/** `@ebm/mcmc-hmc`: Hamiltonian Monte Carlo for energy-based models. */
export { HMC_TARGET_ACCEPTANCE, type Hmc, type HmcInfo, type HmcOptions, type HmcState, hmc } from './hmc.js';
