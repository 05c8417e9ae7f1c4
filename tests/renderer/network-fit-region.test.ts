/**
 * The network view's region fitted to the projected path (src-renderer/network/fit-region.ts):
 * square, centred on the path, containing it with the margin, and refitted only when the current
 * region does not frame it (cut off, or more than twice as wide).
 */
import { describe, expect, it } from 'vitest'
import { PATH_MARGIN, pathRegion, regionFrames } from '../../src-renderer/network/fit-region'

describe('pathRegion', () => {
  it('is a square around the path with the margin on the wider axis', () => {
    // a ∈ [−0.07, 0.01], b ∈ [−0.02, 0.02]: half-width 0.04 on a.
    const xy = [0, 0, -0.07, 0.02, 0.01, -0.02, NaN, 5]
    const r = pathRegion(xy, 4)!
    const half = 0.04 * (1 + PATH_MARGIN)
    expect(r.x[0]).toBeCloseTo(-0.03 - half, 12)
    expect(r.x[1]).toBeCloseTo(-0.03 + half, 12)
    expect(r.y[0]).toBeCloseTo(-half, 12)
    expect(r.y[1]).toBeCloseTo(half, 12)
  })
  it('gives a still path a small region of its own, and none to a path without a finite point', () => {
    const r = pathRegion([2, 3, 2, 3], 2)!
    expect(r.x[1] - r.x[0]).toBeGreaterThan(0)
    expect(r.x[0]).toBeLessThan(2)
    expect(r.y[1]).toBeGreaterThan(3)
    expect(pathRegion([NaN, NaN], 1)).toBeNull()
  })
})

describe('pathRegion of several runs', () => {
  it('covers every run’s first n points (run-major, kept per run), not the points after n', () => {
    // Two runs of kept = 3, n = 2: run 0 at (0,0), (1,0); run 1 at (0,0), (0,−3); index 2 of each is past n.
    const xy = [0, 0, 1, 0, 99, 99, 0, 0, 0, -3, 99, 99]
    const r = pathRegion(xy, 2, 0, 2, 3)!
    expect(r.y[0]).toBeCloseTo(-3, 12)
    expect(r.y[1]).toBeCloseTo(0, 12)
    expect(r.x[0]).toBeCloseTo(0.5 - 1.5, 12)
    expect(r.x[1]).toBeCloseTo(0.5 + 1.5, 12)
  })
})

describe('regionFrames', () => {
  const fit = { x: [-0.1, 0.1] as [number, number], y: [-0.1, 0.1] as [number, number] }
  it('keeps a region that contains the fit and is at most twice as wide', () => {
    expect(regionFrames({ x: [-0.15, 0.15], y: [-0.2, 0.2] }, fit)).toBe(true)
  })
  it('refits a region that is far wider than the path (the default [−1, 1] around a tiny path)', () => {
    expect(regionFrames({ x: [-1, 1], y: [-1, 1] }, fit)).toBe(false)
  })
  it('refits a region that cuts the path off', () => {
    expect(regionFrames({ x: [-0.05, 0.2], y: [-0.2, 0.2] }, fit)).toBe(false)
  })
})
