import { WD_CHECK } from './checks'
import { betasSpec, DECOUPLED_WEIGHT_DECAY_RULE, epsSpec, L2_WEIGHT_DECAY_RULE, lrSpec, MAXIMIZE, MAXIMIZE_RULE } from './fragments'
import type { OptimizerDef } from './types'
import { mathTooltip } from './math'

const ADAM_RULE = `
    exp_avg = exp_avg + (g - exp_avg) * (1 - beta1);
    exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g;
    let denom = 0;
    if (amsgrad) {
      max_exp_avg_sq = Math.max(max_exp_avg_sq, exp_avg_sq);
      denom = Math.sqrt(max_exp_avg_sq) / bias_correction2_sqrt + eps;
    } else {
      denom = Math.sqrt(exp_avg_sq) / bias_correction2_sqrt + eps;
    }
    p = p - step_size * (exp_avg / denom);
  `

/** The update rules in math notation, one line per step (doc and tooltip). */
const ADAM_STEPS = [
  'm ← β₁m + (1−β₁)g;   v ← β₂v + (1−β₂)g²;   v_max ← max(v_max, v) (amsgrad)',
  'θ ← θ − (γ/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε)      (√v_max under amsgrad)',
]
const ADAM_MATH = ['g ← ±∇L + λθ', ...ADAM_STEPS]
const ADAMW_MATH = ['g ← ±∇L;   θ ← θ(1 − γλ)', ...ADAM_STEPS]

/** Adam and AdamW differ only in where weight decay enters; the rule itself is shared. */
function adamFamily(decoupled: boolean): OptimizerDef {
  return {
    name: decoupled ? 'adamw' : 'adam',
    title: decoupled ? 'AdamW' : 'Adam',
    source: decoupled
      ? 'torch.optim.AdamW; Loshchilov & Hutter 2019 (decoupled weight decay)'
      : 'torch.optim.Adam; Kingma & Ba 2015 (Algorithm 1); Reddi et al. 2018 (amsgrad)',
    math: decoupled ? ADAMW_MATH : ADAM_MATH,
    rule: mathTooltip(decoupled ? ADAMW_MATH : ADAM_MATH),
    hparams: {
      lr: lrSpec(1e-3),
      betas: betasSpec('coefficients (β₁, β₂) of the running averages of g and g²'),
      eps: epsSpec(1e-8),
      weight_decay: {
        kind: 'number',
        default: decoupled ? 1e-2 : 0,
        check: WD_CHECK,
        doc: decoupled ? 'decoupled weight decay λ (θ ← θ(1 − γλ))' : 'L2 penalty λ, added to the gradient',
      },
      amsgrad: { kind: 'boolean', default: false, doc: 'use the running maximum of v (AMSGrad)' },
      maximize: MAXIMIZE,
    },
    state: { exp_avg: '0', exp_avg_sq: '0', max_exp_avg_sq: '0' },
    slotUsedIf: { max_exp_avg_sq: 'amsgrad' },
    // P = diag(√v̂ + ε) (AEoS; the bias-corrected second moment, its running max under amsgrad).
    preconditioner: 'Math.sqrt((amsgrad ? max_exp_avg_sq : exp_avg_sq) / bias_correction2) + eps',
    prelude: `
      let bias_correction1 = 1 - Math.pow(beta1, t);
      let bias_correction2 = 1 - Math.pow(beta2, t);
      let step_size = lr / bias_correction1;
      let bias_correction2_sqrt = Math.sqrt(bias_correction2);
    `,
    update: `
    ${MAXIMIZE_RULE}
    ${decoupled ? DECOUPLED_WEIGHT_DECAY_RULE : L2_WEIGHT_DECAY_RULE}
    ${ADAM_RULE}`,
  }
}

/**
 * Adam — torch.optim.Adam (≥ 2.0), Algorithm 1 of Kingma & Ba, "Adam: A Method for
 * Stochastic Optimization" (ICLR 2015); `amsgrad` from Reddi, Kale & Kumar, "On the
 * Convergence of Adam and Beyond" (ICLR 2018), taking the running max of the raw v as torch does.
 *
 *   (the update rule: ADAM_MATH above, which is also the tooltip)
 */
export const adam = adamFamily(false)

/**
 * AdamW — torch.optim.AdamW (≥ 2.0); Loshchilov & Hutter, "Decoupled Weight Decay
 * Regularization" (ICLR 2019). As Adam, but weight decay multiplies the parameter before the
 * step, θ ← θ(1 − γλ), instead of entering the gradient. Default λ = 1e-2 (ADAMW_MATH above).
 */
export const adamw = adamFamily(true)
