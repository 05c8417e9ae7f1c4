import { betasSpec, epsSpec, lrSpec } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'
import { nonNegative, WD_CHECK } from './checks'

const MATH = [
  'c = g + γ_c·β₁/(1−β₁)·(g − g_prev);   c ← c/‖c‖ if ‖c‖ > 1   (g_prev = 0 at t = 1)',
  'm ← β₁m + (1−β₁)c;   v ← β₂v + (1−β₂)c²;   v_max ← max(v_max, v) (amsgrad)',
  'θ ← θ − γ·(λθ + m/((√v/√(1−β₂ᵗ) + ε)(1−β₁ᵗ)))',
]

/**
 * MARS, AdamW instance (mars_type "mars-adamw") — Yuan et al., "MARS: Unleashing the Power of
 * Variance Reduction for Training Large Models" (2024); AGI-Arena/MARS MARS/optimizers/mars.py.
 * The variance-reduced gradient c corrects g by the change since the previous step (the exact and
 * approximate corrections coincide for a deterministic gradient) and is clipped to norm 1 over the
 * whole parameter vector — a reduction over the coordinates.
 *
 *   (the update rule: MATH above, which is also the tooltip)
 */
export const mars: OptimizerDef = {
  name: 'mars',
  title: 'MARS',
  source: 'Yuan et al., "MARS: Unleashing the Power of Variance Reduction for Training Large Models" (2024); AGI-Arena/MARS mars.py',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(3e-3),
    betas: betasSpec('coefficients (β₁, β₂) of the running averages of c and c²', [0.95, 0.99]),
    eps: epsSpec(1e-8),
    weight_decay: { kind: 'number', default: 0, check: WD_CHECK, doc: 'decoupled weight decay λ' },
    amsgrad: { kind: 'boolean', default: false, doc: 'use the running maximum of v (AMSGrad)' },
    gamma: { kind: 'number', default: 0.025, check: nonNegative('gamma value'), doc: 'scale γ_c of the variance-reduction term' },
    mars_type: { kind: 'choice', default: 'mars-adamw', options: ['mars-adamw'], doc: 'the MARS instance (the AdamW one)' },
  },
  state: { exp_avg: '0', exp_avg_sq: '0', max_exp_avg_sq: '0', last_grad: '0' },
  slotUsedIf: { max_exp_avg_sq: 'amsgrad' },
  stages: [
    { kind: 'coordinates', code: 'let c = (g - last_grad) * (gamma * (beta1 / (1 - beta1))) + g;' },
    { kind: 'reduce', name: 'c_norm2', op: 'sum', of: 'c * c' },
  ],
  prelude: `
    let c_norm = Math.sqrt(c_norm2);
    let bias_correction1 = 1 - Math.pow(beta1, t);
    let bias_correction2 = 1 - Math.pow(beta2, t);
  `,
  update: `
    let cc = c;
    if (c_norm > 1) { cc = c / c_norm; }
    exp_avg = exp_avg * beta1 + cc * (1 - beta1);
    exp_avg_sq = exp_avg_sq * beta2 + cc * cc * (1 - beta2);
    let denom = 0;
    if (amsgrad) {
      max_exp_avg_sq = Math.max(max_exp_avg_sq, exp_avg_sq);
      denom = (Math.sqrt(max_exp_avg_sq) * (1 / Math.sqrt(bias_correction2)) + eps) * bias_correction1;
    } else {
      denom = (Math.sqrt(exp_avg_sq) * (1 / Math.sqrt(bias_correction2)) + eps) * bias_correction1;
    }
    p = p - lr * (p * weight_decay + exp_avg / denom);
    last_grad = g;
  `,
}
