/**
 * Chunk arrays that come back to the engine worker once its owner has passed them on (the hosts
 * copy a chunk into an IPC message or a WebSocket frame as they send it). Reusing them matters:
 * a 10⁴-trajectory × 1000-step job fills 120 MB of chunk arrays, and fresh memory costs more to
 * touch here than the kernel takes to compute the points (bench: `npm run bench -- --streamed`).
 */

/** Buffers kept for reuse: the chunks in flight (protocol.ts MAX_CHUNKS_IN_FLIGHT) and one more, two arrays each. */
export const SPARE_CHUNK_BUFFERS = 10
/** And at most this many bytes of them (a float32 chunk is about 3 MB: job.ts KERNEL_BLOCK_POINTS). */
export const SPARE_CHUNK_BYTES = 64 * 2 ** 20

export class ChunkBuffers {
  /** Returned buffers, oldest first. */
  private readonly spare: ArrayBuffer[] = []

  constructor(
    private readonly limit = SPARE_CHUNK_BUFFERS,
    private readonly byteLimit = SPARE_CHUNK_BYTES,
  ) {}

  /**
   * A Float32Array of `length` elements: on a returned buffer of exactly that size when there is
   * one (its old contents still in it: the caller writes every element), else fresh.
   */
  take(length: number): Float32Array {
    const i = this.spare.findIndex((b) => b.byteLength === length * Float32Array.BYTES_PER_ELEMENT)
    return i < 0 ? new Float32Array(length) : new Float32Array(this.spare.splice(i, 1)[0])
  }

  /** Buffers given back (detached ones, of length 0, are skipped); past either limit the oldest go. */
  give(buffers: readonly ArrayBuffer[]): void {
    for (const b of buffers) if (b.byteLength > 0) this.spare.push(b)
    while (this.spare.length > this.limit || this.bytes > this.byteLimit) this.spare.shift()
  }

  /** Buffers kept. */
  get size(): number {
    return this.spare.length
  }

  /** Bytes kept. */
  get bytes(): number {
    return this.spare.reduce((sum, b) => sum + b.byteLength, 0)
  }
}
