import { betasSpec, epsSpec, lrSpec } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'
import { WD_CHECK } from './checks'

const MATH = [
  'θ ← θ(1 − γλ) (weight_decouple; θ(1 − λ) with fixed_decay)  or  g ← g + λθ',
  'm ← β₁m + (1−β₁)g;   s ← β₂s + (1−β₂)(g − m)² + ε;   s_max ← max(s_max, s) (amsgrad)',
  'not rectified: θ ← θ − γ/(1−β₁ᵗ) · m/(√s/√(1−β₂ᵗ) + ε)',
  'rectified (ρₜ = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ) ≥ 5): θ ← θ − γr·m/(√s + ε), r as RAdam;   else θ ← θ − γm/(1−β₁ᵗ) (degenerated_to_sgd)',
]

/**
 * AdaBelief — Zhuang et al., "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
 * Gradients" (NeurIPS 2020); juntang-zhuang/Adabelief-Optimizer adabelief_pytorch 0.2.1. Adam with
 * the second moment of the gradient's surprise g − m (ε stored into s every step), RAdam's
 * rectification by default and decoupled weight decay.
 *
 *   (the update rule: MATH above, which is also the tooltip)
 */
export const adabelief: OptimizerDef = {
  name: 'adabelief',
  title: 'AdaBelief',
  source: 'Zhuang et al., "AdaBelief Optimizer" (2020); juntang-zhuang/Adabelief-Optimizer adabelief_pytorch 0.2.1 AdaBelief.py',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-3),
    betas: betasSpec('coefficients (β₁, β₂) of the running averages of g and (g − m)²'),
    eps: epsSpec(1e-16),
    weight_decay: { kind: 'number', default: 0, check: WD_CHECK, doc: 'weight decay λ' },
    amsgrad: { kind: 'boolean', default: false, doc: 'use the running maximum of s (AMSGrad)' },
    weight_decouple: { kind: 'boolean', default: true, doc: 'decoupled weight decay (AdamW style)' },
    fixed_decay: { kind: 'boolean', default: false, doc: 'decay by λ instead of γλ (with weight_decouple)' },
    rectify: { kind: 'boolean', default: true, doc: 'RAdam rectification of the step' },
    degenerated_to_sgd: { kind: 'boolean', default: true, doc: 'take an SGD-with-momentum step while the variance is intractable' },
  },
  state: { exp_avg: '0', exp_avg_var: '0', max_exp_avg_var: '0' },
  slotUsedIf: { max_exp_avg_var: 'amsgrad' },
  prelude: `
    let bias_correction1 = 1 - Math.pow(beta1, t);
    let bias_correction2 = 1 - Math.pow(beta2, t);
    let beta2_t = Math.pow(beta2, t);
    let rho_inf = 2 / (1 - beta2) - 1;
    let rho_t = rho_inf - 2 * t * beta2_t / (1 - beta2_t);
    let step_size = -1;
    if (rho_t >= 5) {
      step_size = Math.sqrt((1 - beta2_t) * (rho_t - 4) / (rho_inf - 4) * (rho_t - 2) / rho_t * rho_inf / (rho_inf - 2)) / bias_correction1;
    } else if (degenerated_to_sgd) {
      step_size = 1 / bias_correction1;
    }
  `,
  update: `
    if (weight_decouple) {
      if (fixed_decay) { p = p * (1 - weight_decay); } else { p = p * (1 - lr * weight_decay); }
    } else if (weight_decay != 0) {
      g = g + weight_decay * p;
    }
    exp_avg = exp_avg * beta1 + g * (1 - beta1);
    let residual = g - exp_avg;
    exp_avg_var = exp_avg_var * beta2 + residual * residual * (1 - beta2);
    exp_avg_var = exp_avg_var + eps;
    let denom = 0;
    if (amsgrad) {
      max_exp_avg_var = Math.max(max_exp_avg_var, exp_avg_var);
      denom = Math.sqrt(max_exp_avg_var) / Math.sqrt(bias_correction2) + eps;
    } else {
      denom = Math.sqrt(exp_avg_var) / Math.sqrt(bias_correction2) + eps;
    }
    if (!rectify) {
      p = p - (lr / bias_correction1) * (exp_avg / denom);
    } else if (rho_t >= 5) {
      p = p - step_size * lr * (exp_avg / (Math.sqrt(exp_avg_var) + eps));
    } else if (step_size > 0) {
      p = p - step_size * lr * exp_avg;
    }
  `,
}
