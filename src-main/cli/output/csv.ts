/**
 * The `run` result as long-format CSV, one row per kept point:
 * run, optimizer, hparams (JSON), init_x, init_y, step, x, y, loss[, sharpness], diverged_at.
 * Numbers as String writes them (NaN and ±Infinity by name), written as bytes into one reused
 * buffer (./byte-out.ts) and handed on in large pieces.
 */
import { ByteOut, ROW_PREFIX_MAX } from './byte-out'
import { writeNumber } from './number-bytes'
import { type ColumnarResult, eachRun } from './result'
import { scheduleField } from '../../../src-shared/schedule'
import { configSchedule } from '../../../src-shared/scenario/schedule-sweep'

const CSV_COLUMNS = ['run', 'optimizer', 'hparams', 'init_x', 'init_y', 'step', 'x', 'y', 'loss']

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

const COMMA = 44

export function writeCsv(result: ColumnarResult, write: (piece: Uint8Array) => void): void {
  const every = result.scenario.record.every
  const withSharpness = result.scenario.record.sharpness
  const out = new ByteOut(write)
  out.text([...CSV_COLUMNS, ...(withSharpness ? ['sharpness'] : []), 'diverged_at'].join(',') + '\n')
  const buf = out.buf
  let i = 0
  for (const run of eachRun(result)) {
    const o = run.part.out
    const d = run.part.diverged[run.p]
    const gradient = run.part.config.gradient ? { gradient: run.part.config.gradient } : {}
    // The run's fixed columns, as bytes once per run (copied into every row).
    const prefix = Buffer.from(
      `${i},${run.name},${csvField(JSON.stringify({ ...run.hparams, ...scheduleField(configSchedule(run.part.config, run.c)), ...gradient }))},${run.x0},${run.y0},`,
      'utf8',
    )
    const suffix = Buffer.from(`,${d < 0 ? '' : d}\n`, 'latin1')
    if (prefix.length > ROW_PREFIX_MAX)
      throw new Error(`CSV: run ${i} has ${prefix.length} bytes of fixed columns, more than ${ROW_PREFIX_MAX}`)
    const sharpness = o.sharpness
    const base = run.p * o.count
    for (let k = 0; k < o.count; k++) {
      if (out.full()) out.flush()
      const at = base + k
      let pos = out.pos
      // A native copy: ~100 bytes of hyperparameters per row, most of a row.
      buf.set(prefix, pos)
      pos += prefix.length
      pos = writeNumber(buf, pos, k * every)
      buf[pos++] = COMMA
      pos = writeNumber(buf, pos, o.x[at])
      buf[pos++] = COMMA
      pos = writeNumber(buf, pos, o.y[at])
      buf[pos++] = COMMA
      pos = writeNumber(buf, pos, o.loss[at])
      if (sharpness) {
        buf[pos++] = COMMA
        pos = writeNumber(buf, pos, sharpness[at])
      }
      for (let j = 0; j < suffix.length; j++) buf[pos++] = suffix[j]
      out.pos = pos
    }
    i++
  }
  out.flush()
}
