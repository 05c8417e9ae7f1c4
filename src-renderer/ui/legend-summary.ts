/**
 * What the legend prints per optimizer: the median loss of its runs at a kept point (the final one,
 * or the playhead's), how many diverged, and the label of the configuration that actually ran —
 * read from the job on screen, never from the settings being edited (an lr the engine refused
 * must not be printed next to the previous run's loss).
 */
import type { HostInfo } from '../../src-shared/api'
import type { JobData } from '../data/job-data'
import { type OptimizerEntry, optimizerLabel } from '../store/scenario'

/** The true median: the mean of the two middle values for an even count; NaN when empty. */
export function median(values: number[]): number {
  const n = values.length
  if (n === 0) return NaN
  const v = values.slice().sort((a, b) => a - b)
  const m = n >> 1
  return n % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2
}

export interface Summary {
  readonly median: number
  readonly diverged: number
  readonly runs: number
}

type SummaryJob = Pick<JobData, 'starts' | 'optimizers' | 'received' | 'kept' | 'loss' | 'divergedAt'>

/**
 * Optimizer `o`'s runs at kept point `point` (clamped to what arrived; the last one by default).
 * A run counts as diverged when it diverged at or before that point.
 */
export function summarize(job: SummaryJob, o: number, point = Infinity): Summary | null {
  if (job.starts === 0 || o >= job.optimizers || job.received === 0) return null
  const at = Math.max(0, Math.min(Math.min(job.received, job.kept) - 1, Math.floor(point)))
  const values: number[] = []
  let diverged = 0
  for (let s = 0; s < job.starts; s++) {
    const r = o * job.starts + s
    const v = job.loss[r * job.kept + at]
    const d = job.divergedAt ? job.divergedAt[r] : -1
    if ((d >= 0 && d <= at) || !Number.isFinite(v)) diverged++
    else values.push(v)
  }
  return { median: median(values), diverged, runs: job.starts }
}

/** Labels made unique: a second identical configuration reads `Adam lr=0.1 (2)`. */
export function distinctLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>()
  const total = new Map<string, number>()
  for (const l of labels) total.set(l, (total.get(l) ?? 0) + 1)
  return labels.map((l) => {
    if ((total.get(l) ?? 0) < 2) return l
    const k = (seen.get(l) ?? 0) + 1
    seen.set(l, k)
    return `${l} (${k})`
  })
}

/** Labels of the optimizers as they ran in `job` (falling back to the edited entries when the job has other optimizers). */
export function shownLabels(
  job: Pick<JobData, 'runs' | 'starts' | 'optimizers'>,
  entries: readonly OptimizerEntry[],
  info: HostInfo | null,
): string[] {
  const fromJob = job.optimizers === entries.length && job.starts > 0 && job.runs.length >= job.optimizers * job.starts
  return distinctLabels(entries.map((e, i) => optimizerLabel(fromJob ? job.runs[i * job.starts].optimizer : e, info)))
}
