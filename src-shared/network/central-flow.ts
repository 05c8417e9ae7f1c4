/**
 * The central flow of gradient descent on a network landscape (docs/central-flows.md §2.2, §7;
 * CF-code `minimal.py::step_central`): the time-averaged trajectory of GD at the edge of
 * stability, dw/dt = −η[∇L + ½∇⟨H, Σ⟩], with Σ = U X Uᵀ on the critical eigenvectors and X from
 * the authors' next-residual SDCP at each Euler substep.
 *
 * Per step: the top `track` Hessian eigenpairs by warm-started Lanczos on exact HVPs; eigenvalues
 * above `trackThreshold`/η are candidates. Per substep (dt = 1/substeps): M = UᵀHU (exact HVPs),
 * g_ij = ∇(u_iᵀHu_j) = T[u_i, u_j, ·], the candidates predicted above `criticalThreshold`/η are
 * critical, A = (2/η)I − M − dt·Ḣ⁰, B = dt·(η/2)⟨g_ij, g_kl⟩, X = SDCP(A, B), and
 * w ← w + dt(−η∇L − (η/2)Σ X_kl g_kl). Reported at each kept step: L(w), the predicted
 * time-averaged loss L + ½⟨H, Σ⟩ = L + ½Σ M_ij X_ij, the sharpness and tr Σ.
 *
 * g_ij is the directional derivative of the exact HVP along u_j, by a central difference of two
 * exact HVPs (O(h²), ≈ 1e-9 relative at h = 1e-4): CENTRAL-FLOWS.md §4 advises differences of
 * exact derivatives for this third-order term on networks.
 */
import { Lanczos } from './lanczos'
import { Mlp } from './mlp'
import type { FlowModel } from './rmsprop-flow'
import { solveSdcp } from './sdcp'
import type { NetworkSpec } from './spec'

export interface NetworkFlowOptions {
  /** Euler substeps per GD step (default 4, as CF-code). */
  readonly substeps?: number
  /** Eigenpairs tracked (default 3). */
  readonly track?: number
  /** Candidates: eigenvalues above trackThreshold/η (default 1.5, CF-code's track threshold). */
  readonly trackThreshold?: number
  /** Critical (sent to the SDCP): above criticalThreshold/η, or predicted to cross it within the substep (default 1.95). */
  readonly criticalThreshold?: number
  /** Step of the central difference of HVPs for g_ij (default 1e-4; the u_i are unit vectors). */
  readonly fdStep?: number
}

export interface NetworkFlowResult {
  readonly loss: Float64Array
  readonly predicted_loss: Float64Array
  readonly sharpness: Float64Array
  readonly sigma2: Float64Array
  /** Critical eigenvalues at each kept step (the size of X). */
  readonly critical: Int32Array
  readonly stopped_at: number | null
  readonly stop_reason: string | null
  readonly final: Float64Array
}

/** The flow to the end (`centralFlowSteps` runs it step by step). */
export function centralFlowNetwork(
  net: NetworkSpec,
  lr: number,
  steps: number,
  every = 1,
  options: NetworkFlowOptions = {},
): NetworkFlowResult {
  return runToEnd(centralFlowSteps(net, lr, steps, every, options))
}

/** A flow generator driven to its end, for callers with nothing to do between steps. */
export function runToEnd<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}

/** The flow as a generator that yields after each step (its number), so a worker can answer messages in between. */
export function* centralFlowSteps(
  net: NetworkSpec,
  lr: number,
  steps: number,
  every = 1,
  options: NetworkFlowOptions = {},
): Generator<number, NetworkFlowResult> {
  const substeps = options.substeps ?? 4
  const track = Math.min(options.track ?? 3, net.size)
  const candidateAt = (options.trackThreshold ?? 1.5) / lr
  const criticalAt = (options.criticalThreshold ?? 1.95) / lr
  const h = options.fdStep ?? 1e-4
  const dt = 1 / substeps
  const P = net.size
  const mlp = new Mlp(net, net.data.x, net.data.y)
  const aux = new Mlp(net, net.data.x, net.data.y)
  const lanczos = new Lanczos(P, track)
  const w = Float64Array.from(net.params)
  const kept = Math.floor(steps / every) + 1
  const out = {
    loss: new Float64Array(kept).fill(NaN),
    predicted_loss: new Float64Array(kept).fill(NaN),
    sharpness: new Float64Array(kept).fill(NaN),
    sigma2: new Float64Array(kept).fill(NaN),
    critical: new Int32Array(kept),
  }
  const hv = new Float64Array(P)
  const wp = new Float64Array(P)
  const hp = Array.from({ length: track }, () => new Float64Array(P))
  // g[i·track + j] = ∇(u_iᵀHu_j), for candidates i, j.
  const g = Array.from({ length: track * track }, () => new Float64Array(P))
  const velocity = new Float64Array(P)
  const stop = (t: number, reason: string): NetworkFlowResult => ({ ...out, stopped_at: t, stop_reason: reason, final: w })

  for (let t = 0; t <= steps; t++) {
    let L = mlp.prepare(w)
    if (!Number.isFinite(L) || !lanczos.run((v, o) => mlp.hvp(v, o))) return stop(t, 'the loss or the Hessian is not finite')
    const U = lanczos.vectors
    let nc = 0
    while (nc < track && lanczos.values[nc] > candidateAt) nc++
    for (let s = 0; s < substeps; s++) {
      if (s > 0) L = mlp.prepare(w)
      const grad = mlp.gradient
      // M = UᵀHU over the candidates (at s = 0 its diagonal is the Lanczos eigenvalues).
      const M = new Float64Array(nc * nc)
      for (let j = 0; j < nc; j++) {
        mlp.hvp(U[j], hv)
        for (let i = 0; i < nc; i++) M[i * nc + j] = dot(U[i], hv)
      }
      // g_ij: the derivative of H(w)u_i along u_j, by central differences of exact HVPs.
      thirdDerivatives(aux, w, wp, U, nc, track, h, hv, hp, g)
      // Ḣ⁰_ij = g_ij · v₀ with v₀ = −η∇L; the critical set; A and B on it.
      const hdot = new Float64Array(nc * nc)
      for (let i = 0; i < nc; i++) for (let j = 0; j < nc; j++) hdot[i * nc + j] = -lr * dot(g[i * track + j], grad)
      const crit: number[] = []
      for (let i = 0; i < nc; i++) if (M[i * nc + i] > criticalAt || M[i * nc + i] + dt * hdot[i * nc + i] > criticalAt) crit.push(i)
      const k = crit.length
      const A = new Float64Array(k * k)
      const B = new Float64Array(k * k * k * k)
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const i = crit[a]
          const j = crit[b]
          A[a * k + b] = (a === b ? 2 / lr : 0) - M[i * nc + j] - dt * hdot[i * nc + j]
          for (let c = 0; c < k; c++) {
            for (let d = 0; d < k; d++)
              B[(a * k + b) * k * k + c * k + d] = dt * (lr / 2) * dot(g[i * track + j], g[crit[c] * track + crit[d]])
          }
        }
      }
      const X = solveSdcp(A, B, k)
      if (X === null) return stop(t, 'the sharpness is past 2/η with nothing third-order to pull it back: GD diverges here')
      for (let r = 0; r < P; r++) velocity[r] = -lr * grad[r]
      let predicted = L
      let trace = 0
      for (let a = 0; a < k; a++) {
        trace += X[a * k + a]
        for (let b = 0; b < k; b++) {
          const x = X[a * k + b]
          if (x === 0) continue
          predicted += 0.5 * x * M[crit[a] * nc + crit[b]]
          const gab = g[crit[a] * track + crit[b]]
          for (let r = 0; r < P; r++) velocity[r] -= (lr / 2) * x * gab[r]
        }
      }
      if (s === 0 && t % every === 0) {
        const at = t / every
        out.loss[at] = L
        out.predicted_loss[at] = predicted
        out.sharpness[at] = lanczos.values[0]
        out.sigma2[at] = trace
        out.critical[at] = k
      }
      if (t === steps) break
      for (let r = 0; r < P; r++) w[r] += dt * velocity[r]
    }
    yield t
  }
  return { ...out, stopped_at: null, stop_reason: null, final: w }
}

/**
 * g_ij = ∇(u_iᵀHu_j) = D³L[u_i, u_j, ·] for i, j < k: the derivative of H(w)u_i along u_j by a
 * central difference of exact HVPs, with a step of `h` in w whatever ‖u_j‖ (the u are P-normalised).
 */
export function thirdDerivatives(
  aux: FlowModel,
  w: Float64Array,
  wp: Float64Array,
  U: Float64Array[],
  k: number,
  track: number,
  h: number,
  hv: Float64Array,
  hPlus: Float64Array[],
  g: Float64Array[],
): void {
  const P = w.length
  for (let j = 0; j < k; j++) {
    const step = h / Math.sqrt(dot(U[j], U[j]))
    for (const sign of [1, -1]) {
      for (let r = 0; r < P; r++) wp[r] = w[r] + sign * step * U[j][r]
      aux.prepare(wp)
      for (let i = 0; i < k; i++) {
        aux.hvp(U[i], hv)
        if (sign === 1) hPlus[i].set(hv)
        else for (let r = 0; r < P; r++) g[i * track + j][r] = (hPlus[i][r] - hv[r]) / (2 * step)
      }
    }
  }
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}
