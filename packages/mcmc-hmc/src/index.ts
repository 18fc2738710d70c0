/** `@ebm/mcmc-hmc`: Hamiltonian Monte Carlo for energy-based models. */
export { type Hmc, type HmcInfo, type HmcOptions, type HmcState, hmc } from './hmc.js';
