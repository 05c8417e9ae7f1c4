/** @vitest-environment node */
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import { applyCell, axisValues, reduceCells, sweepDoc } from '../../src-renderer/data/sweep'
import { DEFAULT_SCENARIO } from '../../src-renderer/store/scenario'

describe('sweep data', () => {
  const spec = { optimizer: 1, x: { key: 'lr', from: 1e-4, to: 1e-2, n: 3, log: true }, y: { key: 'momentum', from: 0, to: 0.9, n: 2, log: false }, metric: 'final' as const, tolerance: 1e-3 }

  it('axis values are exact at both ends, log or linear', () => {
    expect(axisValues(spec.x)).toEqual([1e-4, expect.closeTo(1e-3, 15), 1e-2])
    expect(axisValues(spec.y)).toEqual([0, 0.9])
  })

  it('builds a valid scenario whose runs are y-major, then x, then start point', () => {
    const s = parseScenario(sweepDoc(DEFAULT_SCENARIO, spec))
    expect(s.optimizers).toHaveLength(1)
    expect(s.optimizers[0].configs.map((h) => [h.momentum, h.lr])).toEqual([
      [0, 1e-4], [0, expect.closeTo(1e-3, 15)], [0, expect.closeTo(1e-2, 15)], [0.9, 1e-4], [0.9, expect.closeTo(1e-3, 15)], [0.9, expect.closeTo(1e-2, 15)],
    ])
    expect(s.starts.x.length).toBe(12)
  })

  it('reduces each cell to the median over start points, with divergence as Infinity or a fraction', () => {
    // 2 cells × 3 starts × 2 kept points; run r = cell·3 + start.
    const loss = Float32Array.from([9, 1, 9, 3, 9, 2, 9, 0.5, 9, 8, 9, 7])
    const diverged = Int32Array.from([-1, -1, -1, -1, 1, 1])
    expect(Array.from(reduceCells(loss, 2, 10, diverged, 2, 3, 'final', 0))).toEqual([2, Infinity])
    expect(Array.from(reduceCells(loss, 2, 10, diverged, 2, 3, 'diverged', 0))).toEqual([0, 2 / 3])
    expect(Array.from(reduceCells(loss, 2, 10, diverged, 2, 3, 'tolerance', 2.5))).toEqual([10, Infinity])
  })

  it('applies a cell to an optimizer entry, including one component of a pair', () => {
    expect(applyCell({ name: 'sgd', lr: 1 }, spec, 0.1, 0.5, {})).toEqual({ name: 'sgd', lr: 0.1, momentum: 0.5 })
    const beta = { ...spec, y: { key: 'betas[1]', from: 0.9, to: 0.999, n: 2, log: false } }
    expect(applyCell({ name: 'adam', lr: 1 }, beta, 0.1, 0.99, { betas: [0.9, 0.999] })).toEqual({ name: 'adam', lr: 0.1, betas: [0.9, 0.99] })
  })
})
