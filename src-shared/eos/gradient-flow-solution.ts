/**
 * The gradient-flow-solution (GFS) sharpness of a 2-D landscape (Kreisler, Nacson, Soudry, Carmon 2023, "Gradient Descent
 * Monotonically Decreases the Sharpness of Gradient Flow Solutions in Scalar Networks and Beyond"): from an iterate w, follow
 * gradient flow dw/dt = −∇L(w) until it converges, and take λ₁ of the exact Hessian at the limit.
 *
 * Pure float64. The flow is integrated with the Dormand–Prince 5(4) embedded Runge–Kutta pair (local extrapolation, FSAL) on the
 * landscape's exact compiled gradient. A flow that leaves a bound, turns non-finite, or exhausts its time/step budget is reported
 * as not converged, with the reason, never as a number.
 */
import type { CompiledLandscape } from '../landscape'
import { eig2 } from './eig2'

export interface GfsOptions {
  /**
   * Converged when ‖∇L‖ ≤ gradRelTol·‖∇L(w₀)‖. Near a minimum with top curvature λ₁ the distance to the limit is about ‖∇L‖/λ₁,
   * and λ₁ varies smoothly there, so 1e-11 of the starting gradient puts the sharpness error far below 1e-8 relative.
   */
  gradRelTol?: number
  /**
   * …or when ‖∇L‖ ≤ gradAbsTol: the gradient cannot be evaluated much below ~ε·|L''|·|w| in float64 (the residual xy − 1 of a
   * scalar network is itself rounded to ~1e-16), so a start already close to a minimum would otherwise never satisfy the
   * relative test.
   */
  gradAbsTol?: number
  /**
   * Per-step error control: the embedded 4th-order estimate must satisfy |e_i| ≤ absTol + relTol·|w_i|. Gradient flow on
   * these landscapes drifts along a manifold of minima, so the limit (and its sharpness) depends on the whole path: the local
   * tolerance is set two orders of magnitude below the 1e-8 accuracy we want for the sharpness, leaving room for accumulation.
   */
  relTol?: number
  absTol?: number
  /** Not converged when ‖w‖ exceeds this (the flow runs off, e.g. on a landscape unbounded below). */
  bound?: number
  /** Flow-time budget: a minimum approached only algebraically (degenerate) or a flow that keeps going is cut here. */
  maxTime?: number
  /** Accepted + rejected step budget: stiff landscapes (λ₁/λ₂ huge) would otherwise take unbounded work. */
  maxSteps?: number
}

export type GfsFailure = 'left-bound' | 'non-finite' | 'time-budget' | 'step-budget' | 'step-underflow'

export type GfsResult =
  | {
      readonly converged: true
      /** λ₁ of the exact Hessian at the limit: the GFS sharpness. */
      readonly sharpness: number
      /** λ₂ at the limit (negative: the flow stopped at a saddle, which it can only do from a measure-zero set of starts). */
      readonly lambda2: number
      readonly limit: readonly [number, number]
      readonly gradNorm: number
      readonly time: number
      readonly steps: number
    }
  | {
      readonly converged: false
      readonly reason: GfsFailure
      /** Where the integration stopped. */
      readonly at: readonly [number, number]
      readonly gradNorm: number
      readonly time: number
      readonly steps: number
    }

export const GFS_DEFAULTS: Required<GfsOptions> = {
  gradRelTol: 1e-11,
  gradAbsTol: 1e-13,
  relTol: 1e-12,
  absTol: 1e-14,
  bound: 1e8,
  maxTime: 1e7,
  maxSteps: 200_000,
}

// Dormand–Prince 5(4) tableau (Hairer, Nørsett, Wanner, "Solving ODEs I", Table 5.2). The 5th-order weights equal the last row,
// so the 7th stage is f at the new point (FSAL). E = b₅ − b₄ gives the embedded error estimate.
const A21 = 1 / 5
const A31 = 3 / 40,
  A32 = 9 / 40
const A41 = 44 / 45,
  A42 = -56 / 15,
  A43 = 32 / 9
const A51 = 19372 / 6561,
  A52 = -25360 / 2187,
  A53 = 64448 / 6561,
  A54 = -212 / 729
const A61 = 9017 / 3168,
  A62 = -355 / 33,
  A63 = 46732 / 5247,
  A64 = 49 / 176,
  A65 = -5103 / 18656
const B1 = 35 / 384,
  B3 = 500 / 1113,
  B4 = 125 / 192,
  B5 = -2187 / 6784,
  B6 = 11 / 84
const E1 = 71 / 57600,
  E3 = -71 / 16695,
  E4 = 71 / 1920,
  E5 = -17253 / 339200,
  E6 = 22 / 525,
  E7 = -1 / 40

/**
 * The largest step kept inside explicit DP5's stability region along the sharpest direction: h·|λ|max ≤ 2 (the region reaches
 * about −3.3 on the negative real axis; 2 leaves a contraction factor well below 1). Without this cap, near a minimum the error
 * controller lets h·λ₁ sit at the stability boundary, where the sharp component no longer decays and ‖∇L‖ stalls at the
 * tolerance level instead of reaching the stopping test.
 */
function stableStep(f: CompiledLandscape, x: number, y: number, buf: Float64Array): number {
  f.hessian(x, y, buf)
  const e = eig2(buf[0], buf[1], buf[2])
  const lmax = Math.max(Math.abs(e.l1), Math.abs(e.l2))
  return Number.isFinite(lmax) && lmax > 0 ? 2 / lmax : Infinity
}

/** The GFS sharpness from (x0, y0): integrate gradient flow to convergence, then λ₁ of the Hessian there. */
export function gfsSharpness(f: CompiledLandscape, x0: number, y0: number, options: GfsOptions = {}): GfsResult {
  const o = { ...GFS_DEFAULTS, ...options }
  const buf = new Float64Array(3)
  // The flow field −∇L, written into k[0], k[1].
  const field = (x: number, y: number, k: Float64Array): void => {
    f.valueAndGradient(x, y, buf)
    k[0] = -buf[1]
    k[1] = -buf[2]
  }
  const k1 = new Float64Array(2),
    k2 = new Float64Array(2),
    k3 = new Float64Array(2),
    k4 = new Float64Array(2),
    k5 = new Float64Array(2),
    k6 = new Float64Array(2),
    k7 = new Float64Array(2)

  let x = x0,
    y = y0,
    t = 0,
    steps = 0
  field(x, y, k1)
  let g = Math.hypot(k1[0], k1[1])
  const fail = (reason: GfsFailure): GfsResult => ({ converged: false, reason, at: [x, y], gradNorm: g, time: t, steps })
  if (!Number.isFinite(g) || !Number.isFinite(x) || !Number.isFinite(y)) return fail('non-finite')
  const gradStop = Math.max(o.gradRelTol * g, o.gradAbsTol)

  // First step: 1% of the fastest time scale 1/|λ|max of the Hessian at the start; the controller grows it from there.
  let h = Math.min(1, 0.005 * stableStep(f, x, y, buf))

  while (g > gradStop) {
    if (steps >= o.maxSteps) return fail('step-budget')
    if (t >= o.maxTime) return fail('time-budget')
    if (h < 1e-14 * Math.max(1, t)) return fail('step-underflow')
    steps++
    field(x + h * A21 * k1[0], y + h * A21 * k1[1], k2)
    field(x + h * (A31 * k1[0] + A32 * k2[0]), y + h * (A31 * k1[1] + A32 * k2[1]), k3)
    field(x + h * (A41 * k1[0] + A42 * k2[0] + A43 * k3[0]), y + h * (A41 * k1[1] + A42 * k2[1] + A43 * k3[1]), k4)
    field(
      x + h * (A51 * k1[0] + A52 * k2[0] + A53 * k3[0] + A54 * k4[0]),
      y + h * (A51 * k1[1] + A52 * k2[1] + A53 * k3[1] + A54 * k4[1]),
      k5,
    )
    field(
      x + h * (A61 * k1[0] + A62 * k2[0] + A63 * k3[0] + A64 * k4[0] + A65 * k5[0]),
      y + h * (A61 * k1[1] + A62 * k2[1] + A63 * k3[1] + A64 * k4[1] + A65 * k5[1]),
      k6,
    )
    const xn = x + h * (B1 * k1[0] + B3 * k3[0] + B4 * k4[0] + B5 * k5[0] + B6 * k6[0])
    const yn = y + h * (B1 * k1[1] + B3 * k3[1] + B4 * k4[1] + B5 * k5[1] + B6 * k6[1])
    field(xn, yn, k7)
    const ex = h * (E1 * k1[0] + E3 * k3[0] + E4 * k4[0] + E5 * k5[0] + E6 * k6[0] + E7 * k7[0])
    const ey = h * (E1 * k1[1] + E3 * k3[1] + E4 * k4[1] + E5 * k5[1] + E6 * k6[1] + E7 * k7[1])
    const err = Math.max(
      Math.abs(ex) / (o.absTol + o.relTol * Math.max(Math.abs(x), Math.abs(xn))),
      Math.abs(ey) / (o.absTol + o.relTol * Math.max(Math.abs(y), Math.abs(yn))),
    )
    if (!Number.isFinite(err)) {
      // A trial point overflowed: retry smaller; only the accepted path can report 'non-finite'.
      h *= 0.2
      continue
    }
    // Standard controller: the error scales as h⁵, safety 0.9, growth clamped to [0.2, 5].
    const factor = Math.min(5, Math.max(0.2, 0.9 * Math.pow(Math.max(err, 1e-300), -0.2)))
    if (err > 1) {
      h *= Math.min(factor, 0.9)
      continue
    }
    t += h
    x = xn
    y = yn
    k1.set(k7)
    g = Math.hypot(k1[0], k1[1])
    if (!Number.isFinite(g)) return fail('non-finite')
    if (Math.hypot(x, y) > o.bound) return fail('left-bound')
    h = Math.min(h * factor, stableStep(f, x, y, buf))
  }
  f.hessian(x, y, buf)
  const e = eig2(buf[0], buf[1], buf[2])
  if (!Number.isFinite(e.l1)) return fail('non-finite')
  return { converged: true, sharpness: e.l1, lambda2: e.l2, limit: [x, y], gradNorm: g, time: t, steps }
}

/** The GFS sharpness, or null where the flow did not converge (for records that hold one number per step). */
export function gfsSharpnessOrNull(f: CompiledLandscape, x: number, y: number, options?: GfsOptions): number | null {
  const r = gfsSharpness(f, x, y, options)
  return r.converged ? r.sharpness : null
}
