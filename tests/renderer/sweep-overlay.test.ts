/** @vitest-environment node */
/**
 * The sweep's analytic overlays: heavy ball on a quadratic ("Why Momentum Really Works"). The
 * formulas are checked against the iteration itself (spectral radius of the two-step recursion and
 * a direct simulation), and the curvatures against the landscape's exact Hessian.
 */
import { describe, expect, it } from 'vitest'
import { constantHessian } from '../../src-renderer/data/constant-hessian'
import { criticalMomentum, heavyBallRate, heavyBallStable, stabilityLimitLr } from '../../src-renderer/data/heavy-ball'
import { sweepOverlay } from '../../src-renderer/data/sweep-overlay'

/** |w_k| after k steps of torch SGD with momentum on L = ½λw², from w = 1. */
function simulate(lr: number, beta: number, lambda: number, steps: number): number {
  let w = 1,
    v = 0
  for (let k = 0; k < steps; k++) {
    v = beta * v + lambda * w
    w -= lr * v
  }
  return Math.abs(w)
}

describe('heavy ball on a quadratic', () => {
  it('is stable exactly below lr = 2(1+β)/λ (by the spectral radius and by simulation)', () => {
    for (const beta of [0, 0.5, 0.9]) {
      for (const lambda of [1, 100]) {
        const limit = stabilityLimitLr(beta, lambda)
        expect(heavyBallRate(limit * 0.999, beta, lambda)).toBeLessThan(1)
        expect(heavyBallRate(limit * 1.001, beta, lambda)).toBeGreaterThan(1)
        expect(heavyBallStable(limit * 0.999, beta, [lambda])).toBe(true)
        expect(heavyBallStable(limit * 1.001, beta, [lambda])).toBe(false)
        expect(simulate(limit * 0.99, beta, lambda, 4000)).toBeLessThan(1e-3)
        expect(simulate(limit * 1.01, beta, lambda, 4000)).toBeGreaterThan(1e3)
      }
    }
    expect(stabilityLimitLr(0, 100)).toBe(0.02) // 2/λ
  })

  it('converges fastest at the critical momentum β* = (1 − √(lr·λ))²', () => {
    for (const [lr, lambda] of [
      [0.01, 1],
      [0.3, 1],
      [0.005, 100],
      [2.5, 1],
    ]) {
      const star = criticalMomentum(lr, [lambda])
      const best = heavyBallRate(lr, star, lambda)
      expect(best).toBeCloseTo(Math.abs(1 - Math.sqrt(lr * lambda)), 6) // = √β*
      // A brute-force scan over β finds no faster rate.
      let scanBest = Infinity
      for (let b = 0; b < 1; b += 1e-4) scanBest = Math.min(scanBest, heavyBallRate(lr, b, lambda))
      expect(best).toBeLessThanOrEqual(scanBest + 1e-9)
    }
    // Several curvatures: the largest critical momentum (the slowest mode's).
    expect(criticalMomentum(0.01, [1, 100])).toBeCloseTo((1 - Math.sqrt(0.01)) ** 2, 12)
  })
})

describe('constant Hessian of a landscape', () => {
  it('reads the exact Hessian of a quadratic and refuses one that varies', () => {
    expect(constantHessian('0.5*(x^2 + 100*y^2)')).toEqual({ hessian: [1, 0, 100], eigenvalues: [1, 100] })
    const booth = constantHessian('(x + 2*y - 7)^2 + (2*x + y - 5)^2')!
    expect(booth.hessian).toEqual([10, 8, 10])
    expect(booth.eigenvalues[0]).toBeCloseTo(2, 12)
    expect(booth.eigenvalues[1]).toBeCloseTo(18, 12)
    expect(constantHessian('x^4 + y^2')).toBeNull()
    expect(constantHessian('(x^2 + y - 11)^2 + (x + y^2 - 7)^2')).toBeNull()
    expect(constantHessian('x^^2')).toBeNull()
  })
})

describe('sweep overlay', () => {
  const spec = {
    optimizer: 0,
    x: { key: 'lr', from: 1e-3, to: 0.1, n: 8, log: true },
    y: { key: 'momentum', from: 0, to: 0.99, n: 8, log: false },
    metric: 'final' as const,
    tolerance: 1e-3,
  }

  it('draws the stability limit and the critical momentum for SGD over lr × momentum on a quadratic', () => {
    const o = sweepOverlay(spec, { name: 'sgd', lr: 0.01 }, [1, 100])
    expect(o.curves.map((c) => c.id)).toEqual(['stability', 'critical'])
    const stab = o.curves[0].points
    expect(stab[0]).toEqual([0.02, 0]) // β = 0: lr = 2/λ_max
    for (const [lr, b] of stab) expect(lr).toBeCloseTo((2 * (1 + b)) / 100, 12)
    // The larger of the two modes' critical momenta (λ = 1 at small lr, λ = 100 at large lr).
    for (const [lr, b] of o.curves[1].points) expect(b).toBeCloseTo(Math.max((1 - Math.sqrt(lr)) ** 2, (1 - Math.sqrt(100 * lr)) ** 2), 12)
    expect(o.curves[1].points[0][1]).toBeCloseTo((1 - Math.sqrt(1e-3)) ** 2, 12)
    // Axes swapped: the points swap too.
    const swapped = sweepOverlay({ ...spec, x: spec.y, y: spec.x }, { name: 'sgd' }, [1, 100])
    expect(swapped.curves[0].points[0]).toEqual([0, 0.02])
  })

  it('draws 2/λ on a one-axis lr sweep, and nothing where the analysis does not apply', () => {
    const one = sweepOverlay({ ...spec, y: null }, { name: 'sgd', lr: 0.01 }, [1, 100])
    expect(one.curves).toEqual([expect.objectContaining({ id: 'stability', at: 0.02 })])
    expect(one.curves[0].label).toMatch(/2\/λ_max = 0\.02/)
    expect(sweepOverlay(spec, { name: 'adam' }, [1, 100]).curves).toEqual([])
    expect(sweepOverlay(spec, { name: 'sgd', nesterov: true }, [1, 100]).curves).toEqual([])
    expect(sweepOverlay(spec, { name: 'sgd' }, null)).toEqual({ curves: [], note: expect.stringMatching(/not constant/) })
    expect(sweepOverlay(spec, { name: 'sgd' }, [-2, 2]).note).toMatch(/≤ 0/)
  })
})
