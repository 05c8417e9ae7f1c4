/**
 * One reused buffer that text outputs (JSON, CSV) write their bytes into, handed to the sink in
 * large pieces. The sink writes or copies each piece before returning (Sink.write), so the buffer
 * is reused at once: a 0.6 GB output costs this one buffer, not strings of its size.
 */
import { writeJsonNumber, writeNumber } from './number-bytes'

/** Bytes gathered before a piece is handed on: above the sink's batch size, so it goes straight to the file. */
const PIECE = 8 << 20
/** Room kept free past PIECE for one row or pair of numbers written without a check (a CSV row:
 * its run's fixed columns, at most ROW_PREFIX_MAX, and a few numbers of MAX_NUMBER_BYTES each). */
const SLACK = 1 << 16
/** Longest fixed part of a row that writers may copy unchecked after a `full()` check. */
export const ROW_PREFIX_MAX = SLACK / 2

export class ByteOut {
  readonly buf: Buffer = Buffer.allocUnsafe(PIECE + SLACK)
  /** Where the next byte goes. Writers may write up to SLACK bytes past a `full()` check. */
  pos = 0

  constructor(private readonly emit: (piece: Uint8Array) => void) {}

  /** Whether the piece is ready to go (call flush); below it, SLACK bytes may be written unchecked. */
  full(): boolean {
    return this.pos >= PIECE
  }

  /** Hand on what is gathered (the buffer is reused: the sink has written or copied it on return). */
  flush(): void {
    if (this.pos > 0) this.emit(this.buf.subarray(0, this.pos))
    this.pos = 0
  }

  /** Any text, as UTF-8. */
  text(s: string): void {
    if (s.length * 3 > SLACK) {
      // Longer than the slack (a sweep's lr_history): as a piece of its own, after what is gathered.
      this.flush()
      this.emit(Buffer.from(s, 'utf8'))
      return
    }
    if (this.full()) this.flush()
    this.pos += this.buf.write(s, this.pos, 'utf8')
  }

  /**
   * Bytes made once and written many times (a configuration's fixed text, per run): short ones
   * copied byte by byte, which beats a native call; past ROW_PREFIX_MAX, a piece of their own.
   */
  bytes(b: Uint8Array): void {
    if (b.length > ROW_PREFIX_MAX) {
      this.flush()
      this.emit(b)
      return
    }
    if (this.full()) this.flush()
    const buf = this.buf
    let pos = this.pos
    if (b.length > 64) buf.set(b, pos)
    else for (let k = 0; k < b.length; k++) buf[pos + k] = b[k]
    pos += b.length
    this.pos = pos
  }

  /** One number as JSON writes it (null for NaN and ±Infinity). */
  jsonNumber(x: number): void {
    if (this.full()) this.flush()
    this.pos = writeJsonNumber(this.buf, this.pos, x)
  }

  /** One number as String writes it. */
  number(x: number): void {
    if (this.full()) this.flush()
    this.pos = writeNumber(this.buf, this.pos, x)
  }
}
