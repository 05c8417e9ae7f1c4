/**
 * Trajectory data of the job on screen, outside React and zustand: chunks are copied into
 * preallocated typed arrays (grown only when a job needs more), and the scene and the chart
 * read them by `version`. Layout is run-major, like RunChunk: run r, point j at r·kept + j.
 */
import { resetSliceData, writeSliceChunk } from '../network/slice-data'
import {
  type FlowData,
  type JobEvent,
  type JobStarted,
  type RunChunk,
  type RunInfo,
  runCountOf,
  runsOf,
  type Surface,
} from '../../src-shared/api'
import { listeners } from './listeners'
import { viewCapacityProblem } from './view-capacity'

export interface JobData {
  jobId: number
  runs: readonly RunInfo[]
  /** Runs per optimizer (every optimizer runs from every start). */
  starts: number
  optimizers: number
  kept: number
  every: number
  /** x, y per point (capacity ≥ runs·kept·2). */
  xy: Float32Array
  loss: Float32Array
  /**
   * With record.sharpness (`hasSharpness`): top Hessian eigenvalue per point, the unit top
   * eigenvector (x, y per point, like xy) and, where chunks carry it (`hasPreconditioned`),
   * λ₁(P⁻¹H). Same layout as loss; NaN until written.
   */
  sharpness: Float32Array
  axis: Float32Array
  preconditioned: Float32Array
  /** GFS sharpness per kept point (record.gfs_sharpness; NaN where the flow did not converge). */
  gfsSharpness: Float32Array
  hasGfs: boolean
  hasSharpness: boolean
  hasPreconditioned: boolean
  /** Points [0, received) of every run are filled. */
  received: number
  done: boolean
  /** First non-finite kept point per run (−1 none), known when done. */
  divergedAt: Int32Array | null
  seconds: number
  /** The path and backend that ran the job, when the host says. */
  backend: string | null
  /** Central flows of eligible runs (when the scenario asks for them), in arrival order. */
  flows: FlowData[]
  /** Bumped on every change; `shape` only when runs/kept (buffer layout) change. */
  version: number
  shape: number
}

export const job: JobData = {
  jobId: -1,
  runs: [],
  starts: 0,
  optimizers: 0,
  kept: 0,
  every: 1,
  xy: new Float32Array(0),
  loss: new Float32Array(0),
  sharpness: new Float32Array(0),
  axis: new Float32Array(0),
  preconditioned: new Float32Array(0),
  gfsSharpness: new Float32Array(0),
  hasGfs: false,
  hasSharpness: false,
  hasPreconditioned: false,
  received: 0,
  done: false,
  divergedAt: null,
  seconds: 0,
  backend: null,
  flows: [],
  version: 0,
  shape: 0,
}

/** The sampled surface on screen (replaced whole; read by the scene and the hover readout). */
export const surfaceData: { surface: Surface | null; version: number } = { surface: null, version: 0 }

const changes = listeners()

/** Called (synchronously) after every change of `job`; returns the unsubscribe function. */
export const onJobChange = changes.on

function changed(): void {
  job.version++
  changes.emit()
}

/** Chunks that arrived before their job's JobStarted (the startJob reply raced them). */
const early: RunChunk[] = []
/** Likewise a job's end ('done' or 'error'): a job can finish before its startJob reply arrives. */
const earlyEnds: Array<Extract<JobEvent, { type: 'done' | 'error' }>> = []

type JobErrorEvent = Extract<JobEvent, { type: 'error' }>
const errors = listeners<[JobErrorEvent]>()

/** Errors of the job on screen (also those that arrived before its startJob reply). */
export const onJobError = errors.on

/** A started job waiting for its first chunk; the job on screen stays until it arrives. */
let next: { started: JobStarted; starts: number; onShown?: () => void } | null = null

/**
 * A new job takes the screen once it has something to draw: its first chunk (or its end, or its
 * error, when it has no chunk). Until then the previous job stays on screen, so a slider drag
 * never shows an empty frame between two jobs. `starts` is the number of start points of the
 * scenario that was sent (runs are optimizer-major); `onShown` runs when the job takes the screen.
 * A later beginJob replaces a job still waiting.
 */
export function beginJob(started: JobStarted, starts: number, onShown?: () => void): void {
  next = { started, starts, onShown }
  if (early.some((c) => c.jobId === started.jobId)) show()
  const ends = earlyEnds.filter((e) => e.jobId === started.jobId)
  earlyEnds.length = 0
  for (const e of ends) handleJobEvent(e)
}

/** The id of the job waiting for its first chunk (−1 when none). */
export const waitingJobId = (): number => next?.started.jobId ?? -1

/** The waiting job takes the screen: size the buffers (reusing them when big enough). */
function show(): void {
  if (!next) return
  const { started, starts, onShown } = next
  next = null
  const runs = runCountOf(started)
  const need = runs * started.kept
  // A job the view cannot hold is refused before allocating (the session loader refuses such
  // files first; this catches any other way in). The previous job stays, marked as not current.
  const tooLarge = viewCapacityProblem(runs, started.kept)
  if (tooLarge) {
    early.length = 0
    errors.emit({
      type: 'error',
      jobId: started.jobId,
      problem: { field: 'record.every', message: `${tooLarge}: raise record.every or use fewer runs` },
    })
    return
  }
  if (job.loss.length < need) {
    const capacity = Math.ceil(need * 1.25)
    job.xy = new Float32Array(capacity * 2)
    job.loss = new Float32Array(capacity)
  }
  // The EoS arrays are sized lazily, by the first chunk that carries them.
  job.hasSharpness = false
  job.hasPreconditioned = false
  job.hasGfs = false
  const sameShape = runs === job.runs.length && started.kept === job.kept && starts === job.starts
  job.jobId = started.jobId
  job.runs = runsOf(started)
  job.starts = starts
  job.optimizers = starts === 0 ? 0 : runs / starts
  job.kept = started.kept
  job.every = started.every
  job.received = 0
  job.done = false
  job.divergedAt = null
  job.seconds = 0
  job.backend = null
  job.flows = []
  if (!sameShape) job.shape++
  resetSliceData(job.jobId, runs, job.kept)
  for (const c of early) if (c.jobId === started.jobId) writeChunk(c)
  early.length = 0
  changed()
  onShown?.()
}

function writeChunk(c: RunChunk): void {
  const runs = job.runs.length
  const { kept } = job
  const { count } = c
  if (count >= 64) {
    for (let r = 0; r < runs; r++) {
      const src = r * count
      const dst = r * kept + c.start
      job.loss.set(c.loss.subarray(src, src + count), dst)
      job.xy.set(c.xy.subarray(2 * src, 2 * (src + count)), 2 * dst)
    }
  } else {
    // Short runs (a chunk of 10⁴ runs holds a few points of each): plain loops, no subarray per run.
    const { loss, xy } = job
    const cl = c.loss,
      cxy = c.xy
    for (let r = 0; r < runs; r++) {
      const src = r * count
      const dst = r * kept + c.start
      for (let k = 0; k < count; k++) loss[dst + k] = cl[src + k]
      for (let k = 0; k < 2 * count; k++) xy[2 * dst + k] = cxy[2 * src + k]
    }
  }
  if (c.sharpness) {
    const need = runs * kept
    if (!job.hasSharpness) {
      if (job.sharpness.length < need) {
        job.sharpness = new Float32Array(job.loss.length)
        job.axis = new Float32Array(job.loss.length * 2)
      }
      job.sharpness.fill(NaN, 0, need)
      job.axis.fill(NaN, 0, 2 * need)
      job.hasSharpness = true
    }
    for (let r = 0; r < runs; r++) {
      const src = r * c.count
      const dst = r * kept + c.start
      job.sharpness.set(c.sharpness.subarray(src, src + c.count), dst)
      if (c.axis) job.axis.set(c.axis.subarray(2 * src, 2 * (src + c.count)), 2 * dst)
    }
  }
  if (c.preconditioned) {
    const need = runs * kept
    if (!job.hasPreconditioned) {
      if (job.preconditioned.length < need) job.preconditioned = new Float32Array(job.loss.length)
      job.preconditioned.fill(NaN, 0, need)
      job.hasPreconditioned = true
    }
    for (let r = 0; r < runs; r++) job.preconditioned.set(c.preconditioned.subarray(r * c.count, (r + 1) * c.count), r * kept + c.start)
  }
  if (c.gfsSharpness) {
    const need = runs * kept
    if (!job.hasGfs) {
      if (job.gfsSharpness.length < need) job.gfsSharpness = new Float32Array(job.loss.length)
      job.gfsSharpness.fill(NaN, 0, need)
      job.hasGfs = true
    }
    for (let r = 0; r < runs; r++) job.gfsSharpness.set(c.gfsSharpness.subarray(r * c.count, (r + 1) * c.count), r * kept + c.start)
  }
  writeSliceChunk(c, runs)
  job.received = Math.max(job.received, c.start + c.count)
}

export function handleJobEvent(e: JobEvent): void {
  switch (e.type) {
    case 'chunk':
      if (e.chunk.jobId === job.jobId) {
        writeChunk(e.chunk)
        changed()
      } else if (e.chunk.jobId > job.jobId) {
        early.push(e.chunk)
        if (e.chunk.jobId === next?.started.jobId) show()
        else if (early.length > 64) early.shift()
      }
      break
    case 'flow':
      if (e.flow.jobId === job.jobId && e.flow.xy.length === 2 * job.kept) {
        job.flows.push(e.flow)
        changed()
      }
      break
    case 'done':
      if (e.jobId === next?.started.jobId) show()
      else if (e.jobId > job.jobId) keepEarlyEnd(e)
      if (e.jobId === job.jobId) {
        job.done = true
        job.divergedAt = e.divergedAt
        job.seconds = e.seconds
        job.backend = e.backend ?? null
        changed()
      }
      break
    case 'error':
      if (e.jobId === next?.started.jobId) show()
      else if (e.jobId > job.jobId) keepEarlyEnd(e)
      if (e.jobId === job.jobId) errors.emit(e)
      break
    default:
      break
  }
}

function keepEarlyEnd(e: Extract<JobEvent, { type: 'done' | 'error' }>): void {
  earlyEnds.push(e)
  if (earlyEnds.length > 16) earlyEnds.shift()
}

/** Replace the surface on screen. */
export function setSurface(s: Surface): void {
  surfaceData.surface = s
  surfaceData.version++
  changed()
}

/** Kept-point index of the last finite point of run r at or before j (−1 if none). */
export function lastFinite(r: number, j: number): number {
  const base = r * job.kept
  for (let k = j; k >= 0; k--) {
    const i = base + k
    if (Number.isFinite(job.xy[2 * i]) && Number.isFinite(job.xy[2 * i + 1]) && Number.isFinite(job.loss[i])) return k
  }
  return -1
}
