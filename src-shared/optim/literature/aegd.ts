import { lrSpec } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'
import { positive, WD_CHECK } from './checks'

const MATH = ['q = √(L(θ) + c);   v = g/(2q);   θ ← θ(1 − γλ) (aegdw)  or  v ← v + λθ', 'r₁ = q;   r ← r/(1 + 2γv²);   θ ← θ − 2γ·r·v']

/**
 * AEGD (adaptive gradient descent with energy) — Liu & Tian, "AEGD: Adaptive Gradient Descent with
 * Energy" (2020); txping/AEGD aegd.py. An energy variable r, started at √(L + c), only ever
 * decreases, which makes the method unconditionally energy stable. It reads the loss value.
 *
 *   (the update rule: MATH above, which is also the tooltip)
 */
export const aegd: OptimizerDef = {
  name: 'aegd',
  title: 'AEGD',
  source: 'Liu & Tian, "AEGD: Adaptive Gradient Descent with Energy" (2020); txping/AEGD aegd.py',
  math: MATH,
  rule: mathTooltip(MATH),
  hparams: {
    lr: lrSpec(0.1),
    c: { kind: 'number', default: 1, check: positive('c'), doc: 'constant c making L + c positive' },
    weight_decay: { kind: 'number', default: 0, check: WD_CHECK, doc: 'weight decay λ' },
    aegdw: { kind: 'boolean', default: false, doc: 'decoupled weight decay (AEGDW)' },
  },
  state: { energy: '0' },
  prelude: 'let sqrtloss = Math.sqrt(loss + c);',
  update: `
    let v = g / (2 * sqrtloss);
    if (aegdw) { p = p * (1 - lr * weight_decay); } else if (weight_decay != 0) { v = v + weight_decay * p; }
    if (t < 1.5) { energy = sqrtloss; }
    energy = energy / (1 + 2 * lr * v * v);
    p = p - 2 * lr * energy * v;
  `,
}
