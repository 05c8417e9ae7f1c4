/**
 * One optimizer configuration trained on a network landscape in float64: the full-batch loss at
 * every kept step, the top Hessian eigenvalues by warm-started Lanczos on exact HVPs where asked,
 * the preconditioned sharpness λ₁(P⁻¹H) for optimizers with a diagonal preconditioner, and the
 * parameters when recorded. Step k's values are taken at w_k, before update k + 1 (as the
 * reference runs of shared/reference/networks do).
 */
import type { Hparams, OptimizerDef } from '../../../src-shared/optim'
import { Lanczos } from '../../../src-shared/network/lanczos'
import { Mlp } from '../../../src-shared/network/mlp'
import { initialOptimizerState, optimizerStep } from '../../../src-shared/network/optimizer-loop'
import type { NetworkRecord } from '../../../src-shared/network/scenario'
import type { NetworkSpec } from '../../../src-shared/network/spec'

export interface NetworkTrace {
  /** Kept steps: 0, every, 2·every, … ≤ steps. */
  readonly kept: number
  readonly loss: Float64Array
  /** Top-k eigenvalues per kept step (k = `eigenCount`), descending; NaN where not computed. */
  readonly eigenvalues: Float64Array | null
  readonly eigenCount: number
  /** λ₁(P⁻¹H) per kept step (NaN at step 0 and where not computed); null without a preconditioner. */
  readonly preconditioned: Float64Array | null
  /** kept × size, when record.params. */
  readonly params: Float64Array | null
  /** The parameters after the last step taken. */
  readonly final: Float64Array
  /** First step whose loss is not finite, or −1. */
  readonly divergedAt: number
  /** Hessian-vector products used (a cost figure). */
  readonly hvps: number
}

export interface SimulateOptions {
  /** Called after each kept step with its index (progress, cancellation by throwing). */
  readonly onKept?: (index: number) => void
  /** Which kept steps get eigenvalues (default: multiples of record.eigenEvery). */
  readonly eigenAt?: (step: number) => boolean
}

/** Top eigenvalues asked for: record.eigenvalues, at least 1 with record.sharpness. */
export const eigenCountOf = (r: NetworkRecord): number => Math.max(r.eigenvalues, r.sharpness ? 1 : 0)

export function simulateNetwork(
  net: NetworkSpec,
  def: OptimizerDef,
  hparams: Hparams,
  steps: number,
  record: NetworkRecord,
  options: SimulateOptions = {},
): NetworkTrace {
  const P = net.size
  const mlp = new Mlp(net, net.data.x, net.data.y)
  const w = Float64Array.from(net.params)
  const state = initialOptimizerState(def, hparams, P)
  const kept = Math.floor(steps / record.every) + 1
  const k = eigenCountOf(record)
  const loss = new Float64Array(kept).fill(NaN)
  const eigenvalues = k > 0 ? new Float64Array(kept * k).fill(NaN) : null
  const params = record.params ? new Float64Array(kept * P).fill(NaN) : null
  const lanczos = k > 0 ? new Lanczos(P, k) : null
  const hvp = (v: Float64Array, out: Float64Array) => mlp.hvp(v, out)
  // λ₁(P⁻¹H) as the top eigenvalue of D H D with D = P^{−1/2} (symmetric, same spectrum).
  const withPreconditioner = k > 0 && def.preconditioner !== undefined
  const pc = withPreconditioner ? new Float64Array(P).fill(NaN) : null
  const preconditioned = withPreconditioner ? new Float64Array(kept).fill(NaN) : null
  const precLanczos = withPreconditioner ? new Lanczos(P, 1) : null
  const dInv = new Float64Array(P)
  const scaled = new Float64Array(P)
  const dhd = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < P; i++) scaled[i] = dInv[i] * v[i]
    mlp.hvp(scaled, out)
    for (let i = 0; i < P; i++) out[i] *= dInv[i]
  }
  let hvps = 0
  let divergedAt = -1
  for (let t = 0; t <= steps; t++) {
    const L = mlp.prepare(w)
    if (!Number.isFinite(L)) {
      divergedAt = t
      if (t % record.every === 0) loss[t / record.every] = L
      break
    }
    if (t % record.every === 0) {
      const at = t / record.every
      loss[at] = L
      if (params) params.set(w, at * P)
      if (lanczos && eigenvalues && (options.eigenAt ? options.eigenAt(t) : t % record.eigenEvery === 0)) {
        if (lanczos.run(hvp)) eigenvalues.set(lanczos.values, at * k)
        hvps += lanczos.iterations
        if (precLanczos && preconditioned && pc && t > 0) {
          for (let i = 0; i < P; i++) dInv[i] = 1 / Math.sqrt(pc[i])
          if (precLanczos.run(dhd)) preconditioned[at] = precLanczos.values[0]
          hvps += precLanczos.iterations
        }
      }
      options.onKept?.(at)
    }
    if (t === steps) break
    optimizerStep(state, w, mlp.gradient, pc)
  }
  return { kept, loss, eigenvalues, eigenCount: k, preconditioned, params, final: w, divergedAt, hvps }
}
