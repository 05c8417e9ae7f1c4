import { epsSpec, lrSpec, MAXIMIZE, MAXIMIZE_RULE } from './fragments'
import type { OptimizerDef } from './types'
import { mathTooltip } from './math'

/** The update rule in math notation, one line per step (doc and tooltip). */
const MATH = ['ν ← αν + (1−α)‖g‖²', 'θ ← θ − γ·g/(√ν + ε)']

/**
 * Scalar RMSProp: RMSProp with one second-moment estimate for the whole gradient, so the step
 * is plain GD with an adaptive learning rate η/(√ν + ε). Not in torch.optim; the central-flow
 * papers use it as the simplest adaptive optimizer (Cohen et al., "Understanding Optimization in Deep Learning with Central Flows", ICLR 2025), with torch
 * RMSprop's names and conventions (α, ε outside the root, ν updated before the step):
 *
 *   (the update rule: MATH above, which is also the tooltip)
 *
 * Source: Cohen, Damian, Talwalkar, Kolter, Lee, "Understanding Optimization in Deep Learning
 * with Central Flows" (ICLR 2025), §"Scalar RMSProp".
 */
export const scalarRmsprop: OptimizerDef = {
  name: 'scalar_rmsprop',
  title: 'Scalar RMSProp',
  source: 'Cohen et al., "Understanding Optimization in Deep Learning with Central Flows" (2025); not in torch.optim',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(1e-2),
    alpha: {
      kind: 'number',
      default: 0.99,
      check: (v) => (v >= 0 && v < 1 ? null : `Invalid alpha value: ${v} (must be in [0, 1))`),
      doc: 'smoothing constant α (β₂ in the central-flow papers)',
    },
    eps: epsSpec(1e-8),
    maximize: MAXIMIZE,
  },
  state: {},
  particleState: { nu: '0' },
  // P = (√ν + ε)/η, the same for every coordinate: the effective sharpness ηS/(√ν + ε) ≤ 2.
  preconditioner: '(Math.sqrt(nu) + eps) / lr',
  // g_norm2 = ‖g‖² over all coordinates (the sign of maximize does not change it).
  prelude: `
    nu = alpha * nu + (1 - alpha) * g_norm2;
    let denom = Math.sqrt(nu) + eps;
  `,
  update: `
    ${MAXIMIZE_RULE}
    p = p - lr * (g / denom);
  `,
}
