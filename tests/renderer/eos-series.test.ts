/** @vitest-environment node */
/** The EoS view's pure computations: trapezoid smoothing, oscillation along u, onset, ticks. */
import { describe, expect, it } from 'vitest'
import { eosOnset, extent, linearTicks, logTicks, oscillation, smooth, tickLabel } from '../../src-renderer/eos/series'

describe('smooth (centred 21-point trapezoid)', () => {
  it('removes a period-2 component exactly and keeps a linear trend', () => {
    const n = 60
    const v = Array.from({ length: n }, (_, k) => 3 + 0.5 * k + (k % 2 === 0 ? 1 : -1))
    const s = smooth(v, n)
    for (let k = 10; k < n - 10; k++) expect(s[k]).toBeCloseTo(3 + 0.5 * k, 12)
  })

  it('shrinks the window symmetrically at the ends (raw value at the first and last point)', () => {
    const v = [1, 5, 2, 8, 3, 9, 4]
    const s = smooth(v, 7, 10)
    expect(s[0]).toBe(1)
    expect(s[6]).toBe(4)
    expect(s[1]).toBeCloseTo((0.5 * 1 + 5 + 0.5 * 2) / 2, 14) // h = 1
    expect(s[3]).toBeCloseTo((0.5 * 1 + 5 + 2 + 8 + 3 + 9 + 0.5 * 4) / 6, 14) // h = 3
  })

  it('reads strided data (one coordinate of interleaved xy) and propagates NaN only within the window', () => {
    const xy = [0, 10, 1, 20, 2, 30, 3, 40, 4, 50]
    expect(Array.from(smooth(xy, 5, 1, 2, 1))).toEqual([10, 20, 30, 40, 50])
    const withNaN = [1, 1, 1, NaN, 1, 1, 1, 1, 1, 1]
    const s = smooth(withNaN, 10, 1)
    expect(Number.isNaN(s[2]) && Number.isNaN(s[3]) && Number.isNaN(s[4])).toBe(true)
    expect(s[6]).toBe(1)
  })
})

describe('oscillation ⟨x − x̄, u⟩', () => {
  it('is ±σ for the cubic valley 2-cycle (4, ±1) with u = (0, 1), and 0 across the axis', () => {
    const n = 40
    const xy: number[] = []
    const axis: number[] = []
    for (let k = 0; k < n; k++) {
      xy.push(4, k % 2 === 0 ? 1 : -1)
      axis.push(0, 1)
    }
    const o = oscillation(xy, axis, n)
    for (let k = 10; k < n - 10; k++) expect(o[k]).toBeCloseTo(k % 2 === 0 ? 1 : -1, 12)
    const across = oscillation(
      xy,
      Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? 1 : 0)),
      n,
    )
    for (let k = 10; k < n - 10; k++) expect(across[k]).toBeCloseTo(0, 12)
    expect(Number.isNaN(o[0]) && Number.isNaN(o[n - 1])).toBe(true) // no centred window at the ends
  })

  it('orients u by continuity, so a sign-fixed axis that flips with the side still shows both sides', () => {
    // At (4, ±1) the engine's sign-fixed axis is (0.24, ±0.97): folded, the projection is always +.
    const n = 40
    const c = 0.24,
      s = Math.sqrt(1 - c * c)
    const xy: number[] = []
    const axis: number[] = []
    for (let k = 0; k < n; k++) {
      const side = k % 2 === 0 ? 1 : -1
      xy.push(4, side)
      axis.push(c, side * s)
    }
    const o = oscillation(xy, axis, n)
    for (let k = 10; k < n - 10; k++) expect(Math.sign(o[k])).toBe(k % 2 === 0 ? 1 : -1)
    for (let k = 10; k < n - 10; k++) expect(Math.abs(o[k])).toBeCloseTo(s, 12)
  })
})

describe('eosOnset', () => {
  it('is the first k with S_k ≥ threshold (equality counts), skipping NaN; null if never', () => {
    expect(eosOnset([1, 2, NaN, 4.9, 5, 6], 6, 5)).toBe(4)
    expect(eosOnset([1, 2, 5.0001], 3, 5)).toBe(2)
    expect(eosOnset([NaN, 1, 2], 3, 5)).toBeNull()
    expect(eosOnset([9, 9], 2, NaN)).toBeNull()
    expect(eosOnset([1, 9], 1, 5)).toBeNull() // only the first n points count
  })
})

describe('axes', () => {
  it('extent skips non-finite (and non-positive for log) values', () => {
    expect(extent([[1, NaN, 3], null, [-2, Infinity]], 3)).toEqual([-2, 3])
    expect(extent([[0, -1, 0.5, 2]], 4, true)).toEqual([0.5, 2])
    expect(extent([[NaN]], 1)).toBeNull()
  })
  it('linear and decade ticks cover the data with round numbers', () => {
    const t = linearTicks(0.3, 4.7)
    expect(t.domain[0]).toBeLessThanOrEqual(0.3)
    expect(t.domain[1]).toBeGreaterThanOrEqual(4.7)
    expect(t.ticks).toEqual([0, 2, 4, 6])
    expect(linearTicks(0.3, 4.7, 8).ticks).toEqual([0, 1, 2, 3, 4, 5])
    expect(linearTicks(5, 5).ticks.length).toBeGreaterThan(1)
    expect(logTicks(2e-3, 30)).toEqual({ domain: [1e-3, 100], ticks: [1e-3, 1e-2, 1e-1, 1, 10, 100] })
    expect(logTicks(2, 3).ticks).toEqual([1, 10])
    expect(logTicks(1, 1).ticks).toEqual([0.1, 1, 10])
    expect([tickLabel(0), tickLabel(1e-3), tickLabel(0.25), tickLabel(800), tickLabel(12500)]).toEqual([
      '0',
      '1e-3',
      '0.25',
      '800',
      '1.25e4',
    ])
  })
})
