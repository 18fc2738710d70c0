// The eight-schools model (Rubin 1981; Gelman et al., Bayesian Data Analysis, section 5.5) in its
// non-centred form, as an energy over x = [mu, s, eta_1..eta_8] with tau = exp(s):
//
//   mu ~ N(0, 5^2),  tau ~ HalfCauchy(0, 5),  eta_j ~ N(0, 1),  theta_j = mu + tau eta_j,
//   y_j ~ N(theta_j, sigma_j^2),
//
//   E(x) = mu^2 / 50 + log(1 + tau^2 / 25) - s + sum_j eta_j^2 / 2 + sum_j (y_j - mu - tau eta_j)^2 / (2 sigma_j^2)
//
// (the -s is the log-Jacobian of tau = exp(s)). Integrating the eta out, y_j | mu, tau ~ N(mu,
// sigma_j^2 + tau^2), so the posterior of (mu, s) is two-dimensional and its moments follow
// exactly from quadrature: the check a sampler must pass.
import * as tf from '@tensorflow/tfjs';

/** The observed effects and their standard errors. */
export const Y = [28, 8, -3, 7, -1, 1, 18, 12];
export const SIGMA = [15, 10, 16, 11, 9, 11, 10, 18];

/** The energy of the non-centred posterior, over [N, 10] batches [mu, log tau, eta_1..eta_8]. */
export function eightSchoolsEnergy(x) {
  return tf.tidy(() => {
    const mu = tf.slice(x, [0, 0], [-1, 1]);
    const s = tf.slice(x, [0, 1], [-1, 1]);
    const eta = tf.slice(x, [0, 2], [-1, 8]);
    const tau = tf.exp(s);
    const residual = tf.div(tf.sub(tf.sub(tf.tensor2d([Y]), mu), tf.mul(tau, eta)), tf.tensor2d([SIGMA]));
    const prior = tf.add(tf.div(tf.square(mu), 50), tf.sub(tf.softplus(tf.sub(tf.mul(2, s), Math.log(25))), s));
    const terms = tf.add(tf.sum(tf.mul(0.5, tf.square(eta)), 1, true), tf.sum(tf.mul(0.5, tf.square(residual)), 1, true));
    return tf.reshape(tf.add(prior, terms), [-1]);
  });
}

/**
 * Exact posterior means and standard deviations of mu, s = log tau and tau, by the midpoint rule
 * on a 600 x 600 grid of (mu, s) over [-30, 40] x [-12, 6] (the mass outside is negligible), with
 * the eta integrated out analytically.
 */
export function exactPosterior() {
  const [muLo, muHi, sLo, sHi, n] = [-30, 40, -12, 6, 600];
  const hm = (muHi - muLo) / n;
  const hs = (sHi - sLo) / n;
  const logs = new Float64Array(n * n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const mu = muLo + (i + 0.5) * hm;
    for (let k = 0; k < n; k++) {
      const s = sLo + (k + 0.5) * hs;
      const tau2 = Math.exp(2 * s);
      let log = -(mu * mu) / 50 - Math.log1p(tau2 / 25) + s;
      for (let j = 0; j < 8; j++) {
        const v = SIGMA[j] ** 2 + tau2;
        log += -0.5 * Math.log(v) - ((Y[j] - mu) ** 2) / (2 * v);
      }
      logs[i * n + k] = log;
      max = Math.max(max, log);
    }
  }
  const m = { z: 0, mu: 0, mu2: 0, s: 0, s2: 0, tau: 0, tau2: 0 };
  for (let i = 0; i < n; i++) {
    const mu = muLo + (i + 0.5) * hm;
    for (let k = 0; k < n; k++) {
      const s = sLo + (k + 0.5) * hs;
      const w = Math.exp(logs[i * n + k] - max);
      const tau = Math.exp(s);
      m.z += w;
      m.mu += w * mu;
      m.mu2 += w * mu * mu;
      m.s += w * s;
      m.s2 += w * s * s;
      m.tau += w * tau;
      m.tau2 += w * tau * tau;
    }
  }
  const moments = (first, second) => ({ mean: first / m.z, sd: Math.sqrt(second / m.z - (first / m.z) ** 2) });
  return { mu: moments(m.mu, m.mu2), s: moments(m.s, m.s2), tau: moments(m.tau, m.tau2) };
}
