/**
 * interleave-rows.ts: the kept points of a recording kernel's rows (point-major, a row per
 * column) reshuffled run-major with x and y interleaved, inside a shared memory, for a range of
 * lane groups; every float moved bit for bit (NaN and -0 included), nothing outside the range
 * written.
 */
import { describe, expect, it } from 'vitest'
import { interleaveRows } from '../../src-main/engine/wasm/interleave-rows'

const MIB = 2 ** 20

describe('interleaveRows', () => {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true })
  const interleave = interleaveRows(memory)
  const mem = new Float32Array(memory.buffer)

  // [stride, points recorded, lane groups g0 … g1): counts not a multiple of 4, single points, a middle range.
  const cases: Array<[number, number, number, number]> = [
    [64, 7, 0, 16],
    [128, 69, 0, 32],
    [64, 1, 0, 1],
    [64, 4, 0, 16],
    [192, 13, 5, 37],
  ]
  for (const [stride, count, g0, g1] of cases) {
    it(`stride ${stride}, ${count} points, lane groups ${g0} … ${g1 - 1}`, () => {
      const rowFloats = count * stride
      const src = [0, 1, 2].map((c) => 4 * c * rowFloats) // X, Y, L rows, byte offsets
      const dstXY = 4 * 3 * rowFloats
      const dstL = dstXY + 8 * rowFloats
      const end = dstL / 4 + rowFloats
      expect(end * 4).toBeLessThan(4 * MIB)
      for (let k = 0; k < 3 * rowFloats; k++) mem[k] = k % 97 === 0 ? NaN : k % 89 === 0 ? -0 : ((k * 0.37) % 5) - 2
      mem.fill(7, 3 * rowFloats, end)
      interleave(src[0], src[1], src[2], stride, count, dstXY, dstL, count, g0, g1)
      const bad: string[] = []
      const value = (column: number, i: number, j: number) => mem[column * rowFloats + j * stride + i]
      for (let i = 0; i < stride; i++) {
        const inRange = i >= 4 * g0 && i < 4 * g1
        for (let j = 0; j < count; j++) {
          const at = i * count + j
          const got = [mem[dstXY / 4 + 2 * at], mem[dstXY / 4 + 2 * at + 1], mem[dstL / 4 + at]]
          const expected = inRange ? [value(0, i, j), value(1, i, j), value(2, i, j)] : [7, 7, 7]
          if (!expected.every((v, c) => Object.is(v, got[c]))) bad.push(`particle ${i}, point ${j}: ${got} vs ${expected}`)
        }
      }
      expect(bad.slice(0, 5)).toEqual([])
    })
  }
})
