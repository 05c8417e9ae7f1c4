import { betasSpec, lrSpec, MAXIMIZE, MAXIMIZE_RULE } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'
import { EPS_CHECK, nonNegative, WD_CHECK } from './checks'

const MATH = [
  'g ← ±∇L;   θ ← θ(1 − λ·(1 if fixed_decay else γ)) (weight_decouple)  or  g ← g + λθ',
  'm ← β₁m + (1−β₁)g;   v ← v − (1−β₂)·sign(v − g²)·g²   (m, v start at the initial accumulator)',
  'θ ← θ − γ/(1−β₁ᵗ) · m/(√v/√(1−β₂ᵗ) + ε)',
]

/**
 * Yogi — Zaheer et al., "Adaptive Methods for Nonconvex Optimization" (NeurIPS 2018);
 * kozistr/pytorch_optimizer pytorch_optimizer/optimizer/yogi.py. Adam whose second moment moves
 * additively towards g², so it cannot forget a large gradient as fast as Adam's EMA.
 *
 *   (the update rule: MATH above, which is also the tooltip)
 */
export const yogi: OptimizerDef = {
  name: 'yogi',
  title: 'Yogi',
  source: 'Zaheer et al., "Adaptive Methods for Nonconvex Optimization" (2018); kozistr/pytorch_optimizer yogi.py',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-2),
    betas: betasSpec('coefficients (β₁, β₂) of the running averages of g and g²'),
    initial_accumulator: {
      kind: 'number',
      default: 1e-6,
      check: nonNegative('initial_accumulator value'),
      doc: 'starting value of m and v',
    },
    weight_decay: { kind: 'number', default: 0, check: WD_CHECK, doc: 'weight decay λ' },
    weight_decouple: { kind: 'boolean', default: true, doc: 'decoupled weight decay (AdamW style)' },
    fixed_decay: { kind: 'boolean', default: false, doc: 'decay by λ instead of γλ (with weight_decouple)' },
    eps: { kind: 'number', default: 1e-3, check: EPS_CHECK, doc: 'term ε added to the denominator' },
    maximize: MAXIMIZE,
  },
  state: { exp_avg: 'initial_accumulator', exp_avg_sq: 'initial_accumulator' },
  prelude: `
    let bias_correction1 = 1 - Math.pow(beta1, t);
    let bias_correction2_sq = Math.sqrt(1 - Math.pow(beta2, t));
    let step_size = lr / bias_correction1;
  `,
  update: `
    ${MAXIMIZE_RULE}
    if (weight_decouple) {
      if (fixed_decay) { p = p * (1 - weight_decay); } else { p = p * (1 - weight_decay * lr); }
    } else if (weight_decay > 0) {
      g = g + weight_decay * p;
    }
    exp_avg = exp_avg * beta1 + g * (1 - beta1);
    let grad_p2 = g * g;
    exp_avg_sq = exp_avg_sq - (1 - beta2) * Math.sign(exp_avg_sq - grad_p2) * grad_p2;
    let denom = Math.sqrt(exp_avg_sq) / bias_correction2_sq + eps;
    p = p - step_size * (exp_avg / denom);
  `,
}
