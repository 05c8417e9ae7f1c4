import { betasSpec, epsSpec, L2_WEIGHT_DECAY_RULE, lrSpec, WEIGHT_DECAY } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'

const MATH = [
  'g ← ∇L + λθ;   h = β₁θ_m + (1−β₁)g;   θ_m ← β₁θ_m + (1−β₁)g   (h: the guess m_{t+1} = g_t)',
  'v ← β₂v + (1−β₂)(g − g_prev)²;   v̂ = max(v̂, v) (amsgrad) or v;   s = γ√(1−β₂ᵗ)/(1−β₁ᵗ)',
  'u ← u − s·θ_m/(√v̂ + ε)   (u₀ = θ₀);   θ ← u − s·h/(√v̂ + ε)',
]

/**
 * Optimistic AMSGrad — Wang et al., "An Optimistic Acceleration of AMSGrad for Nonconvex
 * Optimization" (ACML 2021); the update equations of Hintonthu/optimistic-amsgrad Optadam_torch.py.
 * AMSGrad on an auxiliary sequence u, then an extra step along the predicted next gradient. The
 * authors predict it with an auxiliary network; here the guess is the current gradient (the
 * previous one for the second moment), which is deterministic and reproducible.
 *
 *   (the update rule: MATH above, which is also the tooltip)
 */
export const optamsgrad: OptimizerDef = {
  name: 'optamsgrad',
  title: 'Optimistic AMSGrad',
  source:
    'Wang et al., "An Optimistic Acceleration of AMSGrad for Nonconvex Optimization" (2021); Hintonthu/optimistic-amsgrad Optadam_torch.py',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(0.1),
    betas: betasSpec('coefficients (β₁, β₂) of the running averages of g and (g − g_prev)²'),
    eps: epsSpec(1e-8),
    weight_decay: WEIGHT_DECAY,
    amsgrad: { kind: 'boolean', default: true, doc: 'use the running maximum of v (AMSGrad)' },
  },
  state: { exp_avg: '0', exp_avg_sq: '0', max_exp_avg_sq: '0', prev_grad: '0', u: '0' },
  slotUsedIf: { max_exp_avg_sq: 'amsgrad' },
  prelude: `
    let bias_correction1 = 1 - Math.pow(beta1, t);
    let bias_correction2 = 1 - Math.pow(beta2, t);
    let step_size = lr * Math.sqrt(bias_correction2) / bias_correction1;
  `,
  update: `
    if (t < 1.5) { u = p; }
    ${L2_WEIGHT_DECAY_RULE}
    let h = exp_avg * beta1 + g * (1 - beta1);
    exp_avg = exp_avg * beta1 + g * (1 - beta1);
    let diff = g - prev_grad;
    exp_avg_sq = exp_avg_sq * beta2 + diff * diff * (1 - beta2);
    prev_grad = g;
    let denom = 0;
    if (amsgrad) {
      max_exp_avg_sq = Math.max(max_exp_avg_sq, exp_avg_sq);
      denom = Math.sqrt(max_exp_avg_sq) + eps;
    } else {
      denom = Math.sqrt(exp_avg_sq) + eps;
    }
    u = u - step_size * (exp_avg / denom);
    p = u - step_size * (h / denom);
  `,
}
