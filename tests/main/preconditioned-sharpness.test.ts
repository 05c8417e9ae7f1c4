/** @vitest-environment node */
/**
 * Preconditioned sharpness λ₁(P⁻¹H) recorded per kept step (docs/central-flows.md, "Thresholds for other optimizers") and the
 * stability threshold it is held against (§1.5), checked against an independent transcription of
 * torch's Adam and RMSprop state.
 */
import { describe, expect, it } from 'vitest'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { parseScenario } from '../../src-shared/scenario'
import { runScenario } from '../../src-main/engine/run-scenario'

const top = (a: number, b: number, c: number) => 0.5 * (a + c) + Math.sqrt(0.25 * (a - c) ** 2 + b * b)

function expected(name: 'adam' | 'rmsprop', lr: number, steps: number): number[] {
  const f = landscapeFromSpec({ preset: 'rosenbrock' }).compiled
  const g = new Float64Array(3)
  const h = new Float64Array(3)
  let [x, y] = [-1.5, 2]
  const m = [0, 0]
  const v = [0, 0]
  const out = [NaN]
  for (let t = 1; t <= steps; t++) {
    f.valueAndGradient(x, y, g)
    const grad = [g[1], g[2]]
    const p = [0, 0]
    for (let c = 0; c < 2; c++) {
      if (name === 'adam') {
        m[c] = 0.9 * m[c] + 0.1 * grad[c]
        v[c] = 0.999 * v[c] + 0.001 * grad[c] ** 2
        const vhat = v[c] / (1 - 0.999 ** t)
        p[c] = Math.sqrt(vhat) + 1e-8
      } else {
        v[c] = 0.99 * v[c] + 0.01 * grad[c] ** 2
        p[c] = (Math.sqrt(v[c]) + 1e-8) / lr
      }
    }
    const step =
      name === 'adam' ? [((lr / (1 - 0.9 ** t)) * m[0]) / p[0], ((lr / (1 - 0.9 ** t)) * m[1]) / p[1]] : [grad[0] / p[0], grad[1] / p[1]]
    x -= step[0]
    y -= step[1]
    f.hessian(x, y, h)
    out.push(top(h[0] / p[0], h[1] / Math.sqrt(p[0] * p[1]), h[2] / p[1]))
  }
  return out
}

describe('preconditioned sharpness', () => {
  it.each([
    ['adam', 0.01],
    ['rmsprop', 0.001],
  ] as const)('%s: λ₁(P⁻¹H) after each step matches an independent transcription', async (name, lr) => {
    const s = parseScenario({
      landscape: { preset: 'rosenbrock' },
      optimizer: { name, lr },
      init: [-1.5, 2],
      steps: 30,
      record: { sharpness: true },
    })
    const run = (await runScenario(s)).runs[0] as unknown as {
      preconditioned_sharpness: number[]
      stability_threshold: { kind: string; value: number }
    }
    const want = expected(name, lr, 30)
    expect(Number.isNaN(run.preconditioned_sharpness[0])).toBe(true) // no preconditioner before the first step
    for (let k = 1; k <= 30; k++) expect(run.preconditioned_sharpness[k]).toBeCloseTo(want[k], 6)
    expect(run.stability_threshold.kind).toBe('preconditioned')
    expect(run.stability_threshold.value).toBeCloseTo(name === 'adam' ? 38 / lr : 2, 9)
  })

  it('GD reports its Hessian threshold 2/η and no preconditioned sharpness', async () => {
    const s = parseScenario({
      landscape: { preset: 'rosenbrock' },
      optimizer: { name: 'sgd', lr: 0.001 },
      init: [-1.5, 2],
      steps: 3,
      record: { sharpness: true },
    })
    const run = (await runScenario(s)).runs[0] as unknown as Record<string, unknown>
    expect(run.preconditioned_sharpness).toBeUndefined()
    expect(run.stability_threshold).toMatchObject({ kind: 'hessian', value: 2000 })
  })
})
