import { betasSpec, epsSpec, L2_WEIGHT_DECAY_RULE, lrSpec, WEIGHT_DECAY } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'

const MATH = [
  'g ← ∇L + λθ;   m ← β₁m + (1−β₁)g;   v ← β₂v + (1−β₂)g²',
  'ξ = 1/(1 + exp(−|g_prev − g|))   (g_prev = 0 at t = 1)',
  'θ ← θ − γ·√(1−β₂ᵗ)/(1−β₁ᵗ) · ξm/(√v + ε)',
]

/**
 * diffGrad — Dubey et al., "diffGrad: An Optimization Method for Convolutional Neural Networks"
 * (IEEE TNNLS 2020); shivram1987/diffGrad diffGrad_v2.py. Adam whose step is damped by a sigmoid
 * friction coefficient ξ of the change in the gradient: small where the gradient barely changes.
 *
 *   (the update rule: MATH above, which is also the tooltip)
 */
export const diffgrad: OptimizerDef = {
  name: 'diffgrad',
  title: 'diffGrad',
  source: 'Dubey et al., "diffGrad: An Optimization Method for Convolutional Neural Networks" (2020); shivram1987/diffGrad diffGrad_v2.py',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-3),
    betas: betasSpec('coefficients (β₁, β₂) of the running averages of g and g²'),
    eps: epsSpec(1e-8),
    weight_decay: WEIGHT_DECAY,
  },
  state: { exp_avg: '0', exp_avg_sq: '0', previous_grad: '0' },
  prelude: `
    let bias_correction1 = 1 - Math.pow(beta1, t);
    let bias_correction2 = 1 - Math.pow(beta2, t);
    let step_size = lr * Math.sqrt(bias_correction2) / bias_correction1;
  `,
  update: `
    ${L2_WEIGHT_DECAY_RULE}
    exp_avg = exp_avg * beta1 + g * (1 - beta1);
    exp_avg_sq = exp_avg_sq * beta2 + g * g * (1 - beta2);
    let denom = Math.sqrt(exp_avg_sq) + eps;
    let dfc = 1 / (1 + Math.exp(-Math.abs(previous_grad - g)));
    previous_grad = g;
    p = p - step_size * (exp_avg * dfc / denom);
  `,
}
