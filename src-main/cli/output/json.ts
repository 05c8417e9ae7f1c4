/**
 * The `run` result as JSON (SCENARIO.md), byte for byte what `JSON.stringify` of each run gives,
 * produced in ~1 MB strings straight from the result's arrays: no per-point objects, and no run
 * has to fit in one string (a run of 10⁷ steps is ~0.4 GB of text).
 */
import { stabilityThreshold } from '../../../src-shared/eos/thresholds'
import { type ColumnarResult, eachRun } from './result'

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
 */
function joined(values: Float64Array): Buffer {
  let s = values.join(',')
  if (s.includes('N') || s.includes('I')) s = s.replace(/-?Infinity|NaN/g, 'null')
  return Buffer.from(s, 'latin1')
}

/** `[a,b,…]` of `values[from … from + count)`. */
function numbers(out: TextPieces, values: Float64Array, from: number, count: number): void {
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
function pairs(out: TextPieces, xs: Float64Array, ys: Float64Array, from: number, count: number): void {
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
    v.forEach((e, i) => { if (i) out.add(','); value(out, e) })
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
  const out = new TextPieces(write)
  out.add('{"runs":[')
  let i = 0
  for (const run of eachRun(result)) {
    const { part, p } = run
    const o = part.out
    const base = p * o.count
    out.add(`${i ? ',\n' : '\n'}{"optimizer":${JSON.stringify({ name: run.name, ...run.hparams }, finiteOrNull)},"init":${JSON.stringify([run.x0, run.y0], finiteOrNull)},"trajectory":`)
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
    part.extraNames.forEach((name, j) => {
      out.add(`,${JSON.stringify(name)}:`)
      pairs(out, o.extra[2 * j], o.extra[2 * j + 1], base, o.count)
    })
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
