import { betasSpec, epsSpec, L2_WEIGHT_DECAY_RULE, lrSpec, MAXIMIZE, MAXIMIZE_RULE, WEIGHT_DECAY } from './fragments'
import type { OptimizerDef } from './types'
import { mathTooltip } from './math'

/** The update rule in math notation, one line per step (doc and tooltip). */
const MATH = ['g ← ±∇L + λθ', 'm ← β₁m + (1−β₁)g;   u ← max(β₂u, |g| + ε)', 'θ ← θ − (γ/(1−β₁ᵗ)) · m/u']

/**
 * Adamax — torch.optim.Adamax (≥ 2.0); §7.1 of Kingma & Ba, "Adam" (ICLR 2015).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 *
 * torch adds ε inside the max (to |g|), not to the denominator.
 */
export const adamax: OptimizerDef = {
  name: 'adamax',
  title: 'Adamax',
  source: 'torch.optim.Adamax; Kingma & Ba 2015, §7.1',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(2e-3),
    betas: betasSpec('coefficients (β₁, β₂) for the average and the infinity norm'),
    eps: epsSpec(1e-8, 'term ε for numerical stability'),
    weight_decay: WEIGHT_DECAY,
    maximize: MAXIMIZE,
  },
  state: { exp_avg: '0', exp_inf: '0' },
  prelude: `let clr = lr / (1 - Math.pow(beta1, t));`,
  update: `
    ${MAXIMIZE_RULE}
    ${L2_WEIGHT_DECAY_RULE}
    exp_avg = exp_avg + (g - exp_avg) * (1 - beta1);
    exp_inf = Math.max(beta2 * exp_inf, Math.abs(g) + eps);
    p = p - clr * (exp_avg / exp_inf);
  `,
}
