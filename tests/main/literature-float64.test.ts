/** @vitest-environment node */
/**
 * The optimizers from the literature on the float64 path: every public reference case of
 * tests/fixtures/literature within 1e-6·(1+|x|) over the first 200 steps (the engine's own path,
 * runScenario, as the CLI runs it), and one invariant per family that holds whatever the numbers.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import { runScenario } from '../../src-main/engine/run-scenario'
import { landscapeFromExpression } from '../../src-shared/landscape'

const DIR = join(__dirname, '../fixtures/literature')
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()

interface Reference {
  steps: number
  trajectory: number[][]
  loss: number[]
}

const tol = (ref: number) => 1e-6 * (1 + Math.abs(ref))

async function run(doc: Record<string, unknown>) {
  return (await runScenario(parseScenario(doc))).runs[0]
}

describe('literature optimizers against their float64 references', () => {
  it('has all 47 public cases', () => expect(FILES.length).toBe(47))

  it.each(FILES)('%s', async (file) => {
    const ref = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Reference
    const upto = Math.min(200, ref.steps)
    const got = await run({ ...(ref as unknown as Record<string, unknown>), steps: upto })
    expect(got.diverged_at).toBeNull()
    for (let k = 0; k <= upto; k++) {
      for (let c = 0; c < 2; c++) {
        const want = ref.trajectory[k][c]
        expect(Math.abs(got.trajectory[k][c] - want), `step ${k} coordinate ${c}`).toBeLessThanOrEqual(tol(want))
      }
      expect(Math.abs(got.loss[k] - ref.loss[k]), `loss at step ${k}`).toBeLessThanOrEqual(tol(ref.loss[k]))
    }
  })
})

const steps = (t: Array<[number, number]>) => t.slice(1).map((p, k) => [p[0] - t[k][0], p[1] - t[k][1]] as const)

describe('invariants of the literature rules', () => {
  it('Lion moves every coordinate by exactly lr without weight decay', async () => {
    const r = await run({ landscape: { preset: 'rosenbrock' }, optimizer: { name: 'lion', lr: 0.01 }, init: [-1.2, 1.7], steps: 60 })
    for (const [dx, dy] of steps(r.trajectory)) {
      expect(Math.abs(Math.abs(dx) - 0.01)).toBeLessThan(1e-15 * 8)
      expect(Math.abs(Math.abs(dy) - 0.01)).toBeLessThan(1e-15 * 8)
    }
  })

  it('Newton solves a quadratic in one step', async () => {
    const expr = '3*(x - 1)^2 + (x - 1)*(y + 2) + 2*(y + 2)^2'
    const r = await run({ landscape: { expr }, optimizer: { name: 'newton', lr: 1 }, init: [4, 3], steps: 1 })
    expect(r.trajectory[1][0]).toBeCloseTo(1, 12)
    expect(r.trajectory[1][1]).toBeCloseTo(-2, 12)
  })

  it('saddle-free Newton moves away from a saddle that Newton approaches', async () => {
    const doc = (name: string) => ({ landscape: { expr: 'x^2 - y^2' }, optimizer: { name, lr: 0.5 }, init: [0.5, 0.1], steps: 10 })
    const dist = (p: [number, number]) => Math.hypot(p[0], p[1])
    const newton = await run(doc('newton'))
    const sfn = await run(doc('saddlefreenewton'))
    expect(dist(newton.trajectory[10])).toBeLessThan(1e-3)
    expect(Math.abs(sfn.trajectory[10][1])).toBeGreaterThan(10 * 0.1)
    expect(Math.abs(sfn.trajectory[10][0])).toBeLessThan(1e-3)
  })

  it('gradient clipping bounds the step norm by lr·max_norm', async () => {
    const r = await run({
      landscape: { preset: 'rosenbrock' },
      optimizer: { name: 'clipsgd', lr: 0.01, max_norm: 0.5 },
      init: [-1.5, 2],
      steps: 50,
    })
    const norms = steps(r.trajectory).map(([dx, dy]) => Math.hypot(dx, dy))
    for (const n of norms) expect(n).toBeLessThanOrEqual(0.01 * 0.5 * (1 + 1e-12))
    // Far from the minimum the gradient is long: the bound is reached, not just respected.
    expect(norms[0]).toBeCloseTo(0.005, 8)
  })

  it('SAM takes its gradient at the perturbed point', async () => {
    const expr = '(x - 1)^4 + x*y + 3*y^2'
    const [x, y, rho, lr] = [0.3, -0.8, 0.2, 0.05]
    const r = await run({ landscape: { expr }, optimizer: { name: 'sam', lr, rho }, init: [x, y], steps: 1 })
    const f = landscapeFromExpression(expr).compiled
    const g = new Float64Array(3)
    f.valueAndGradient(x, y, g)
    const n = Math.hypot(g[1], g[2])
    const ex = (g[1] * rho) / (n + 1e-12)
    const ey = (g[2] * rho) / (n + 1e-12)
    const gs = new Float64Array(3)
    f.valueAndGradient(x + ex, y + ey, gs)
    expect(r.trajectory[1][0]).toBeCloseTo(x - lr * gs[1], 14)
    expect(r.trajectory[1][1]).toBeCloseTo(y - lr * gs[2], 14)
    // …which is not plain SGD's step.
    expect(Math.abs(r.trajectory[1][0] - (x - lr * g[1]))).toBeGreaterThan(1e-3)
  })

  it('normalized GD takes steps of length lr (up to eps)', async () => {
    const r = await run({ landscape: { preset: 'himmelblau' }, optimizer: { name: 'normgd', lr: 0.02, eps: 0 }, init: [0, 0], steps: 20 })
    for (const [dx, dy] of steps(r.trajectory)) expect(Math.hypot(dx, dy)).toBeCloseTo(0.02, 14)
  })
})

describe('Gauss–Newton residuals', () => {
  const booth = '(x + 2*y - 7)^2 + (2*x + y - 5)^2'
  it('accepts residuals whose squares sum to the landscape, and the ½ convention', async () => {
    const r = await run({
      landscape: { expr: `0.5*(${booth})`, residuals: ['x + 2*y - 7', '2*x + y - 5'] },
      optimizer: { name: 'gaussnewton' },
      init: [-5, -5],
      steps: 1,
    })
    expect(r.trajectory[1][0]).toBeCloseTo(1, 12)
    expect(r.trajectory[1][1]).toBeCloseTo(3, 12)
  })

  it('refuses residuals that do not sum to the landscape, naming the field', () => {
    expect(() =>
      parseScenario({
        landscape: { expr: booth, residuals: ['x + 2*y - 7', '2*x + y - 4'] },
        optimizer: { name: 'gaussnewton' },
        init: [0, 0],
        steps: 1,
      }),
    ).toThrow(/landscape\.residuals: their squares do not sum to the landscape's expression/)
  })

  it('refuses a residual that does not parse, naming its index', () => {
    expect(() =>
      parseScenario({ landscape: { expr: booth, residuals: ['x + 2*y - 7', 'z'] }, optimizer: { name: 'sgd' }, init: [0, 0], steps: 1 }),
    ).toThrow(/landscape\.residuals\[1\]/)
  })

  it('refuses Gauss–Newton on a landscape without residuals', () => {
    expect(() => parseScenario({ landscape: { expr: booth }, optimizer: { name: 'gaussnewton' }, init: [0, 0], steps: 1 })).toThrow(
      /optimizer: gaussnewton needs the landscape's residuals/,
    )
  })
})
