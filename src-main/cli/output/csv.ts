/**
 * The `run` result as long-format CSV, one row per kept point:
 * run, optimizer, hparams (JSON), init_x, init_y, step, x, y, loss[, sharpness], diverged_at.
 * Rows are gathered into ~1 MB strings and handed on as they fill.
 */
import { TEXT_CHUNK } from './json'
import { type ColumnarResult, eachRun } from './result'
import { scheduleField } from '../../../src-shared/schedule'
import { configSchedule } from '../../../src-shared/scenario/schedule-sweep'

const CSV_COLUMNS = ['run', 'optimizer', 'hparams', 'init_x', 'init_y', 'step', 'x', 'y', 'loss']

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

export function writeCsv(result: ColumnarResult, write: (text: string) => void): void {
  const every = result.scenario.record.every
  const withSharpness = result.scenario.record.sharpness
  let text = [...CSV_COLUMNS, ...(withSharpness ? ['sharpness'] : []), 'diverged_at'].join(',') + '\n'
  let i = 0
  for (const run of eachRun(result)) {
    const o = run.part.out
    const d = run.part.diverged[run.p]
    const gradient = run.part.config.gradient ? { gradient: run.part.config.gradient } : {}
    const prefix = `${i},${run.name},${csvField(JSON.stringify({ ...run.hparams, ...scheduleField(configSchedule(run.part.config, run.c)), ...gradient }))},${run.x0},${run.y0},`
    const suffix = `,${d < 0 ? '' : d}\n`
    const base = run.p * o.count
    for (let k = 0; k < o.count; k++) {
      const at = base + k
      text += `${prefix}${k * every},${o.x[at]},${o.y[at]},${o.loss[at]}${o.sharpness ? `,${o.sharpness[at]}` : ''}${suffix}`
      if (text.length >= TEXT_CHUNK) {
        write(text)
        text = ''
      }
    }
    i++
  }
  write(text)
}
