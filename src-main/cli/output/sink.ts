/**
 * Where a result goes: a temporary file beside the target, probed before the simulation starts
 * (so an unwritable --out is reported at once, not after the run), written in large pieces, and
 * renamed over the target only when everything is written: all or nothing. `-` is stdout.
 */
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { errnoText } from '../errno'
import { BackgroundWriter } from './background-writer'

/** An output that cannot be opened or written: one line, exit 2 like other usage problems. */
export class OutputError extends Error {}

export interface Sink {
  /** Write or copy `piece` before returning: the caller may reuse its buffer at once. */
  write(piece: string | Uint8Array): void
  /** Make the output visible (rename into place). */
  commit(): void
  /** Remove what was written; the target is left as it was. */
  abort(): void
}

/** Bytes gathered before a write call: few system calls, bounded memory. */
const WRITE_BATCH = 4 << 20

function fileSink(fd: number, finish: () => void, discard: () => void, background = false): Sink {
  // Small pieces (zip headers, short runs) are copied into one batch buffer; large ones go
  // straight through. Copying (not keeping references) lets writers reuse their piece buffers.
  let batch: Buffer | undefined
  let batched = 0
  // Outputs past one batch are written from a thread (./background-writer.ts) while the next
  // bytes are formatted; smaller ones never start it.
  let writer: BackgroundWriter | null = null
  const drain = () => {
    if (batched > 0) writeOut(batch!.subarray(0, batched))
    batched = 0
  }
  const writeOut = (bytes: Uint8Array) => {
    if (background) {
      writer ??= new BackgroundWriter(fd)
      writer.write(bytes)
    } else writeAll(bytes)
  }
  const writeAll = (bytes: Uint8Array) => {
    for (let at = 0; at < bytes.length;) {
      try {
        at += writeSync(fd, bytes, at, bytes.length - at)
      } catch (err) {
        // stdout may be a non-blocking pipe (`--out -`): a full pipe is not an error, try again.
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
      }
    }
  }
  return {
    write(piece) {
      const size = typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length
      if (size >= WRITE_BATCH) {
        drain()
        writeOut(typeof piece === 'string' ? Buffer.from(piece) : piece)
        return
      }
      if (batched + size > WRITE_BATCH) drain()
      batch ??= Buffer.allocUnsafe(WRITE_BATCH)
      if (typeof piece === 'string') batched += batch.write(piece, batched)
      else {
        batch.set(piece, batched)
        batched += size
      }
    },
    commit() {
      drain()
      writer?.finish()
      finish()
    },
    abort() {
      writer?.abandon()
      discard()
    },
  }
}

/** Open `path` for a result: the check before the run. Throws OutputError naming the problem. */
export function openOutput(path: string): Sink {
  if (path === '-') {
    const stdout = fileSink(
      1,
      () => undefined,
      () => undefined,
    )
    // `run … --out - | head` closes the pipe early: that is not an error (as in main.ts).
    const quietly = (f: () => void) => {
      try {
        f()
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0)
        throw err
      }
    }
    return { write: (piece) => quietly(() => stdout.write(piece)), commit: () => quietly(() => stdout.commit()), abort: () => undefined }
  }
  const target = resolve(path)
  if (existsSync(target) && statSync(target).isDirectory()) throw new OutputError(`cannot write ${path}: is a directory`)
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`)
  const failed = (err: unknown) => new OutputError(`cannot write ${path}: ${errnoText(err, 'no such directory')}`)
  // The check: create and remove the temporary file now. It is created again for the writing,
  // after the run, so an interrupted run (Ctrl-C during the simulation) leaves nothing behind.
  try {
    closeSync(openSync(tmp, 'w'))
    rmSync(tmp, { force: true })
  } catch (err) {
    throw failed(err)
  }
  let fd = -1
  let sink: Sink | null = null
  const discard = () => {
    try {
      if (fd >= 0) closeSync(fd)
    } catch {
      /* already closed */
    }
    fd = -1
    rmSync(tmp, { force: true })
  }
  const opened = (): Sink => {
    if (sink) return sink
    fd = openSync(tmp, 'w')
    return (sink = fileSink(
      fd,
      () => {
        closeSync(fd)
        fd = -1
        renameSync(tmp, target)
      },
      discard,
      true,
    ))
  }
  return {
    write(piece) {
      try {
        opened().write(piece)
      } catch (err) {
        sink?.abort()
        discard()
        throw failed(err)
      }
    },
    commit() {
      try {
        opened().commit()
      } catch (err) {
        sink?.abort()
        discard()
        throw failed(err)
      }
    },
    abort() {
      sink?.abort()
      discard()
    },
  }
}
