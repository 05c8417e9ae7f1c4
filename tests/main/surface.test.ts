/** @vitest-environment node */
import { describe, expect, it } from 'vitest'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { sampleKernel, sampleSurface } from '../../src-main/engine/surface'

describe('loss surface sampling', () => {
  it('samples row-major with x fastest, exact at the grid corners', () => {
    const l = landscapeFromSpec({ preset: 'rosenbrock' })
    const s = sampleSurface(l, { landscape: { preset: 'rosenbrock' }, x: [-2, 2], y: [-1, 3], n: [5, 3] })
    expect(s.values[0]).toBe(Math.fround(l.compiled.value(-2, -1)))
    expect(s.values[4]).toBe(Math.fround(l.compiled.value(2, -1)))
    expect(s.values[5 * 2]).toBe(Math.fround(l.compiled.value(-2, 3)))
    expect(s.values[5 + 3]).toBe(Math.fround(l.compiled.value(1, 1)))
  })

  it('gives robust colour limits: 1st and 99th percentiles within [min, max]', () => {
    const s = sampleSurface(landscapeFromSpec({ preset: 'goldstein_price' }), {
      landscape: { preset: 'goldstein_price' },
      x: [-2, 2],
      y: [-3, 1],
      n: [101, 101],
    })
    const sorted = Array.from(s.values).sort((a, b) => a - b)
    expect(s.min).toBe(sorted[0])
    expect(s.max).toBe(sorted.at(-1))
    expect(s.lo).toBeCloseTo(sorted[Math.round(0.01 * (sorted.length - 1))], 3)
    expect(s.hi).toBeLessThan(s.max) // the heavy tail does not set the colour scale
  })

  it('marks non-finite samples as NaN and leaves them out of the limits', () => {
    const s = sampleSurface(landscapeFromSpec({ expr: 'log(x)' }), { landscape: { expr: 'log(x)' }, x: [-1, 1], y: [0, 1], n: [3, 2] })
    expect(Number.isNaN(s.values[0])).toBe(true) // log(-1)
    expect(Number.isNaN(s.values[1])).toBe(true) // log(0) = -Infinity
    expect(s.values[2]).toBe(0)
    expect(s.min).toBe(0)
  })

  it('the GPU.js surface kernel agrees with the float64 sampler (cpu and webasm backends)', () => {
    for (const preset of ['rastrigin', 'ackley', 'himmelblau']) {
      const l = landscapeFromSpec({ preset })
      const req = { landscape: { preset }, x: [-4, 4] as [number, number], y: [-3, 5] as [number, number], n: [64, 48] as [number, number] }
      const exact = sampleSurface(l, req).values
      for (const mode of ['cpu', 'webasm'] as const) {
        const k = sampleKernel(l, req, mode)
        expect(k).toHaveLength(64 * 48)
        for (let i = 0; i < k.length; i++) expect(Math.abs(k[i] - exact[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(exact[i])))
      }
    }
  })
})
