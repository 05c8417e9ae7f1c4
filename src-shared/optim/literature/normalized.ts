/** Gradient-norm methods: normalized gradient descent and gradient-norm clipping before SGD. */
import { epsSpec, lrSpec } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'
import { nesterovCheck, nonNegative, SGD_STEP, WD_CHECK } from './checks'

const NORMGD_MATH = ['θ ← θ − γ·g/(‖g‖ + ε)']

/**
 * Normalized gradient descent — optax `normalize_by_update_norm` then `scale(−lr)`
 * (optax/_src/transform.py): every step has length γ (up to ε).
 * `lr` is required by the reference; the default here is 1e-2.
 */
export const normgd: OptimizerDef = {
  name: 'normgd',
  title: 'Normalized GD',
  source: 'normalized gradient descent; optax normalize_by_update_norm + scale(-lr) (optax/_src/transform.py)',
  math: NORMGD_MATH,
  rule: mathTooltip(NORMGD_MATH),
  hparams: { lr: lrSpec(1e-2), eps: epsSpec(1e-6) },
  state: {},
  prelude: 'let g_norm = Math.sqrt(g_norm2) + eps;',
  update: 'p = p - lr * (g * (1 / g_norm));',
}

const CLIP_MATH = [
  'g ← g·min(c/(‖g‖ + 1e-6), 1)   (clip_grad_norm_, 2-norm)',
  'd = g + λθ;   b₁ = d, b ← μb + (1−τ)d;   d = d + μb (nesterov) or b;   θ ← θ − γd',
]

/**
 * Gradient-norm clipping — Pascanu, Mikolov & Bengio, "On the difficulty of training Recurrent
 * Neural Networks" (ICML 2013); torch.nn.utils.clip_grad_norm_ then torch.optim.SGD. The SGD step
 * never sees a gradient longer than max_norm. `lr` and `max_norm` are required by the reference;
 * the defaults here are SGD's 1e-3 and 1.
 *
 *   (the update rule: CLIP_MATH above, which is also the tooltip)
 */
export const clipsgd: OptimizerDef = {
  name: 'clipsgd',
  title: 'Clipped SGD',
  source:
    'Pascanu et al., "On the difficulty of training Recurrent Neural Networks" (2013); torch.nn.utils.clip_grad_norm_ + torch.optim.SGD',
  math: CLIP_MATH,
  rule: mathTooltip(CLIP_MATH),
  hparams: {
    lr: lrSpec(1e-3),
    max_norm: { kind: 'number', default: 1, check: nonNegative('max_norm value'), doc: 'largest gradient norm c' },
    norm_type: {
      kind: 'number',
      default: 2,
      check: (v) => (v === 2 ? null : `Invalid norm_type value: ${v} (only 2.0, the Euclidean norm, is supported)`),
      doc: 'the norm clipped (2: Euclidean)',
    },
    momentum: { kind: 'number', default: 0, check: nonNegative('momentum value'), doc: 'momentum factor μ' },
    dampening: { kind: 'number', default: 0, doc: 'dampening τ for momentum' },
    weight_decay: { kind: 'number', default: 0, check: WD_CHECK, doc: 'L2 penalty λ, added to the gradient' },
    nesterov: { kind: 'boolean', default: false, doc: 'use Nesterov momentum' },
  },
  crossCheck: nesterovCheck,
  state: { momentum_buffer: '0' },
  slotUsedIf: { momentum_buffer: 'momentum' },
  prelude: 'let clip_coef = Math.min(max_norm / (Math.sqrt(g_norm2) + 1e-6), 1);',
  update: `
    let d = g * clip_coef;
    ${SGD_STEP}
  `,
}
