/**
 * The induced-metric optimisers — Thomas et al., "The Optimiser Hidden in Plain Sight: Training
 * with the Loss Landscape's Induced Metric" (2025); harveyThomas4692/Induced-Metric-Optimiser
 * optimisers/torch_imp.py (CustomSGD, CustomSGDLog, CustomSGDRMS). Gradient descent in the metric
 * the loss surface induces on parameter space, G = I + ξ∇L∇Lᵀ, whose inverse shrinks the step by
 * 1/(1 + ξ‖g‖²); the ξ‖g‖² term is smoothed (β) and bias-corrected, and the step uses a
 * bias-corrected momentum. β = 0 is the plain induced metric.
 */
import { lrSpec } from '../fragments'
import { mathTooltip } from '../math'
import type { NumberHparam, OptimizerDef } from '../types'
import { EPS_CHECK, nonNegative, unitInterval, WD_CHECK } from './checks'

const COMMON_HPARAMS = {
  lr: lrSpec(0.1),
  momentum: { kind: 'number', default: 0.9, check: unitInterval('momentum'), doc: 'momentum coefficient of b' } as NumberHparam,
  xi: { kind: 'number', default: 0.1, check: nonNegative('xi value'), doc: 'metric scale ξ (G = I + ξ∇L∇Lᵀ)' } as NumberHparam,
  beta: { kind: 'number', default: 0.8, check: unitInterval('beta'), doc: 'smoothing β of the metric term μ' } as NumberHparam,
  weight_decay: { kind: 'number', default: 0, check: WD_CHECK, doc: 'weight decay λ (θ ← θ − γλθ)' } as NumberHparam,
}

const MOMENTUM_LINES = 'b ← βₘb + (1−βₘ)g;   b̂ = b/(1−βₘᵗ);   θ ← θ − γλθ'

/** Momentum, weight decay and the step `p ← p − lr·scale·b̂·extra`. */
const STEP = (extra: string) => `
    momentum_buffer = momentum * momentum_buffer + (1 - momentum) * g;
    let b_hat = momentum_buffer / (1 - Math.pow(momentum, t));
    p = p - lr * weight_decay * p;
    p = p - lr * scale * b_hat${extra};
`

const METRIC_PRELUDE = (term: string, scale: string) => `
    mu = beta * mu + (1 - beta) * (${term});
    let mu_hat = mu / (1 - Math.pow(beta, t));
    let scale = ${scale};
`

const MATH = ['T = ξ‖g‖²;   μ ← βμ + (1−β)T;   μ̂ = μ/(1−βᵗ)', MOMENTUM_LINES, 'θ ← θ − γ·b̂/(1 + |μ̂|)']

/** CustomSGD: the step divided by 1 + |μ̂|. */
export const inducedsgd: OptimizerDef = {
  name: 'inducedsgd',
  title: 'Induced-metric SGD',
  source: 'Thomas et al., "The Optimiser Hidden in Plain Sight" (2025); Induced-Metric-Optimiser torch_imp.py CustomSGD',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: COMMON_HPARAMS,
  state: { momentum_buffer: '0' },
  particleState: { mu: '0' },
  prelude: METRIC_PRELUDE('xi * g_norm2', '1 / (1 + Math.abs(mu_hat))'),
  update: STEP(''),
}

const LOG_MATH = ['T = ξ‖g‖²;   μ ← βμ + (1−β)T;   μ̂ = μ/(1−βᵗ)', MOMENTUM_LINES, 'θ ← θ − γ·L·b̂/(L² + μ̂)']

/** CustomSGDLog: the induced metric of log L; the step scales with L/(L² + μ̂) (reads the loss). */
export const inducedsgdlog: OptimizerDef = {
  name: 'inducedsgdlog',
  title: 'Induced-metric SGD (log)',
  source: 'Thomas et al., "The Optimiser Hidden in Plain Sight" (2025); Induced-Metric-Optimiser torch_imp.py CustomSGDLog',
  math: LOG_MATH,
  rule: mathTooltip(LOG_MATH),
  hparams: COMMON_HPARAMS,
  state: { momentum_buffer: '0' },
  particleState: { mu: '0' },
  prelude: METRIC_PRELUDE('xi * g_norm2', 'loss / (loss * loss + mu_hat)'),
  update: STEP(''),
}

const RMS_MATH = [
  'ρ ← β_ρρ + (1−β_ρ)g²;   ρ̂ = ρ/(1−β_ρᵗ);   T = ξ Σ g²/(√ρ̂ + ε)',
  'μ ← βμ + (1−β)T;   μ̂ = μ/(1−βᵗ)',
  MOMENTUM_LINES,
  'θ ← θ − γ·b̂/((1 + |μ̂|)(√ρ̂ + ε))',
]

/** CustomSGDRMS: the metric of an RMSprop-preconditioned gradient (a sum over the coordinates). */
export const inducedsgdrms: OptimizerDef = {
  name: 'inducedsgdrms',
  title: 'Induced-metric SGD (RMS)',
  source: 'Thomas et al., "The Optimiser Hidden in Plain Sight" (2025); Induced-Metric-Optimiser torch_imp.py CustomSGDRMS',
  math: RMS_MATH,
  rule: mathTooltip(RMS_MATH),
  hparams: {
    ...COMMON_HPARAMS,
    beta_rms: { kind: 'number', default: 0.99, check: unitInterval('beta_rms'), doc: 'coefficient β_ρ of the running average of g²' },
    eps: { kind: 'number', default: 1e-8, check: EPS_CHECK, doc: 'term ε added to √ρ̂' },
  },
  state: { momentum_buffer: '0', rho: '0' },
  particleState: { mu: '0' },
  stages: [
    {
      kind: 'coordinates',
      code: `
        rho = beta_rms * rho + (1 - beta_rms) * g * g;
        let rms = Math.sqrt(rho / (1 - Math.pow(beta_rms, t))) + eps;
      `,
    },
    { kind: 'reduce', name: 'g_metric', op: 'sum', of: 'g * g / rms' },
  ],
  prelude: METRIC_PRELUDE('xi * g_metric', '1 / (1 + Math.abs(mu_hat))'),
  update: STEP(' / rms'),
}
