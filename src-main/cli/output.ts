/** Writers for `run` results: JSON as in SCENARIO.md, and long-format CSV. */
import type { RunRecord, ScenarioResult } from '../engine/run-scenario'

/** JSON has no NaN/Infinity: non-finite numbers become null (the run's diverged_at says where). */
const finiteOrNull = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value)

/** JSON text in pieces, one run at a time, so huge results never form a single string. */
export function* jsonChunks(result: ScenarioResult): Generator<string> {
  yield '{"runs":['
  for (let i = 0; i < result.runs.length; i++) {
    yield (i ? ',\n' : '\n') + JSON.stringify(result.runs[i], finiteOrNull)
  }
  yield '\n]}\n'
}

const CSV_COLUMNS = ['run', 'optimizer', 'hparams', 'init_x', 'init_y', 'step', 'x', 'y', 'loss']

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

/** One row per kept point. `every` converts kept index to step number. */
export function* csvChunks(result: ScenarioResult, every: number): Generator<string> {
  const withSharpness = result.runs.some((r) => r.sharpness !== undefined)
  yield [...CSV_COLUMNS, ...(withSharpness ? ['sharpness'] : []), 'diverged_at'].join(',') + '\n'
  for (let i = 0; i < result.runs.length; i++) {
    const r: RunRecord = result.runs[i]
    const { name, ...hparams } = r.optimizer
    const prefix = `${i},${name},${csvField(JSON.stringify(hparams))},${r.init[0]},${r.init[1]}`
    const rows: string[] = []
    for (let k = 0; k < r.trajectory.length; k++) {
      const [x, y] = r.trajectory[k]
      rows.push(`${prefix},${k * every},${x},${y},${r.loss[k]}${withSharpness ? `,${r.sharpness?.[k] ?? ''}` : ''},${r.diverged_at ?? ''}`)
    }
    yield rows.join('\n') + '\n'
  }
}
