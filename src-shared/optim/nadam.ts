import { nonNegative } from './checks'
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
  'μ_t ← β₁(1 − ½·0.96^(tψ));   μ_{t+1} ← β₁(1 − ½·0.96^((t+1)ψ));   Π_t ← Π_{t−1}·μ_t',
  'm ← β₁m + (1−β₁)g;   v ← β₂v + (1−β₂)g²;   d ← √(v/(1−β₂ᵗ)) + ε',
  'θ ← θ − γ(1−μ_t)/(1−Π_t) · g/d − γμ_{t+1}/(1−Π_t·μ_{t+1}) · m/d',
]

/**
 * NAdam — torch.optim.NAdam with torch ≥ 2.0 semantics; Dozat, "Incorporating Nesterov
 * Momentum into Adam" (ICLR 2016 workshop).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 *
 * ψ is `momentum_decay`. torch 1.13 used Π_t·μ_t·μ_{t+1} in the last denominator (μ_t
 * counted twice); ≥ 2.0 uses mu_product_next = mu_product · mu_next, as here.
 */
export const nadam: OptimizerDef = {
  name: 'nadam',
  title: 'NAdam',
  source: 'torch.optim.NAdam (≥ 2.0); Dozat 2016',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(2e-3),
    betas: betasSpec('coefficients (β₁, β₂) of the running averages'),
    eps: epsSpec(1e-8),
    weight_decay: WEIGHT_DECAY,
    momentum_decay: { kind: 'number', default: 4e-3, check: nonNegative('momentum_decay'), doc: 'momentum decay ψ' },
    decoupled_weight_decay: DECOUPLED_WEIGHT_DECAY,
    maximize: MAXIMIZE,
  },
  state: { exp_avg: '0', exp_avg_sq: '0' },
  particleState: { mu_product: '1' },
  prelude: `
    let bias_correction2 = 1 - Math.pow(beta2, t);
    let mu = beta1 * (1 - 0.5 * Math.pow(0.96, t * momentum_decay));
    let mu_next = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * momentum_decay));
    mu_product = mu_product * mu;
    let mu_product_next = mu_product * mu_next;
  `,
  update: `
    ${MAXIMIZE_RULE}
    ${SWITCHED_WEIGHT_DECAY_RULE}
    exp_avg = exp_avg + (g - exp_avg) * (1 - beta1);
    exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g;
    let denom = Math.sqrt(exp_avg_sq / bias_correction2) + eps;
    p = p - lr * (1 - mu) / (1 - mu_product) * (g / denom);
    p = p - lr * mu_next / (1 - mu_product_next) * (exp_avg / denom);
  `,
}
