import {
  betasSpec,
  DECOUPLED_WEIGHT_DECAY,
  epsSpec,
  lrSpec,
  MAXIMIZE,
  MAXIMIZE_RULE,
  SWITCHED_WEIGHT_DECAY_RULE,
  WEIGHT_DECAY,
} from './fragments'
import type { OptimizerDef } from './types'
import { mathTooltip } from './math'

/** The update rule in math notation, one line per step (doc and tooltip). */
const MATH = [
  'g ← ±∇L + λθ        (decoupled_weight_decay: θ ← θ(1 − γλ) instead)',
  'm ← β₁m + (1−β₁)g;   v ← β₂v + (1−β₂)g²;   m̂ ← m/(1−β₁ᵗ)',
  'ρ∞ = 2/(1−β₂) − 1;   ρ_t = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ)',
  'ρ_t > 5:  r = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t));   θ ← θ − γ m̂ r √(1−β₂ᵗ)/(√v + ε)',
  'else:     θ ← θ − γ m̂',
]

/**
 * RAdam — torch.optim.RAdam (≥ 2.0); Liu et al., "On the Variance of the Adaptive Learning
 * Rate and Beyond" (ICLR 2020).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 */
export const radam: OptimizerDef = {
  name: 'radam',
  title: 'RAdam',
  source: 'torch.optim.RAdam; Liu et al. 2020',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-3),
    betas: betasSpec('coefficients (β₁, β₂) of the running averages'),
    eps: epsSpec(1e-8),
    weight_decay: WEIGHT_DECAY,
    decoupled_weight_decay: DECOUPLED_WEIGHT_DECAY,
    maximize: MAXIMIZE,
  },
  state: { exp_avg: '0', exp_avg_sq: '0' },
  prelude: `
    let bias_correction1 = 1 - Math.pow(beta1, t);
    let bias_correction2 = 1 - Math.pow(beta2, t);
    let rho_inf = 2 / (1 - beta2) - 1;
    let rho_t = rho_inf - 2 * t * Math.pow(beta2, t) / bias_correction2;
    let rect = 0;
    if (rho_t > 5) { rect = Math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)); }
  `,
  update: `
    ${MAXIMIZE_RULE}
    ${SWITCHED_WEIGHT_DECAY_RULE}
    exp_avg = exp_avg + (g - exp_avg) * (1 - beta1);
    exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g;
    let bias_corrected_exp_avg = exp_avg / bias_correction1;
    if (rho_t > 5) {
      p = p - bias_corrected_exp_avg * lr * (Math.sqrt(bias_correction2) / (Math.sqrt(exp_avg_sq) + eps)) * rect;
    } else {
      p = p - bias_corrected_exp_avg * lr;
    }
  `,
}
