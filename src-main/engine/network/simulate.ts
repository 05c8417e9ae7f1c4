/**
 * One optimizer configuration trained on a network landscape in float64: the full-batch loss at
 * every kept step, the top Hessian eigenvalues by warm-started Lanczos on exact HVPs where asked,
 * the preconditioned sharpness λ₁(P⁻¹H) for optimizers with a diagonal preconditioner, and the
 * parameters when recorded. Step k's values are taken at w_k, before update k + 1 (as the
 * reference runs of shared/reference/networks do).
 *
 * `NetworkTrainer` advances in spans of steps (the worker streams a job span by span);
 * `simulateNetwork` runs one to the end.
 */
import type { Hparams, OptimizerDef } from '../../../src-shared/optim'
import { Lanczos } from '../../../src-shared/network/lanczos'
import { Mlp } from '../../../src-shared/network/mlp'
import { NetworkGfs } from '../../../src-shared/network/gfs'
import { initialOptimizerState, type NetworkOptimizerState, optimizerStep } from './optimizer-step'
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
  /** GFS sharpness per kept step (record.gfsSharpness): NaN where not computed or where the flow did not converge. */
  readonly gfs: Float64Array | null
  /** The parameters after the last step taken. */
  readonly final: Float64Array
  /** First step whose loss is not finite, or −1. */
  readonly divergedAt: number
  /** Hessian-vector products used (a cost figure). */
  readonly hvps: number
}

export interface SimulateOptions {
  /** Which kept steps get eigenvalues (default: multiples of record.eigenEvery). */
  readonly eigenAt?: (step: number) => boolean
}

/** Top eigenvalues asked for: record.eigenvalues, at least 1 with record.sharpness. */
export const eigenCountOf = (r: NetworkRecord): number => Math.max(r.eigenvalues, r.sharpness ? 1 : 0)

export class NetworkTrainer implements NetworkTrace {
  readonly kept: number
  readonly loss: Float64Array
  readonly eigenvalues: Float64Array | null
  readonly eigenCount: number
  readonly preconditioned: Float64Array | null
  readonly params: Float64Array | null
  readonly gfs: Float64Array | null
  readonly final: Float64Array
  divergedAt = -1
  hvps = 0
  /** Gradient evaluations spent on gradient-flow solves (a cost figure). */
  gfsGradients = 0
  /** The next step to evaluate (its values not yet recorded). */
  t = 0
  private readonly P: number
  private readonly mlp: Mlp
  private readonly state: NetworkOptimizerState
  private readonly lanczos: Lanczos | null
  private readonly pc: Float64Array | null
  private readonly precLanczos: Lanczos | null
  /** Its own MLP: a flow prepares many points, and the training MLP must stay prepared at w. */
  private readonly gfsSolver: NetworkGfs | null
  private readonly dInv: Float64Array
  private readonly scaled: Float64Array
  private readonly hvp = (v: Float64Array, out: Float64Array) => this.mlp.hvp(v, out)
  /** ∇L elsewhere for staged rules (SAM's perturbed point); leaves the MLP prepared there, and the next step prepares w again. */
  private readonly gradientAt = (point: Float64Array, out: Float64Array) => {
    this.mlp.prepare(point)
    out.set(this.mlp.gradient)
  }
  /** D H D with D = P^{−1/2}: symmetric, with the spectrum of P⁻¹H. */
  private readonly dhd = (v: Float64Array, out: Float64Array) => {
    const { P, dInv, scaled } = this
    for (let i = 0; i < P; i++) scaled[i] = dInv[i] * v[i]
    this.mlp.hvp(scaled, out)
    for (let i = 0; i < P; i++) out[i] *= dInv[i]
  }

  constructor(
    net: NetworkSpec,
    def: OptimizerDef,
    hparams: Hparams,
    readonly steps: number,
    private readonly record: NetworkRecord,
    private readonly options: SimulateOptions = {},
  ) {
    const P = (this.P = net.size)
    this.mlp = new Mlp(net, net.data.x, net.data.y)
    this.final = Float64Array.from(net.params)
    this.state = initialOptimizerState(def, hparams, P)
    const kept = (this.kept = Math.floor(steps / record.every) + 1)
    const k = (this.eigenCount = eigenCountOf(record))
    this.loss = new Float64Array(kept).fill(NaN)
    this.eigenvalues = k > 0 ? new Float64Array(kept * k).fill(NaN) : null
    this.params = record.params ? new Float64Array(kept * P).fill(NaN) : null
    this.lanczos = k > 0 ? new Lanczos(P, k) : null
    const withPreconditioner = k > 0 && def.preconditioner !== undefined
    this.pc = withPreconditioner ? new Float64Array(P).fill(NaN) : null
    this.preconditioned = withPreconditioner ? new Float64Array(kept).fill(NaN) : null
    this.precLanczos = withPreconditioner ? new Lanczos(P, 1) : null
    this.dInv = new Float64Array(P)
    this.scaled = new Float64Array(P)
    this.gfs = record.gfsSharpness ? new Float64Array(kept).fill(NaN) : null
    this.gfsSolver = record.gfsSharpness ? new NetworkGfs(new Mlp(net, net.data.x, net.data.y)) : null
  }

  get done(): boolean {
    return this.t > this.steps || this.divergedAt >= 0
  }

  /** Evaluate steps t … min(tTo, steps), updating between them. */
  advance(tTo: number): void {
    const { record, mlp, P } = this
    const w = this.final
    for (; this.t <= Math.min(tTo, this.steps) && this.divergedAt < 0; this.t++) {
      const t = this.t
      const L = mlp.prepare(w)
      const keep = t % record.every === 0
      if (!Number.isFinite(L)) {
        this.divergedAt = t
        if (keep) this.loss[t / record.every] = L
        break
      }
      if (keep) {
        const at = t / record.every
        this.loss[at] = L
        this.params?.set(w, at * P)
        const eigenNow = this.options.eigenAt ? this.options.eigenAt(t) : t % record.eigenEvery === 0
        if (this.lanczos && eigenNow) this.eigen(at, t)
        if (this.gfsSolver && eigenNow) this.gfsAt(at, w)
      }
      if (t < this.steps) optimizerStep(this.state, w, mlp.gradient, this.pc, { loss: L, gradientAt: this.gradientAt })
    }
  }

  /** Gradient flow from w itself (never from the previous limit), its λ₁ at the limit; NaN where it did not converge. */
  private gfsAt(at: number, w: Float64Array): void {
    const r = this.gfsSolver!.run(w)
    this.hvps += r.hvps
    this.gfsGradients += r.gradients
    if (r.converged) this.gfs![at] = r.sharpness
  }

  private eigen(at: number, t: number): void {
    const lanczos = this.lanczos!
    if (lanczos.run(this.hvp)) this.eigenvalues!.set(lanczos.values, at * this.eigenCount)
    this.hvps += lanczos.iterations
    if (this.precLanczos && this.pc && t > 0) {
      for (let i = 0; i < this.P; i++) this.dInv[i] = 1 / Math.sqrt(this.pc[i])
      if (this.precLanczos.run(this.dhd)) this.preconditioned![at] = this.precLanczos.values[0]
      this.hvps += this.precLanczos.iterations
    }
  }
}

export function simulateNetwork(
  net: NetworkSpec,
  def: OptimizerDef,
  hparams: Hparams,
  steps: number,
  record: NetworkRecord,
  options: SimulateOptions = {},
): NetworkTrace {
  const trainer = new NetworkTrainer(net, def, hparams, steps, record, options)
  trainer.advance(steps)
  return trainer
}
