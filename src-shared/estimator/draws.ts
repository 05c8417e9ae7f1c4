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
import { normal, reduceSeed } from '../random'
import type { GradientSpec } from './spec'

/** First counter of the estimator's draws (the gradient noise uses counters 0 and 1). */
export const DIRECTION_COUNTER = 1024

/** Counters one gradient estimate may use: two per direction (spec.ts MAX_DIRECTIONS = 1024). */
const COUNTERS_PER_ESTIMATE = 2 * 1024

/**
 * First counter of the draws at the j-th extra gradient of a step (j = 0: SAM's ∇L at θ + e,
 * FDGR's at θ + εg): DIRECTION_COUNTER + 2048·(j + 1), past every counter of the step's own
 * estimate (DIRECTION_COUNTER … DIRECTION_COUNTER + 2047), so the two estimates draw independent
 * directions at the same (seed, stream, t). Inside the hash's exact range for j < 4000.
 */
export function extraGradientCounter(j: number): number {
  return DIRECTION_COUNTER + COUNTERS_PER_ESTIMATE * (j + 1)
}

/** Dimension of the landscapes' parameter space (x, y). */
export const DIMENSION = 2

/** Direction k of the draws at (seed, stream, t), into out[0], out[1] (seed not yet reduced); `counter`: the estimate's first counter. */
export function direction(
  spec: Exclude<GradientSpec, { estimator: 'true' }>,
  stream: number,
  t: number,
  k: number,
  out: Float64Array | number[],
  counter = DIRECTION_COUNTER,
): void {
  const seed = reduceSeed(spec.seed)
  let vx = normal(seed, stream, t, counter + 2 * k)
  let vy = normal(seed, stream, t, counter + 2 * k + 1)
  if (spec.estimator === 'zeroth_order' && spec.distribution === 'sphere') {
    const n = Math.sqrt(vx * vx + vy * vy)
    vx = vx / n
    vy = vy / n
  }
  out[0] = vx
  out[1] = vy
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
  if (spec.estimator === 'true') {
    out[0] = vg[1]
    out[1] = vg[2]
    return
  }
  const v = [0, 0]
  let ex = 0
  let ey = 0
  for (let k = 0; k < spec.directions; k++) {
    direction(spec, stream, t, k, v, counter)
    let dd: number
    if (spec.estimator === 'forward') dd = vg[1] * v[0] + vg[2] * v[1]
    else {
      const mu = spec.mu
      const scale = spec.distribution === 'sphere' ? DIMENSION : 1
      dd = (scale * (f.value(x + mu * v[0], y + mu * v[1]) - f.value(x - mu * v[0], y - mu * v[1]))) / (2 * mu)
    }
    ex = ex + dd * v[0]
    ey = ey + dd * v[1]
  }
  out[0] = ex / spec.directions
  out[1] = ey / spec.directions
}
