import { lrSpec, MAXIMIZE, MAXIMIZE_RULE } from './fragments'
import type { OptimizerDef } from './types'
import { mathTooltip } from './math'

/** The update rule in math notation, one line per step (doc and tooltip). */
const MATH = [
  's = sign(g·g_prev);   f = η₊ if s > 0, η₋ if s < 0, else 1',
  'Δ ← clamp(Δ·f, Δ_min, Δ_max)     (Δ₀ = lr)',
  'g ← 0 where f = η₋;   θ ← θ − sign(g)·Δ;   g_prev ← g',
]

/**
 * Rprop — torch.optim.Rprop (≥ 2.0); Riedmiller & Braun, "A Direct Adaptive Method for
 * Faster Backpropagation Learning: The RPROP Algorithm" (ICNN 1993).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 */
export const rprop: OptimizerDef = {
  name: 'rprop',
  title: 'Rprop',
  source: 'torch.optim.Rprop; Riedmiller & Braun 1993',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-2, 'initial step size Δ₀'),
    etas: {
      kind: 'pair',
      default: [0.5, 1.2],
      codeNames: ['etaminus', 'etaplus'],
      check: ([m, p]) => (m > 0 && m < 1 && p > 1 ? null : `Invalid eta values: ${m}, ${p} (need 0 < etaminus < 1 < etaplus)`),
      doc: 'multiplicative decrease and increase factors (η₋, η₊)',
    },
    step_sizes: {
      kind: 'pair',
      default: [1e-6, 50],
      codeNames: ['step_size_min', 'step_size_max'],
      check: ([lo, hi]) => (lo >= 0 && hi >= lo ? null : `Invalid step sizes: ${lo}, ${hi} (need 0 ≤ min ≤ max)`),
      doc: 'minimal and maximal step sizes',
    },
    maximize: MAXIMIZE,
  },
  state: { prev: '0', step_size: 'lr' },
  update: `
    ${MAXIMIZE_RULE}
    let s = g * prev;
    let f = 1;
    if (s > 0) { f = etaplus; } else if (s < 0) { f = etaminus; }
    step_size = Math.min(Math.max(step_size * f, step_size_min), step_size_max);
    if (f == etaminus) { g = 0; }
    p = p - Math.sign(g) * step_size;
    prev = g;
  `,
}
