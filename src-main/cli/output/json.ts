/**
 * The `run` result as JSON (SCENARIO.md), byte for byte what `JSON.stringify` of each run gives,
 * produced in ~1 MB strings straight from the result's arrays: no per-point objects, and no run
 * has to fit in one string (a run of 10⁷ steps is ~0.4 GB of text).
 */
import { stabilityThreshold } from '../../../src-shared/eos/thresholds'
import { gfsSharpnessOrNull } from '../../../src-shared/eos/gradient-flow-solution'
import { type ColumnarResult, eachRun, type PointColumn } from './result'
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

/** Characters gathered before a piece is handed to the file. */
export const TEXT_CHUNK = 1 << 20

/** JSON has no NaN/Infinity: non-finite numbers become null (the run's diverged_at says where). */
const finiteOrNull = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value)

/** A number as JSON.stringify writes it. */
export const jsonNumber = (v: number): string => (v - v === 0 ? String(v) : 'null')

/**
 * Gathers short text and hands it on in pieces of about TEXT_CHUNK characters; long number
 * arrays arrive as bytes and pass straight through (after the text before them).
 */
class TextPieces {
  text = ''
  constructor(private readonly emit: (piece: string | Uint8Array) => void) {}
  add(s: string): void {
    this.text += s
    if (this.text.length >= TEXT_CHUNK) this.flush()
  }
  bytes(b: Uint8Array): void {
    this.flush()
    this.emit(b)
  }
  flush(): void {
    if (this.text) this.emit(this.text)
    this.text = ''
  }
}

/** Below this many numbers an array is formatted one number at a time; above, in native joins. */
const SHORT = 64
/** Numbers per native join: ~20 bytes each, so pieces of a few MB. */
const SEGMENT = 1 << 17

/**
 * `values` as JSON numbers joined by commas, in bytes. TypedArray#join formats every number in
 * native code exactly as JSON.stringify does (same shortest round-trip digits) without a JS
 * string per number: most of the cost of large outputs. JSON's null replaces NaN and ±Infinity.
 * A Float32Array's elements are read as the doubles they are, so its digits are the same.
 */
function joined(values: PointColumn): Buffer {
  let s = values.join(',')
  if (s.includes('N') || s.includes('I')) s = s.replace(/-?Infinity|NaN/g, 'null')
  return Buffer.from(s, 'latin1')
}

/** `[a,b,…]` of `values[from … from + count)`. */
function numbers(out: TextPieces, values: PointColumn, from: number, count: number): void {
  if (count <= SHORT) {
    let s = '['
    for (let k = 0; k < count; k++) s += (k ? ',' : '') + jsonNumber(values[from + k])
    out.add(s + ']')
    return
  }
  out.add('[')
  for (let a = 0; a < count; a += SEGMENT) {
    if (a) out.add(',')
    out.bytes(joined(values.subarray(from + a, from + Math.min(count, a + SEGMENT))))
  }
  out.add(']')
}

const COMMA = 44
const OPEN = 91
const CLOSE = 93

/** `[[x,y],…]` from separate x and y arrays. */
function pairs(out: TextPieces, xs: PointColumn, ys: PointColumn, from: number, count: number): void {
  if (count <= SHORT) {
    let s = '['
    for (let k = 0; k < count; k++) s += (k ? ',[' : '[') + jsonNumber(xs[from + k]) + ',' + jsonNumber(ys[from + k]) + ']'
    out.add(s + ']')
    return
  }
  out.add('[')
  for (let a = 0; a < count; a += SEGMENT) {
    const m = Math.min(SEGMENT, count - a)
    const bx = joined(xs.subarray(from + a, from + a + m))
    const by = joined(ys.subarray(from + a, from + a + m))
    // Zip the two comma-separated lists into [x,y] pairs, byte by byte.
    const dst = Buffer.allocUnsafe(bx.length + by.length + 4 * m + 1)
    let o = 0
    let i = 0
    let j = 0
    if (a) dst[o++] = COMMA
    for (let k = 0; k < m; k++) {
      if (k) dst[o++] = COMMA
      dst[o++] = OPEN
      for (let c = bx[i]; i < bx.length && c !== COMMA; c = bx[++i]) dst[o++] = c
      i++
      dst[o++] = COMMA
      for (let c = by[j]; j < by.length && c !== COMMA; c = by[++j]) dst[o++] = c
      j++
      dst[o++] = CLOSE
    }
    out.bytes(dst.subarray(0, o))
  }
  out.add(']')
}

/** Any JSON value, arrays streamed element by element (central flows can be as long as a run). */
function value(out: TextPieces, v: unknown): void {
  if (typeof v === 'number') out.add(jsonNumber(v))
  else if (Array.isArray(v)) {
    out.add('[')
    v.forEach((e, i) => {
      if (i) out.add(',')
      value(out, e)
    })
    out.add(']')
  } else if (v !== null && typeof v === 'object') {
    out.add('{')
    let first = true
    for (const [k, e] of Object.entries(v)) {
      if (e === undefined || typeof e === 'function') continue
      out.add((first ? '' : ',') + JSON.stringify(k) + ':')
      value(out, e)
      first = false
    }
    out.add('}')
  } else out.add(JSON.stringify(v) ?? 'null')
}

/** JSON text in pieces to `write`: `{"runs":[` one run per line `]}`. */
export function writeJson(result: ColumnarResult, write: (piece: string | Uint8Array) => void): void {
  // Runs longer than a block stream within the run instead (memory stays a few blocks).
  // record.gfs_sharpness also goes run by run: its per-point cost (a gradient-flow solve) dwarfs the formatting.
  if (result.centralFlows || result.kept > SEGMENT || result.scenario.record.gfsSharpness) writeJsonRunByRun(result, write)
  else writeJsonInBlocks(result, write)
}

/** Comma-separated numbers (bytes from `joined`), consumed a few at a time. */
class Tokens {
  private at = 0
  constructor(readonly bytes: Buffer) {}
  /** Copy the next `count` numbers, with the commas between them, into `dst` at `o`; returns the new end. */
  copyInto(dst: Buffer, o: number, count: number): number {
    if (count === 0) return o
    let end = this.at - 1
    for (let c = 0; c < count; c++) {
      end = this.bytes.indexOf(COMMA, end + 1)
      if (end < 0) {
        end = this.bytes.length
        break
      }
    }
    const n = this.bytes.copy(dst, o, this.at, end)
    this.at = end + 1
    return o + n
  }
  /** Copy one number; like copyInto(dst, o, 1) without the native call per number. */
  copyOne(dst: Buffer, o: number): number {
    const b = this.bytes
    let i = this.at
    for (let c = b[i]; i < b.length && c !== COMMA; c = b[++i]) dst[o++] = c
    this.at = i + 1
    return o
  }
}

/**
 * Runs in blocks of about SEGMENT kept points: each column of a block is formatted by one native
 * join and the runs are assembled from the pieces as bytes. Most of a small-run result (10⁵
 * final states) is per-run overhead otherwise; this path has almost none.
 */
function writeJsonInBlocks(result: ColumnarResult, write: (piece: string | Uint8Array) => void): void {
  write('{"runs":[')
  const starts = result.scenario.starts
  const S = starts.x.length
  let i = 0
  for (const part of result.parts) {
    const o = part.out
    const count = o.count
    const name = part.config.def.name
    const gradient = part.config.gradient ? { gradient: part.config.gradient } : {}
    const optimizerJson = part.config.configs.map((h, c) =>
      JSON.stringify({ name, ...h, ...scheduleField(configSchedule(part.config, c)), ...gradient }, finiteOrNull),
    )
    const thresholdJson = o.sharpness ? part.config.configs.map((h) => JSON.stringify(stabilityThreshold(name, h), finiteOrNull)) : []
    // Per configuration, made when its first run is written (a sweep's texts are not all held at once).
    let historyOf = { c: -1, text: '' }
    const history = (c: number) =>
      historyOf.c === c ? historyOf.text : (historyOf = { c, text: historyJson(part.config, c, result.scenario.steps) }).text
    const preconditioned = o.preconditioned && part.carriesState ? o.preconditioned : null
    const perBlock = Math.max(1, Math.floor(SEGMENT / Math.max(1, count)))
    for (let p0 = 0; p0 < part.n; p0 += perBlock) {
      const p1 = Math.min(part.n, p0 + perBlock)
      const slice = (a: PointColumn) => new Tokens(joined(a.subarray(p0 * count, p1 * count)))
      const tx = slice(o.x)
      const ty = slice(o.y)
      const tl = slice(o.loss)
      const ts = o.sharpness ? slice(o.sharpness) : null
      const tp = preconditioned ? slice(preconditioned) : null
      const te = o.extra.slice(0, 2 * part.extraNames.length).map(slice)
      const heads: string[] = []
      let bound = 0
      for (const t of [tx, ty, tl, ts, tp, ...te]) bound += t ? t.bytes.length : 0
      for (let p = p0; p < p1; p++) {
        const c = Math.floor(p / S)
        const head = `${i + p - p0 ? ',\n' : '\n'}{"optimizer":${optimizerJson[c]},"init":[${jsonNumber(starts.x[p % S])},${jsonNumber(starts.y[p % S])}],"trajectory":[`
        heads.push(head)
        bound +=
          Buffer.byteLength(head) +
          (thresholdJson[c] ? Buffer.byteLength(thresholdJson[c]) : 0) +
          history(c).length +
          200 +
          4 * count * (1 + part.extraNames.length) +
          part.extraNames.reduce((a, e) => a + e.length + 8, 0)
      }
      const dst = Buffer.allocUnsafe(bound)
      let at = 0
      const zip = (xs: Tokens, ys: Tokens) => {
        for (let k = 0; k < count; k++) {
          if (k) dst[at++] = COMMA
          dst[at++] = OPEN
          at = xs.copyOne(dst, at)
          dst[at++] = COMMA
          at = ys.copyOne(dst, at)
          dst[at++] = CLOSE
        }
        dst[at++] = CLOSE
      }
      const list = (t: Tokens) => {
        dst[at++] = OPEN
        at = t.copyInto(dst, at, count)
        dst[at++] = CLOSE
      }
      for (let p = p0; p < p1; p++) {
        at += dst.write(heads[p - p0], at, 'utf8')
        zip(tx, ty)
        at += dst.write(',"loss":', at, 'latin1')
        list(tl)
        if (ts) {
          at += dst.write(',"sharpness":', at, 'latin1')
          list(ts)
          at += dst.write(`,"stability_threshold":${thresholdJson[Math.floor(p / S)]}`, at, 'utf8')
        }
        if (tp) {
          at += dst.write(',"preconditioned_sharpness":', at, 'latin1')
          list(tp)
        }
        const d = part.diverged[p]
        at += dst.write(`,"diverged_at":${d < 0 ? 'null' : d}`, at, 'latin1')
        at += dst.write(history(Math.floor(p / S)), at, 'latin1')
        part.extraNames.forEach((extra, j) => {
          at += dst.write(`,${JSON.stringify(extra)}:[`, at, 'utf8')
          zip(te[2 * j], te[2 * j + 1])
        })
        dst[at++] = 125 // }
      }
      write(dst.subarray(0, at))
      i += p1 - p0
    }
  }
  write('\n]}\n')
}

/** One run at a time, for results with central flows (nested series of their own lengths). */
function writeJsonRunByRun(result: ColumnarResult, write: (piece: string | Uint8Array) => void): void {
  const out = new TextPieces(write)
  out.add('{"runs":[')
  let i = 0
  for (const run of eachRun(result)) {
    const { part, p } = run
    const o = part.out
    const base = p * o.count
    out.add(
      `${i ? ',\n' : '\n'}{"optimizer":${JSON.stringify({ name: run.name, ...run.hparams, ...scheduleField(configSchedule(part.config, run.c)), ...(part.config.gradient ? { gradient: part.config.gradient } : {}) }, finiteOrNull)},"init":${JSON.stringify([run.x0, run.y0], finiteOrNull)},"trajectory":`,
    )
    pairs(out, o.x, o.y, base, o.count)
    out.add(',"loss":')
    numbers(out, o.loss, base, o.count)
    if (o.sharpness) {
      out.add(',"sharpness":')
      numbers(out, o.sharpness, base, o.count)
      out.add(`,"stability_threshold":${JSON.stringify(stabilityThreshold(run.name, run.hparams), finiteOrNull)}`)
    }
    if (o.preconditioned && part.carriesState) {
      out.add(',"preconditioned_sharpness":')
      numbers(out, o.preconditioned, base, o.count)
    }
    const d = part.diverged[p]
    out.add(`,"diverged_at":${d < 0 ? 'null' : d}`)
    out.add(historyJson(part.config, run.c, result.scenario.steps))
    part.extraNames.forEach((name, j) => {
      out.add(`,${JSON.stringify(name)}:`)
      pairs(out, o.extra[2 * j], o.extra[2 * j + 1], base, o.count)
    })
    if (result.scenario.record.gfsSharpness) {
      // The GFS sharpness per kept point (src-shared/eos/gradient-flow-solution.ts); null where the flow did not converge.
      const compiled = result.scenario.landscape.compiled
      const gfs = new Array<number | null>(o.count)
      for (let k = 0; k < o.count; k++) {
        const x = o.x[base + k],
          y = o.y[base + k]
        gfs[k] = Number.isFinite(x) && Number.isFinite(y) ? gfsSharpnessOrNull(compiled, x, y) : null
      }
      out.add(`,"gfs_sharpness":${JSON.stringify(gfs)}`)
    }
    const flow = result.centralFlows?.[i]
    if (flow) {
      out.add(',"central_flow":')
      value(out, flow)
    }
    out.add('}')
    i++
  }
  out.add('\n]}\n')
  out.flush()
}
