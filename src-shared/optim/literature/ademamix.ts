import { betaRange } from '../checks'
import { epsSpec, lrSpec } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'
import { nonNegative, WD_CHECK } from './checks'

const MATH = [
  'm₁ ← β₁m₁ + (1−β₁)g;   m₂ ← β₃ₜm₂ + (1−β₃ₜ)g;   ν ← β₂ν + (1−β₂)g²',
  'θ ← θ − γ·((m₁/(1−β₁ᵗ) + αₜm₂)/(√ν/√(1−β₂ᵗ) + ε) + λθ)',
  'αₜ = α·t/T_α (t < T_α);   β₃ₜ = f⁻¹((1−t/T_β₃)·f(β₁) + (t/T_β₃)·f(β₃)) (t < T_β₃), f(β) = ln ½/ln(β+1e-8) − 1',
]

/**
 * AdEMAMix — Pagliardini, Ablin & Grangier, "The AdEMAMix Optimizer: Better, Faster, Older"
 * (ICLR 2025); apple/ml-ademamix pytorch/ademamix.py. Adam plus a second, slow EMA of the
 * gradient (β₃, not bias-corrected) mixed in with weight α; α and β₃ may warm up over T_α and
 * T_β₃ steps (counted from t = 1, α from 0; β₃ along the half-life scheduler from β₁).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 *
 * The warm-ups are the reference's `None` by default (no warm-up), which reaches the rule as 0.
 */
export const ademamix: OptimizerDef = {
  name: 'ademamix',
  title: 'AdEMAMix',
  source: 'Pagliardini et al., "The AdEMAMix Optimizer: Better, Faster, Older" (2024); apple/ml-ademamix pytorch/ademamix.py',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-3),
    betas: {
      kind: 'pair',
      default: [0.9, 0.999, 0.9999],
      codeNames: ['beta1', 'beta2', 'beta3'],
      check: betaRange,
      doc: 'coefficients (β₁, β₂, β₃) of the fast EMA, the second moment and the slow EMA',
    },
    alpha: { kind: 'number', default: 2, check: nonNegative('alpha value'), doc: 'weight α of the slow EMA' },
    beta3_warmup: {
      kind: 'number',
      default: null,
      none: 0,
      check: nonNegative('beta3_warmup value'),
      doc: 'steps T_β₃ of the β₃ warm-up (null: none)',
    },
    alpha_warmup: {
      kind: 'number',
      default: null,
      none: 0,
      check: nonNegative('alpha_warmup value'),
      doc: 'steps T_α of the α warm-up (null: none)',
    },
    eps: epsSpec(1e-8),
    weight_decay: { kind: 'number', default: 0, check: WD_CHECK, doc: 'weight decay λ, added to the update (AdamW style)' },
  },
  state: { exp_avg: '0', exp_avg_slow: '0', exp_avg_sq: '0' },
  prelude: `
    let bias_correction1 = 1 - Math.pow(beta1, t);
    let bias_correction2 = 1 - Math.pow(beta2, t);
    let alpha_t = alpha;
    if (t < alpha_warmup) { alpha_t = (t / alpha_warmup) * alpha; }
    let beta3_t = beta3;
    if (t < beta3_warmup) {
      let a = t / beta3_warmup;
      let f1 = Math.log(0.5) / Math.log(beta1 + 1e-8) - 1;
      let f3 = Math.log(0.5) / Math.log(beta3 + 1e-8) - 1;
      beta3_t = Math.pow(0.5, 1 / ((1 - a) * f1 + a * f3 + 1));
    }
  `,
  update: `
    exp_avg = exp_avg * beta1 + g * (1 - beta1);
    exp_avg_slow = exp_avg_slow * beta3_t + g * (1 - beta3_t);
    exp_avg_sq = exp_avg_sq * beta2 + g * g * (1 - beta2);
    let denom = Math.sqrt(exp_avg_sq) / Math.sqrt(bias_correction2) + eps;
    let u = (exp_avg / bias_correction1 + alpha_t * exp_avg_slow) / denom;
    if (weight_decay != 0) { u = u + weight_decay * p; }
    p = p - lr * u;
  `,
}
