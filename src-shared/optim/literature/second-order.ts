/**
 * Second-order methods on the exact Hessian (or Gauss–Newton's JᵀJ from the landscape's residuals):
 * damped Newton, saddle-free Newton, Gauss–Newton and OASIS. The first three solve a 2×2 system
 * (or eigendecompose one) in a dense stage, so they are 2-D only; OASIS needs only the Hessian's
 * diagonal and works for any number of coordinates.
 */
import { lrSpec } from '../fragments'
import { mathTooltip } from '../math'
import type { OptimizerDef } from '../types'
import { nonNegative, positive, unitInterval } from './checks'

const DAMPING = { kind: 'number', default: 0, check: nonNegative('damping value'), doc: 'damping δ added to the diagonal' } as const

const NEWTON_MATH = ['θ ← θ − γ(H + δI)⁻¹g   (H: the exact Hessian)']

/** Damped Newton's method (textbook), w ← w − γ(H + δI)⁻¹∇L with the exact Hessian. Attracted by saddles. */
export const newton: OptimizerDef = {
  name: 'newton',
  title: 'Newton',
  source: 'damped Newton (textbook), exact Hessian',
  math: NEWTON_MATH,
  rule: mathTooltip(NEWTON_MATH),
  hparams: { lr: lrSpec(1), damping: DAMPING },
  state: {},
  stages: [
    {
      kind: 'dense2',
      defines: ['dir'],
      code: `
        let a = h_xx + damping;
        let b = h_xy;
        let c = h_yy + damping;
        let det = a * c - b * b;
        dir_x = (c * g_x - b * g_y) / det;
        dir_y = (a * g_y - b * g_x) / det;
      `,
    },
  ],
  update: 'p = p - lr * dir;',
}

const SFN_MATH = ['H = Σᵢ λᵢvᵢvᵢᵀ;   θ ← θ − γ Σᵢ vᵢ(vᵢᵀg)/(|λᵢ| + δ)']

/**
 * Saddle-free Newton — Dauphin et al., "Identifying and attacking the saddle point problem in
 * high-dimensional non-convex optimization" (NeurIPS 2014): Newton with |H| (eigenvalues by their
 * absolute value), so it is repelled by saddles instead of attracted. The exact eigendecomposition
 * of the 2×2 Hessian (closed form; the top eigenvector as in src-shared/eos/eig2.ts).
 */
export const saddlefreenewton: OptimizerDef = {
  name: 'saddlefreenewton',
  title: 'Saddle-free Newton',
  source: 'Dauphin et al., "Identifying and attacking the saddle point problem in high-dimensional non-convex optimization" (2014)',
  math: SFN_MATH,
  rule: mathTooltip(SFN_MATH),
  hparams: { lr: lrSpec(1), damping: DAMPING },
  state: {},
  stages: [
    {
      kind: 'dense2',
      defines: ['dir'],
      code: `
        let mean = 0.5 * (h_xx + h_yy);
        let half = 0.5 * (h_xx - h_yy);
        let root = Math.sqrt(half * half + h_xy * h_xy);
        let l1 = mean + root;
        let l2 = mean - root;
        let ux = 1;
        let uy = 0;
        if (h_xy != 0) {
          let ax = h_xy;
          let ay = l1 - h_xx;
          let bx = l1 - h_yy;
          let by = h_xy;
          if (ax * ax + ay * ay >= bx * bx + by * by) { ux = ax; uy = ay; } else { ux = bx; uy = by; }
          let nn = Math.sqrt(ux * ux + uy * uy);
          ux = ux / nn;
          uy = uy / nn;
        } else if (h_xx < h_yy) {
          ux = 0;
          uy = 1;
        }
        let c1 = (ux * g_x + uy * g_y) / (Math.abs(l1) + damping);
        let c2 = (ux * g_y - uy * g_x) / (Math.abs(l2) + damping);
        dir_x = ux * c1 - uy * c2;
        dir_y = uy * c1 + ux * c2;
      `,
    },
  ],
  update: 'p = p - lr * dir;',
}

const GN_MATH = ['r: the landscape’s residuals, J = ∂r/∂θ;   θ ← θ − γ(JᵀJ + δI)⁻¹Jᵀr']

/**
 * Gauss–Newton on a sum of squares (textbook): the landscape declares residuals r with L = Σ r²
 * (or ½Σ r²), checked when the scenario loads; J is their exact Jacobian.
 */
export const gaussnewton: OptimizerDef = {
  name: 'gaussnewton',
  title: 'Gauss–Newton',
  source: 'Gauss–Newton on a sum of squares (textbook), exact Jacobian of landscape.residuals',
  math: GN_MATH,
  rule: mathTooltip(GN_MATH),
  hparams: { lr: lrSpec(1), damping: DAMPING },
  state: {},
  stages: [
    {
      kind: 'dense2',
      defines: ['dir'],
      code: `
        let a = jtj_xx + damping;
        let b = jtj_xy;
        let c = jtj_yy + damping;
        let det = a * c - b * b;
        dir_x = (c * jtr_x - b * jtr_y) / det;
        dir_y = (a * jtr_y - b * jtr_x) / det;
      `,
    },
  ],
  update: 'p = p - lr * dir;',
}

const OASIS_MATH = [
  'd = diag ∇²L (exact);   D₁ = d;   D ← β₂D + (1−β₂)d;   D̂ = max(|D|, α)',
  'η₁ = γ;   ηₖ = min(√(1+θₖ₋₁)·ηₖ₋₁, √(Σ D̂Δw²)/(2√(Σ Δg²/D̂)))   (first term dropped at k = 2)',
  'w ← w − ηₖ·g/D̂;   θₖ = ηₖ/ηₖ₋₁ (kept while ηₖ₋₁ = 0)',
]

/**
 * OASIS — Jahani et al., "Doubly Adaptive Scaled Algorithm for Machine Learning Using
 * Second-Order Information" (ICLR 2022), Algorithm 1 with the exact Hessian diagonal in place of
 * Hutchinson's estimate z ⊙ ∇²L z (deterministic). The step size adapts to the local Lipschitz
 * constant in the D̂ metric (two sums over the coordinates); η₀ = lr.
 *
 *   (the update rule: OASIS_MATH above, which is also the tooltip)
 */
export const oasis: OptimizerDef = {
  name: 'oasis',
  title: 'OASIS',
  source: 'Jahani et al., "Doubly Adaptive Scaled Algorithm for Machine Learning Using Second-Order Information" (2022), Algorithm 1',
  math: OASIS_MATH,
  rule: mathTooltip(OASIS_MATH),
  hparams: {
    lr: lrSpec(1),
    beta2: { kind: 'number', default: 0.99, check: unitInterval('beta2'), doc: 'coefficient β₂ of the Hessian-diagonal average' },
    alpha: { kind: 'number', default: 1e-5, check: positive('alpha'), doc: 'floor α of |D|' },
  },
  state: { hess_avg: '0', prev_p: '0', prev_g: '0' },
  particleState: { eta: '0', theta: '0' },
  stages: [
    {
      kind: 'coordinates',
      code: `
        if (t < 1.5) { hess_avg = h_diag; } else { hess_avg = beta2 * hess_avg + (1 - beta2) * h_diag; }
        let dhat = Math.max(Math.abs(hess_avg), alpha);
        let dw = p - prev_p;
        let dg = g - prev_g;
      `,
    },
    { kind: 'reduce', name: 'sum_dw', op: 'sum', of: 'dhat * dw * dw' },
    { kind: 'reduce', name: 'sum_dg', op: 'sum', of: 'dg * dg / dhat' },
  ],
  prelude: `
    let eta_k = lr;
    if (t > 1.5) {
      if (sum_dg > 0) {
        eta_k = Math.sqrt(sum_dw) / (2 * Math.sqrt(sum_dg));
        if (t > 2.5) { eta_k = Math.min(Math.sqrt(1 + theta) * eta, eta_k); }
      } else {
        eta_k = Math.sqrt(1 + theta) * eta;
      }
      // θ = η_k/η_{k−1}; kept as it was when η_{k−1} = 0 (a stalled iterate: 0/0).
      if (eta > 0) { theta = eta_k / eta; }
    }
    eta = eta_k;
  `,
  update: `
    prev_p = p;
    prev_g = g;
    p = p - eta * g / dhat;
  `,
}
