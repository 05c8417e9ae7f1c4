/** @vitest-environment node */
/**
 * number-bytes (the CLI's JSON and CSV number writer) against the engine it must match: for
 * millions of doubles of every kind, writeNumber's bytes are String(x) and writeJsonNumber's are
 * JSON.stringify(x), byte for byte; and the fast path (not only the String fallback) is what
 * writes nearly all of them.
 */
import { describe, expect, it } from 'vitest'
import { MAX_NUMBER_BYTES, writeJsonNumber, writeNumber, writePositive } from '../../src-main/cli/output/number-bytes'

/** A seeded xorshift128+ stream of 32-bit words: failures reproduce. */
function words(seed: number): () => number {
  let a = seed >>> 0 || 1
  let b = 0x9e3779b9
  return () => {
    let t = a
    const s = b
    a = s
    t ^= t << 11
    t ^= t >>> 8
    b = (t ^ s ^ (s >>> 19)) >>> 0
    return b
  }
}

const view = new DataView(new ArrayBuffer(8))
/** Doubles from uniformly random bit patterns (every exponent, NaNs and infinities included). */
function randomBits(n: number, seed: number): Float64Array {
  const next = words(seed)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    view.setUint32(0, next())
    view.setUint32(4, next())
    out[i] = view.getFloat64(0)
  }
  return out
}
/** float32 values (widened) from random float32 bit patterns. */
function randomFloat32Bits(n: number, seed: number): Float64Array {
  const next = words(seed)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    view.setUint32(0, next())
    out[i] = view.getFloat32(0)
  }
  return out
}
/** What trajectories hold: float32 and float64 values of moderate size, from uniform draws. */
function uniform(n: number, seed: number, scale: number, float32: boolean): Float64Array {
  const next = words(seed)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const v = ((next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53 - 0.5) * scale
    out[i] = float32 ? Math.fround(v) : v
  }
  return out
}
/** Short decimals (what schedules and hyperparameters hold), integers, powers of ten and two. */
function structured(): Float64Array {
  const out: number[] = [0, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON]
  out.push(
    2.2250738585072014e-308,
    2.225073858507201e-308,
    9007199254740991,
    9007199254740992,
    Number('9007199254740993'),
    2 ** 63,
    1e21,
    1e21 - 65536,
  )
  out.push(
    Number('999999999999999900000'),
    0.1 + 0.2,
    1 / 3,
    2 / 3,
    5e-7,
    Number('4.9999999999999996e-7'),
    1e-6,
    Number('9.999999999999999e-7'),
    123456.789e-12,
  )
  for (let e = -325; e <= 309; e++) {
    for (const m of [
      '1',
      '2',
      '3',
      '5',
      '9.5',
      '1.5',
      '7.25',
      '9.999999999999999',
      '9.9999999999999999',
      '1.0000000000000002',
      '4.35',
      '0.1',
    ])
      out.push(Number(`${m}e${e}`), -Number(`${m}e${e}`))
  }
  for (let e = -1075; e <= 1024; e++)
    out.push(2 ** e, 2 ** e * (1 + Number.EPSILON), 2 ** e * (1 - Number.EPSILON / 2), Math.fround(2 ** e * 1.1))
  const next = words(7)
  for (let i = 0; i < 100_000; i++) {
    // Integers of every length, and decimals with up to 17 significant digits.
    const digits = 1 + (next() % 17)
    const n = Math.floor((next() / 2 ** 32) * 10 ** digits)
    out.push(n, -n, n / 10 ** (next() % 30), Number(`${n}e${(next() % 640) - 330}`))
  }
  return Float64Array.from(out)
}

/** Every value through `write`, comma-separated in one buffer, against `reference` of each. */
function compare(values: Float64Array, write: typeof writeNumber, reference: (x: number) => string): void {
  const buf = Buffer.allocUnsafe(values.length * (MAX_NUMBER_BYTES + 1))
  let pos = 0
  let longest = 0
  for (let i = 0; i < values.length; i++) {
    if (i) buf[pos++] = 44
    const end = write(buf, pos, values[i])
    longest = Math.max(longest, end - pos)
    pos = end
  }
  expect(longest).toBeLessThanOrEqual(MAX_NUMBER_BYTES)
  const got = buf.toString('latin1', 0, pos).split(',')
  expect(got.length).toBe(values.length)
  const wrong: string[] = []
  for (let i = 0; i < values.length && wrong.length < 10; i++) {
    const want = reference(values[i])
    if (got[i] !== want) wrong.push(`${want} written as ${got[i]}`)
  }
  expect(wrong).toEqual([])
}

const sets: Array<[string, () => Float64Array]> = [
  ['random bit patterns', () => randomBits(1_000_000, 1)],
  ['float32 bit patterns', () => randomFloat32Bits(600_000, 2)],
  ['float32 trajectories in ±4', () => uniform(800_000, 3, 8, true)],
  ['float32 losses up to 10⁴', () => uniform(200_000, 4, 2e4, true).map(Math.abs)],
  ['float64 trajectories in ±4', () => uniform(300_000, 5, 8, false)],
  ['short decimals, integers, powers of ten and two, edge cases', structured],
]

describe('number-bytes', () => {
  for (const [name, make] of sets) {
    it(`writeNumber is String(x) and writeJsonNumber is JSON.stringify(x): ${name}`, () => {
      const values = make()
      compare(values, writeNumber, String)
      // JSON differs only where the value is not finite: check those and a sample of the rest.
      compare(
        values.filter((x, i) => !Number.isFinite(x) || i % 16 === 0),
        writeJsonNumber,
        (x) => JSON.stringify(x),
      )
    })
  }

  it('writes -0 as 0, and NaN/±Infinity by name (String) or as null (JSON)', () => {
    const one = (write: typeof writeNumber, x: number) => {
      const buf = Buffer.alloc(MAX_NUMBER_BYTES)
      return buf.toString('latin1', 0, write(buf, 0, x))
    }
    expect([-0, NaN, Infinity, -Infinity].map((x) => one(writeNumber, x))).toEqual(['0', 'NaN', 'Infinity', '-Infinity'])
    expect([-0, NaN, Infinity, -Infinity].map((x) => one(writeJsonNumber, x))).toEqual(['0', 'null', 'null', 'null'])
  })

  it('the fast path, not the String fallback, writes nearly every non-integer (or the speed is gone)', () => {
    const buf = Buffer.alloc(MAX_NUMBER_BYTES)
    for (const values of [uniform(100_000, 11, 8, true), uniform(100_000, 12, 8, false), randomBits(200_000, 13)]) {
      let fast = 0
      let eligible = 0
      const wrong: string[] = []
      for (const x of values) {
        const a = Math.abs(x)
        if (!(a >= 1e-280 && a <= 1e280) || Number.isInteger(a)) continue
        eligible++
        const end = writePositive(buf, 0, a)
        if (end < 0) continue
        fast++
        const got = buf.toString('latin1', 0, end)
        if (got !== String(a) && wrong.length < 10) wrong.push(`${String(a)} written as ${got}`)
      }
      expect(wrong).toEqual([])
      expect(eligible).toBeGreaterThan(50_000)
      expect(fast / eligible).toBeGreaterThan(0.9999)
    }
  })
})
