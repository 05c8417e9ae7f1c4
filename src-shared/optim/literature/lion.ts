import { betasSpec, lrSpec } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'
import { WD_CHECK } from './checks'

const MATH = ['θ ← θ(1 − γλ)', 'c = β₁m + (1−β₁)g;   θ ← θ − γ·sign(c)   (sign 0 = 0)', 'm ← β₂m + (1−β₂)g']

/**
 * Lion (EvoLved Sign Momentum) — Chen et al., "Symbolic Discovery of Optimization Algorithms"
 * (NeurIPS 2023); google/automl lion/lion_pytorch.py. The step is the sign of an interpolation
 * between momentum and gradient, so every coordinate moves by exactly γ (without weight decay).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 */
export const lion: OptimizerDef = {
  name: 'lion',
  title: 'Lion',
  source: 'Chen et al., "Symbolic Discovery of Optimization Algorithms" (2023); google/automl lion/lion_pytorch.py',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-4),
    betas: betasSpec('coefficients (β₁, β₂): β₁ interpolates the step direction, β₂ the momentum', [0.9, 0.99]),
    weight_decay: { kind: 'number', default: 0, check: WD_CHECK, doc: 'decoupled weight decay λ (θ ← θ(1 − γλ))' },
  },
  state: { exp_avg: '0' },
  update: `
    p = p * (1 - lr * weight_decay);
    let c = exp_avg * beta1 + g * (1 - beta1);
    p = p - lr * Math.sign(c);
    exp_avg = exp_avg * beta2 + g * (1 - beta2);
  `,
}
