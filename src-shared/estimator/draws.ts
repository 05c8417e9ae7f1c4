/**
 * The estimators' formulas and their counter-based directions, evaluated in float64 here (for
 * the host's per-point estimates and the tests) and written as kernel code in code.ts (for the
 * float64 loop and the float32 kernels), from the same counters, so every path draws the same v.
 *
 * Draw: coordinate c of direction k at step t of particle stream p is
 *   z_c = gsNormal(seed, p, t, DIRECTION_COUNTER + 2k + c)            (src-shared/random.ts)
 * The gradient noise draws gsNormal(seed', p, t, c) with c ∈ {0, 1}; starting the estimator's
 * counters at DIRECTION_COUNTER keeps the two apart even when the seeds are equal. With
 * k < MAX_DIRECTIONS every counter stays inside the hash's exact integer range. The j-th extra
 * gradient of a step (SAM's, FDGR's second gradient) is estimated too, with draws from
 * extraGradientCounter(j) on: the same formulas, directions independent of the step's own.
 *
 * Gaussian directions v = z ~ N(0, I₂); sphere directions v = z/‖z‖, uniform on the unit circle.
 *
 * forward (Baydin et al. 2022, "Gradients without Backpropagation", eq. for the forward gradient
 * g(θ) = (∇f(θ)·v) v with v ~ N(0, I)): ĝ = (1/K) Σ_k (∇L(w)·v_k) v_k, the directional derivative
 * ∇L·v being exact (what forward-mode AD computes; here from the symbolic gradient).
 * E[ĝ] = ∇L and, for K = 1, E[(g·v)² v_i v_j] = ‖g‖² δ_ij + 2 g_i g_j, so
 * Cov[ĝ] = (‖g‖² I + g gᵀ) / K.
 *
 * zeroth_order: the central two-point difference along each direction,
 *   ĝ = (1/K) Σ_k s · (L(w + μ v_k) − L(w − μ v_k)) / (2μ) · v_k,
 * with s = 1 for Gaussian v and s = d = 2 for unit-sphere v (E[v vᵀ] = I/d on the sphere, so the
 * d restores E[ĝ] = ∇L to first order). The federated zeroth-order papers (FedZO, Fang et al.
 * 2022; FZooS, Shu et al. 2023, the "Federated Zeroth-Order Optimization …" entry of PAPERS.txt)
 * estimate the gradient with the one-sided form (1/b) Σ_j (d/μ)[f(x + μ u_j) − f(x)] u_j, u_j
 * uniform on the unit sphere; the central difference used here has the same expectation to first
 * order and no O(μ) bias: for a quadratic L it equals (∇L·v) v exactly, otherwise its bias is O(μ²).
 */
import { normal } from '../random'
import { DIRECTION_COUNTER, directionWith, estimateFrom } from './estimate'
import type { GradientSpec } from './spec'

// The formulas live in estimate.ts (eval-free, with the draw passed in); here they draw from random.ts.
export { DIMENSION, DIRECTION_COUNTER, extraGradientCounter } from './estimate'

/** Direction k of the draws at (seed, stream, t), into out[0], out[1] (seed not yet reduced); `counter`: the estimate's first counter. */
export function direction(
  spec: Exclude<GradientSpec, { estimator: 'true' }>,
  stream: number,
  t: number,
  k: number,
  out: Float64Array | number[],
  counter = DIRECTION_COUNTER,
): void {
  directionWith(normal, spec, stream, t, k, out, counter)
}

/** What the estimators need of a landscape: L, and ∇L (out = [L, ∂L/∂x, ∂L/∂y]). */
export interface LossFunctions {
  value(x: number, y: number): number
  valueAndGradient(x: number, y: number, out: Float64Array): void
}

/**
 * The estimate the engine uses at step t (1-based) for a particle of stream `stream` standing at
 * (x, y) (its point after step t − 1), into out[0], out[1]; the exact gradient for "true".
 * `counter`: the first draw counter (an extra gradient's: extraGradientCounter(j), at its point).
 */
export function estimateGradient(
  spec: GradientSpec,
  f: LossFunctions,
  x: number,
  y: number,
  stream: number,
  t: number,
  out: Float64Array | number[],
  counter = DIRECTION_COUNTER,
): void {
  const vg = new Float64Array(3)
  f.valueAndGradient(x, y, vg)
  estimateFrom(normal, spec, (qx, qy) => f.value(qx, qy), x, y, vg[1], vg[2], stream, t, out, counter)
}
