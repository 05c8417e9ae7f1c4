import { epsSpec, L2_WEIGHT_DECAY_RULE, lrSpec, MAXIMIZE, MAXIMIZE_RULE, WEIGHT_DECAY } from './fragments'
import type { OptimizerDef } from './types'
import { mathTooltip } from './math'

/** The update rule in math notation, one line per step (doc and tooltip). */
const MATH = ['g ← ±∇L + λθ', 'v ← ρv + (1−ρ)g²', 'Δ ← √(u + ε) / √(v + ε) · g', 'u ← ρu + (1−ρ)Δ²', 'θ ← θ − γΔ']

/**
 * Adadelta — torch.optim.Adadelta (≥ 2.0).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 *
 * Source: torch/optim/adadelta.py; Zeiler, "ADADELTA: An Adaptive Learning Rate Method" (2012).
 */
export const adadelta: OptimizerDef = {
  name: 'adadelta',
  title: 'Adadelta',
  source: 'torch.optim.Adadelta; Zeiler 2012',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1.0, 'coefficient γ that scales Δ'),
    rho: {
      kind: 'number',
      default: 0.9,
      check: (v) => (v >= 0 && v <= 1 ? null : `Invalid rho value: ${v} (must be in [0, 1])`),
      doc: 'running-average coefficient ρ',
    },
    eps: epsSpec(1e-6, 'term ε for numerical stability'),
    weight_decay: WEIGHT_DECAY,
    maximize: MAXIMIZE,
  },
  state: { square_avg: '0', acc_delta: '0' },
  update: `
    ${MAXIMIZE_RULE}
    ${L2_WEIGHT_DECAY_RULE}
    square_avg = rho * square_avg + (1 - rho) * g * g;
    let std = Math.sqrt(square_avg + eps);
    let delta = Math.sqrt(acc_delta + eps) / std * g;
    acc_delta = rho * acc_delta + (1 - rho) * delta * delta;
    p = p - lr * delta;
  `,
}
