/**
 * The sweep view's data: a hyperparameter grid over one optimizer entry, run as one job (the
 * engine's `sweep` extension: every configuration from every start point, one launch), reduced
 * to one number per cell. Pure functions plus a small job follower; no React.
 */
import { type GradscapeApi, type JobEvent, runCountOf, type ScenarioDoc } from '../../src-shared/api'
import { sweepAxisValues } from '../../src-shared/scenario/sweep'
import { scheduleArgPath, withScheduleArg } from '../../src-shared/schedule'
import type { OptimizerEntry, Scenario } from '../store/scenario'
import { startCount, toDoc } from '../store/scenario'

export type SweepMetric = 'final' | 'tolerance' | 'diverged'

export interface SweepAxis {
  /** Hyperparameter key as the engine takes it: `lr`, `momentum`, `betas[1]`. */
  readonly key: string
  readonly from: number
  readonly to: number
  readonly n: number
  readonly log: boolean
  /** Whole numbers only (a schedule's step counts, `schedule.step_size`): the values are rounded. */
  readonly whole?: boolean
}

export interface SweepSpec {
  readonly optimizer: number
  readonly x: SweepAxis
  /** Second axis, or null for a one-dimensional sweep. */
  readonly y: SweepAxis | null
  readonly metric: SweepMetric
  /** Loss level for the "steps to tolerance" metric. */
  readonly tolerance: number
}

/** Most start points a sweep runs from (the first ones of the scenario, or a cloud of this many). */
export const SWEEP_MAX_STARTS = 16
export const SWEEP_MAX_CELLS = 2500

/** The axis's values, computed exactly as the engine expands the sweep (whole axes: rounded, sent as a list). */
export function axisValues(a: SweepAxis): number[] {
  const values = sweepAxisValues(a.log ? 'log' : 'linear', a.from, a.to, a.n)
  return a.whole ? values.map(Math.round) : values
}

const axisDoc = (a: SweepAxis) =>
  a.whole ? { values: axisValues(a) } : a.log ? { log: [a.from, a.to], n: a.n } : { linear: [a.from, a.to], n: a.n }

/** The scenario run for a sweep: the chosen optimizer with a `sweep`, from at most 16 starts. */
export function sweepDoc(scenario: Scenario, spec: SweepSpec): ScenarioDoc {
  const base = toDoc(scenario) as Record<string, unknown>
  const entry = scenario.optimizers[spec.optimizer]
  // The first swept key varies slowest: rows are y (when present), columns x. Swept values
  // override the entry's own (the engine validates every configuration).
  const sweep = spec.y ? { [spec.y.key]: axisDoc(spec.y), [spec.x.key]: axisDoc(spec.x) } : { [spec.x.key]: axisDoc(spec.x) }
  const optimizer = { ...entry, sweep }
  const starts = startCount(scenario.init)
  const init = starts <= SWEEP_MAX_STARTS ? scenario.init : firstStarts(scenario.init, SWEEP_MAX_STARTS)
  return { ...base, optimizers: [optimizer], init, record: { every: Math.max(1, Math.ceil(scenario.steps / 200)) }, central_flow: false }
}

function firstStarts(init: Scenario['init'], n: number): Scenario['init'] {
  if (Array.isArray(init) && Array.isArray(init[0])) return (init as ReadonlyArray<readonly [number, number]>).slice(0, n)
  if ('random' in (init as object)) {
    const r = (init as unknown as { random: { x: [number, number]; y: [number, number]; seed: number } }).random
    return { random: { ...r, count: n } }
  }
  const g = (init as unknown as { grid: { x: [number, number]; y: [number, number]; n: [number, number] } }).grid
  const side = Math.max(1, Math.floor(Math.sqrt(n)))
  return { grid: { x: g.x, y: g.y, n: [side, side] } }
}

/** What a cell's value means beyond its number: reached (a value), diverged, or never reached tolerance. */
export const CELL_OK = 0
export const CELL_DIVERGED = 1
export const CELL_NEVER_REACHED = 2
export type CellStatus = typeof CELL_OK | typeof CELL_DIVERGED | typeof CELL_NEVER_REACHED

// Sort keys for start points without a value: a diverged run ranks worse than one that merely
// never reached the tolerance, so the median's category is read from its position.
const NEVER = Number.MAX_VALUE
const DIVERGED = Infinity

/**
 * Per-cell reduction of the finished job's losses (run-major: run r, kept point j at r·kept + j):
 * the median over start points (the mean of the two middle ones for an even count), and the
 * cell's status. A median that falls on a diverged start is `diverged` (value Infinity); on a start
 * that stayed above the tolerance, `never reached` (value Infinity). The `diverged` metric is the
 * fraction of diverged starts, always a value.
 */
export function reduceSweepCells(
  loss: Float32Array,
  kept: number,
  every: number,
  divergedAt: Int32Array,
  cells: number,
  starts: number,
  metric: SweepMetric,
  tolerance: number,
): { values: Float64Array; status: Uint8Array } {
  const values = new Float64Array(cells)
  const status = new Uint8Array(cells)
  const keys: number[] = []
  for (let c = 0; c < cells; c++) {
    keys.length = 0
    let diverged = 0
    for (let s = 0; s < starts; s++) {
      const r = c * starts + s
      const last = loss[r * kept + kept - 1]
      if (divergedAt[r] >= 0 || (metric === 'final' && !Number.isFinite(last))) {
        diverged++
        keys.push(DIVERGED)
        continue
      }
      if (metric === 'final') keys.push(last)
      else if (metric === 'tolerance') {
        let k = 0
        while (k < kept && !(loss[r * kept + k] <= tolerance)) k++
        keys.push(k < kept ? k * every : NEVER)
      }
    }
    if (metric === 'diverged') {
      values[c] = diverged / starts
      continue
    }
    keys.sort((a, b) => a - b)
    const hi = keys[Math.floor(keys.length / 2)]
    const lo = keys[Math.floor((keys.length - 1) / 2)]
    if (hi === DIVERGED || hi === NEVER) {
      values[c] = Infinity
      status[c] = hi === DIVERGED ? CELL_DIVERGED : CELL_NEVER_REACHED
    } else values[c] = (lo + hi) / 2
  }
  return { values, status }
}

/** The cells' medians alone (Infinity where the median start diverged or never reached the tolerance). */
export function reduceCells(
  loss: Float32Array,
  kept: number,
  every: number,
  divergedAt: Int32Array,
  cells: number,
  starts: number,
  metric: SweepMetric,
  tolerance: number,
): Float64Array {
  return reduceSweepCells(loss, kept, every, divergedAt, cells, starts, metric, tolerance).values
}

/** Most points per run a finished sweep keeps for previewing a cell's trajectories. */
export const SWEEP_PREVIEW_POINTS = 64

/** The finished job's raw data, kept so a new metric or tolerance re-reduces without re-running. */
export interface SweepRaw {
  readonly loss: Float32Array
  readonly kept: number
  readonly every: number
  readonly divergedAt: Int32Array
  readonly starts: number
  /** Iterates every `previewStride`-th kept point (and the last), run-major: run r at r·previewPoints. */
  readonly previewXY: Float32Array
  readonly previewPoints: number
  readonly previewStride: number
}

export interface SweepResult {
  readonly values: Float64Array
  readonly status: Uint8Array
  readonly xs: number[]
  readonly ys: number[] | null
  readonly seconds: number
  readonly raw: SweepRaw
}

/** The same sweep reduced for another metric or tolerance (no new job). */
export function reReduce(r: SweepResult, metric: SweepMetric, tolerance: number): SweepResult {
  const { loss, kept, every, divergedAt, starts } = r.raw
  const cells = r.xs.length * (r.ys?.length ?? 1)
  return { ...r, ...reduceSweepCells(loss, kept, every, divergedAt, cells, starts, metric, tolerance) }
}

/** Kept-point indices the preview keeps: every stride-th one and the last. */
export function previewIndices(kept: number, points = SWEEP_PREVIEW_POINTS): { stride: number; count: number } {
  const stride = Math.max(1, Math.ceil((kept - 1) / (points - 1)))
  return { stride, count: Math.ceil((kept - 1) / stride) + 1 }
}

/**
 * Run a sweep as a job and resolve with its cell values. The job supersedes whatever the host
 * was running; `onProgress` receives the fraction of kept points received.
 */
export function runSweep(
  api: GradscapeApi,
  scenario: Scenario,
  spec: SweepSpec,
  onProgress: (f: number) => void,
): { result: Promise<SweepResult>; cancel(): void } {
  const doc = sweepDoc(scenario, spec)
  let jobId = -1
  let cancelled = false
  const pending: JobEvent[] = []
  let handle: (e: JobEvent) => void = (e) => {
    pending.push(e)
  }
  const off = api.onJobEvent((e) => handle(e))
  const result = api.startJob(doc).then(
    (started) =>
      new Promise<SweepResult>((resolve, reject) => {
        jobId = started.jobId
        if (cancelled) {
          void api.cancelJob(jobId)
          off()
          reject(new Error('cancelled'))
          return
        }
        const runs = runCountOf(started)
        const kept = started.kept
        const loss = new Float32Array(runs * kept)
        const xs = axisValues(spec.x)
        const ys = spec.y ? axisValues(spec.y) : null
        const cells = xs.length * (ys?.length ?? 1)
        const starts = runs / cells
        const preview = previewIndices(kept)
        const previewXY = new Float32Array(runs * preview.count * 2).fill(NaN)
        let received = 0
        handle = (e) => {
          if (e.type === 'chunk' && e.chunk.jobId === jobId) {
            const c = e.chunk
            for (let r = 0; r < runs; r++) loss.set(c.loss.subarray(r * c.count, (r + 1) * c.count), r * kept + c.start)
            keepPreview(c, runs, kept, preview, previewXY)
            received = c.start + c.count
            onProgress(received / kept)
          } else if (e.type === 'done' && e.jobId === jobId) {
            off()
            const raw: SweepRaw = {
              loss,
              kept,
              every: started.every,
              divergedAt: e.divergedAt,
              starts,
              previewXY,
              previewPoints: preview.count,
              previewStride: preview.stride,
            }
            resolve({
              ...reduceSweepCells(loss, kept, started.every, e.divergedAt, cells, starts, spec.metric, spec.tolerance),
              xs,
              ys,
              seconds: e.seconds,
              raw,
            })
          } else if ((e.type === 'cancelled' || e.type === 'error') && e.jobId === jobId) {
            off()
            reject(new Error(e.type === 'error' ? e.problem.message : 'superseded'))
          }
        }
        for (const e of pending.splice(0)) handle(e)
      }),
    (err) => {
      off()
      throw err
    },
  )
  return {
    result,
    cancel() {
      cancelled = true
      if (jobId >= 0) void api.cancelJob(jobId)
    },
  }
}

/** Copy a chunk's iterates at the preview's kept points (every stride-th, and the last). */
function keepPreview(
  c: { start: number; count: number; xy: Float32Array },
  runs: number,
  kept: number,
  p: { stride: number; count: number },
  out: Float32Array,
): void {
  for (let j = c.start; j < c.start + c.count; j++) {
    const q = j === kept - 1 ? p.count - 1 : j % p.stride === 0 ? j / p.stride : -1
    if (q < 0) continue
    for (let r = 0; r < runs; r++) {
      const src = 2 * (r * c.count + (j - c.start))
      const dst = 2 * (r * p.count + q)
      out[dst] = c.xy[src]
      out[dst + 1] = c.xy[src + 1]
    }
  }
}

/** The optimizer entry with the cell's hyperparameter values applied. */
export function applyCell(
  entry: OptimizerEntry,
  spec: SweepSpec,
  xv: number,
  yv: number | null,
  defaults: Record<string, unknown>,
): OptimizerEntry {
  const set = (o: Record<string, unknown>, key: string, v: number) => {
    // A schedule argument is set inside the entry's schedule.
    const path = scheduleArgPath(key)
    if (path) return { ...o, schedule: withScheduleArg(o.schedule as Record<string, unknown>, path, v) }
    const m = /^(\w+)\[([01])\]$/.exec(key)
    if (!m) return { ...o, [key]: v }
    const pair = [...((o[m[1]] ?? defaults[m[1]]) as [number, number])]
    pair[Number(m[2])] = v
    return { ...o, [m[1]]: pair }
  }
  let out = set(entry as Record<string, unknown>, spec.x.key, xv)
  if (spec.y && yv !== null) out = set(out, spec.y.key, yv)
  return out as OptimizerEntry
}

/**
 * What a finished sweep depends on besides its own axes, metric and tolerance: the scenario it ran
 * (landscape, starts, steps, precision, noise, the optimizer's other hyperparameters). A different
 * signature means the map on screen is stale. The swept hyperparameters are left out, so applying
 * a cell does not make its own map stale.
 */
export function sweepSignature(scenario: Scenario, spec: SweepSpec): string {
  const keys = [spec.x.key, spec.y?.key].filter((k): k is string => !!k)
  const swept = keys.map((k) => k.replace(/\[[01]\]$/, ''))
  let entry = Object.fromEntries(
    Object.entries(scenario.optimizers[spec.optimizer] ?? {}).filter(([k]) => !swept.includes(k)),
  ) as OptimizerEntry
  // A swept schedule argument is left out of the schedule the same way (its value is the sweep's).
  for (const key of keys) {
    const path = scheduleArgPath(key)
    if (path && entry.schedule && typeof entry.schedule === 'object')
      entry = { ...entry, schedule: withScheduleArg(entry.schedule as Record<string, unknown>, path, NaN) }
  }
  const s = { ...scenario, optimizers: scenario.optimizers.map((o, k) => (k === spec.optimizer ? entry : o)) }
  return JSON.stringify(sweepDoc(s, spec))
}
