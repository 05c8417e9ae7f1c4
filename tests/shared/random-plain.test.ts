import { describe, expect, it } from 'vitest'
import { normal, uniform } from '../../src-shared/random'
import { plainNormal, plainUniform, plainUniformPair, reduceSeed } from '../../src-shared/random-plain'

/** The eval-free mirror of the hash (random-plain.ts) draws what the engines draw, to the last bit. */
describe('random-plain', () => {
  it('equals random.ts bit for bit over seeds, streams, steps and counters (estimator and noise counters included)', () => {
    const seeds = [0, 1, 42, 4092, 4093, 123457, 2 ** 24 - 1, -5, 2 ** 40 + 3]
    const args = [0, 1, 2, 3, 17, 1023, 1024, 1025, 3071, 3072, 4093, 65536, 2 ** 22 + 11]
    let n = 0
    for (const s of seeds)
      for (const a of args)
        for (const b of [0, 1, 50, 4094])
          for (const c of [0, 1, 1024, 1025, 3072, 5120 + 7]) {
            expect(plainNormal(s, a, b, c)).toBe(normal(s, a, b, c))
            expect(plainUniform(s, a, b, c)).toBe(uniform(s, a, b, c))
            n++
          }
    expect(n).toBeGreaterThan(2000)
  })

  it('draws (c, c + 1) pairs equal to two uniform calls bit for bit, across seed changes', () => {
    const out = new Float64Array(2)
    let n = 0
    for (const s of [0, 7, 4093, 2 ** 24 - 1, -5, 7])
      for (const a of [0, 1, 4092, 4093, 65536, 3_999_999, 2 ** 24 - 1])
        for (const b of [0, 1, 0xfffff])
          for (const c of [0, 2, 4092, 4094, 70]) {
            plainUniformPair(s, a, b, c, out)
            expect([out[0], out[1]]).toEqual([uniform(s, a, b, c), uniform(s, a, b, c + 1)])
            n++
          }
    expect(n).toBeGreaterThan(500)
  })

  it('takes remainders by 4093 exactly at and around its multiples, small and large (gsMod multiplies by 1/4093)', () => {
    let n = 0
    for (const k of [1, 2, 3, 1000, 4093, 2 ** 20 + 1, 2 ** 30 + 7, 2 ** 36 - 1])
      for (const d of [-1, 0, 1]) {
        const a = k * 4093 + d
        expect(plainUniform(9, a, a, a)).toBe(uniform(9, a, a, a))
        expect(plainNormal(a % 2 ** 24, 3, a, 1)).toBe(normal(a % 2 ** 24, 3, a, 1))
        n++
      }
    expect(n).toBe(24)
  })

  it('reduces seeds into the exact range', () => {
    expect(reduceSeed(2 ** 24 + 5)).toBe(5)
    expect(reduceSeed(-1)).toBe(2 ** 24 - 1)
  })
})
