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

describe('float32 kernels draw the same directions as the float64 path', () => {
  // A bowl with a ridge: the paths bend with every draw, and losses stay small enough that the
  // zeroth-order differences keep float32 precision (μ = 0.1).
  const BOWL = 'x^2 + 2*y^2 + 0.3*sin(3*x)*y'
  const cases: Array<[string, Exclude<GradientSpec, { estimator: 'true' }>]> = [
    ['forward', { estimator: 'forward', directions: 3, seed: 4 }],
    ['zeroth order, Gaussian', { estimator: 'zeroth_order', mu: 0.1, directions: 2, distribution: 'gaussian', seed: 5 }],
    ['zeroth order, sphere', { estimator: 'zeroth_order', mu: 0.1, directions: 1, distribution: 'sphere', seed: 6 }],
  ]
  const bowl = (gradient: GradientSpec, extra: Record<string, unknown> = {}) => ({
    landscape: { expr: BOWL },
    optimizers: [
      { name: 'sgd', lr: 0.05, momentum: 0.5, gradient },
      { name: 'adam', lr: 0.05, gradient },
    ],
    init: [
      [1.5, 1.0],
      [-1.0, 0.7],
      [0.3, -1.2],
    ],
    steps: 30,
    ...extra,
  })
  const maxGap = (a: Awaited<ReturnType<typeof runScenario>>, b: Awaited<ReturnType<typeof runScenario>>) => {
    let gap = 0
    a.runs.forEach((run, r) =>
      run.trajectory.forEach(([x, y], k) => {
        gap = Math.max(gap, Math.abs(x - b.runs[r].trajectory[k][0]), Math.abs(y - b.runs[r].trajectory[k][1]))
      }),
    )
    return gap
  }
  for (const [name, spec] of cases) {
    it(`${name}: float64, our WebAssembly SIMD, GPU.js WebAssembly and cpu agree within float32 rounding`, async () => {
      const f64 = await runScenario(parseScenario(bowl(spec)))
      const otherSeed = await runScenario(parseScenario(bowl({ ...spec, seed: spec.seed + 100 })))
      // Another seed moves the paths far more than the tolerance below: the comparison has teeth.
      expect(maxGap(f64, otherSeed)).toBeGreaterThan(0.05)
      for (const mode of ['wasm', 'webasm', 'cpu'] as const) {
        const f32 = await runScenario(parseScenario(bowl(spec, { precision: 'float32' })), { backend: mode, threaded: false })
        expect(f32.backends.join()).toMatch(mode === 'wasm' ? /wasm-simd/ : mode === 'cpu' ? /CPUKernel/ : /WebAssemblyKernel/)
        // Observed ≤ 1.2e-6 over 30 steps (float32 rounding of the path, the draws and the differences).
        expect(maxGap(f64, f32)).toBeLessThan(2e-5)
        expect(f32.runs[0].optimizer.gradient).toEqual(spec)
      }
    }, 60_000)
  }
})

describe('gradientEstimates: per-point estimates from the engine worker', () => {
  it('answers ∇L and the estimate the engine used at (stream, t); a bad spec is a problem naming the field', async () => {
    const { createHost } = await import('../../src-main/host/host')
    const { spawnNodeWorker } = await import('../../src-main/engine/node-worker')
    const host = createHost({ host: 'electron', version: 'test', spawnWorker: spawnNodeWorker })
    try {
      const spec: GradientSpec = { estimator: 'zeroth_order', mu: 0.01, directions: 2, distribution: 'sphere', seed: 3 }
      const points = [0.5, -0.3, 1, 7, -1.2, 1.0, 0, 1]
      const data = await host.gradientEstimates({ landscape: { expr: ROSENBROCK }, gradient: spec, points })
      const f = landscapeFromSpec({ expr: ROSENBROCK }).compiled
      const vg = new Float64Array(3)
      const g = [0, 0]
      for (let i = 0; i < 2; i++) {
        const [x, y, stream, t] = points.slice(4 * i, 4 * i + 4)
        f.valueAndGradient(x, y, vg)
        estimateGradient(spec, f, x, y, stream, t, g)
        expect(data.gradient.slice(2 * i, 2 * i + 2)).toEqual([vg[1], vg[2]])
        expect(data.estimate.slice(2 * i, 2 * i + 2)).toEqual(g)
      }
      await expect(
        host.gradientEstimates({ landscape: { expr: ROSENBROCK }, gradient: { estimator: 'forward', directions: 0 }, points }),
      ).rejects.toThrow(/gradient\.directions: must be at least 1, got 0/)
    } finally {
      await host.dispose()
    }
  })

  it('the operation table refuses malformed requests before they reach the worker', async () => {
    const { OPERATION_TABLE, argumentProblem } = await import('../../src-shared/operations')
    const specs = OPERATION_TABLE.gradientEstimates.args
    const good = { landscape: { preset: 'rosenbrock' }, gradient: { estimator: 'forward' }, points: [0, 0, 1, 1] }
    expect(argumentProblem('gradientEstimates', specs, [good])).toBeNull()
    for (const bad of [{ ...good, points: [0, 0, 1] }, { ...good, points: [0, 0, -1, 1] }, { ...good, landscape: {} }, null]) {
      expect(argumentProblem('gradientEstimates', specs, [bad])).toMatch(/^gradientEstimates: request must be/)
    }
  })
})

describe('composition with the other hooks', () => {
  it('a learning-rate schedule and an estimator together give the same paths on float64, wasm-simd and GPU.js webasm', async () => {
    const doc = {
      landscape: { expr: 'x^2 + 2*y^2 + 0.3*sin(3*x)*y' },
      optimizers: [
        {
          name: 'adam',
          lr: 0.05,
          schedule: { name: 'StepLR', step_size: 10, gamma: 0.5 },
          gradient: { estimator: 'zeroth_order', mu: 0.1, directions: 2, distribution: 'gaussian', seed: 8 },
        },
      ],
      init: [
        [1.5, 1.0],
        [-1.0, 0.7],
      ],
      steps: 30,
    }
    const f64 = await runScenario(parseScenario(doc))
    const unscheduled = await runScenario(parseScenario({ ...doc, optimizers: [{ ...doc.optimizers[0], schedule: undefined }] }))
    expect(f64.runs[0].trajectory).not.toEqual(unscheduled.runs[0].trajectory)
    for (const mode of ['wasm', 'webasm'] as const) {
      const f32 = await runScenario(parseScenario({ ...doc, precision: 'float32' }), { backend: mode, threaded: false })
      f64.runs.forEach((run, r) =>
        run.trajectory.forEach(([x, y], k) => {
          expect(Math.abs(x - f32.runs[r].trajectory[k][0])).toBeLessThan(2e-5)
          expect(Math.abs(y - f32.runs[r].trajectory[k][1])).toBeLessThan(2e-5)
        }),
      )
    }
  }, 60_000)

  it('every optimizer takes the forward estimate on the WebAssembly kernel as on the float64 path', async () => {
    const { OPTIMIZERS } = await import('../../src-shared/optim')
    const failures: string[] = []
    const skipped: string[] = []
    for (const def of OPTIMIZERS) {
      // Strictly convex: second-order rules (Newton's family) stay well conditioned under a noisy gradient.
      const doc = {
        landscape: { expr: 'x^2 + 2*y^2 + 0.5*x*y + 0.1*x^4 + 0.1*y^4' },
        optimizer: { name: def.name, gradient: { estimator: 'forward', directions: 1, seed: 2 } },
        init: [
          [1.5, 1.0],
          [-1.0, 0.7],
        ],
        steps: 20,
      }
      let f64: Awaited<ReturnType<typeof runScenario>>
      let f32: Awaited<ReturnType<typeof runScenario>>
      try {
        f64 = await runScenario(parseScenario(doc))
        f32 = await runScenario(parseScenario({ ...doc, precision: 'float32' }), { backend: 'wasm', threaded: false })
      } catch (e) {
        // Optimizers that need more than a landscape expression (Gauss–Newton's residuals) or run on float64 only.
        skipped.push(`${def.name}: ${(e as Error).message.slice(0, 60)}`)
        continue
      }
      f64.runs.forEach((run, r) =>
        run.trajectory.forEach(([x, y], k) => {
          // A run thrown far out (a second-order rule's step on a noisy gradient at its default lr) is chaotic: compared up to there.
          if (run.trajectory.slice(0, k + 1).some((p) => !(Math.abs(p[0]) <= 50 && Math.abs(p[1]) <= 50))) return
          const [x32, y32] = f32.runs[r].trajectory[k]
          // The kernel-path test's tolerance; a run that diverged on one path must diverge on both.
          const near = (a: number, b: number) => (Number.isFinite(a) ? Math.abs(a - b) <= 1e-3 * (1 + Math.abs(a)) : !Number.isFinite(b))
          if (!near(x, x32) || !near(y, y32)) failures.push(`${def.name} run ${r} point ${k}: (${x}, ${y}) vs (${x32}, ${y32})`)
        }),
      )
    }
    expect(failures.slice(0, 5)).toEqual([])
    expect(skipped.length).toBeLessThan(OPTIMIZERS.length / 4)
  }, 120_000)
})
