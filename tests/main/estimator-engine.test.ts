/** @vitest-environment node */
/**
 * Gradient estimators in the engines: the float64 loop takes exactly the estimate
 * src-shared/estimator computes (SGD replays it step by step), every optimizer composes with it,
 * the runs report it, and the float32 kernels (our WebAssembly SIMD, GPU.js on WebAssembly and
 * its cpu mode) draw the same directions as the float64 path.
 */
import { describe, expect, it } from 'vitest'
import { estimateGradient, type GradientSpec } from '../../src-shared/estimator'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { parseScenario } from '../../src-shared/scenario'
import { runScenario } from '../../src-main/engine/run-scenario'

const ROSENBROCK = '(1-x)^2 + 100*(y-x^2)^2'
const SPECS: Array<[string, GradientSpec]> = [
  ['forward', { estimator: 'forward', directions: 3, seed: 4 }],
  ['zeroth order, Gaussian', { estimator: 'zeroth_order', mu: 0.01, directions: 2, distribution: 'gaussian', seed: 5 }],
  ['zeroth order, sphere', { estimator: 'zeroth_order', mu: 0.05, directions: 1, distribution: 'sphere', seed: 6 }],
]

const doc = (optimizer: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  landscape: { expr: ROSENBROCK },
  optimizer,
  init: [
    [-1.2, 1.0],
    [0.5, -0.3],
  ],
  steps: 40,
  ...extra,
})

describe('float64 path', () => {
  for (const [name, spec] of SPECS) {
    it(`SGD with the ${name} estimator replays x_t = x_{t-1} − lr·ĝ_t(x_{t-1}) with the shared draws`, async () => {
      const lr = 1e-3
      const r = await runScenario(parseScenario(doc({ name: 'sgd', lr, gradient: spec })))
      const f = landscapeFromSpec({ expr: ROSENBROCK }).compiled
      r.runs.forEach((run, stream) => {
        let [x, y] = run.init
        const g = [0, 0]
        for (let t = 1; t <= 40; t++) {
          estimateGradient(spec, f, x, y, stream, t, g)
          x = x - lr * g[0]
          y = y - lr * g[1]
          expect(run.trajectory[t][0]).toBeCloseTo(x, 12)
          expect(run.trajectory[t][1]).toBeCloseTo(y, 12)
        }
        expect(run.optimizer.gradient).toEqual(spec)
      })
    })
  }

  it('composes with every optimizer: the estimate changes the path, the same seed repeats it, another seed changes it', async () => {
    for (const opt of ['adam', 'rmsprop', 'nadam', 'rprop', 'adagrad']) {
      const exact = await runScenario(parseScenario(doc({ name: opt, lr: 0.01 })))
      const spec = { estimator: 'forward', directions: 1, seed: 1 }
      const a = await runScenario(parseScenario(doc({ name: opt, lr: 0.01, gradient: spec })))
      const b = await runScenario(parseScenario(doc({ name: opt, lr: 0.01, gradient: spec })))
      const c = await runScenario(parseScenario(doc({ name: opt, lr: 0.01, gradient: { ...spec, seed: 2 } })))
      expect(a.runs[0].trajectory).toEqual(b.runs[0].trajectory)
      expect(a.runs[0].trajectory).not.toEqual(exact.runs[0].trajectory)
      expect(a.runs[0].trajectory).not.toEqual(c.runs[0].trajectory)
      expect(exact.runs[0].optimizer).not.toHaveProperty('gradient')
    }
  })

  it('an explicit "true" estimator is the exact gradient', async () => {
    const exact = await runScenario(parseScenario(doc({ name: 'adam', lr: 0.01 })))
    const explicit = await runScenario(parseScenario(doc({ name: 'adam', lr: 0.01, gradient: { estimator: 'true' } })))
    expect(explicit.runs).toEqual(exact.runs)
  })
})
