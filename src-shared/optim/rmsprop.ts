import { nonNegative } from './checks'
import { epsSpec, L2_WEIGHT_DECAY_RULE, lrSpec, MAXIMIZE, MAXIMIZE_RULE, WEIGHT_DECAY } from './fragments'
import type { OptimizerDef } from './types'
import { mathTooltip } from './math'

/** The update rule in math notation, one line per step (doc and tooltip). */
const MATH = [
  'g ← ±∇L + λθ',
  'v ← αv + (1−α)g²',
  'centered: m ← αm + (1−α)g;  d ← √(v − m²) + ε    else d ← √v + ε',
  'momentum μ > 0: b ← μb + g/d;  θ ← θ − γb        else θ ← θ − γ g/d',
]

/**
 * RMSprop, optionally centered and with momentum — torch.optim.RMSprop (≥ 2.0).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 *
 * Source: torch/optim/rmsprop.py; Hinton, Lecture 6.5 of "Neural Networks for Machine
 * Learning" (2012); centered form from Graves, "Generating Sequences With RNNs" (2013).
 */
export const rmsprop: OptimizerDef = {
  name: 'rmsprop',
  title: 'RMSprop',
  source: 'torch.optim.RMSprop; Hinton 2012; Graves 2013 (centered)',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-2),
    alpha: { kind: 'number', default: 0.99, check: nonNegative('alpha value'), doc: 'smoothing constant α' },
    eps: epsSpec(1e-8),
    weight_decay: WEIGHT_DECAY,
    momentum: { kind: 'number', default: 0, check: nonNegative('momentum value'), doc: 'momentum factor μ' },
    centered: { kind: 'boolean', default: false, doc: 'normalize by an estimate of the gradient variance' },
    maximize: MAXIMIZE,
  },
  state: { square_avg: '0', grad_avg: '0', momentum_buffer: '0' },
  slotUsedIf: { grad_avg: 'centered', momentum_buffer: 'momentum' },
  // P = diag(√v + ε)/η: the effective step is P⁻¹g (docs/central-flows.md, "Thresholds for other optimizers": threshold 2).
  preconditioner: '(Math.sqrt(centered ? square_avg - grad_avg * grad_avg : square_avg) + eps) / lr',
  update: `
    ${MAXIMIZE_RULE}
    ${L2_WEIGHT_DECAY_RULE}
    square_avg = alpha * square_avg + (1 - alpha) * g * g;
    let avg = 0;
    if (centered) {
      grad_avg = grad_avg + (g - grad_avg) * (1 - alpha);
      avg = Math.sqrt(square_avg - grad_avg * grad_avg) + eps;
    } else {
      avg = Math.sqrt(square_avg) + eps;
    }
    if (momentum > 0) {
      momentum_buffer = momentum * momentum_buffer + g / avg;
      p = p - lr * momentum_buffer;
    } else {
      p = p - lr * (g / avg);
    }
  `,
}
