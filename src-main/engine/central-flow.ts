/**
 * Central flows (Cohen, Damian, Talwalkar, Kolter & Lee, "Understanding Optimization in Deep
 * Learning with Central Flows", ICLR 2025; docs/central-flows.md, "The central flow"): the smooth curve that
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
import { eig2 } from '../../src-shared/eos/eig2'
import { hasCentralFlow } from '../../src-shared/eos/eligibility'

export { eig2 } from '../../src-shared/eos/eig2'

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
  /** Top eigenvalue of P⁻¹H along the flow (preconditioned optimizers; 2 at the edge). */
  readonly effective_sharpness?: number[]
  /** Step at which the flow stopped, or null. */
  readonly stopped_at: number | null
  readonly stop_reason: string | null
}

/** D³L[a, b, ·] for T = (Lxxx, Lxxy, Lxyy, Lyyy). */
function contract(t: Float64Array, ax: number, ay: number, bx: number, by: number): [number, number] {
  const [xxx, xxy, xyy, yyy] = t
  return [xxx * ax * bx + xxy * (ax * by + ay * bx) + xyy * ay * by, xxy * ax * bx + xyy * (ax * by + ay * bx) + yyy * ay * by]
}

/** Symmetric 2×2 as [a11, a12, a22]. */
type Sym2 = [number, number, number]

function projectPsd([a, b, c]: Sym2): Sym2 {
  const e = eig2(a, b, c)
  const l1 = Math.max(e.l1, 0)
  const l2 = Math.max(e.l2, 0)
  return [l1 * e.u1x * e.u1x + l2 * e.u2x * e.u2x, l1 * e.u1x * e.u1y + l2 * e.u2x * e.u2y, l1 * e.u1y * e.u1y + l2 * e.u2y * e.u2y]
}

/**
 * A linear map on Sym(2) as B_ijkl (i, j, k, l ∈ {0, 1}), applied as B[X]_ij = Σ_kl B_ijkl X_kl
 * over ordered pairs (so X12 counts twice, as in the reference's einsum).
 */
export type Operator2 = (i: number, j: number, k: number, l: number) => number

function applyOperator(B: Operator2, X: Sym2): Sym2 {
  const x = [
    [X[0], X[1]],
    [X[1], X[2]],
  ]
  const at = (i: number, j: number) => B(i, j, 0, 0) * x[0][0] + B(i, j, 0, 1) * x[0][1] + B(i, j, 1, 0) * x[1][0] + B(i, j, 1, 1) * x[1][1]
  return [at(0, 0), at(0, 1), at(1, 1)]
}

/**
 * SDCP(A, B) for k = 2: X ⪰ 0, A + B[X] ⪰ 0, ⟨X, A + B[X]⟩ = 0, solved as the convex QP
 * min_{X ⪰ 0} ½⟨X, B[X]⟩ + ⟨A, X⟩ by FISTA with projection onto the PSD cone (the reference's
 * cflib.solve_sdcp). Returns null when B is (numerically) zero and A is not PSD: infeasible.
 */
export function solveSdcp2(A: Sym2, B: Operator2): Sym2 | null {
  if (eig2(A[0], A[1], A[2]).l2 >= 0) return [0, 0, 0]
  let frob = 0
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) for (let l = 0; l < 2; l++) frob += B(i, j, k, l) ** 2
  // The Frobenius norm bounds the operator norm: a safe Lipschitz constant for the step.
  const lip = Math.sqrt(frob)
  if (!(lip > 1e-300)) return null
  let X: Sym2 = [0, 0, 0]
  let Z: Sym2 = [0, 0, 0]
  let tk = 1
  for (let it = 0; it < 20000; it++) {
    const bz = applyOperator(B, Z)
    const Xn = projectPsd([Z[0] - (A[0] + bz[0]) / lip, Z[1] - (A[1] + bz[1]) / lip, Z[2] - (A[2] + bz[2]) / lip])
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

/**
 * A preconditioned-GD update rule seen by the flow (§3.4): w ← w − P⁻¹∇L with diagonal P(state)
 * and a state that follows dstate/dt. GD: P = I/η, no state. RMSProp: P = diag(√ν + ε)/η,
 * dν/dt = c(E[g²] − ν), c = (1−β₂)/β₂ (the EMA written implicitly, as the reference does).
 */
export interface FlowRule {
  readonly name: string
  readonly stateSize: number
  /** The state after the reference's one discrete update at w₀. */
  initState(gx: number, gy: number): number[]
  p(state: readonly number[]): [number, number]
  dstateStable(state: readonly number[], gx: number, gy: number): number[]
  /** ½ D²_g(dstate/dt)[HU_k, HU_l] for the part of E[g²] that Σ contributes. */
  dstateX(state: readonly number[], hu: (a: number, k: number) => number, s: number, k: number, l: number): number
  /** ∂p_m/∂state_s. */
  dpDstate(state: readonly number[], m: number, s: number): number
}

export function gdRule(eta: number): FlowRule {
  return {
    name: 'gd',
    stateSize: 0,
    initState: () => [],
    p: () => [1 / eta, 1 / eta],
    dstateStable: () => [],
    dstateX: () => 0,
    dpDstate: () => 0,
  }
}

/**
 * torch RMSprop (α = β₂, no momentum, not centered). By default the state starts as torch's does
 * after its first update from square_avg = 0; `warmStart` starts from ν₀ = g₀² instead (then one
 * update, as the reference flows do), the remedy for RMSprop's huge first step (§3.1).
 */
export function rmspropRule(eta: number, alpha: number, eps: number, warmStart = false): FlowRule {
  const c = (1 - alpha) / alpha
  return {
    name: 'rmsprop',
    stateSize: 2,
    initState: (gx, gy) => (warmStart ? [gx * gx, gy * gy] : [(1 - alpha) * gx * gx, (1 - alpha) * gy * gy]),
    p: (nu) => [(Math.sqrt(nu[0]) + eps) / eta, (Math.sqrt(nu[1]) + eps) / eta],
    dstateStable: (nu, gx, gy) => [c * (gx * gx - nu[0]), c * (gy * gy - nu[1])],
    dstateX: (_nu, hu, s, k, l) => c * hu(s, k) * hu(s, l),
    dpDstate: (nu, m, s) => (m === s ? 1 / (2 * eta * Math.sqrt(nu[m])) : 0),
  }
}

/**
 * Scalar RMSProp (§3.1, §3.3): one ν for the whole gradient, P = (√ν + ε)/η on every coordinate,
 * dν/dt = c(‖g‖² + tr(HΣH) − ν). Starts like torch's rule from ν = 0 after one update, or from
 * ν₀ = ‖g₀‖² with `warmStart`.
 */
export function scalarRmspropRule(eta: number, alpha: number, eps: number, warmStart = false): FlowRule {
  const c = (1 - alpha) / alpha
  return {
    name: 'scalar_rmsprop',
    stateSize: 1,
    initState: (gx, gy) => [(warmStart ? 1 : 1 - alpha) * (gx * gx + gy * gy)],
    p: (nu) => [(Math.sqrt(nu[0]) + eps) / eta, (Math.sqrt(nu[0]) + eps) / eta],
    dstateStable: (nu, gx, gy) => [c * (gx * gx + gy * gy - nu[0])],
    // ‖g‖² gains tr(HΣH) = Σ_kl X_kl ⟨HU_k, HU_l⟩.
    dstateX: (_nu, hu, _s, k, l) => c * (hu(0, k) * hu(0, l) + hu(1, k) * hu(1, l)),
    dpDstate: (nu) => 1 / (2 * eta * Math.sqrt(nu[0])),
  }
}

export interface VelocityInfo {
  readonly vx: number
  readonly vy: number
  readonly dstate: number[]
  /** Number of critical eigenvalues. */
  readonly k: number
  /** Top eigenvalue of H. */
  readonly sharpness: number
  /** Top eigenvalue of P⁻¹H (2 at the edge). */
  readonly effectiveSharpness: number
  /** tr Σ. */
  readonly sigma2: number
  /** L + ½⟨H, Σ⟩. */
  readonly predicted: number
  readonly loss: number
  /** Unit top (generalised) eigenvector: the Σ ellipse's axis. */
  readonly ux: number
  readonly uy: number
  /** Set when the SDCP is infeasible (no third-order self-stabilisation). */
  readonly infeasible: boolean
}

/** The central-flow vector field at (w, state) for substep dt (reference: cflib.central_flow_precond). */
export function flowVelocity(
  f: CompiledLandscape,
  rule: FlowRule,
  x: number,
  y: number,
  state: readonly number[],
  dt: number,
): VelocityInfo {
  const scratch = new Float64Array(4)
  f.valueAndGradient(x, y, scratch)
  const loss = scratch[0]
  const gx = scratch[1]
  const gy = scratch[2]
  f.hessian(x, y, scratch)
  const [h00, h01, h11] = [scratch[0], scratch[1], scratch[2]]
  const sharpness = eig2(h00, h01, h11).l1
  const p = rule.p(state)
  const sp = [Math.sqrt(p[0]), Math.sqrt(p[1])]
  const e = eig2(h00 / p[0], h01 / (sp[0] * sp[1]), h11 / p[1])
  const lam = [e.l1, e.l2]
  // Generalised eigenvectors u = P^{-1/2} v (uᵀPu = 1), as columns U[:, i].
  const U = [
    [e.u1x / sp[0], e.u2x / sp[0]],
    [e.u1y / sp[1], e.u2y / sp[1]],
  ]
  const axisNorm = Math.hypot(U[0][0], U[1][0])
  const kc = (lam[0] > CRITICAL_THETA ? 1 : 0) + (lam[1] > CRITICAL_THETA ? 1 : 0)
  const dws = [-gx / p[0], -gy / p[1]]
  const dss = rule.dstateStable(state, gx, gy)
  const base = { loss, sharpness, effectiveSharpness: e.l1, ux: U[0][0] / axisNorm, uy: U[1][0] / axisNorm, k: kc }
  if (kc === 0) return { ...base, vx: dws[0], vy: dws[1], dstate: dss, sigma2: 0, predicted: loss, infeasible: false }

  const t = new Float64Array(4)
  f.third(x, y, t)
  const G = (i: number, j: number) => contract(t, U[0][i], U[1][i], U[0][j], U[1][j])
  const Gs = [
    [G(0, 0), G(0, 1)],
    [G(1, 0), G(1, 1)],
  ]
  const dwX = (k: number, l: number): [number, number] => [(-0.5 * Gs[k][l][0]) / p[0], (-0.5 * Gs[k][l][1]) / p[1]]
  const hu = (a: number, k: number) => p[a] * U[a][k] * lam[k]
  const dP = (i: number, j: number, ds: (s: number) => number) => {
    let sum = 0
    for (let m = 0; m < 2; m++) for (let st = 0; st < rule.stateSize; st++) sum += U[m][i] * U[m][j] * rule.dpDstate(state, m, st) * ds(st)
    return sum
  }
  const dot = (a: readonly number[], b: readonly number[]) => a[0] * b[0] + a[1] * b[1]
  const Aij = (i: number, j: number) => (i === j ? 2 - lam[i] : 0) + dt * (2 * dP(i, j, (st) => dss[st]) - dot(Gs[i][j], dws))
  const Bijkl = (i: number, j: number, k: number, l: number) =>
    dt * (2 * dP(i, j, (st) => rule.dstateX(state, hu, st, k, l)) - dot(Gs[i][j], dwX(k, l)))

  let X: Sym2
  if (kc === 1) {
    const A = Aij(0, 0)
    const B = Bijkl(0, 0, 0, 0)
    if (A >= 0) X = [0, 0, 0]
    else if (!(B > 1e-300) || !Number.isFinite(-A / B)) {
      return { ...base, vx: NaN, vy: NaN, dstate: dss, sigma2: Infinity, predicted: Infinity, infeasible: true }
    } else X = [-A / B, 0, 0]
  } else {
    const solved = solveSdcp2([Aij(0, 0), Aij(0, 1), Aij(1, 1)], Bijkl)
    if (!solved) return { ...base, vx: NaN, vy: NaN, dstate: dss, sigma2: Infinity, predicted: Infinity, infeasible: true }
    X = solved
  }
  const Xm = [
    [X[0], X[1]],
    [X[1], X[2]],
  ]
  let vx = dws[0]
  let vy = dws[1]
  const dstate = [...dss]
  let sigma2 = 0
  let pred = loss
  for (let k = 0; k < kc; k++) {
    pred += 0.5 * lam[k] * Xm[k][k]
    for (let l = 0; l < kc; l++) {
      const d = dwX(k, l)
      vx += Xm[k][l] * d[0]
      vy += Xm[k][l] * d[1]
      for (let st = 0; st < rule.stateSize; st++) dstate[st] += rule.dstateX(state, hu, st, k, l) * Xm[k][l]
      sigma2 += Xm[k][l] * (U[0][k] * U[0][l] + U[1][k] * U[1][l]) // tr(U X Uᵀ)
    }
  }
  return { ...base, vx, vy, dstate, sigma2, predicted: pred, infeasible: false }
}

/** The GD vector field (kept for tests and the UI's one-off queries). */
export function centralFlowVelocity(f: CompiledLandscape, eta: number, x: number, y: number, dt: number): VelocityInfo {
  return flowVelocity(f, gdRule(eta), x, y, [], dt)
}

const infeasible = (rule: FlowRule) =>
  `the central flow does not exist here: the sharpness exceeds the stability threshold and nothing third-order pulls it back (no self-stabilisation), so ${({ gd: 'GD', rmsprop: 'RMSprop', scalar_rmsprop: 'Scalar RMSProp' } as Record<string, string>)[rule.name] ?? rule.name} diverges here`

/**
 * Integrate a central flow from (x0, y0) for `steps` optimizer steps, sampling w(t) at
 * t = 0, every, 2·every, … steps.
 */
export function centralFlow(
  f: CompiledLandscape,
  rule: FlowRule,
  x0: number,
  y0: number,
  steps: number,
  every = 1,
  substeps = DEFAULT_SUBSTEPS,
): CentralFlowResult {
  const slices = centralFlowSlices(f, rule, x0, y0, steps, every, { substeps })
  for (;;) {
    const r = slices.next()
    if (r.done) return r.value
  }
}

export interface FlowSliceOptions {
  readonly substeps?: number
  /**
   * Integrate at most this many steps: the flow then stops there (`stopped_at`, with the cap as
   * its reason) and its samples end at the cap instead of running on as NaN to `steps`.
   */
  readonly maxSteps?: number
  /** Steps integrated between two yields (the caller checks for cancellation there). */
  readonly sliceSteps?: number
}

/** The reason a flow stopped at its step cap. */
export const flowCapReason = (cap: number) => `the central flow of a job is integrated for its first ${cap} steps only`

/**
 * `centralFlow` integrated in slices: yields after every `sliceSteps` steps (the engine worker
 * answers cancel and other requests there) and returns the result. Integration stops at
 * `maxSteps`, so one flow's cost and memory are bounded whatever the job's step count.
 */
export function* centralFlowSlices(
  f: CompiledLandscape,
  rule: FlowRule,
  x0: number,
  y0: number,
  steps: number,
  every = 1,
  options: FlowSliceOptions = {},
): Generator<void, CentralFlowResult> {
  const substeps = options.substeps ?? DEFAULT_SUBSTEPS
  const sliceSteps = Math.max(1, options.sliceSteps ?? Infinity)
  const lastStep = Math.min(steps, options.maxSteps ?? Infinity)
  const trajectory: Array<[number, number]> = []
  const loss: number[] = []
  const predicted: number[] = []
  const sharpness: number[] = []
  const effective: number[] = []
  const sigma2: number[] = []
  const axis: Array<[number, number]> = []
  const dt = 1 / substeps
  const g0 = new Float64Array(3)
  f.valueAndGradient(x0, y0, g0)
  let state = rule.initState(g0[1], g0[2])
  let x = x0
  let y = y0
  let stoppedAt: number | null = null
  let reason: string | null = null
  const stop = (at: number, why: string) => {
    stoppedAt = at
    reason = why
  }
  for (let step = 0; step <= lastStep; step++) {
    if (step > 0 && step % sliceSteps === 0) yield
    const info = stoppedAt === null ? flowVelocity(f, rule, x, y, state, dt) : null
    if (info?.infeasible) stop(step, infeasible(rule))
    if (step % every === 0) {
      const ok = info !== null && stoppedAt === null
      trajectory.push(ok ? [x, y] : [NaN, NaN])
      loss.push(ok ? info.loss : NaN)
      predicted.push(ok ? info.predicted : NaN)
      sharpness.push(ok ? info.sharpness : NaN)
      effective.push(ok ? info.effectiveSharpness : NaN)
      sigma2.push(ok ? info.sigma2 : NaN)
      axis.push(ok ? [info.ux, info.uy] : [NaN, NaN])
    }
    if (stoppedAt !== null || step === lastStep) continue
    for (let s = 0; s < substeps; s++) {
      const v = s === 0 ? info! : flowVelocity(f, rule, x, y, state, dt)
      if (v.infeasible) {
        stop(step + 1, infeasible(rule))
        break
      }
      x += dt * v.vx
      y += dt * v.vy
      state = state.map((st, i) => st + dt * v.dstate[i])
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        stop(step + 1, 'the flow left the range of float64')
        break
      }
    }
  }
  if (stoppedAt === null && lastStep < steps) stop(lastStep, flowCapReason(lastStep))
  return {
    trajectory,
    loss,
    predicted_loss: predicted,
    sharpness,
    sigma2,
    axis,
    stopped_at: stoppedAt,
    stop_reason: reason,
    ...(rule.stateSize > 0 ? { effective_sharpness: effective } : {}),
  }
}

/** The GD central flow (§2). */
export function centralFlowGd(
  f: CompiledLandscape,
  eta: number,
  x0: number,
  y0: number,
  steps: number,
  every = 1,
  substeps = DEFAULT_SUBSTEPS,
): CentralFlowResult {
  return centralFlow(f, gdRule(eta), x0, y0, steps, every, substeps)
}

/**
 * The flow rule of a run, when its optimizer has a central flow: plain GD (torch SGD without
 * momentum) and RMSprop (no momentum, not centered), both without weight decay or maximize.
 * Heavy ball, Nesterov and Adam have no central flow in the sources (§3.4).
 */
export function flowRuleFor(name: string, h: Hparams): FlowRule | null {
  if (!hasCentralFlow({ ...h, name })) return null
  if (name === 'sgd') return gdRule(h.lr as number)
  if (name === 'rmsprop') return rmspropRule(h.lr as number, h.alpha as number, h.eps as number)
  if (name === 'scalar_rmsprop') return scalarRmspropRule(h.lr as number, h.alpha as number, h.eps as number)
  return null
}

/** The central flow of a run, when its optimizer has one (flowRuleFor). */
export function centralFlowFor(
  f: CompiledLandscape,
  name: string,
  h: Hparams,
  x0: number,
  y0: number,
  steps: number,
  every: number,
): CentralFlowResult | null {
  const rule = flowRuleFor(name, h)
  return rule ? centralFlow(f, rule, x0, y0, steps, every) : null
}
