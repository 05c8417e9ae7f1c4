/**
 * NumPy files without NumPy: `.npy` arrays (format 1.0/3.0, numpy/lib/format.py) and `.npz`
 * archives of them (an uncompressed zip, what `np.savez` writes), produced as a stream of byte
 * chunks so a caller can write them to a file or gather them into a Blob without ever holding a
 * second copy of the data. Shared by the CLI (`--out result.npz`) and the renderer's data export.
 *
 * The archive uses "stored" entries with a trailing data descriptor (the CRC is known only after
 * the data has streamed through), and zip64 records when an entry or the archive passes 4 GiB;
 * Python's zipfile (and so `np.load`) reads both.
 */

/** The dtypes written here, as NumPy spells them (`U` is fixed-width UTF-32). */
export type NpyDescr = '<f8' | '<f4' | '<i8' | '<i4' | '|b1' | `<U${number}`

export interface NpyArray {
  /** Entry name in the archive, without `.npy`: `np.load(f)[name]`. */
  readonly name: string
  readonly descr: NpyDescr
  readonly shape: readonly number[]
  /** The data, C order, little-endian, in pieces; their lengths must add up to the shape's bytes. */
  chunks(): Iterable<Uint8Array>
}

const ITEM_SIZE: Record<string, number> = { '<f8': 8, '<f4': 4, '<i8': 8, '<i4': 4, '|b1': 1 }

export function itemSize(descr: NpyDescr): number {
  return descr.startsWith('<U') ? 4 * Number(descr.slice(2)) : ITEM_SIZE[descr]
}

export const byteLength = (a: Pick<NpyArray, 'descr' | 'shape'>): number => a.shape.reduce((p, n) => p * n, 1) * itemSize(a.descr)

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** The bytes of a typed array as they sit in memory (little-endian on every platform we ship). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('NumPy export needs a little-endian machine')
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
}

/** The `.npy` header: magic, version, and the dict padded so the data starts 64-byte aligned. */
export function npyHeader(descr: NpyDescr, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ')
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`
  // Version 1.0 has a 2-byte header length; 2.0 a 4-byte one (never needed for our headers).
  const pad = 64 - ((10 + dict.length + 1) % 64)
  dict += ' '.repeat(pad % 64) + '\n'
  const out = new Uint8Array(10 + dict.length)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]) // \x93NUMPY v1.0
  out[8] = dict.length & 0xff
  out[9] = dict.length >> 8
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i) // ASCII only
  return out
}

/** A whole `.npy` file in pieces: header, then the data. */
export function* npyChunks(a: NpyArray): Generator<Uint8Array> {
  yield npyHeader(a.descr, a.shape)
  yield* a.chunks()
}

/** An array over a typed array in memory (its bytes are handed out in slices of ~8 MiB, not copied). */
export function typedArray(name: string, descr: NpyDescr, shape: readonly number[], data: ArrayBufferView): NpyArray {
  if (data.byteLength !== byteLength({ descr, shape }))
    throw new Error(`${name}: ${data.byteLength} bytes for shape (${shape.join(', ')}) of ${descr}`)
  return {
    name,
    descr,
    shape,
    *chunks() {
      const bytes = bytesOf(data)
      const step = 8 << 20
      for (let i = 0; i < bytes.length; i += step) yield bytes.subarray(i, Math.min(bytes.length, i + step))
    },
  }
}

/** Text as NumPy's fixed-width unicode (`<U n`, UTF-32LE, padded with zeros): no pickle needed to load. */
export function stringArray(name: string, values: readonly string[], shape: readonly number[] = [values.length]): NpyArray {
  // Runs repeat a few names: code points once per distinct string.
  const points = new Map<string, number[]>()
  for (const s of values)
    if (!points.has(s))
      points.set(
        s,
        Array.from(s, (c) => c.codePointAt(0)!),
      )
  const width = Math.max(1, ...[...points.values()].map((p) => p.length))
  const data = new Uint32Array(values.length * width)
  // Runs of equal strings (a configuration's runs): the first row written, the rest copied
  // (a row at a time cost ≈ 0.1 µs per row).
  for (let i = 0; i < values.length;) {
    let end = i + 1
    while (end < values.length && values[end] === values[i]) end++
    data.set(points.get(values[i])!, i * width)
    repeatRow(data, width, i, end)
    i = end
  }
  return typedArray(name, `<U${width}`, shape, data)
}

/** Rows from + 1 … to − 1 of `a` (rows of `width` values) made copies of row `from`, in doubling native copies. */
export function repeatRow(a: Uint32Array | Float64Array, width: number, from: number, to: number): void {
  for (let filled = 1; filled < to - from; filled *= 2)
    a.copyWithin((from + filled) * width, from * width, (from + Math.min(2 * filled, to - from) - filled) * width)
}

// ---- CRC-32 (IEEE), slicing by 8 --------------------------------------------------------------

const CRC_TABLES = (() => {
  const t = new Int32Array(256 * 8)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c
  }
  for (let n = 0; n < 256; n++) for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff]
  return t
})()

/** Continue a CRC-32 over `bytes` (start with 0). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = CRC_TABLES
  let c = ~crc
  let i = 0
  const end8 = bytes.length - (bytes.length % 8)
  for (; i < end8; i += 8) {
    const a = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) ^ c
    c =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]]
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)
  return ~c >>> 0
}

// ---- zip (stored) ------------------------------------------------------------------------------

const U32_MAX = 0xffffffff

class Bytes {
  private readonly view: DataView
  readonly bytes: Uint8Array
  private at = 0
  constructor(size: number) {
    this.bytes = new Uint8Array(size)
    this.view = new DataView(this.bytes.buffer)
  }
  u16(v: number): this {
    this.view.setUint16(this.at, v, true)
    this.at += 2
    return this
  }
  u32(v: number): this {
    this.view.setUint32(this.at, v, true)
    this.at += 4
    return this
  }
  u64(v: number): this {
    this.u32(v % 2 ** 32)
    return this.u32(Math.floor(v / 2 ** 32))
  }
  raw(b: Uint8Array): this {
    this.bytes.set(b, this.at)
    this.at += b.length
    return this
  }
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0x7f)

interface Entry {
  name: Uint8Array
  offset: number
  size: number
  crc: number
}

/** 1980-01-01 00:00 in DOS time: NumPy's savez writes a fixed date too, keeping archives reproducible. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1

export interface NpzOptions {
  /** Write zip64 records even when small (tests the path large results take). */
  readonly forceZip64?: boolean
  /** The same CRC-32 in native code where there is one (Node's zlib.crc32: ≈ 10× this file's). */
  readonly crc32?: (bytes: Uint8Array, crc: number) => number
}

/** A `.npz` archive in pieces: one `NAME.npy` entry per array, in order. */
export function* npzChunks(arrays: readonly NpyArray[], options: NpzOptions = {}): Generator<Uint8Array> {
  const entries: Entry[] = []
  let offset = 0
  for (const a of arrays) {
    const name = ascii(`${a.name}.npy`)
    const header = npyHeader(a.descr, a.shape)
    const size = header.length + byteLength(a)
    const zip64 = options.forceZip64 || size >= U32_MAX
    // Local header: bit 3 = sizes and CRC follow the data; a zip64 entry says so in an extra field.
    const local = new Bytes(30 + name.length + (zip64 ? 20 : 0))
    local
      .u32(0x04034b50)
      .u16(zip64 ? 45 : 20)
      .u16(0x0008)
      .u16(0)
      .u16(0)
      .u16(DOS_DATE)
      .u32(0)
      .u32(zip64 ? U32_MAX : 0)
      .u32(zip64 ? U32_MAX : 0)
      .u16(name.length)
      .u16(zip64 ? 20 : 0)
      .raw(name)
    if (zip64) local.u16(0x0001).u16(16).u64(0).u64(0)
    yield local.bytes
    const crcOf = options.crc32 ?? crc32
    let crc = crcOf(header, 0)
    yield header
    let written = header.length
    for (const chunk of a.chunks()) {
      crc = crcOf(chunk, crc)
      written += chunk.length
      yield chunk
    }
    if (written !== size) throw new Error(`${a.name}: wrote ${written} bytes, expected ${size}`)
    const descriptor = new Bytes(zip64 ? 24 : 16)
    descriptor.u32(0x08074b50).u32(crc)
    if (zip64) descriptor.u64(size).u64(size)
    else descriptor.u32(size).u32(size)
    yield descriptor.bytes
    entries.push({ name, offset, size, crc })
    offset += local.bytes.length + size + descriptor.bytes.length
  }
  yield* centralDirectory(entries, offset, options.forceZip64 ?? false)
}

function* centralDirectory(entries: readonly Entry[], cdStart: number, force: boolean): Generator<Uint8Array> {
  let cdSize = 0
  for (const e of entries) {
    const big = force || e.size >= U32_MAX || e.offset >= U32_MAX
    const extra = big ? 28 : 0
    const rec = new Bytes(46 + e.name.length + extra)
    rec
      .u32(0x02014b50)
      .u16(45)
      .u16(big ? 45 : 20)
      .u16(0x0008)
      .u16(0)
      .u16(0)
      .u16(DOS_DATE)
      .u32(e.crc)
      .u32(big ? U32_MAX : e.size)
      .u32(big ? U32_MAX : e.size)
      .u16(e.name.length)
      .u16(extra)
      .u16(0)
      .u16(0)
      .u16(0)
      .u32(0)
      .u32(big ? U32_MAX : e.offset)
      .raw(e.name)
    if (big) rec.u16(0x0001).u16(24).u64(e.size).u64(e.size).u64(e.offset)
    cdSize += rec.bytes.length
    yield rec.bytes
  }
  const big = force || cdStart + cdSize >= U32_MAX || entries.length >= 0xffff
  if (big) {
    const end64 = new Bytes(56 + 20)
    end64.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0).u64(entries.length).u64(entries.length).u64(cdSize).u64(cdStart)
    end64
      .u32(0x07064b50)
      .u32(0)
      .u64(cdStart + cdSize)
      .u32(1)
    yield end64.bytes
  }
  const end = new Bytes(22)
  end
    .u32(0x06054b50)
    .u16(0)
    .u16(0)
    .u16(big ? 0xffff : entries.length)
    .u16(big ? 0xffff : entries.length)
    .u32(big ? U32_MAX : cdSize)
    .u32(big ? U32_MAX : cdStart)
    .u16(0)
  yield end.bytes
}
