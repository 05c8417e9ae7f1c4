/** @vitest-environment node */
/**
 * Gradient estimators (src-shared/estimator): the specs a scenario may give and the specific
 * refusals; unbiasedness of every estimator (the mean of 10⁵ draws within 4σ of ∇L, per
 * coordinate); the forward gradient's closed-form covariance Cov[ĝ] = (‖g‖² I + g gᵀ)/K for
 * Gaussian directions; and the draws' counters (seeded, identical for identical counters).
 */
import { describe, expect, it } from 'vitest'
import {
  direction,
  estimateGradient,
  type GradientSpec,
  type LossFunctions,
  MAX_DIRECTIONS,
  parseGradientSpec,
} from '../../src-shared/estimator'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { parseScenario } from '../../src-shared/scenario'

const DRAWS = 100_000

/** L, ∇L of a landscape expression (float64, from the symbolic derivatives). */
const lossOf = (expr: string): LossFunctions => landscapeFromSpec({ expr }).compiled

/** Draws of ĝ at one point: draw i is step t = i + 1 of stream 3. */
function draws(spec: GradientSpec, f: LossFunctions, x: number, y: number, n = DRAWS): { gx: Float64Array; gy: Float64Array } {
  const gx = new Float64Array(n)
  const gy = new Float64Array(n)
  const out = [0, 0]
  for (let i = 0; i < n; i++) {
    estimateGradient(spec, f, x, y, 3, i + 1, out)
    gx[i] = out[0]
    gy[i] = out[1]
  }
  return { gx, gy }
}

const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length
const std = (a: Float64Array) => {
  const m = mean(a)
  return Math.sqrt(a.reduce((s, v) => s + (v - m) * (v - m), 0) / (a.length - 1))
}

function gradientAt(f: LossFunctions, x: number, y: number): [number, number] {
  const vg = new Float64Array(3)
  f.valueAndGradient(x, y, vg)
  return [vg[1], vg[2]]
}

describe('specs', () => {
  const scenario = (gradient: unknown) => ({
    landscape: { preset: 'rosenbrock' },
    optimizer: { name: 'adam', lr: 0.01, gradient },
    init: [0, 0],
    steps: 5,
  })
  const refusal = (gradient: unknown) => {
    try {
      parseScenario(scenario(gradient))
    } catch (e) {
      return (e as Error).message
    }
    return 'accepted'
  }

  it('defaults to the exact gradient, and fills the fields a spec leaves out', () => {
    expect(parseScenario({ ...scenario(undefined) }).optimizers[0].gradient).toBeUndefined()
    expect(parseScenario(scenario({ estimator: 'true' })).optimizers[0].gradient).toBeUndefined()
    expect(parseGradientSpec({ estimator: 'forward' }, 'g')).toEqual({ estimator: 'forward', directions: 1, seed: 0 })
    expect(parseGradientSpec({ estimator: 'zeroth_order', mu: 0.01, directions: 4, seed: 9 }, 'g')).toEqual({
      estimator: 'zeroth_order',
      mu: 0.01,
      directions: 4,
      distribution: 'gaussian',
      seed: 9,
    })
    expect(parseScenario(scenario({ estimator: 'forward', directions: 8, seed: 2 })).optimizers[0].gradient).toEqual({
      estimator: 'forward',
      directions: 8,
      seed: 2,
    })
  })

  it('refuses bad specs with a message naming the field and the problem', () => {
    expect(refusal('forward')).toBe('optimizer.gradient: must be an object like {"estimator": "forward", "directions": 4, "seed": 0}')
    expect(refusal({ directions: 2 })).toBe('optimizer.gradient.estimator: is required ("true", "forward" or "zeroth_order")')
    expect(refusal({ estimator: 'backward' })).toBe(
      'optimizer.gradient.estimator: unknown estimator "backward" (known: "true", "forward", "zeroth_order")',
    )
    expect(refusal({ estimator: 'forward', directions: 0 })).toBe('optimizer.gradient.directions: must be at least 1, got 0')
    expect(refusal({ estimator: 'forward', directions: MAX_DIRECTIONS + 1 })).toBe(
      `optimizer.gradient.directions: must be at most ${MAX_DIRECTIONS}, got ${MAX_DIRECTIONS + 1}`,
    )
    expect(refusal({ estimator: 'forward', directions: 2.5 })).toBe(
      'optimizer.gradient.directions: must be a whole number of directions, got 2.5',
    )
    expect(refusal({ estimator: 'zeroth_order', mu: 0 })).toBe('optimizer.gradient.mu: must be > 0 (the finite-difference step), got 0')
    expect(refusal({ estimator: 'zeroth_order', mu: -1 })).toBe('optimizer.gradient.mu: must be > 0 (the finite-difference step), got -1')
    expect(refusal({ estimator: 'zeroth_order', mu: '1' })).toBe('optimizer.gradient.mu: must be a number, got "1"')
    expect(refusal({ estimator: 'zeroth_order', distribution: 'cube' })).toBe(
      'optimizer.gradient.distribution: must be "gaussian" or "sphere", got "cube"',
    )
    expect(refusal({ estimator: 'forward', mu: 0.1 })).toBe(
      'optimizer.gradient.mu: is not a field of the forward estimator (its fields: directions, seed)',
    )
    expect(refusal({ estimator: 'true', seed: 1 })).toBe('optimizer.gradient.seed: is not a field of the true estimator (it has no fields)')
    expect(refusal({ estimator: 'forward', seed: 0.5 })).toBe('optimizer.gradient.seed: must be a whole number, got 0.5')
  })

  it('names the entry of a list of optimizers', () => {
    expect(() =>
      parseScenario({
        ...scenario(undefined),
        optimizer: undefined,
        optimizers: [{ name: 'sgd' }, { name: 'sgd', gradient: { estimator: 'x' } }],
      }),
    ).toThrow(/^optimizers\[1\]\.gradient\.estimator: unknown estimator "x"/)
  })
})

describe('draws', () => {
  const forward: GradientSpec = { estimator: 'forward', directions: 1, seed: 5 }

  it('depend only on (seed, stream, step, direction): same counters, same direction; any other counter, another', () => {
    const a = [0, 0]
    const b = [0, 0]
    direction(forward, 2, 7, 1, a)
    direction({ ...forward, directions: 9 }, 2, 7, 1, b)
    expect(b).toEqual(a)
    for (const [stream, t, k, seed] of [
      [3, 7, 1, 5],
      [2, 8, 1, 5],
      [2, 7, 0, 5],
      [2, 7, 1, 6],
    ]) {
      direction({ ...forward, seed }, stream, t, k, b)
      expect(b).not.toEqual(a)
    }
  })

  it('sphere directions are unit vectors', () => {
    const v = [0, 0]
    for (let t = 1; t < 100; t++) {
      direction({ estimator: 'zeroth_order', mu: 1, directions: 1, distribution: 'sphere', seed: 1 }, 0, t, 0, v)
      expect(Math.hypot(v[0], v[1])).toBeCloseTo(1, 14)
    }
  })
})

describe('unbiasedness: the mean of 10⁵ draws is within 4σ of ∇L in each coordinate', () => {
  const quadratic = lossOf('3*x^2 + x*y + 0.5*y^2 - 2*x')
  const cases: Array<[string, GradientSpec, LossFunctions]> = [
    ['forward, K = 1', { estimator: 'forward', directions: 1, seed: 11 }, lossOf('(1-x)^2 + 100*(y-x^2)^2')],
    ['forward, K = 3', { estimator: 'forward', directions: 3, seed: 12 }, lossOf('sin(x) * cos(y) + x^2')],
    // The central difference is exact for quadratics, so the estimate is unbiased for any μ there.
    ['zeroth order, Gaussian', { estimator: 'zeroth_order', mu: 0.5, directions: 1, distribution: 'gaussian', seed: 13 }, quadratic],
    ['zeroth order, sphere (d-scaled)', { estimator: 'zeroth_order', mu: 0.5, directions: 2, distribution: 'sphere', seed: 14 }, quadratic],
  ]
  for (const [name, spec, f] of cases) {
    it(name, () => {
      const [x, y] = [0.7, -0.4]
      const g = gradientAt(f, x, y)
      const { gx, gy } = draws(spec, f, x, y)
      for (const [c, a] of [gx, gy].entries()) {
        const sigma = std(a) / Math.sqrt(DRAWS)
        expect(Math.abs(mean(a) - g[c])).toBeLessThan(4 * sigma)
      }
    })
  }

  it('a small μ keeps the zeroth-order estimate unbiased to O(μ²) on a non-quadratic landscape', () => {
    const f = lossOf('(1-x)^2 + 100*(y-x^2)^2')
    const spec: GradientSpec = { estimator: 'zeroth_order', mu: 1e-4, directions: 1, distribution: 'sphere', seed: 15 }
    const g = gradientAt(f, 0.7, -0.4)
    const { gx, gy } = draws(spec, f, 0.7, -0.4)
    expect(Math.abs(mean(gx) - g[0])).toBeLessThan(4 * (std(gx) / Math.sqrt(DRAWS)))
    expect(Math.abs(mean(gy) - g[1])).toBeLessThan(4 * (std(gy) / Math.sqrt(DRAWS)))
  })
})

describe('the forward gradient covariance for Gaussian directions: (‖g‖² δ_ij + g_i g_j) / K', () => {
  for (const K of [1, 4]) {
    it(`K = ${K}`, () => {
      const f = lossOf('(1-x)^2 + 100*(y-x^2)^2')
      const [x, y] = [0.3, 0.2]
      const g = gradientAt(f, x, y)
      const n2 = g[0] * g[0] + g[1] * g[1]
      const { gx, gy } = draws({ estimator: 'forward', directions: K, seed: 21 + K }, f, x, y)
      const e = [gx.map((v) => v - g[0]), gy.map((v) => v - g[1])]
      for (const [i, j] of [
        [0, 0],
        [0, 1],
        [1, 1],
      ]) {
        const products = e[i].map((v, k) => v * e[j][k])
        const expected = ((i === j ? n2 : 0) + g[i] * g[j]) / K
        // Products of the centred draws (centred on the true mean) have mean Cov_ij exactly: within 4 standard errors.
        expect(Math.abs(mean(products) - expected)).toBeLessThan(4 * (std(products) / Math.sqrt(DRAWS)))
        // And the standard error is small enough for the check to mean something.
        expect(std(products) / Math.sqrt(DRAWS)).toBeLessThan(0.05 * (n2 / K))
      }
    })
  }
})
