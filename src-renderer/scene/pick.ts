/**
 * Which trajectory is under the pointer: the drawn point (up to the playhead, of a shown optimizer)
 * nearest to (x, y), within a radius measured in region-relative units, and the readout naming it.
 */
import type { HostInfo } from '../../src-shared/api'
import type { JobData } from '../data/job-data'
import { formatNumber, optimizerLabel } from '../store/scenario'
import type { Frame } from './height'

export interface RunPoint {
  readonly run: number
  readonly k: number
}

/** Points examined per pointer move at most (many runs: every n-th kept point). */
const SCAN_BUDGET = 250_000

export function nearestRunPoint(
  job: Pick<JobData, 'runs' | 'starts' | 'kept' | 'received' | 'xy'>,
  frame: Frame,
  x: number,
  y: number,
  upTo: number,
  hidden: readonly number[],
  radius = 0.02,
): RunPoint | null {
  const runs = job.runs.length
  const n = Math.min(job.received, job.kept, Math.floor(upTo) + 1)
  if (runs === 0 || n <= 0) return null
  const stride = Math.max(1, Math.ceil((runs * n) / SCAN_BUDGET))
  const sx = 1 / (frame.x[1] - frame.x[0]),
    sy = 1 / (frame.y[1] - frame.y[0])
  let best: RunPoint | null = null
  let bestD = radius * radius
  for (let r = 0; r < runs; r++) {
    if (hidden.length && hidden.includes(Math.floor(r / Math.max(1, job.starts)))) continue
    const base = r * job.kept
    for (let k = 0; k < n; k += stride) {
      const i = base + k
      const dx = (job.xy[2 * i] - x) * sx,
        dy = (job.xy[2 * i + 1] - y) * sy
      const d = dx * dx + dy * dy
      if (d < bestD) {
        bestD = d
        best = { run: r, k }
      }
    }
  }
  return best
}

/** `Adam lr=0.1 · run 3 of 12 from (0.5, −1) · step 120 · loss 0.0123` */
export function describeRunPoint(
  job: Pick<JobData, 'runs' | 'starts' | 'kept' | 'every' | 'loss'>,
  p: RunPoint,
  info: HostInfo | null,
): string {
  const run = job.runs[p.run]
  const s = p.run % Math.max(1, job.starts)
  const loss = job.loss[p.run * job.kept + p.k]
  const from = `(${formatNumber(run.init[0], 3)}, ${formatNumber(run.init[1], 3)})`
  return `${optimizerLabel(run.optimizer, info)} · run ${s + 1} of ${job.starts} from ${from} · step ${p.k * Math.max(1, job.every)} · loss ${formatNumber(loss, 4)}`
}
