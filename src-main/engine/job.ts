/**
 * A simulation job: a validated scenario advanced in blocks of steps, each block producing one
 * RunChunk (all runs, optimizer-major, float32 for transfer). Pure and synchronous; the worker
 * drives it, tests drive it directly.
 */
import type { JobStarted, RunChunk, RunInfo } from '../../src-shared/api'
import type { Scenario } from '../../src-shared/scenario'
import {
  advanceFloat64, blockOutput, type Float64Job, type Float64State, initialState, keptRange,
} from './float64'
import { uniformHparams } from './run-scenario'

/** Work per block, in particle-steps: small first so motion appears at once, then larger. */
export const FIRST_BLOCK_WORK = 20_000
export const BLOCK_WORK = 400_000

interface Part { readonly job: Float64Job; readonly state: Float64State }

export class Job {
  readonly id: number
  readonly scenario: Scenario
  private readonly parts: Part[]
  private readonly runCount: number
  private t = 0

  constructor(id: number, scenario: Scenario) {
    this.id = id
    this.scenario = scenario
    const n = scenario.starts.x.length
    this.parts = scenario.optimizers.map((opt) => {
      const job: Float64Job = {
        landscape: scenario.landscape, optimizer: opt.def, hparams: uniformHparams(opt.def, opt.hparams, n),
        x0: scenario.starts.x, y0: scenario.starts.y, steps: scenario.steps, every: scenario.record.every,
        sharpness: scenario.record.sharpness, noise: scenario.noise,
      }
      return { job, state: initialState(job) }
    })
    this.runCount = n * this.parts.length
  }

  get started(): JobStarted {
    const s = this.scenario
    const runs: RunInfo[] = []
    for (const opt of s.optimizers) {
      for (let i = 0; i < s.starts.x.length; i++) {
        runs.push({ optimizer: { name: opt.def.name, ...opt.hparams }, init: [s.starts.x[i], s.starts.y[i]] })
      }
    }
    return { jobId: this.id, runs, kept: Math.floor(s.steps / s.record.every) + 1, every: s.record.every }
  }

  /** Whether the first chunk (which carries the start points) has been produced. */
  private emittedStart = false

  get done(): boolean {
    return this.emittedStart && this.t >= this.scenario.steps
  }

  /** Advance one block and return its chunk (null when the job is complete). */
  next(): RunChunk | null {
    const { steps, record } = this.scenario
    if (this.done) return null
    const work = this.emittedStart ? BLOCK_WORK : FIRST_BLOCK_WORK
    const blockSteps = Math.max(1, Math.floor(work / Math.max(1, this.runCount)))
    const tTo = Math.min(steps, this.t + blockSteps)
    const { start, count } = keptRange(this.t, tTo, record.every)
    const n = this.scenario.starts.x.length
    const xy = new Float32Array(this.runCount * count * 2)
    const loss = new Float32Array(this.runCount * count)
    const sharpness = record.sharpness ? new Float32Array(this.runCount * count) : undefined
    this.parts.forEach((part, p) => {
      const out = blockOutput(part.job, n, start, count)
      advanceFloat64(part.job, part.state, tTo, out)
      const offset = p * n * count
      for (let k = 0; k < n * count; k++) {
        xy[2 * (offset + k)] = out.x[k]
        xy[2 * (offset + k) + 1] = out.y[k]
        loss[offset + k] = out.loss[k]
        if (sharpness) sharpness[offset + k] = out.sharpness![k]
      }
    })
    this.t = tTo
    this.emittedStart = true
    return { jobId: this.id, start, count, xy, loss, ...(sharpness ? { sharpness } : {}) }
  }

  /** First non-finite step per run (optimizer-major), -1 where none. */
  divergedAt(): Int32Array {
    const out = new Int32Array(this.runCount)
    this.parts.forEach((part, p) => out.set(part.state.divergedAt, p * part.state.divergedAt.length))
    return out
  }
}
