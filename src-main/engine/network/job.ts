/**
 * A network scenario as an engine job (the worker's side of the app): every configuration
 * trained in float64, streamed in RunChunks like a point job so the EoS view can plot the loss,
 * the sharpness against its threshold (2/η for GD) and the preconditioned sharpness. A network
 * has no 2-D position of its own: `xy` is 0 until a slice projects it (NETWORKS.md "Slices").
 */
import type { FlowData, JobStarted, RunChunk } from '../../../src-shared/api'
import type { NetworkFlowResult } from '../../../src-shared/network/central-flow'
import { networkFlowSteps } from './flows'
import type { Hparams } from '../../../src-shared/optim'
import type { NetworkScenario } from '../../../src-shared/network/scenario'
import { NetworkTrainer } from './simulate'
import { ViewSlice } from '../../../src-shared/network/view-slice'
import { viewSlicePath } from './view-path'

const CLASSIFICATION = new Set(['moons', 'circles', 'spirals', 'xor'])

/** Training time per chunk: a superseding job or a cancel waits at most about this long. */
const CHUNK_MS = 30
/** The first chunk comes sooner, so the charts start at once. */
const FIRST_CHUNK_MS = 8

export class NetworkJob {
  readonly id: number
  readonly scenario: NetworkScenario
  private readonly trainers: NetworkTrainer[]
  /** The view's plane: each kept step's parameters are projected onto it (./view-slice). */
  private readonly slice: ViewSlice
  /** Whether chunks carry the parameters (the network panel draws a 2-D classifier's decision boundary). */
  private readonly sendsParams: boolean
  private t = 0

  constructor(id: number, scenario: NetworkScenario) {
    this.id = id
    this.scenario = scenario
    // Parameters are recorded so that each kept step can be projected onto the view's slice.
    const record = { ...scenario.record, params: true }
    this.trainers = scenario.optimizers.flatMap((o) =>
      o.configs.map((h) => new NetworkTrainer(scenario.network, o.def, h, scenario.steps, record)),
    )
    // A PCA or end-centred slice needs the first run's whole path first (./view-path.ts).
    this.slice = new ViewSlice(scenario.network, scenario.slice, viewSlicePath(scenario))
    const net = scenario.network
    this.sendsParams = this.trainers.length <= 8 && net.layers[0] === 2 && CLASSIFICATION.has(net.dataSource)
  }

  get started(): JobStarted {
    const s = this.scenario
    return {
      jobId: this.id,
      optimizers: s.optimizers.map((o) => ({
        base: { name: o.def.name, ...(o.hparams as Hparams) },
        sweep: (o.sweep ?? []).map((axis) => ({ key: axis.key, values: Float64Array.from(axis.values) })),
      })),
      starts: new Float64Array(2), // one "start": the network's initial parameters
      kept: Math.floor(s.steps / s.record.every) + 1,
      every: s.record.every,
    }
  }

  get done(): boolean {
    return this.t > this.scenario.steps
  }

  /** Train every run over the next span of steps and return its kept points (null when complete). */
  async next(): Promise<RunChunk | null> {
    if (this.done) return null
    const { steps, record } = this.scenario
    // Every run advances in lockstep, a kept step at a time, until the chunk's time is used.
    const budget = this.t === 0 ? FIRST_CHUNK_MS : CHUNK_MS
    const t0 = performance.now()
    let tTo = this.t - 1
    do {
      tTo = Math.min(steps, (Math.floor(tTo / record.every) + 1) * record.every)
      for (const tr of this.trainers) tr.advance(tTo)
    } while (tTo < steps && performance.now() - t0 < budget)
    const start = Math.ceil(this.t / record.every)
    const count = Math.floor(tTo / record.every) - start + 1
    if (count <= 0) {
      // Only steps after the last kept one: nothing to send.
      for (const tr of this.trainers) tr.advance(tTo)
      this.t = tTo + 1
      return this.next()
    }
    const runs = this.trainers.length
    const xy = new Float32Array(runs * count * 2)
    const offPlane = new Float32Array(runs * count)
    const k = this.trainers[0]?.eigenCount ?? 0
    const eigenvalues = k > 1 ? new Float32Array(runs * count * k) : undefined
    const P = this.scenario.network.size
    const params = this.sendsParams ? new Float32Array(runs * count * P) : undefined
    const sliceLoss = new Float32Array(runs * count)
    const loss = new Float32Array(runs * count)
    const sharpness = record.sharpness ? new Float32Array(runs * count) : undefined
    const gfsSharpness = record.gfsSharpness ? new Float32Array(runs * count) : undefined
    const withPre = record.sharpness && this.trainers.some((tr) => tr.preconditioned)
    const preconditioned = withPre ? new Float32Array(runs * count).fill(NaN) : undefined
    this.trainers.forEach((tr, r) => {
      tr.advance(tTo)
      for (let j = 0; j < count; j++) {
        loss[r * count + j] = tr.loss[start + j]
        if (sharpness) sharpness[r * count + j] = tr.eigenvalues![(start + j) * tr.eigenCount]
        if (gfsSharpness) gfsSharpness[r * count + j] = tr.gfs![start + j]
        if (preconditioned && tr.preconditioned) preconditioned[r * count + j] = tr.preconditioned[start + j]
        const p = this.slice.project(tr.params!, (start + j) * tr.final.length)
        xy[2 * (r * count + j)] = p.a
        xy[2 * (r * count + j) + 1] = p.b
        offPlane[r * count + j] = p.offPlane
        if (params) params.set(tr.params!.subarray((start + j) * P, (start + j + 1) * P), (r * count + j) * P)
        if (eigenvalues) eigenvalues.set(tr.eigenvalues!.subarray((start + j) * k, (start + j + 1) * k), (r * count + j) * k)
        sliceLoss[r * count + j] = this.slice.lossAt(p.a, p.b)
      }
    })
    this.t = tTo + 1
    return {
      jobId: this.id,
      start,
      count,
      xy,
      loss,
      offPlane,
      sliceLoss,
      ...(eigenvalues ? { eigenvalues, eigenCount: k } : {}),
      ...(params ? { params, paramCount: P } : {}),
      ...(sharpness ? { sharpness } : {}),
      ...(preconditioned ? { preconditioned } : {}),
      ...(gfsSharpness ? { gfsSharpness } : {}),
    }
  }

  /** The central flows the scenario asks for (GD and RMSprop runs: ./flows.ts), each a generator to drive step by step. */
  flows(): Array<{ run: number; steps: Generator<number, NetworkFlowResult> }> {
    const s = this.scenario
    if (!s.centralFlow) return []
    const out: Array<{ run: number; steps: Generator<number, NetworkFlowResult> }> = []
    let run = 0
    for (const o of s.optimizers) {
      for (const h of o.configs) {
        const steps = networkFlowSteps(s, o.def.name, h)
        if (steps) out.push({ run, steps })
        run++
      }
    }
    return out
  }

  /** A finished network flow as the FlowData the hosts send (no 2-D position: xy and axis are 0). */
  flowData(run: number, r: NetworkFlowResult): FlowData {
    const n = r.loss.length
    return {
      jobId: this.id,
      run,
      xy: new Float32Array(2 * n),
      loss: Float32Array.from(r.loss),
      predictedLoss: Float32Array.from(r.predicted_loss),
      sharpness: Float32Array.from(r.sharpness),
      sigma2: Float32Array.from(r.sigma2),
      axis: new Float32Array(2 * n),
      stoppedAt: r.stopped_at,
      stopReason: r.stop_reason,
    }
  }

  backend(): string {
    return 'float64 JS (network)'
  }

  divergedAt(): Int32Array {
    return Int32Array.from(this.trainers, (tr) => tr.divergedAt)
  }
}
