/**
 * Trajectories as files: JSON (the `run` output of SCENARIO.md, with the scenario alongside) and
 * long-format CSV with one column per hyperparameter. Pure functions of the job's arrays. The
 * values are the float32 numbers the renderer received (the CLI's `run` gives float64).
 */
import type { JobData } from '../data/job-data'

export type RunSelection = 'all' | 'shown'

export interface DataExportInput {
  readonly job: Pick<JobData, 'runs' | 'starts' | 'optimizers' | 'kept' | 'received' | 'every' | 'xy' | 'loss' | 'divergedAt'>
  /** Hidden optimizer indices (the legend's toggles). */
  readonly hidden: readonly number[]
  readonly scenario: Readonly<Record<string, unknown>>
  readonly generator: string
}

/** Indices of the runs to export: all, or those of the optimizers shown in the legend. */
export function selectedRuns(input: DataExportInput, which: RunSelection): number[] {
  const { job } = input
  const out: number[] = []
  for (let r = 0; r < job.runs.length; r++) {
    const o = Math.floor(r / Math.max(1, job.starts))
    if (which === 'all' || !input.hidden.includes(o)) out.push(r)
  }
  return out
}

/** Shortest decimal that reads back as the same float32 (null for non-finite: JSON has no NaN). */
export function f32(v: number): number | null {
  if (!Number.isFinite(v)) return null
  for (let p = 6; p < 9; p++) {
    const s = Number(v.toPrecision(p))
    if (Math.fround(s) === v) return s
  }
  return Number(v.toPrecision(9))
}

const csvNumber = (v: number): string => {
  const x = f32(v)
  return x === null ? (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf') : String(x)
}

const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

/** JSON text: `{ generator, scenario, every, values, runs: [{ optimizer, init, trajectory, loss, diverged_at }] }`. */
export function trajectoriesJson(input: DataExportInput, which: RunSelection): string {
  const { job } = input
  const n = Math.min(job.received, job.kept)
  const runs = selectedRuns(input, which).map((r) => {
    const base = r * job.kept
    const trajectory: Array<[number | null, number | null]> = []
    const loss: Array<number | null> = []
    for (let j = 0; j < n; j++) {
      trajectory.push([f32(job.xy[2 * (base + j)]), f32(job.xy[2 * (base + j) + 1])])
      loss.push(f32(job.loss[base + j]))
    }
    const d = job.divergedAt ? job.divergedAt[r] : -1
    return {
      run: r,
      optimizer: job.runs[r].optimizer,
      init: job.runs[r].init,
      steps: n > 0 ? [0, (n - 1) * job.every] : [],
      trajectory,
      loss,
      diverged_at: d >= 0 ? d : null,
    }
  })
  const doc = {
    generator: input.generator,
    scenario: input.scenario,
    every: job.every,
    values: 'float32',
    selection: which,
    runs,
  }
  // One run per line: large files stay readable and diffable.
  const head = JSON.stringify({ ...doc, runs: [] }, null, 2).replace(/"runs": \[\]\n}$/, '"runs": [')
  return `${head}\n${runs.map((r) => '    ' + JSON.stringify(r)).join(',\n')}\n  ]\n}\n`
}

/** Columns for every hyperparameter any selected run has; a pair gives two (betas[0], betas[1]). */
export function hparamColumns(input: DataExportInput, runs: readonly number[]): Array<{ name: string; key: string; index?: number }> {
  const cols: Array<{ name: string; key: string; index?: number }> = []
  const seen = new Set<string>()
  for (const r of runs) {
    for (const [k, v] of Object.entries(input.job.runs[r].optimizer)) {
      if (k === 'name' || seen.has(k)) continue
      seen.add(k)
      if (Array.isArray(v)) v.forEach((_, i) => cols.push({ name: `${k}[${i}]`, key: k, index: i }))
      else cols.push({ name: k, key: k })
    }
  }
  return cols
}

/**
 * Long-format CSV, one row per kept point of each run:
 * run, optimizer, <hyperparameters…>, init_x, init_y, step, x, y, loss, diverged_at.
 */
export function trajectoriesCsv(input: DataExportInput, which: RunSelection): string {
  const { job } = input
  const runs = selectedRuns(input, which)
  const cols = hparamColumns(input, runs)
  const lines: string[] = [
    ['run', 'optimizer', ...cols.map((c) => c.name), 'init_x', 'init_y', 'step', 'x', 'y', 'loss', 'diverged_at'].join(','),
  ]
  const n = Math.min(job.received, job.kept)
  for (const r of runs) {
    const info = job.runs[r]
    const o = info.optimizer as Readonly<Record<string, unknown>>
    const hp = cols.map((c) => {
      const v = c.index === undefined ? o[c.key] : (o[c.key] as unknown[] | undefined)?.[c.index]
      // A schedule is an object: its JSON, as the CLI's CSV writes it.
      return v === undefined ? '' : csvField(typeof v === 'object' && v !== null && !Array.isArray(v) ? JSON.stringify(v) : String(v))
    })
    const d = job.divergedAt ? job.divergedAt[r] : -1
    const prefix = [String(r), csvField(info.optimizer.name), ...hp, String(info.init[0]), String(info.init[1])].join(',')
    const suffix = d >= 0 ? String(d) : ''
    const base = r * job.kept
    for (let j = 0; j < n; j++) {
      const i = base + j
      lines.push(
        `${prefix},${j * job.every},${csvNumber(job.xy[2 * i])},${csvNumber(job.xy[2 * i + 1])},${csvNumber(job.loss[i])},${suffix}`,
      )
    }
  }
  return lines.join('\n') + '\n'
}
