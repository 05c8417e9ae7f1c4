/**
 * The central flow of RMSprop on a network landscape (docs/central-flows.md §3.4, CF-III; the
 * reference's `cflib.central_flow_precond` with its diagonal RMSProp rule), in float64 from exact
 * gradients and Hessian-vector products:
 *
 *   dw/dt = −P⁻¹[∇L + ½∇⟨Σ, H⟩],   P = diag(√ν + ε)/η,   dν/dt = c[∇L^{⊙2} + diag(HΣH) − ν],
 *
 * c = (1 − α)/α. Σ = U X Uᵀ on the critical generalised eigenpairs H u = λ P u (UᵀPU = I,
 * λ > θ = 1.95, effective units where the edge is λ = 2), X from the SDCP at every Euler substep:
 *   A = diag(2 − λ) + dt(2Ṗ_U − Ḣ_U)|_{X=0},   B[X] = dt(2Ṗ_U − Ḣ_U)|_{X-part},
 * with Ḣ_U,ij = g_ij·ẇ, g_ij = ∇(u_iᵀHu_j), Ṗ_U,ij = Σ_m u_i[m]u_j[m] ν̇_m/(2η√ν_m), and
 * HU = PU diag(λ). The predicted time-averaged loss is L + ½Σ_i λ_i X_ii.
 *
 * As the 2-D flow (src-main/engine/central-flow.ts) does, the eigenpairs are recomputed at every
 * substep (P moves with ν); here by warm-started Lanczos on v ↦ P^{-1/2} H P^{-1/2} v, and g_ij by
 * a central difference of two exact HVPs along u_j (CENTRAL-FLOWS.md §4). The model is any loss
 * with exact gradient and HVP, so the same code is checked against the 2-D flow on a 2-D landscape.
 */
import { dot, runToEnd, thirdDerivatives } from './central-flow'
import { Lanczos } from './lanczos'
import { solveSdcp } from './sdcp'

/** A loss with exact derivatives: `prepare(w)` returns L(w) and readies `gradient` and `hvp` at w. */
export interface FlowModel {
  prepare(w: Float64Array): number
  readonly gradient: Float64Array
  hvp(v: Float64Array, out: Float64Array): void
}

export interface RmspropFlowOptions {
  /** Euler substeps per optimizer step (default 4, as the GD network flow and CF-code). */
  readonly substeps?: number
  /** Generalised eigenpairs tracked (default 3). */
  readonly track?: number
  /** Critical: effective eigenvalue above this (default 1.95). */
  readonly criticalThreshold?: number
  /** Step of the central difference of HVPs for g_ij, relative to ‖u_j‖ (default 1e-4). */
  readonly fdStep?: number
  /**
   * Start from ν₀ = ∇L(w₀)^{⊙2} (then the flow), the remedy for RMSprop's huge first step (§3.1);
   * by default ν starts as torch's square_avg after its first update from 0: (1 − α)∇L(w₀)^{⊙2}.
   */
  readonly warmStart?: boolean
}

export interface RmspropFlowResult {
  readonly loss: Float64Array
  readonly predicted_loss: Float64Array
  /** Top eigenvalue of H at the flow. */
  readonly sharpness: Float64Array
  /** Top eigenvalue of P⁻¹H at the flow (2 at the edge). */
  readonly effective_sharpness: Float64Array
  /** tr Σ = tr(U X Uᵀ). */
  readonly sigma2: Float64Array
  readonly critical: Int32Array
  readonly stopped_at: number | null
  readonly stop_reason: string | null
  readonly final: Float64Array
}

const INFEASIBLE =
  'the effective sharpness is past 2 with nothing third-order to pull it back (no self-stabilisation): RMSprop diverges here'

/**
 * The flow from w₀ for torch RMSprop (lr = η, alpha = α, eps = ε; no momentum, not centered),
 * sampled at t = 0, every, 2·every, … steps; a generator that yields after each step so a worker
 * can answer messages in between. `makeModel` is called twice: the flow's model and the one the
 * finite differences move.
 */
export function* rmspropCentralFlowSteps(
  makeModel: () => FlowModel,
  w0: Float64Array,
  eta: number,
  alpha: number,
  eps: number,
  steps: number,
  every = 1,
  options: RmspropFlowOptions = {},
): Generator<number, RmspropFlowResult> {
  const P = w0.length
  const substeps = options.substeps ?? 4
  const track = Math.min(options.track ?? 3, P)
  const theta = options.criticalThreshold ?? 1.95
  const h = options.fdStep ?? 1e-4
  const c = (1 - alpha) / alpha
  const dt = 1 / substeps
  const model = makeModel()
  const aux = makeModel()
  const effective = new Lanczos(P, track)
  const raw = new Lanczos(P, 1)
  const kept = Math.floor(steps / every) + 1
  const out = {
    loss: new Float64Array(kept).fill(NaN),
    predicted_loss: new Float64Array(kept).fill(NaN),
    sharpness: new Float64Array(kept).fill(NaN),
    effective_sharpness: new Float64Array(kept).fill(NaN),
    sigma2: new Float64Array(kept).fill(NaN),
    critical: new Int32Array(kept),
  }
  const w = Float64Array.from(w0)
  model.prepare(w)
  const nu = Float64Array.from(model.gradient, (g) => (options.warmStart ? 1 : 1 - alpha) * g * g)
  const p = new Float64Array(P)
  const rootP = new Float64Array(P)
  const scaled = new Float64Array(P)
  const hv = new Float64Array(P)
  const wp = new Float64Array(P)
  const wDot = new Float64Array(P)
  const nuDot = new Float64Array(P)
  const U = Array.from({ length: track }, () => new Float64Array(P))
  const hPlus = Array.from({ length: track }, () => new Float64Array(P))
  // g[i·track + j] = ∇(u_iᵀHu_j).
  const g = Array.from({ length: track * track }, () => new Float64Array(P))
  const stop = (t: number, reason: string): RmspropFlowResult => ({ ...out, stopped_at: t, stop_reason: reason, final: w })
  // v ↦ P^{-1/2} H P^{-1/2} v: its eigenpairs (λ, v) give H u = λ P u with u = P^{-1/2} v.
  const preconditioned = (v: Float64Array, o: Float64Array) => {
    for (let r = 0; r < P; r++) scaled[r] = v[r] / rootP[r]
    model.hvp(scaled, o)
    for (let r = 0; r < P; r++) o[r] /= rootP[r]
  }

  for (let t = 0; t <= steps; t++) {
    for (let s = 0; s < substeps; s++) {
      const L = model.prepare(w)
      const grad = model.gradient
      for (let r = 0; r < P; r++) {
        p[r] = (Math.sqrt(nu[r]) + eps) / eta
        rootP[r] = Math.sqrt(p[r])
      }
      if (!Number.isFinite(L) || !effective.run(preconditioned)) return stop(t, 'the loss or the Hessian is not finite')
      const lam = effective.values
      for (let i = 0; i < track; i++) for (let r = 0; r < P; r++) U[i][r] = effective.vectors[i][r] / rootP[r]
      let k = 0
      while (k < track && lam[k] > theta) k++
      // The stable parts: ẇ = −P⁻¹∇L, ν̇ = c(∇L² − ν).
      for (let r = 0; r < P; r++) {
        wDot[r] = -grad[r] / p[r]
        nuDot[r] = c * (grad[r] * grad[r] - nu[r])
      }
      let predicted = L
      let trace = 0
      if (k > 0) {
        thirdDerivatives(aux, w, wp, U, k, track, h, hv, hPlus, g)
        // Ṗ_U,ij for a given ν̇: Σ_m u_i[m]u_j[m] ν̇_m/(2η√ν_m).
        const pDot = (i: number, j: number, nd: (m: number) => number) => {
          let sum = 0
          for (let m = 0; m < P; m++) sum += (U[i][m] * U[j][m] * nd(m)) / (2 * eta * Math.sqrt(nu[m]))
          return sum
        }
        // ν̇ and ẇ per unit X_kl: c (HU)_k ⊙ (HU)_l with HU = PU diag(λ), and −½P⁻¹g_kl.
        const nuDotX = (kk: number, l: number) => (m: number) => c * p[m] * U[kk][m] * lam[kk] * p[m] * U[l][m] * lam[l]
        const A = new Float64Array(k * k)
        const B = new Float64Array(k * k * k * k)
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            const gij = g[i * track + j]
            A[i * k + j] = (i === j ? 2 - lam[i] : 0) + dt * (2 * pDot(i, j, (m) => nuDot[m]) - dot(gij, wDot))
            for (let kk = 0; kk < k; kk++) {
              for (let l = 0; l < k; l++) {
                const gkl = g[kk * track + l]
                let hDot = 0
                for (let m = 0; m < P; m++) hDot -= (0.5 * gij[m] * gkl[m]) / p[m]
                B[(i * k + j) * k * k + kk * k + l] = dt * (2 * pDot(i, j, nuDotX(kk, l)) - hDot)
              }
            }
          }
        }
        const X = solveSdcp(A, B, k)
        if (X === null) return stop(t, INFEASIBLE)
        for (let kk = 0; kk < k; kk++) {
          predicted += 0.5 * lam[kk] * X[kk * k + kk]
          for (let l = 0; l < k; l++) {
            const x = X[kk * k + l]
            if (x === 0) continue
            trace += x * dot(U[kk], U[l])
            const gkl = g[kk * track + l]
            const nd = nuDotX(kk, l)
            for (let m = 0; m < P; m++) {
              wDot[m] -= (0.5 * x * gkl[m]) / p[m]
              nuDot[m] += x * nd(m)
            }
          }
        }
      }
      if (s === 0 && t % every === 0) {
        const at = t / every
        raw.run((v, o) => model.hvp(v, o))
        out.loss[at] = L
        out.predicted_loss[at] = predicted
        out.sharpness[at] = raw.values[0]
        out.effective_sharpness[at] = lam[0]
        out.sigma2[at] = trace
        out.critical[at] = k
      }
      if (t === steps) break
      for (let r = 0; r < P; r++) {
        w[r] += dt * wDot[r]
        nu[r] += dt * nuDot[r]
      }
      if (!w.every(Number.isFinite)) return stop(t + 1, 'the flow left the range of float64')
    }
    yield t
  }
  return { ...out, stopped_at: null, stop_reason: null, final: w }
}

/** The flow to the end. */
export const rmspropCentralFlow = (...args: Parameters<typeof rmspropCentralFlowSteps>): RmspropFlowResult =>
  runToEnd(rmspropCentralFlowSteps(...args))
