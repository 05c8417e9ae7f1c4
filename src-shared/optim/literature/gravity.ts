import { lrSpec } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'
import { nonNegative, unitInterval } from './checks'

const MATH = ['β̂ = (βt + 1)/(t + 2);   ζ = g/(1 + (g·max_i|g_i|)²)', 'v ← β̂v + (1−β̂)ζ;   θ ← θ − γv   (v₀ = 0)']

/**
 * Gravity — Bahrami & Zadeh, "Gravity Optimizer: a Kinematic Approach on Optimization in Deep
 * Learning" (2021); dariush-bahrami/gravity.optimizer gravity_optimizer_pytorch.py. A step bounded
 * per coordinate by ζ, scaled by the largest gradient entry (a max over the coordinates), with a
 * moving average whose β̂ grows towards β.
 *
 *   (the update rule: MATH above, which is also the tooltip)
 *
 * The reference draws the initial velocity from N(0, (α/γ)²). Gradscape starts every particle at
 * rest (v₀ = 0), so runs are reproducible; this equals the reference exactly at α = 0, and `alpha`
 * is kept under its name and default for the record.
 */
export const gravity: OptimizerDef = {
  name: 'gravity',
  title: 'Gravity',
  source:
    'Bahrami & Zadeh, "Gravity Optimizer: a Kinematic Approach on Optimization in Deep Learning" (2021); dariush-bahrami/gravity.optimizer',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(0.1),
    alpha: {
      kind: 'number',
      default: 0.01,
      check: nonNegative('alpha value'),
      doc: 'spread α of the reference’s random initial velocity (Gradscape starts at v₀ = 0)',
    },
    beta: { kind: 'number', default: 0.9, check: unitInterval('beta'), doc: 'limit β of the averaging coefficient β̂' },
  },
  state: { velocity: '0' },
  stages: [{ kind: 'reduce', name: 'g_max', op: 'max', of: 'Math.abs(g)' }],
  prelude: `
    let beta_hat = (beta * t + 1) / (t + 2);
    let m = 1 / g_max;
  `,
  update: `
    let gm = g / m;
    let zeta = g / (1 + gm * gm);
    velocity = beta_hat * velocity + (1 - beta_hat) * zeta;
    p = p - lr * velocity;
  `,
}
