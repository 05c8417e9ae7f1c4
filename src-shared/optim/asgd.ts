import { L2_WEIGHT_DECAY_RULE, lrSpec, MAXIMIZE, MAXIMIZE_RULE, WEIGHT_DECAY } from './fragments'
import type { OptimizerDef } from './types'
import { mathTooltip } from './math'

/** The update rule in math notation, one line per step (doc and tooltip). */
const MATH = [
  'g ← ±∇L + λ_wd θ',
  'η_t = γ / (1 + λγ(t−1))^α;   μ_t = 1 / max(1, t−1−t₀)   (η₁ = γ, μ₁ = 1)',
  'θ ← θ(1 − λη_t) − η_t g',
  'ā ← μ_t = 1 ? θ : ā + μ_t(θ − ā)',
]

/**
 * ASGD (averaged SGD) — torch.optim.ASGD (≥ 2.0); Polyak & Juditsky, "Acceleration of
 * Stochastic Approximation by Averaging" (SIAM J. Control Optim. 1992).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 *
 * The averaged iterate ā is reported as the run's `averaged` trajectory; θ is the one torch
 * leaves in the parameters.
 */
export const asgd: OptimizerDef = {
  name: 'asgd',
  title: 'ASGD',
  source: 'torch.optim.ASGD; Polyak & Juditsky 1992',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-2),
    lambd: { kind: 'number', default: 1e-4, doc: 'decay term λ' },
    alpha: { kind: 'number', default: 0.75, doc: 'power α for the η update' },
    t0: { kind: 'number', default: 1e6, doc: 'step t₀ at which averaging starts' },
    weight_decay: WEIGHT_DECAY,
    maximize: MAXIMIZE,
  },
  state: { ax: '0' },
  prelude: `
    let eta = lr / Math.pow(1 + lambd * lr * (t - 1), alpha);
    let mu = 1;
    if (t > 1.5) { mu = 1 / Math.max(1, t - 1 - t0); }
  `,
  update: `
    ${MAXIMIZE_RULE}
    ${L2_WEIGHT_DECAY_RULE}
    p = p * (1 - lambd * eta);
    p = p - eta * g;
    if (mu != 1) { ax = ax + (p - ax) * mu; } else { ax = p; }
  `,
  outputs: { averaged: 'ax' },
}
