/** `@ebm/mcmc-hmc`: Hamiltonian Monte Carlo and the No-U-Turn sampler for energy-based models. */
export { HMC_TARGET_ACCEPTANCE, type Hmc, type HmcInfo, type HmcOptions, type HmcState, hmc } from './hmc.js';
export { NUTS_TARGET_ACCEPTANCE, type Nuts, type NutsInfo, type NutsOptions, type NutsState, nuts } from './nuts.js';
