import { nonNegative } from './checks'
import { epsSpec, L2_WEIGHT_DECAY_RULE, lrSpec, MAXIMIZE, MAXIMIZE_RULE, WEIGHT_DECAY } from './fragments'
import type { OptimizerDef } from './types'
import { mathTooltip } from './math'

/** The update rule in math notation, one line per step (doc and tooltip). */
const MATH = [
  'g ← ±∇L + λθ;   γ̃ ← γ / (1 + (t−1)·η_decay)',
  's ← s + g²        (s₀ = initial_accumulator_value)',
  'θ ← θ − γ̃ · g / (√s + ε)',
]

/**
 * Adagrad — torch.optim.Adagrad (≥ 2.0).
 *
 *   (the update rule: MATH above, which is also the tooltip)
 *
 * Source: torch/optim/adagrad.py; Duchi, Hazan & Singer, "Adaptive Subgradient Methods for
 * Online Learning and Stochastic Optimization" (JMLR 2011).
 */
export const adagrad: OptimizerDef = {
  name: 'adagrad',
  title: 'Adagrad',
  source: 'torch.optim.Adagrad; Duchi et al. 2011',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-2),
    lr_decay: { kind: 'number', default: 0, check: nonNegative('lr_decay value'), doc: 'learning-rate decay' },
    weight_decay: WEIGHT_DECAY,
    initial_accumulator_value: {
      kind: 'number',
      default: 0,
      check: nonNegative('initial_accumulator_value value'),
      doc: 'starting value of the sum of squares',
    },
    eps: epsSpec(1e-10),
    maximize: MAXIMIZE,
  },
  state: { sum: 'initial_accumulator_value' },
  prelude: `let clr = lr / (1 + (t - 1) * lr_decay);`,
  update: `
    ${MAXIMIZE_RULE}
    ${L2_WEIGHT_DECAY_RULE}
    sum = sum + g * g;
    let std = Math.sqrt(sum) + eps;
    p = p - clr * (g / std);
  `,
}
