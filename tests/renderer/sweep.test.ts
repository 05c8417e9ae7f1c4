/** @vitest-environment node */
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import {
  applyCell,
  axisValues,
  CELL_DIVERGED,
  CELL_NEVER_REACHED,
  CELL_OK,
  previewIndices,
  reduceCells,
  reduceSweepCells,
  reReduce,
  sweepDoc,
  sweepSignature,
} from '../../src-renderer/data/sweep'
import { colourScale, decadeTicks, rampPosition } from '../../src-renderer/data/sweep-scale'
import { DEFAULT_SCENARIO } from '../../src-renderer/store/scenario'

describe('sweep data', () => {
  const spec = {
    optimizer: 1,
    x: { key: 'lr', from: 1e-4, to: 1e-2, n: 3, log: true },
    y: { key: 'momentum', from: 0, to: 0.9, n: 2, log: false },
    metric: 'final' as const,
    tolerance: 1e-3,
  }

  it('axis values are exact at both ends, log or linear', () => {
    expect(axisValues(spec.x)).toEqual([1e-4, expect.closeTo(1e-3, 15), 1e-2])
    expect(axisValues(spec.y)).toEqual([0, 0.9])
  })

  it('builds a valid scenario whose runs are y-major, then x, then start point', () => {
    const s = parseScenario(sweepDoc(DEFAULT_SCENARIO, spec))
    expect(s.optimizers).toHaveLength(1)
    expect(s.optimizers[0].configs.map((h) => [h.momentum, h.lr])).toEqual([
      [0, 1e-4],
      [0, expect.closeTo(1e-3, 15)],
      [0, expect.closeTo(1e-2, 15)],
      [0.9, 1e-4],
      [0.9, expect.closeTo(1e-3, 15)],
      [0.9, expect.closeTo(1e-2, 15)],
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
    expect(applyCell({ name: 'adam', lr: 1 }, beta, 0.1, 0.99, { betas: [0.9, 0.999] })).toEqual({
      name: 'adam',
      lr: 0.1,
      betas: [0.9, 0.99],
    })
  })

  it('takes the true median over an even number of starts (the mean of the two middle ones)', () => {
    // 1 cell × 4 starts × 1 kept point: final losses 1, 2, 4, 8 → median 3 (not the lower middle 2).
    const loss = Float32Array.from([8, 1, 4, 2])
    expect(Array.from(reduceCells(loss, 1, 1, Int32Array.from([-1, -1, -1, -1]), 1, 4, 'final', 0))).toEqual([3])
  })

  it('tells a diverged cell from one that never reached the tolerance', () => {
    // 3 cells × 3 starts × 3 kept points (every 5 steps). Cell 0 reaches 0.5 at kept point 1 for two starts;
    // cell 1 never gets below 2 (finite, slow); cell 2 has two diverged starts.
    const loss = Float32Array.from([9, 0.5, 0.1, 9, 0.5, 0.1, 9, 9, 9, 9, 5, 3, 9, 4, 2, 9, 8, 7, 9, 9, 9, 9, NaN, NaN, 9, NaN, NaN])
    const diverged = Int32Array.from([-1, -1, -1, -1, -1, -1, -1, 1, 1])
    const tol = reduceSweepCells(loss, 3, 5, diverged, 3, 3, 'tolerance', 1)
    expect(Array.from(tol.values)).toEqual([5, Infinity, Infinity])
    expect(Array.from(tol.status)).toEqual([CELL_OK, CELL_NEVER_REACHED, CELL_DIVERGED])
    const fin = reduceSweepCells(loss, 3, 5, diverged, 3, 3, 'final', 1)
    expect(Array.from(fin.values)).toEqual([expect.closeTo(0.1, 6), 3, Infinity])
    expect(Array.from(fin.status)).toEqual([CELL_OK, CELL_OK, CELL_DIVERGED])
  })

  it('re-reduces a finished sweep for another metric without running it again', () => {
    const loss = Float32Array.from([9, 0.5, 9, 3])
    const raw = {
      loss,
      kept: 2,
      every: 10,
      divergedAt: Int32Array.from([-1, -1]),
      starts: 1,
      previewXY: new Float32Array(0),
      previewPoints: 0,
      previewStride: 1,
    }
    const r = { ...reduceSweepCells(loss, 2, 10, raw.divergedAt, 2, 1, 'final', 0), xs: [1, 2], ys: null, seconds: 0, raw }
    const t = reReduce(r, 'tolerance', 1)
    expect(Array.from(t.values)).toEqual([10, Infinity])
    expect(Array.from(t.status)).toEqual([CELL_OK, CELL_NEVER_REACHED])
  })

  it('keeps every stride-th kept point and the last for the preview', () => {
    expect(previewIndices(301, 64)).toEqual({ stride: 5, count: 61 })
    expect(previewIndices(10, 64)).toEqual({ stride: 1, count: 10 })
    expect(previewIndices(202, 64)).toEqual({ stride: 4, count: 52 }) // 0, 4, …, 200 and 201
  })

  it('marks a map stale when the scenario it ran changes, not when its own cell is applied', () => {
    const sig = sweepSignature(DEFAULT_SCENARIO, spec)
    const applied = {
      ...DEFAULT_SCENARIO,
      optimizers: DEFAULT_SCENARIO.optimizers.map((o, k) => (k === 1 ? applyCell(o, spec, 0.001, 0.5, {}) : o)),
    }
    expect(sweepSignature(applied, spec)).toBe(sig)
    expect(sweepSignature({ ...DEFAULT_SCENARIO, extra: { precision: 'float32' } }, spec)).not.toBe(sig)
    expect(sweepSignature({ ...DEFAULT_SCENARIO, steps: 100 }, spec)).not.toBe(sig)
    expect(sweepSignature({ ...DEFAULT_SCENARIO, landscape: { preset: 'booth' } }, spec)).not.toBe(sig)
  })
})

describe('sweep colour scale', () => {
  it('floors exact zeros on the log scale instead of stretching it over 300 decades', () => {
    const s = colourScale([0, 1e-6, 1e-3, 1], 'final')!
    expect(s.log).toBe(true)
    expect(s.lo).toBe(1e-6)
    expect(s.hi).toBe(1)
    expect(s.floored).toBe(true)
    // The zero takes the floor's (best) colour; the other cells spread over the ramp.
    expect(rampPosition(0, s)).toBe(1)
    expect(rampPosition(1e-6, s)).toBe(1)
    expect(rampPosition(1e-3, s)).toBeCloseTo(0.5, 12)
    expect(rampPosition(1, s)).toBe(0)
    expect(s.ticks).toEqual([1e-6, 1e-4, 1e-2, 1])
  })

  it('caps the log range at 16 decades below the worst cell', () => {
    const s = colourScale([1e-31, 1e-20, 1e3], 'final')!
    expect(s.lo).toBeCloseTo(1e3 * 1e-16, 20)
    expect(s.floored).toBe(true)
    expect(rampPosition(1e-20, s)).toBe(1)
  })

  it('uses a linear scale for steps and a fixed 0…1 scale for the diverged fraction, ignoring non-finite cells', () => {
    const st = colourScale([10, Infinity, 50, 30], 'tolerance')!
    expect([st.log, st.lo, st.hi, st.floored]).toEqual([false, 10, 50, false])
    expect(rampPosition(30, st)).toBeCloseTo(0.5, 12)
    expect(Number.isNaN(rampPosition(Infinity, st))).toBe(true)
    expect(colourScale([0.25], 'diverged')).toMatchObject({ lo: 0, hi: 1 })
    expect(colourScale([Infinity, Infinity], 'final')).toBeNull()
  })

  it('puts decade ticks inside the range only', () => {
    expect(decadeTicks(3e-4, 0.03)).toEqual([1e-3, 1e-2])
    expect(decadeTicks(2, 3)).toEqual([])
  })
})
