/**
 * The CLI's background writer (src-main/cli/output/background-writer.ts): bytes handed over in
 * pieces of any size reach the file whole and in order, and a failed write (a full device)
 * surfaces as that write's error, with its errno code, on this thread.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BackgroundWriter } from '../../src-main/cli/output/background-writer'
import { openOutput } from '../../src-main/cli/output/sink'

const dir = mkdtempSync(join(tmpdir(), 'gradscape-writer-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Deterministic bytes (a different value at every offset modulo 251). */
function bytes(n: number, salt = 0): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 7 + salt) % 251
  return out
}

describe('BackgroundWriter', () => {
  it('writes pieces of every size, past its ring of slots, in order', () => {
    const path = join(dir, 'ordered.bin')
    const fd = openSync(path, 'w')
    const writer = new BackgroundWriter(fd)
    const sizes = [1, 3, 9 << 20, 1234567, 8 << 20, 17, 30 << 20, 5]
    const pieces = sizes.map((n, k) => bytes(n, k))
    for (const piece of pieces) {
      writer.write(piece)
      piece.fill(0) // the caller may reuse its buffer at once
    }
    writer.finish()
    closeSync(fd)
    const expected = Buffer.concat(sizes.map((n, k) => bytes(n, k)))
    const written = readFileSync(path)
    expect(written.length).toBe(expected.length)
    expect(written.equals(expected)).toBe(true)
  })

  it.skipIf(!existsSync('/dev/full'))('reports a full device as ENOSPC, on finish and on every later call', () => {
    const fd = openSync('/dev/full', 'w')
    const writer = new BackgroundWriter(fd)
    let caught: NodeJS.ErrnoException | undefined
    try {
      for (let k = 0; k < 8; k++) writer.write(bytes(8 << 20))
      writer.finish()
    } catch (e) {
      caught = e as NodeJS.ErrnoException
    }
    expect(caught?.code).toBe('ENOSPC')
    expect(() => writer.write(bytes(10))).toThrow(caught!.message)
    closeSync(fd)
  })
})

describe('file outputs through the writer', () => {
  it('commits a large output whole, and an aborted one leaves no file', () => {
    const path = join(dir, 'big.out')
    const sink = openOutput(path)
    const piece = bytes(3 << 20)
    for (let k = 0; k < 12; k++) sink.write(piece)
    sink.write('tail\n')
    sink.commit()
    const written = readFileSync(path)
    expect(written.length).toBe(12 * (3 << 20) + 5)
    expect(written.subarray(5 * (3 << 20), 6 * (3 << 20)).equals(Buffer.from(piece))).toBe(true)
    expect(written.subarray(-5).toString()).toBe('tail\n')

    const aborted = join(dir, 'aborted.out')
    const other = openOutput(aborted)
    for (let k = 0; k < 12; k++) other.write(piece)
    other.abort()
    expect(existsSync(aborted)).toBe(false)
  })
})
