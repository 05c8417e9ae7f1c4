/**
 * A simulation job: a validated scenario advanced in blocks of steps, each block producing one
 * RunChunk (all runs, optimizer-major, float32 for transfer). The worker drives it; tests can
 * drive it directly.
 */
import type { FlowData, JobStarted, RunChunk } from '../../src-shared/api'
import { type CentralFlowResult, centralFlowFor } from './central-flow'
import { runCount, type Scenario } from '../../src-shared/scenario'
import { gfsSharpnessOrNull } from '../../src-shared/eos/gradient-flow-solution'
import { blockOutput, type BlockOutput, keptRange } from './float64'
import { type Part, type PlanOptions, planParts } from './plan'
import { jobStarted } from './started'

/** A central flow as the float32 FlowData the hosts send. */
export function flowData(jobId: number, run: number, r: CentralFlowResult): FlowData {
  const flat = (pts: Array<[number, number]>) => {
    const a = new Float32Array(pts.length * 2)
    pts.forEach(([x, y], i) => {
      a[2 * i] = x
      a[2 * i + 1] = y
    })
    return a
  }
  return {
    jobId,
    run,
    xy: flat(r.trajectory),
    loss: Float32Array.from(r.loss),
    predictedLoss: Float32Array.from(r.predicted_loss),
    sharpness: Float32Array.from(r.sharpness),
    sigma2: Float32Array.from(r.sigma2),
    axis: flat(r.axis),
    stoppedAt: r.stopped_at,
    stopReason: r.stop_reason,
  }
}

/** Work per block, in particle-steps: small first so motion appears at once, then larger. */
export const FIRST_BLOCK_WORK = 10_000
export const BLOCK_WORK = 400_000
/**
 * Where the kernel records the kept points (float32 on WebAssembly), a block's cost is its
 * steps (≈ 2 ns per particle-step with the copies out): 4·10⁶ particle-steps ≈ 10 ms.
 */
export const KERNEL_BLOCK_WORK = 4_000_000
/**
 * Kept points per chunk there (all runs): 2.5·10⁵ points are 3 MB of chunk arrays, ≈ 5 ms of work
 * (a superseding job waits for the block in flight). Fresh large
 * arrays cost ≈ 3 ms per MiB to touch here; arrays of a few MiB come back from the allocator
 * warm (≈ 0.6 ms per MiB).
 */
export const KERNEL_BLOCK_POINTS = 250_000
/**
 * A float32 block launched once per kept point holds the launches (kept points) that fit in about
 * FLOAT32_BLOCK_MS, at least MIN_LAUNCHES_PER_BLOCK; a launch with its record step costs ≈ 0.15 ms
 * + 0.1 µs per run here.
 */
export const FLOAT32_BLOCK_MS = 10
export const MIN_LAUNCHES_PER_BLOCK = 8

const NO_VALUES = new Float32Array(0)

/** A block output that is a chunk's part: positions interleaved into `xy`, losses into `loss`. */
function chunkOutput(start: number, count: number, xy: Float32Array, loss: Float32Array): BlockOutput {
  return { start, count, x: NO_VALUES, y: NO_VALUES, xy, loss, sharpness: null, preconditioned: null, axis: null, extra: [] }
}

/** Where a chunk's position and loss arrays come from (the worker's returned buffers: chunk-buffers.ts). */
export type ChunkArrays = (length: number) => Float32Array
const freshArrays: ChunkArrays = (length) => new Float32Array(length)

export class Job {
  readonly id: number
  readonly scenario: Scenario
  private readonly parts: Part[]
  private readonly runCount: number
  private t = 0
  /** Whether the first chunk (which carries the start points) has been produced. */
  private emittedStart = false
  /** Every part records its kept points inside the kernel. */
  private readonly inKernel: boolean
  /** Float32 block outputs kept from block to block (fresh memory is slow to touch), per part. */
  private readonly outputs = new Map<Part, BlockOutput>()

  /**
   * `arrays`: where float32 chunks written in place (`direct` in next()) get their position and
   * loss arrays; every element is written, so a reused array's old contents never show.
   */
  constructor(
    id: number,
    scenario: Scenario,
    options: PlanOptions = {},
    private readonly arrays: ChunkArrays = freshArrays,
  ) {
    this.id = id
    this.scenario = scenario
    this.parts = planParts(scenario, options)
    this.runCount = runCount(scenario)
    this.inKernel = this.parts.every((p) => p.stepper.recordsInKernel)
  }

  /** The job's runs by their axes (./started.ts). */
  get started(): JobStarted {
    return jobStarted(this.id, this.scenario)
  }

  get done(): boolean {
    return this.emittedStart && this.t >= this.scenario.steps
  }

  /** Advance one block and return its chunk (null when the job is complete). */
  async next(): Promise<RunChunk | null> {
    const { steps, record } = this.scenario
    if (this.done) return null
    const work = !this.emittedStart ? FIRST_BLOCK_WORK : this.inKernel ? KERNEL_BLOCK_WORK : BLOCK_WORK
    const runs = Math.max(1, this.runCount)
    const pointCap = this.emittedStart && this.inKernel ? Math.floor(KERNEL_BLOCK_POINTS / runs) * record.every : Infinity
    const blockSteps = Math.max(1, Math.min(Math.floor(work / runs), pointCap))
    // A float32 block launched per kept point costs a launch per point (~1 ms for 10⁴ runs): cap
    // the launches per block so a superseding job waits a few ms, not a block's worth of launches.
    const maxLaunches = Math.max(MIN_LAUNCHES_PER_BLOCK, Math.floor(FLOAT32_BLOCK_MS / (0.15 + 1e-4 * this.runCount)))
    const perPoint = this.scenario.precision === 'float32' && !this.inKernel
    const launchCap = perPoint ? (Math.floor(this.t / record.every) + maxLaunches) * record.every : Infinity
    const tTo = Math.min(steps, this.t + blockSteps, launchCap)
    const { start, count } = keptRange(this.t, tTo, record.every)
    const compiled = this.scenario.landscape.compiled
    // float32 runs without per-point extras: the parts write the chunk's own arrays (positions
    // interleaved), with no block output in between.
    const direct = this.scenario.precision === 'float32' && !record.sharpness && !record.gfsSharpness
    const allocate = direct ? this.arrays : freshArrays
    const xy = allocate(this.runCount * count * 2)
    const loss = allocate(this.runCount * count)
    const sharpness = record.sharpness ? new Float32Array(this.runCount * count) : undefined
    const axis = record.sharpness ? new Float32Array(this.runCount * count * 2) : undefined
    // λ₁(P⁻¹H) where a part computes it (optimizers with a preconditioner on the float64 path);
    // NaN for the other runs.
    const preconditioned = this.hasPreconditioned ? new Float32Array(this.runCount * count).fill(NaN) : undefined
    // The GFS sharpness of each kept iterate (from the float64 iterate, as cli run computes it): a
    // gradient flow solved to convergence per point (~0.1–1 ms each; the schema caps the points).
    const gfsSharpness = record.gfsSharpness ? new Float32Array(this.runCount * count) : undefined
    let offset = 0
    for (const part of this.parts) {
      const size = part.n * count
      if (direct) {
        await part.stepper.advance(
          tTo,
          chunkOutput(start, count, xy.subarray(2 * offset, 2 * (offset + size)), loss.subarray(offset, offset + size)),
        )
        offset += size
        continue
      }
      const out = this.outputFor(part, start, count)
      await part.stepper.advance(tTo, out)
      const pre = part.stepper.carriesExtra ? out.preconditioned : null
      const ox = out.x
      const oy = out.y
      for (let k = 0; k < size; k++) {
        xy[2 * (offset + k)] = ox[k]
        xy[2 * (offset + k) + 1] = oy[k]
      }
      if (gfsSharpness)
        for (let k = 0; k < size; k++)
          gfsSharpness[offset + k] =
            Number.isFinite(ox[k]) && Number.isFinite(oy[k]) ? (gfsSharpnessOrNull(compiled, ox[k], oy[k]) ?? NaN) : NaN
      // Whole arrays at once (a copy, or a conversion from float64).
      loss.set(out.loss.subarray(0, size), offset)
      if (sharpness) sharpness.set(out.sharpness!.subarray(0, size), offset)
      if (axis) axis.set(out.axis!.subarray(0, 2 * size), 2 * offset)
      if (preconditioned && pre) preconditioned.set(pre.subarray(0, size), offset)
      offset += part.n * count
    }
    this.t = tTo
    this.emittedStart = true
    return {
      jobId: this.id,
      start,
      count,
      xy,
      loss,
      ...(gfsSharpness ? { gfsSharpness } : {}),
      ...(sharpness ? { sharpness } : {}),
      ...(axis ? { axis } : {}),
      ...(preconditioned ? { preconditioned } : {}),
    }
  }

  /**
   * A part's block output: float64 on the float64 path (its kernel computes in doubles); float32
   * where the chunk is what the path computed anyway, reused while blocks keep the same size.
   */
  private outputFor(part: Part, start: number, count: number): BlockOutput {
    if (this.scenario.precision !== 'float32') return blockOutput(part.job, part.n, start, count)
    const kept = this.outputs.get(part)
    if (kept && kept.count === count) return { ...kept, start }
    const out = blockOutput(part.job, part.n, start, count, 'float32')
    this.outputs.set(part, out)
    return out
  }

  /** Whether chunks carry `preconditioned`: sharpness asked for and some part computes λ₁(P⁻¹H). */
  private get hasPreconditioned(): boolean {
    return this.scenario.record.sharpness && this.parts.some((p) => p.stepper.carriesExtra && p.job.optimizer.preconditioner !== undefined)
  }

  /** Runs that get a central flow: eligible optimizers only, at most this many per job. */
  static readonly MAX_FLOWS = 64;

  /**
   * Central flows of the job's eligible runs (when the scenario asks for them), one at a time so
   * the caller can stop between them. Flows are float64 and deterministic: they do not depend on
   * the precision of the trajectories.
   */
  *flows(): Generator<FlowData> {
    const s = this.scenario
    if (!s.centralFlow) return
    const starts = s.starts.x.length
    let run = 0
    let made = 0
    for (const part of this.parts) {
      for (let p = 0; p < part.n; p++, run++) {
        if (made >= Job.MAX_FLOWS) return
        const h = part.config.configs[Math.floor(p / starts)]
        const r = centralFlowFor(
          s.landscape.compiled,
          part.config.def.name,
          h,
          s.starts.x[p % starts],
          s.starts.y[p % starts],
          s.steps,
          s.record.every,
        )
        if (!r) continue
        made++
        yield flowData(this.id, run, r)
      }
    }
  }

  /** The paths and backends that run the job's parts, e.g. 'float64 JS' (distinct, in order). */
  backend(): string {
    return [...new Set(this.parts.map((p) => p.stepper.backend()))].join(', ')
  }

  /** First non-finite step per run (output order), -1 where none. */
  divergedAt(): Int32Array {
    const out = new Int32Array(this.runCount)
    let offset = 0
    for (const part of this.parts) {
      out.set(part.stepper.divergedAt(), offset)
      offset += part.n
    }
    return out
  }
}
