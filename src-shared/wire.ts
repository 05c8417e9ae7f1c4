/**
 * The WebSocket wire format of GradscapeApi (web host ⇄ renderer). Pure TypeScript: the web
 * host (src-main/web/server.ts) and the renderer's client (src-renderer/api/ws-client.ts) share it.
 *
 * Client → host: text frames, plain JSON `CallMessage`s (the host parses them with JSON.parse
 * only and checks every argument with `guards` from ./api).
 *
 * Host → client: `ResultMessage` and `EventMessage`. A message that holds typed arrays (a
 * surface, a RunChunk, a done event's divergedAt) goes as ONE binary frame:
 *
 *   bytes 0..3   magic "GSW1"
 *   bytes 4..7   header length H (uint32, little-endian)
 *   bytes 8..    header: UTF-8 JSON of the message, each typed array replaced by
 *                {"$ta": "f32" | "f64" | "i32", "o": byteOffset, "n": length}
 *   then         the arrays' bytes, each starting at a multiple of 8 from the frame start
 *
 * Non-finite numbers (a surface's min of an all-NaN grid) survive both frame kinds as
 * {"$num": "NaN" | "Infinity" | "-Infinity"}. Everything else is plain JSON.
 */
import type { JobEvent, Operation } from './api'

export interface CallMessage {
  readonly t: 'call'
  /** Non-negative integer chosen by the client; echoed in the result. */
  readonly id: number
  readonly op: Operation
  readonly args: readonly unknown[]
}

export interface WireError {
  readonly message: string
  /** Present when the failure is a problem with the input (EngineError). */
  readonly problem?: { readonly field: string; readonly message: string; readonly position?: number }
}

export type ResultMessage =
  | { readonly t: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: 'result'; readonly id: number; readonly ok: false; readonly error: WireError }

export interface EventMessage {
  readonly t: 'event'
  readonly event: JobEvent
}

export type HostMessage = ResultMessage | EventMessage

/** Largest client → host text frame the web host accepts (a scenario with a long start-point list fits). */
export const MAX_CALL_BYTES = 8 * 1024 * 1024

const MAGIC = [0x47, 0x53, 0x57, 0x31] // "GSW1"

type TypedArray = Float32Array | Float64Array | Int32Array
const KINDS = { f32: Float32Array, f64: Float64Array, i32: Int32Array } as const
type Kind = keyof typeof KINDS

function kindOf(v: unknown): Kind | null {
  if (v instanceof Float32Array) return 'f32'
  if (v instanceof Float64Array) return 'f64'
  if (v instanceof Int32Array) return 'i32'
  return null
}

const align8 = (n: number) => (n + 7) & ~7

/**
 * Encode a host → client message: a string (text frame) when it holds no typed array, else a
 * Uint8Array (binary frame).
 */
export function encodeHostMessage(msg: HostMessage): string | Uint8Array {
  const arrays: TypedArray[] = []
  const header = JSON.stringify(msg, function (this: unknown, _key, value: unknown) {
    if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) }
    const kind = kindOf(value)
    if (kind) {
      arrays.push(value as TypedArray)
      return { $ta: kind, i: arrays.length - 1 }
    }
    return value
  })
  if (arrays.length === 0) return header
  // Offsets depend on the header length, which depends on the offsets' digits: lay the arrays
  // out after a header with index placeholders, then patch in offsets padded to a fixed width.
  const pad = (n: number) => String(n).padStart(16, ' ') // JSON allows spaces; not leading zeros
  const provisional = header.replace(
    /\{"\$ta":"(f32|f64|i32)","i":(\d+)\}/g,
    (_m, k: string, i: string) => `{"$ta":"${k}","o":${pad(0)},"n":${pad(arrays[Number(i)].length)}}`,
  )
  const headerBytesLength = new TextEncoder().encode(provisional).length
  let offset = align8(8 + headerBytesLength)
  const offsets = arrays.map((a) => {
    const o = offset
    offset = align8(offset + a.byteLength)
    return o
  })
  const finalHeader = header.replace(
    /\{"\$ta":"(f32|f64|i32)","i":(\d+)\}/g,
    (_m, k: string, i: string) => `{"$ta":"${k}","o":${pad(offsets[Number(i)])},"n":${pad(arrays[Number(i)].length)}}`,
  )
  const headerBytes = new TextEncoder().encode(finalHeader)
  if (headerBytes.length !== headerBytesLength) throw new Error('wire: header length changed while encoding')
  const out = new Uint8Array(offset)
  out.set(MAGIC, 0)
  new DataView(out.buffer).setUint32(4, headerBytes.length, true)
  out.set(headerBytes, 8)
  arrays.forEach((a, i) => out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offsets[i]))
  return out
}

/** Decode what `encodeHostMessage` produced. Throws on a malformed frame. */
export function decodeHostMessage(data: string | ArrayBuffer | Uint8Array): HostMessage {
  if (typeof data === 'string') return JSON.parse(data, reviveNumbers) as HostMessage
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('wire: not a Gradscape binary frame')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLength = view.getUint32(4, true)
  if (8 + headerLength > bytes.length) throw new Error('wire: truncated header')
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))
  return JSON.parse(header, (key, value: unknown) => {
    const v = reviveNumbers(key, value)
    if (typeof v === 'object' && v !== null && typeof (v as { $ta?: unknown }).$ta === 'string') {
      const { $ta, o, n } = v as { $ta: string; o: number; n: number }
      if (!Object.hasOwn(KINDS, $ta)) throw new Error(`wire: unknown array kind ${$ta}`)
      const Ctor = KINDS[$ta as Kind]
      const byteLength = n * Ctor.BYTES_PER_ELEMENT
      if (!Number.isInteger(o) || !Number.isInteger(n) || o < 0 || n < 0 || o + byteLength > bytes.length) {
        throw new Error('wire: array out of frame')
      }
      const start = bytes.byteOffset + o
      // A view when aligned (the usual case: a WebSocket's fresh ArrayBuffer), else a copy.
      return start % Ctor.BYTES_PER_ELEMENT === 0
        ? new Ctor(bytes.buffer as ArrayBuffer, start, n)
        : new Ctor(bytes.slice(o, o + byteLength).buffer)
    }
    return v
  }) as HostMessage
}

function reviveNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const n = (value as { $num?: unknown }).$num
    if (n === 'NaN') return NaN
    if (n === 'Infinity') return Infinity
    if (n === '-Infinity') return -Infinity
  }
  return value
}
