/**
 * The `run` result as JSON (SCENARIO.md), byte for byte what `JSON.stringify` of each run gives,
 * written as bytes straight from the result's arrays into one reused buffer (./byte-out.ts): no
 * per-point objects, no string per number, and no run has to fit in one string (a run of 10⁷
 * steps is ~0.4 GB of text).
 */
import { stabilityThreshold } from '../../../src-shared/eos/thresholds'
import { gfsSharpnessOrNull } from '../../../src-shared/eos/gradient-flow-solution'
import { ByteOut } from './byte-out'
import { writeJsonNumber } from './number-bytes'
import type { ColumnarResult, PointColumn } from './result'
import { baseMomentum, cyclesMomentum, scheduleField, scheduleSequence } from '../../../src-shared/schedule'
import type { OptimizerConfig } from '../../../src-shared/scenario'
import { configSchedule } from '../../../src-shared/scenario/schedule-sweep'

/** Most history values (configurations × steps) a result carries; past it the histories are left out. */
export const MAX_HISTORY_VALUES = 10_000_000

/**
 * A scheduled run's `"lr_history"` (the rate step k + 1 used, k = 0 … steps − 1, as in the
 * reference files) and, when the schedule cycles it, `"momentum_history"`: one text per
 * configuration, as a property list to append inside the run's object; '' without a schedule,
 * and for sweeps whose histories would pass MAX_HISTORY_VALUES.
 */
export function historyJson(config: OptimizerConfig, c: number, steps: number): string {
  // A sweep over schedule arguments gives each configuration its own schedule, hence its own history.
  const schedule = configSchedule(config, c)
  if (!schedule || config.configs.length * steps > MAX_HISTORY_VALUES) return ''
  const h = config.configs[c]
  const seq = scheduleSequence(schedule, h.lr as number, baseMomentum(config.def, h), steps)
  const lr = `,"lr_history":${JSON.stringify(Array.from(seq.lr), finiteOrNull)}`
  return cyclesMomentum(schedule) ? `${lr},"momentum_history":${JSON.stringify(Array.from(seq.momentum), finiteOrNull)}` : lr
}

/** JSON has no NaN/Infinity: non-finite numbers become null (the run's diverged_at says where). */
const finiteOrNull = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value)

const COMMA = 44
const OPEN = 91
const CLOSE = 93
const utf8 = (s: string) => Buffer.from(s, 'utf8')
const AFTER_INIT = utf8('],"trajectory":')
const LOSS = utf8(',"loss":')
const DIVERGED_NEVER = utf8(',"diverged_at":null')
const RUN_END = utf8('}')

/** `[a,b,…]` of `values[from … from + count)`. */
function numbers(out: ByteOut, values: PointColumn, from: number, count: number): void {
  const buf = out.buf
  if (out.full()) out.flush()
  buf[out.pos++] = OPEN
  for (let k = 0; k < count; k++) {
    if (out.full()) out.flush()
    let pos = out.pos
    if (k) buf[pos++] = COMMA
    out.pos = writeJsonNumber(buf, pos, values[from + k])
  }
  buf[out.pos++] = CLOSE
}

/** `[[x,y],…]` from separate x and y arrays. */
function pairs(out: ByteOut, xs: PointColumn, ys: PointColumn, from: number, count: number): void {
  const buf = out.buf
  if (out.full()) out.flush()
  buf[out.pos++] = OPEN
  for (let k = 0; k < count; k++) {
    if (out.full()) out.flush()
    let pos = out.pos
    if (k) buf[pos++] = COMMA
    buf[pos++] = OPEN
    pos = writeJsonNumber(buf, pos, xs[from + k])
    buf[pos++] = COMMA
    pos = writeJsonNumber(buf, pos, ys[from + k])
    buf[pos++] = CLOSE
    out.pos = pos
  }
  buf[out.pos++] = CLOSE
}

/** Any JSON value, arrays written element by element (central flows can be as long as a run). */
function value(out: ByteOut, v: unknown): void {
  if (typeof v === 'number') out.jsonNumber(v)
  else if (Array.isArray(v)) {
    out.text('[')
    v.forEach((e, i) => {
      if (i) out.text(',')
      value(out, e)
    })
    out.text(']')
  } else if (v !== null && typeof v === 'object') {
    out.text('{')
    let first = true
    for (const [k, e] of Object.entries(v)) {
      if (e === undefined || typeof e === 'function') continue
      out.text((first ? '' : ',') + JSON.stringify(k) + ':')
      value(out, e)
      first = false
    }
    out.text('}')
  } else out.text(JSON.stringify(v) ?? 'null')
}

/** JSON bytes in pieces to `write`: `{"runs":[` one run per line `]}`. */
export function writeJson(result: ColumnarResult, write: (piece: Uint8Array) => void): void {
  const out = new ByteOut(write)
  out.text('{"runs":[')
  const { starts, steps } = result.scenario
  const S = starts.x.length
  const compiled = result.scenario.landscape.compiled
  let i = 0
  for (const part of result.parts) {
    const o = part.out
    const count = o.count
    const name = part.config.def.name
    const gradient = part.config.gradient ? { gradient: part.config.gradient } : {}
    // Per configuration, made when its first run is written (a sweep's texts are not all held at once).
    let textsOf = -1
    // A configuration's fixed text before each run's numbers, as bytes: the first run's and the others' (',\n' first).
    let runStart = [new Uint8Array(0), new Uint8Array(0)]
    let thresholdJson = ''
    let history = ''
    const preconditioned = o.preconditioned && part.carriesState ? o.preconditioned : null
    for (let p = 0; p < part.n; p++) {
      const c = Math.floor(p / S)
      if (c !== textsOf) {
        const h = part.config.configs[c]
        const optimizerJson = JSON.stringify({ name, ...h, ...scheduleField(configSchedule(part.config, c)), ...gradient }, finiteOrNull)
        runStart = ['\n', ',\n'].map((before) => utf8(`${before}{"optimizer":${optimizerJson},"init":[`))
        thresholdJson = o.sharpness ? JSON.stringify(stabilityThreshold(name, h), finiteOrNull) : ''
        history = historyJson(part.config, c, steps)
        textsOf = c
      }
      const base = p * count
      out.bytes(runStart[i ? 1 : 0])
      out.jsonNumber(starts.x[p % S])
      out.buf[out.pos++] = COMMA
      out.jsonNumber(starts.y[p % S])
      out.bytes(AFTER_INIT)
      pairs(out, o.x, o.y, base, count)
      out.bytes(LOSS)
      numbers(out, o.loss, base, count)
      if (o.sharpness) {
        out.text(',"sharpness":')
        numbers(out, o.sharpness, base, count)
        out.text(`,"stability_threshold":${thresholdJson}`)
      }
      if (preconditioned) {
        out.text(',"preconditioned_sharpness":')
        numbers(out, preconditioned, base, count)
      }
      const d = part.diverged[p]
      if (d < 0) out.bytes(DIVERGED_NEVER)
      else out.text(`,"diverged_at":${d}`)
      if (history) out.text(history)
      part.extraNames.forEach((extra, j) => {
        out.text(`,${JSON.stringify(extra)}:`)
        pairs(out, o.extra[2 * j], o.extra[2 * j + 1], base, count)
      })
      if (result.scenario.record.gfsSharpness) {
        // The GFS sharpness per kept point (src-shared/eos/gradient-flow-solution.ts); null where the flow did not converge.
        out.text(',"gfs_sharpness":[')
        for (let k = 0; k < count; k++) {
          if (k) out.text(',')
          const x = o.x[base + k]
          const y = o.y[base + k]
          const g = Number.isFinite(x) && Number.isFinite(y) ? gfsSharpnessOrNull(compiled, x, y) : null
          if (g === null) out.text('null')
          else out.jsonNumber(g)
        }
        out.text(']')
      }
      const flow = result.centralFlows?.[i]
      if (flow) {
        out.text(',"central_flow":')
        value(out, flow)
      }
      out.bytes(RUN_END)
      i++
    }
  }
  out.text('\n]}\n')
  out.flush()
}
