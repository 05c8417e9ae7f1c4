/**
 * The sweep view's data: a hyperparameter grid over one optimizer entry, run as one job (the
 * engine's `sweep` extension: every configuration from every start point, one launch), reduced
 * to one number per cell. Pure functions plus a small job follower; no React.
 */
import { type GradscapeApi, type JobEvent, runCountOf, type ScenarioDoc } from '../../src-shared/api'
import { sweepAxisValues } from '../../src-shared/scenario/sweep'
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

/** The axis's values, computed exactly as the engine expands the sweep. */
export function axisValues(a: SweepAxis): number[] {
  return sweepAxisValues(a.log ? 'log' : 'linear', a.from, a.to, a.n)
}

const axisDoc = (a: SweepAxis) => (a.log ? { log: [a.from, a.to], n: a.n } : { linear: [a.from, a.to], n: a.n })

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

/** Per-cell reduction of the finished job's losses (run-major: run r, kept point j at r·kept + j). */
export function reduceCells(
  loss: Float32Array, kept: number, every: number, divergedAt: Int32Array, cells: number, starts: number, metric: SweepMetric, tolerance: number,
): Float64Array {
  const out = new Float64Array(cells)
  const values: number[] = []
  for (let c = 0; c < cells; c++) {
    values.length = 0
    let diverged = 0
    for (let s = 0; s < starts; s++) {
      const r = c * starts + s
      if (divergedAt[r] >= 0) { diverged++; values.push(Infinity); continue }
      if (metric === 'final') values.push(loss[r * kept + kept - 1])
      else if (metric === 'tolerance') {
        let k = 0
        while (k < kept && !(loss[r * kept + k] <= tolerance)) k++
        values.push(k < kept ? k * every : Infinity)
      }
    }
    if (metric === 'diverged') { out[c] = diverged / starts; continue }
    values.sort((a, b) => a - b)
    out[c] = values[Math.floor((values.length - 1) / 2)] // median over start points
  }
  return out
}

export interface SweepResult {
  readonly values: Float64Array
  readonly xs: number[]
  readonly ys: number[] | null
  readonly seconds: number
}

/**
 * Run a sweep as a job and resolve with its cell values. The job supersedes whatever the host
 * was running; `onProgress` receives the fraction of kept points received.
 */
export function runSweep(api: GradscapeApi, scenario: Scenario, spec: SweepSpec, onProgress: (f: number) => void): { result: Promise<SweepResult>; cancel(): void } {
  const doc = sweepDoc(scenario, spec)
  let jobId = -1
  let cancelled = false
  const pending: JobEvent[] = []
  let handle: (e: JobEvent) => void = (e) => { pending.push(e) }
  const off = api.onJobEvent((e) => handle(e))
  const result = api.startJob(doc).then((started) => new Promise<SweepResult>((resolve, reject) => {
    jobId = started.jobId
    if (cancelled) { void api.cancelJob(jobId); off(); reject(new Error('cancelled')); return }
    const runs = runCountOf(started)
    const kept = started.kept
    const loss = new Float32Array(runs * kept)
    const xs = axisValues(spec.x)
    const ys = spec.y ? axisValues(spec.y) : null
    const cells = xs.length * (ys?.length ?? 1)
    const starts = runs / cells
    let received = 0
    handle = (e) => {
      if (e.type === 'chunk' && e.chunk.jobId === jobId) {
        const c = e.chunk
        for (let r = 0; r < runs; r++) loss.set(c.loss.subarray(r * c.count, (r + 1) * c.count), r * kept + c.start)
        received = c.start + c.count
        onProgress(received / kept)
      } else if (e.type === 'done' && e.jobId === jobId) {
        off()
        resolve({ values: reduceCells(loss, kept, started.every, e.divergedAt, cells, starts, spec.metric, spec.tolerance), xs, ys, seconds: e.seconds })
      } else if ((e.type === 'cancelled' || e.type === 'error') && e.jobId === jobId) {
        off()
        reject(new Error(e.type === 'error' ? e.problem.message : 'superseded'))
      }
    }
    for (const e of pending.splice(0)) handle(e)
  }), (err) => { off(); throw err })
  return {
    result,
    cancel() { cancelled = true; if (jobId >= 0) void api.cancelJob(jobId) },
  }
}

/** The optimizer entry with the cell's hyperparameter values applied. */
export function applyCell(entry: OptimizerEntry, spec: SweepSpec, xv: number, yv: number | null, defaults: Record<string, unknown>): OptimizerEntry {
  const set = (o: Record<string, unknown>, key: string, v: number) => {
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
