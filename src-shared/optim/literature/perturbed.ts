/**
 * Rules that take the gradient at a second point: SAM (at the adversarial point w + e) and FDGR
 * (at w + εg, a finite difference of the gradient).
 */
import { lrSpec } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'
import { nesterovCheck, nonNegative, SGD_STEP, WD_CHECK } from './checks'

const SAM_MATH = [
  'n = ‖g‖ (adaptive: ‖|θ|⊙g‖);   e = (θ² if adaptive else 1)·g·ρ/(n + 1e-12)',
  'g̃ = ∇L(θ + e);   d = g̃ + λθ;   b₁ = d, b ← μb + (1−τ)d;   d = d + μb (nesterov) or b;   θ ← θ − γd',
]

/**
 * SAM — Foret et al., "Sharpness-Aware Minimization for Efficiently Improving Generalization"
 * (ICLR 2021), ASAM (Kwon et al. 2021) with `adaptive`; davda54/sam sam.py with torch.optim.SGD
 * as the base optimizer. The gradient is taken at the worst point e within radius ρ (first order),
 * then SGD steps from θ with it. The loss is recorded at θ.
 *
 *   (the update rule: SAM_MATH above, which is also the tooltip)
 *
 * `lr` is required by the reference (torch.optim.SGD's); the default here is SGD's 1e-3.
 */
export const sam: OptimizerDef = {
  name: 'sam',
  title: 'SAM',
  source: 'Foret et al., "Sharpness-Aware Minimization" (2021); Kwon et al., ASAM (2021); davda54/sam sam.py with torch.optim.SGD',
  math: SAM_MATH,
  rule: mathTooltip(SAM_MATH),
  hparams: {
    base_optimizer: { kind: 'choice', default: 'sgd', options: ['sgd'], doc: 'the base optimizer (torch.optim.SGD)' },
    rho: { kind: 'number', default: 0.05, check: nonNegative('rho value'), doc: 'neighbourhood radius ρ' },
    adaptive: { kind: 'boolean', default: false, doc: 'ASAM: scale the perturbation by θ²' },
    lr: lrSpec(1e-3),
    momentum: { kind: 'number', default: 0, check: nonNegative('momentum value'), doc: 'momentum factor μ' },
    dampening: { kind: 'number', default: 0, doc: 'dampening τ for momentum' },
    weight_decay: { kind: 'number', default: 0, check: WD_CHECK, doc: 'L2 penalty λ, added to the gradient' },
    nesterov: { kind: 'boolean', default: false, doc: 'use Nesterov momentum' },
  },
  crossCheck: nesterovCheck,
  state: { momentum_buffer: '0' },
  slotUsedIf: { momentum_buffer: 'momentum' },
  stages: [
    { kind: 'reduce', name: 'grad_norm2', op: 'sum', of: 'g * g' },
    { kind: 'reduce', name: 'scaled_norm2', op: 'sum', of: 'Math.abs(p) * g * (Math.abs(p) * g)' },
    {
      kind: 'particle',
      code: `
        let sam_scale = rho / (Math.sqrt(grad_norm2) + 1e-12);
        if (adaptive) { sam_scale = rho / (Math.sqrt(scaled_norm2) + 1e-12); }
      `,
    },
    {
      kind: 'coordinates',
      code: `
        let e = g * sam_scale;
        if (adaptive) { e = p * p * g * sam_scale; }
      `,
    },
    { kind: 'gradientAt', name: 'g_sam', point: 'p + e' },
  ],
  update: `
    let d = g_sam;
    ${SGD_STEP}
  `,
}

const FDGR_MATH = ['g⁺ = ∇L(θ + εg);   θ ← θ − γ((1 − γ_r/ε)g + (γ_r/ε)g⁺)']

/**
 * FDGR (finite-difference gradient regularisation) — Karakida, Takase, Hayase & Osawa,
 * "Understanding Gradient Regularization in Deep Learning: Efficient Finite-Difference Computation
 * and Implicit Bias" (ICML 2023): gradient descent on L + (γ_r/2)‖∇L‖², the regulariser's
 * gradient γ_r∇²L∇L taken as a finite difference of gradients; ε > 0 is the forward (F-GR) and
 * ε < 0 the backward (B-GR) difference.
 *
 *   (the update rule: FDGR_MATH above, which is also the tooltip)
 */
export const fdgr: OptimizerDef = {
  name: 'fdgr',
  title: 'FDGR',
  source:
    'Karakida et al., "Understanding Gradient Regularization in Deep Learning: Efficient Finite-Difference Computation and Implicit Bias" (2023)',
  math: FDGR_MATH,
  rule: mathTooltip(FDGR_MATH),
  hparams: {
    lr: lrSpec(1e-2),
    gamma: { kind: 'number', default: 1e-2, check: nonNegative('gamma value'), doc: 'regularisation strength γ_r' },
    epsilon: {
      kind: 'number',
      default: 1e-2,
      check: (v) => (v !== 0 ? null : `Invalid epsilon value: ${v} (must be nonzero: > 0 forward, < 0 backward)`),
      doc: 'finite-difference step ε (> 0 forward, < 0 backward)',
    },
  },
  state: {},
  stages: [{ kind: 'gradientAt', name: 'g_ahead', point: 'p + epsilon * g' }],
  update: 'p = p - lr * ((1 - gamma / epsilon) * g + (gamma / epsilon) * g_ahead);',
}
