/**
 * A file descriptor written from a worker thread, so that an output's bytes are formatted on this
 * thread while the previous ones are written out (writes to a new file run at 0.4–4 GB/s here:
 * for a 0.6 GB JSON output, a second or more that used to block the formatting).
 *
 * A ring of SLOTS buffers in shared memory: `write` copies bytes into the next free slot (waiting
 * with Atomics.wait while the writer still holds it) and hands it over; the thread writes the
 * slots in order. `finish` waits until every slot is written. A failed write (disk full, a closed
 * pipe) stops the thread, and the next call here throws its error with its errno code.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'

const SLOTS = 4
const SLOT_BYTES = 8 << 20
/** Control words: a state per slot (FREE, FULL, STOP), then each slot's length, then the error flag. */
const FREE = 0
const FULL = 1
const STOP = 2
const ERROR_FLAG = 2 * SLOTS

// The thread's whole program: our own constant text (no input reaches it but the descriptor).
const WRITER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { fd, data: shared, control, port, slots, slotBytes } = workerData;
const data = new Uint8Array(shared);
const state = new Int32Array(control);
for (let k = 0; ; k = (k + 1) % slots) {
  while (Atomics.load(state, k) === ${FREE}) Atomics.wait(state, k, ${FREE});
  if (Atomics.load(state, k) === ${STOP}) break;
  const length = state[slots + k];
  try {
    for (let at = 0; at < length; ) {
      try {
        at += writeSync(fd, data, k * slotBytes + at, length - at);
      } catch (e) {
        // A non-blocking pipe that is full is not an error: try again.
        if (e.code !== 'EAGAIN') throw e;
      }
    }
  } catch (e) {
    port.postMessage({ message: String(e && e.message || e), code: e && e.code, errno: e && e.errno, syscall: e && e.syscall });
    Atomics.store(state, ${ERROR_FLAG}, 1);
    for (let j = 0; j < slots; j++) Atomics.notify(state, j);
    break;
  }
  Atomics.store(state, k, ${FREE});
  Atomics.notify(state, k);
}
`

export class BackgroundWriter {
  private readonly data = new Uint8Array(new SharedArrayBuffer(SLOTS * SLOT_BYTES))
  private readonly state = new Int32Array(new SharedArrayBuffer(4 * (2 * SLOTS + 1)))
  private readonly channel = new MessageChannel()
  private readonly worker: Worker
  private next = 0
  private stopped = false

  constructor(fd: number) {
    this.worker = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: {
        fd,
        data: this.data.buffer,
        control: this.state.buffer,
        port: this.channel.port2,
        slots: SLOTS,
        slotBytes: SLOT_BYTES,
      },
      transferList: [this.channel.port2],
    })
    // Never what keeps the process alive: finish() waits for the writes it owes.
    this.worker.unref()
    this.channel.port1.unref()
  }

  /** Copy `bytes` into the ring (the caller may reuse them at once) for the thread to write. */
  write(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length;) {
      const k = this.next
      this.waitFree(k)
      const length = Math.min(SLOT_BYTES, bytes.length - at)
      this.data.set(bytes.subarray(at, at + length), k * SLOT_BYTES)
      this.state[SLOTS + k] = length
      Atomics.store(this.state, k, FULL)
      Atomics.notify(this.state, k)
      this.next = (k + 1) % SLOTS
      at += length
    }
  }

  /** Wait until everything handed over is written, then stop the thread (throws a write's error). */
  finish(): void {
    for (let j = 0; j < SLOTS; j++) this.waitFree((this.next + j) % SLOTS)
    this.stop()
  }

  /**
   * The output is being discarded: stop the thread once the slots it holds are written (at most
   * SLOTS × SLOT_BYTES), so no write reaches the descriptor after the caller closes it.
   */
  abandon(): void {
    try {
      this.finish()
    } catch {
      /* the output is discarded anyway */
    }
  }

  private stop(): void {
    if (this.stopped) return
    this.stopped = true
    Atomics.store(this.state, this.next, STOP)
    Atomics.notify(this.state, this.next)
  }

  private waitFree(k: number): void {
    while (Atomics.load(this.state, k) !== FREE) {
      this.throwIfFailed()
      Atomics.wait(this.state, k, FULL, 100)
    }
    this.throwIfFailed()
  }

  /** The write error, once the thread has reported one (every later call throws it too). */
  private failure: Error | null = null

  private throwIfFailed(): void {
    if (this.failure) throw this.failure
    if (Atomics.load(this.state, ERROR_FLAG) === 0) return
    this.stopped = true
    const received = receiveMessageOnPort(this.channel.port1)?.message as
      { message: string; code?: string; errno?: number; syscall?: string } | undefined
    const err = new Error(received?.message ?? 'the output writer failed') as NodeJS.ErrnoException
    if (received?.code) err.code = received.code
    if (received?.errno !== undefined) err.errno = received.errno
    if (received?.syscall) err.syscall = received.syscall
    this.failure = err
    throw err
  }
}
