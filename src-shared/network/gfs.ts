/**
 * The gradient-flow-solution (GFS) sharpness of a network landscape (Kreisler, Nacson, Soudry, Carmon, ICML 2023): from an
 * iterate w, follow gradient flow dw/dt = −∇L(w) until it converges, then λ₁ of the exact Hessian at the limit (warm-started
 * Lanczos on exact HVPs, ./lanczos.ts). The 2-D counterpart is src-shared/eos/gradient-flow-solution.ts.
 *
 * Integrator: Heun's method (explicit trapezoid, 2nd order, 2 gradients a step) with h = c/λ_max, λ_max re-estimated by
 * Lanczos every few steps. Gradient flow on a network is stiff (λ_max/λ_min of the Hessian ≫ 1), so any explicit method is
 * held to h·λ_max ≲ 2 by stability and the slow directions decide the cost; Heun at c = 1 damps the sharpest mode by ½ a step
 * and, being second order, does not add the O(h) implicit-regularization drift that plain GD steps would (GD of step h
 * follows the flow of L + h/4·‖∇L‖², which flattens the limit it finds: the very quantity measured). A step whose loss rises is
 * rejected and retried at half the step with λ_max re-estimated.
 *
 * Always starts from the iterate itself: flows from nearby iterates end at different points of the manifold of minima, so a
 * previous point's limit is no valid warm start. Float64, no allocation per step after construction.
 */
import { GFS_MAX_GRADIENTS } from './gfs-budget'
import { Lanczos } from './lanczos'
import type { Mlp } from './mlp'

export interface NetworkGfsOptions {
  /** Converged when ‖∇L‖ ≤ gradTol·(1 + ‖∇L(w₀)‖). */
  readonly gradTol?: number
  /** Gradient evaluations allowed per flow (each costs one forward + backward pass); not converged past it. */
  readonly maxGradients?: number
  /** h = stepFactor/λ_max (Heun is stable for h·λ ≤ 2). */
  readonly stepFactor?: number
  /** Accepted steps between re-estimates of λ_max. */
  readonly lambdaEvery?: number
}

export const NETWORK_GFS_DEFAULTS: Required<NetworkGfsOptions> = {
  gradTol: 1e-7,
  maxGradients: GFS_MAX_GRADIENTS,
  stepFactor: 1,
  lambdaEvery: 25,
}

export type NetworkGfsFailure = 'non-finite' | 'budget' | 'step-underflow'

export type NetworkGfsResult =
  | {
      readonly converged: true
      /** λ₁ of the Hessian at the limit: the GFS sharpness. */
      readonly sharpness: number
      readonly loss: number
      readonly gradNorm: number
      /** Flow time integrated. */
      readonly time: number
      /** Gradient evaluations and Hessian-vector products used (the cost). */
      readonly gradients: number
      readonly hvps: number
    }
  | {
      readonly converged: false
      readonly reason: NetworkGfsFailure
      readonly loss: number
      readonly gradNorm: number
      readonly time: number
      readonly gradients: number
      readonly hvps: number
    }

const norm = (v: Float64Array): number => {
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i] * v[i]
  return Math.sqrt(s)
}

/** Integrates gradient flow on one network; reusable across start points (its buffers and Lanczos are kept). */
export class NetworkGfs {
  private readonly o: Required<NetworkGfsOptions>
  private readonly w: Float64Array
  private readonly trial: Float64Array
  private readonly g1: Float64Array
  /** λ_max during the flow (loose: it only sets the step) and λ₁ at the limit (tight). */
  private readonly stepLanczos: Lanczos
  private readonly lanczos: Lanczos
  private readonly hvp = (v: Float64Array, out: Float64Array) => this.mlp.hvp(v, out)

  /** `mlp` is used for its own buffers: give one that nothing else is preparing between calls. */
  constructor(
    private readonly mlp: Mlp,
    options: NetworkGfsOptions = {},
  ) {
    this.o = { ...NETWORK_GFS_DEFAULTS, ...options }
    const P = mlp.size
    this.w = new Float64Array(P)
    this.trial = new Float64Array(P)
    this.g1 = new Float64Array(P)
    this.stepLanczos = new Lanczos(P, 1, { tol: 1e-3, minExtra: 3 })
    this.lanczos = new Lanczos(P, 1)
  }

  /** The GFS sharpness from `w0` (not modified). */
  run(w0: ArrayLike<number>): NetworkGfsResult {
    const { o, mlp, w, trial, g1 } = this
    const P = w.length
    w.set(w0 as ArrayLike<number>)
    let gradients = 0,
      hvps = 0,
      time = 0
    let L = mlp.prepare(w)
    gradients++
    g1.set(mlp.gradient)
    let g = norm(g1)
    const fail = (reason: NetworkGfsFailure): NetworkGfsResult => ({
      converged: false,
      reason,
      loss: L,
      gradNorm: g,
      time,
      gradients,
      hvps,
    })
    if (!Number.isFinite(L) || !Number.isFinite(g)) return fail('non-finite')
    const stop = o.gradTol * (1 + g)
    // λ_max at the prepared point w (where g1 and the R-pass caches belong).
    const lambdaMax = (): number => {
      this.stepLanczos.run(this.hvp)
      hvps += this.stepLanczos.iterations
      const l = Math.abs(this.stepLanczos.values[0])
      return Number.isFinite(l) && l > 0 ? l : NaN
    }
    this.stepLanczos.reset()
    let lam = lambdaMax()
    if (Number.isNaN(lam)) return fail('non-finite')
    let h = o.stepFactor / lam
    let sinceLambda = 0
    while (g > stop) {
      if (gradients + 2 > o.maxGradients) return fail('budget')
      if (h * lam < 1e-8) return fail('step-underflow')
      // Heun: w̃ = w − h g(w); w' = w − h/2 (g(w) + g(w̃)); then g(w') for the next step.
      for (let i = 0; i < P; i++) trial[i] = w[i] - h * g1[i]
      mlp.prepare(trial)
      gradients++
      const g2 = mlp.gradient
      for (let i = 0; i < P; i++) trial[i] = w[i] - 0.5 * h * (g1[i] + g2[i])
      const Ln = mlp.prepare(trial)
      gradients++
      if (!(Ln <= L) || !Number.isFinite(Ln)) {
        // Rejected (the sharpest mode grew faster than estimated): back at w, halve, re-estimate.
        mlp.prepare(w)
        gradients++
        h *= 0.5
        lam = lambdaMax()
        if (!Number.isNaN(lam)) h = Math.min(h, o.stepFactor / lam)
        sinceLambda = 0
        continue
      }
      w.set(trial)
      time += h
      L = Ln
      g1.set(mlp.gradient)
      g = norm(g1)
      if (++sinceLambda >= o.lambdaEvery) {
        // mlp is still prepared at the accepted point (trial, now equal to w): the estimate belongs to it.
        const l = lambdaMax()
        if (!Number.isNaN(l)) {
          lam = l
          h = o.stepFactor / lam
        }
        sinceLambda = 0
      }
    }
    mlp.prepare(w)
    this.lanczos.reset()
    const ok = this.lanczos.run(this.hvp)
    hvps += this.lanczos.iterations
    const s = this.lanczos.values[0]
    if (!ok || !Number.isFinite(s)) return fail('non-finite')
    return { converged: true, sharpness: s, loss: L, gradNorm: g, time, gradients, hvps }
  }
}
