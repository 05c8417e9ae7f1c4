/**
 * The `run` result as Parquet for dataframes (pandas, polars, DuckDB), long format, one row per
 * kept point: run, optimizer, one column per hyperparameter (pairs as NAME_0, NAME_1), init_x,
 * init_y, step, x, y, loss[, sharpness], diverged_at (null = never), lr_final (the rate the run's
 * last step used; its lr without a schedule), and where some run has one, schedule (the schedule's
 * JSON, null without one) and gradient (the estimator's JSON, null for the exact gradient; both
 * from ./run-extras.ts). Encoded by hyparquet-writer,
 * one row group of up to ROW_GROUP rows at a time, so memory stays bounded by a row group.
 * The scenario's JSON rides along as the file's key-value metadata `gradscape.scenario`.
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import type { HparamValue } from '../../../src-shared/optim'
import { type ColumnarResult, eachRun, type RunInfo } from './result'
import { runExtras } from './run-extras'

export const ROW_GROUP = 1 << 20

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number]
type ColumnSource = Parameters<ParquetWriter['write']>[0]['columnData'][number]

interface HparamColumn {
  name: string
  key: string
  index?: number
  boolean: boolean
  /** A named variant (`mars_type`): a text column. */
  text?: boolean
}

function hparamColumns(r: ColumnarResult): HparamColumn[] {
  const cols: HparamColumn[] = []
  const seen = new Map<string, HparamValue>()
  for (const part of r.parts) for (const h of part.config.configs) for (const [k, v] of Object.entries(h)) if (!seen.has(k)) seen.set(k, v)
  for (const [key, v] of seen) {
    if (Array.isArray(v)) v.forEach((_, index) => cols.push({ name: `${key}_${index}`, key, index, boolean: false }))
    else cols.push({ name: key, key, boolean: typeof v === 'boolean', text: typeof v === 'string' })
  }
  return cols
}

/** A writer that hands the encoded bytes on after each row group instead of growing one buffer. */
function streamingWriter(write: (bytes: Uint8Array) => void): ByteWriter {
  const writer = new ByteWriter(1 << 20)
  const flush = () => {
    if (writer.index > 0) write(new Uint8Array(writer.buffer.slice(0, writer.index)))
    writer.index = 0
  }
  const grow = writer.ensure.bind(writer)
  writer.ensure = (size: number) => {
    if (writer.index > 1 << 22) flush()
    grow(size)
  }
  writer.finish = flush
  return writer
}

export function writeParquet(r: ColumnarResult, scenarioJson: string, write: (bytes: Uint8Array) => void): void {
  const hp = hparamColumns(r)
  const sharpness = r.scenario.record.sharpness
  const extras = runExtras(r)
  const all = [...extras.values()].flat()
  // Text columns only where a run has a schedule / an estimator (no per-row column of nulls otherwise).
  const withSchedule = all.some((e) => e.schedule !== '')
  const withGradient = all.some((e) => e.gradient !== '')
  const every = r.scenario.record.every
  const leaf = (name: string, type: SchemaElement['type'], required = true, utf8 = false): SchemaElement => ({
    name,
    type,
    repetition_type: required ? 'REQUIRED' : 'OPTIONAL',
    ...(utf8 ? { converted_type: 'UTF8' as const } : {}),
  })
  const schema: SchemaElement[] = [
    leaf('run', 'INT32'),
    leaf('optimizer', 'BYTE_ARRAY', true, true),
    ...hp.map((c) => leaf(c.name, c.boolean ? 'BOOLEAN' : c.text ? 'BYTE_ARRAY' : 'DOUBLE', false, c.text)),
    leaf('init_x', 'DOUBLE'),
    leaf('init_y', 'DOUBLE'),
    leaf('step', 'INT32'),
    leaf('x', 'DOUBLE'),
    leaf('y', 'DOUBLE'),
    leaf('loss', 'DOUBLE'),
    ...(sharpness ? [leaf('sharpness', 'DOUBLE')] : []),
    leaf('diverged_at', 'INT32', false),
    leaf('lr_final', 'DOUBLE', false),
    ...(withSchedule ? [leaf('schedule', 'BYTE_ARRAY', false, true)] : []),
    ...(withGradient ? [leaf('gradient', 'BYTE_ARRAY', false, true)] : []),
  ]
  const pq = new ParquetWriter({
    writer: streamingWriter(write),
    schema: [{ name: 'root', num_children: schema.length }, ...schema],
    // Doubles barely compress; snappy in JS costs more time than it saves bytes.
    codec: 'UNCOMPRESSED',
    kvMetadata: [{ key: 'gradscape.scenario', value: scenarioJson }],
    createdBy: 'gradscape',
  })

  // Rows are gathered run by run into one row group's columns, then written.
  const rows = Math.min(ROW_GROUP, Math.max(1, r.runs * r.kept))
  const g = {
    run: new Int32Array(rows),
    optimizer: new Array<string>(rows),
    hp: hp.map(() => new Array<number | boolean | string | null>(rows)),
    ix: new Float64Array(rows),
    iy: new Float64Array(rows),
    step: new Int32Array(rows),
    x: new Float64Array(rows),
    y: new Float64Array(rows),
    loss: new Float64Array(rows),
    sharpness: new Float64Array(sharpness ? rows : 0),
    diverged: new Array<number | null>(rows),
    lrFinal: new Array<number | null>(rows),
    schedule: new Array<string | null>(withSchedule ? rows : 0),
    gradient: new Array<string | null>(withGradient ? rows : 0),
  }
  let filled = 0
  const flushGroup = () => {
    if (filled === 0) return
    const cut = <T extends { slice(a: number, b: number): T }>(a: T) => (filled === rows ? a : a.slice(0, filled))
    const columnData: ColumnSource[] = [
      { name: 'run', data: cut(g.run) },
      { name: 'optimizer', data: cut(g.optimizer) },
      ...hp.map((c, j) => ({ name: c.name, data: cut(g.hp[j]) })),
      { name: 'init_x', data: cut(g.ix) },
      { name: 'init_y', data: cut(g.iy) },
      { name: 'step', data: cut(g.step) },
      { name: 'x', data: cut(g.x) },
      { name: 'y', data: cut(g.y) },
      { name: 'loss', data: cut(g.loss) },
      ...(sharpness ? [{ name: 'sharpness', data: cut(g.sharpness) }] : []),
      { name: 'diverged_at', data: cut(g.diverged) },
      { name: 'lr_final', data: cut(g.lrFinal) },
      ...(withSchedule ? [{ name: 'schedule', data: cut(g.schedule) }] : []),
      ...(withGradient ? [{ name: 'gradient', data: cut(g.gradient) }] : []),
    ]
    void pq.write({ columnData, rowGroupSize: ROW_GROUP })
    filled = 0
  }
  const hpValue = (run: RunInfo, c: HparamColumn): number | boolean | string | null => {
    const v = run.hparams[c.key]
    if (v === undefined || v === null) return null
    return c.index === undefined ? (v as number | boolean | string) : (v as readonly number[])[c.index]
  }
  let i = 0
  for (const run of eachRun(r)) {
    const o = run.part.out
    const d = run.part.diverged[run.p]
    const hpv = hp.map((c) => hpValue(run, c))
    const extra = extras.get(run.part)![run.c]
    const lrFinal = Number.isNaN(extra.lrFinal) ? null : extra.lrFinal
    for (let k = 0; k < r.kept; k++) {
      const at = run.p * o.count + k
      g.run[filled] = i
      g.optimizer[filled] = run.name
      for (let j = 0; j < hp.length; j++) g.hp[j][filled] = hpv[j]
      g.ix[filled] = run.x0
      g.iy[filled] = run.y0
      g.step[filled] = k * every
      g.x[filled] = o.x[at]
      g.y[filled] = o.y[at]
      g.loss[filled] = o.loss[at]
      if (sharpness) g.sharpness[filled] = o.sharpness![at]
      g.diverged[filled] = d < 0 ? null : d
      g.lrFinal[filled] = lrFinal
      if (withSchedule) g.schedule[filled] = extra.schedule || null
      if (withGradient) g.gradient[filled] = extra.gradient || null
      if (++filled === rows) flushGroup()
    }
    i++
  }
  flushGroup()
  void pq.finish()
}
