/**
 * Central flows (Cohen, Damian, Talwalkar, Kolter & Lee, "Understanding Optimization in Deep
 * Learning with Central Flows", ICLR 2025; shared/CENTRAL-FLOWS.md §2): the smooth curve that
 * gradient descent at the edge of stability follows on average, integrated in float64 from the
 * landscape's exact H and D³L.
 *
 * Discretisation (§2.2–2.3): explicit Euler with `substeps` per optimizer step (16 by default,
 * which keeps the flow's loss monotone where the authors' 4 overshoot), eigenpairs of H recomputed
 * at every substep, and the authors' "next-residual" SDCP: with critical eigenpairs (λ_i > θ/η,
 * θ = 1.95) U, g_ij = D³L[u_i, u_j, ·], v₀ = −η∇L,
 *   A = (2/η)I − diag(λ) − dt·Ḣ⁰,  Ḣ⁰_ij = g_ij·v₀,   B[X]_ij = dt·(η/2)·g_ij·Σ_kl X_kl g_kl,
 *   find X ⪰ 0 with A + B[X] ⪰ 0 and ⟨X, A + B[X]⟩ = 0,   then  w ← w + dt(v₀ − (η/2)Σ_kl X_kl g_kl).
 * Σ = U X Uᵀ; the predicted time-averaged loss is L + ½⟨H, Σ⟩.
 */
import type { CompiledLandscape } from '../../src-shared/landscape'
import type { Hparams } from '../../src-shared/optim'

export const CRITICAL_THETA = 1.95
export const DEFAULT_SUBSTEPS = 16

export interface CentralFlowResult {
  /** Flow positions at t = 0, every, 2·every, … steps. NaN after `stopped_at`. */
  readonly trajectory: Array<[number, number]>
  readonly loss: number[]
  /** L(w) + ½⟨H, Σ⟩: the predicted time-averaged loss of GD. */
  readonly predicted_loss: number[]
  /** S(w(t)), the top Hessian eigenvalue along the flow. */
  readonly sharpness: number[]
  /** tr Σ(t). */
  readonly sigma2: number[]
  /** Top eigenvector u(t) along the flow (the Σ ellipse's axis when σ² > 0). */
  readonly axis: Array<[number, number]>
  /** Step at which the flow stopped, or null. */
  readonly stopped_at: number | null
  readonly stop_reason: string | null
}

interface Eig2 { l1: number; l2: number; u1x: number; u1y: number; u2x: number; u2y: number }

/** Eigenpairs of [[p, q], [q, r]], descending, with a numerically robust top eigenvector (§4). */
export function eig2(p: number, q: number, r: number): Eig2 {
  const m = 0.5 * (p + r)
  const d = Math.sqrt(0.25 * (p - r) * (p - r) + q * q)
  const l1 = m + d
  const l2 = m - d
  let ux: number
  let uy: number
  if (q === 0) {
    ;[ux, uy] = p >= r ? [1, 0] : [0, 1]
  } else {
    const ax = q, ay = l1 - p
    const bx = l1 - r, by = q
    if (ax * ax + ay * ay >= bx * bx + by * by) { ux = ax; uy = ay } else { ux = bx; uy = by }
    const norm = Math.hypot(ux, uy)
    ux /= norm
    uy /= norm
  }
  return { l1, l2, u1x: ux, u1y: uy, u2x: -uy, u2y: ux }
}

/** D³L[a, b, ·] for T = (Lxxx, Lxxy, Lxyy, Lyyy). */
function contract(t: Float64Array, ax: number, ay: number, bx: number, by: number): [number, number] {
  const [xxx, xxy, xyy, yyy] = t
  return [
    xxx * ax * bx + xxy * (ax * by + ay * bx) + xyy * ay * by,
    xxy * ax * bx + xyy * (ax * by + ay * bx) + yyy * ay * by,
  ]
}

/** Symmetric 2×2 as [a11, a12, a22]. */
type Sym2 = [number, number, number]

function projectPsd([a, b, c]: Sym2): Sym2 {
  const e = eig2(a, b, c)
  const l1 = Math.max(e.l1, 0)
  const l2 = Math.max(e.l2, 0)
  return [
    l1 * e.u1x * e.u1x + l2 * e.u2x * e.u2x,
    l1 * e.u1x * e.u1y + l2 * e.u2x * e.u2y,
    l1 * e.u1y * e.u1y + l2 * e.u2y * e.u2y,
  ]
}

/**
 * SDCP(A, B) for k = 2 as the convex QP min_{X ⪰ 0} ½⟨X, B[X]⟩ + ⟨A, X⟩ (the reference's FISTA
 * with projection onto the PSD cone). B[X]_ij = c·g_ij·G(X), G(X) = X11 g11 + 2X12 g12 + X22 g22.
 */
function solveSdcp2(A: Sym2, g11: [number, number], g12: [number, number], g22: [number, number], c: number): Sym2 {
  const minEigA = eig2(A[0], A[1], A[2]).l2
  if (minEigA >= 0) return [0, 0, 0]
  const G = (X: Sym2): [number, number] => [
    X[0] * g11[0] + 2 * X[1] * g12[0] + X[2] * g22[0],
    X[0] * g11[1] + 2 * X[1] * g12[1] + X[2] * g22[1],
  ]
  const dot = (a: [number, number], b: [number, number]) => a[0] * b[0] + a[1] * b[1]
  // Gradient of q in the Frobenius inner product on Sym(2): A + B[X].
  const grad = (X: Sym2): Sym2 => {
    const gx = G(X)
    return [A[0] + c * dot(g11, gx), A[1] + c * dot(g12, gx), A[2] + c * dot(g22, gx)]
  }
  // Lipschitz constant: largest eigenvalue of B as an operator on Sym(2) ≤ c·(‖g11‖² + 2‖g12‖² + ‖g22‖²).
  const lip = Math.max(c * (dot(g11, g11) + 2 * dot(g12, g12) + dot(g22, g22)), 1e-300)
  let X: Sym2 = [0, 0, 0]
  let Z: Sym2 = [0, 0, 0]
  let tk = 1
  for (let it = 0; it < 5000; it++) {
    const gz = grad(Z)
    const Xn = projectPsd([Z[0] - gz[0] / lip, Z[1] - gz[1] / lip, Z[2] - gz[2] / lip])
    const tn = 0.5 * (1 + Math.sqrt(1 + 4 * tk * tk))
    const mom = (tk - 1) / tn
    Z = [Xn[0] + mom * (Xn[0] - X[0]), Xn[1] + mom * (Xn[1] - X[1]), Xn[2] + mom * (Xn[2] - X[2])]
    const change = Math.max(Math.abs(Xn[0] - X[0]), Math.abs(Xn[1] - X[1]), Math.abs(Xn[2] - X[2]))
    const scale = 1 + Math.max(Math.abs(Xn[0]), Math.abs(Xn[1]), Math.abs(Xn[2]))
    X = Xn
    tk = tn
    if (change < 1e-13 * scale) break
  }
  return X
}

export interface VelocityInfo {
  readonly vx: number
  readonly vy: number
  /** Number of critical eigenvalues. */
  readonly k: number
  readonly sharpness: number
  readonly sigma2: number
  readonly predicted: number
  readonly loss: number
  readonly ux: number
  readonly uy: number
  /** Set when the SDCP is infeasible (no third-order self-stabilisation). */
  readonly infeasible: boolean
}

/** The GD central-flow vector field at w with substep dt (reference: cflib.cf_velocity_gd). */
export function centralFlowVelocity(f: CompiledLandscape, eta: number, x: number, y: number, dt: number, scratch = new Float64Array(4)): VelocityInfo {
  f.valueAndGradient(x, y, scratch)
  const loss = scratch[0]
  const v0x = -eta * scratch[1]
  const v0y = -eta * scratch[2]
  f.hessian(x, y, scratch)
  const e = eig2(scratch[0], scratch[1], scratch[2])
  const crit = CRITICAL_THETA / eta
  const k = (e.l1 > crit ? 1 : 0) + (e.l2 > crit ? 1 : 0)
  const base = { loss, sharpness: e.l1, ux: e.u1x, uy: e.u1y }
  if (k === 0) return { ...base, vx: v0x, vy: v0y, k, sigma2: 0, predicted: loss, infeasible: false }
  const t = new Float64Array(4)
  f.third(x, y, t)
  const g11 = contract(t, e.u1x, e.u1y, e.u1x, e.u1y)
  const c = dt * 0.5 * eta
  if (k === 1) {
    const hdot = g11[0] * v0x + g11[1] * v0y
    const A = 2 / eta - e.l1 - dt * hdot
    if (A >= 0) return { ...base, vx: v0x, vy: v0y, k, sigma2: 0, predicted: loss, infeasible: false }
    const b = c * (g11[0] * g11[0] + g11[1] * g11[1])
    // B ≈ 0 with A < 0: nothing third-order pulls the sharpness back (e.g. a quadratic above 2/η).
    if (!(b > 1e-300) || !Number.isFinite(-A / b)) {
      return { ...base, vx: NaN, vy: NaN, k, sigma2: Infinity, predicted: Infinity, infeasible: true }
    }
    const X = Math.max(0, -A / b)
    return {
      ...base, k, infeasible: false,
      vx: v0x - 0.5 * eta * X * g11[0], vy: v0y - 0.5 * eta * X * g11[1],
      sigma2: X, predicted: loss + 0.5 * e.l1 * X,
    }
  }
  const g12 = contract(t, e.u1x, e.u1y, e.u2x, e.u2y)
  const g22 = contract(t, e.u2x, e.u2y, e.u2x, e.u2y)
  const hd = (g: [number, number]) => g[0] * v0x + g[1] * v0y
  const A: Sym2 = [2 / eta - e.l1 - dt * hd(g11), -dt * hd(g12), 2 / eta - e.l2 - dt * hd(g22)]
  const norm = Math.max(Math.hypot(...g11), Math.hypot(...g12), Math.hypot(...g22))
  if (!(norm > 1e-150) && eig2(A[0], A[1], A[2]).l2 < 0) {
    return { ...base, vx: NaN, vy: NaN, k, sigma2: Infinity, predicted: Infinity, infeasible: true }
  }
  const X = solveSdcp2(A, g11, g12, g22, c)
  const gx = X[0] * g11[0] + 2 * X[1] * g12[0] + X[2] * g22[0]
  const gy = X[0] * g11[1] + 2 * X[1] * g12[1] + X[2] * g22[1]
  return {
    ...base, k, infeasible: false,
    vx: v0x - 0.5 * eta * gx, vy: v0y - 0.5 * eta * gy,
    sigma2: X[0] + X[2], predicted: loss + 0.5 * (e.l1 * X[0] + e.l2 * X[2]),
  }
}

const INFEASIBLE = 'the central flow does not exist here: the sharpness exceeds 2/η and nothing third-order pulls it back (no self-stabilisation), so GD diverges'

/**
 * Integrate the GD central flow from (x0, y0) for `steps` optimizer steps at learning rate η,
 * sampling w(t) at t = 0, every, 2·every, … steps.
 */
export function centralFlowGd(
  f: CompiledLandscape, eta: number, x0: number, y0: number, steps: number, every = 1, substeps = DEFAULT_SUBSTEPS,
): CentralFlowResult {
  const trajectory: Array<[number, number]> = []
  const loss: number[] = []
  const predicted: number[] = []
  const sharpness: number[] = []
  const sigma2: number[] = []
  const axis: Array<[number, number]> = []
  const scratch = new Float64Array(4)
  const dt = 1 / substeps
  let x = x0
  let y = y0
  let stoppedAt: number | null = null
  let reason: string | null = null
  const stop = (at: number, why: string) => { stoppedAt = at; reason = why }
  for (let step = 0; step <= steps; step++) {
    const info = stoppedAt === null ? centralFlowVelocity(f, eta, x, y, dt, scratch) : null
    if (info?.infeasible) stop(step, INFEASIBLE)
    if (step % every === 0) {
      const ok = info !== null && stoppedAt === null
      trajectory.push(ok ? [x, y] : [NaN, NaN])
      loss.push(ok ? info.loss : NaN)
      predicted.push(ok ? info.predicted : NaN)
      sharpness.push(ok ? info.sharpness : NaN)
      sigma2.push(ok ? info.sigma2 : NaN)
      axis.push(ok ? [info.ux, info.uy] : [NaN, NaN])
    }
    if (stoppedAt !== null || step === steps) continue
    for (let s = 0; s < substeps; s++) {
      const v = s === 0 ? info! : centralFlowVelocity(f, eta, x, y, dt, scratch)
      if (v.infeasible) { stop(step + 1, INFEASIBLE); break }
      x += dt * v.vx
      y += dt * v.vy
      if (!Number.isFinite(x) || !Number.isFinite(y)) { stop(step + 1, 'the flow left the range of float64'); break }
    }
  }
  return { trajectory, loss, predicted_loss: predicted, sharpness, sigma2, axis, stopped_at: stoppedAt, stop_reason: reason }
}

/**
 * The central flow of a run, when its optimizer has one: plain GD (torch SGD without momentum,
 * weight decay or maximize). Other optimizers have none here (§3: RMSProp flows are not yet
 * implemented; heavy ball, Nesterov and Adam have none in the sources).
 */
export function centralFlowFor(
  f: CompiledLandscape, name: string, h: Hparams, x0: number, y0: number, steps: number, every: number,
): CentralFlowResult | null {
  if (name !== 'sgd' || h.momentum !== 0 || h.weight_decay !== 0 || h.maximize) return null
  return centralFlowGd(f, h.lr as number, x0, y0, steps, every)
}
