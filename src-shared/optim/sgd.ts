import { nonNegative } from './checks'
import { L2_WEIGHT_DECAY_RULE, lrSpec, MAXIMIZE, MAXIMIZE_RULE, WEIGHT_DECAY } from './fragments'
import type { OptimizerDef } from './types'
import { mathTooltip } from './math'

/** The update rule in math notation, one line per step (doc and tooltip). */
const MATH = [
  'g ← ±∇L + λθ',
  'b₁ ← g;  b_t ← μ b_{t−1} + (1−τ) g            (when μ ≠ 0; dampening starts at step 2)',
  'g ← g + μ b_t (nesterov)  or  g ← b_t',
  'θ ← θ − γ g',
]

/**
 * SGD with momentum, dampening, Nesterov and L2 weight decay — torch.optim.SGD (≥ 2.0).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 *
 * Source: torch/optim/sgd.py; Sutskever et al., "On the importance of initialization and
 * momentum in deep learning" (ICML 2013) for Nesterov. Note torch's convention v = μv + g,
 * θ = θ − γv (lr outside the buffer), not Sutskever's v = μv + γg.
 */
export const sgd: OptimizerDef = {
  name: 'sgd',
  title: 'SGD',
  source: 'torch.optim.SGD; Sutskever et al. 2013 (Nesterov)',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-3),
    momentum: { kind: 'number', default: 0, check: nonNegative('momentum value'), doc: 'momentum factor μ' },
    dampening: { kind: 'number', default: 0, doc: 'dampening τ for momentum' },
    weight_decay: WEIGHT_DECAY,
    nesterov: { kind: 'boolean', default: false, doc: 'use Nesterov momentum' },
    maximize: MAXIMIZE,
  },
  crossCheck: (h) =>
    h.nesterov && (!((h.momentum as number) > 0) || h.dampening !== 0) ? 'Nesterov momentum requires a momentum and zero dampening' : null,
  state: { momentum_buffer: '0' },
  slotUsedIf: { momentum_buffer: 'momentum' },
  update: `
    ${MAXIMIZE_RULE}
    ${L2_WEIGHT_DECAY_RULE}
    if (momentum != 0) {
      if (t < 1.5) { momentum_buffer = g; } else { momentum_buffer = momentum * momentum_buffer + (1 - dampening) * g; }
      if (nesterov) { g = g + momentum * momentum_buffer; } else { g = momentum_buffer; }
    }
    p = p - lr * g;
  `,
}
