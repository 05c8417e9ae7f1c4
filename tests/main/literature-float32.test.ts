/** @vitest-environment node */
/**
 * The optimizers from the literature on the float32 kernels: every public reference case of
 * tests/fixtures/literature within 1e-3·(1+|x|) over the first 50 steps, on our WebAssembly SIMD
 * kernel and on GPU.js (its CPU backend here; WebAssembly too), through the engine's own path.
 * And a rule an engine excludes is refused by name, not run as other math.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import { runScenario } from '../../src-main/engine/run-scenario'
import { float32Stepper, float64Stepper } from '../../src-main/engine/plan'
import { landscapeFromExpression } from '../../src-shared/landscape'
import { findOptimizer, hparamCodeValues, type OptimizerDef, resolveHparams, supportedBackends } from '../../src-shared/optim'
import type { ParticleBatch } from '../../src-main/engine/float64'

const DIR = join(__dirname, '../fixtures/literature')
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
const STEPS = 50
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-3 * (1 + Math.abs(b))

describe.each([
  ['wasm', /wasm-simd/],
  ['cpu', /gpu\.js CPUKernel/],
  ['webasm', /gpu\.js WebAssemblyKernel/],
] as const)('literature optimizers on the float32 %s backend', (backend, name) => {
  it(`all ${FILES.length} cases within 1e-3·(1+|x|) over ${STEPS} steps`, async () => {
    expect(FILES.length).toBe(47)
    for (const file of FILES) {
      const ref = JSON.parse(readFileSync(join(DIR, file), 'utf8'))
      const r = await runScenario(parseScenario({ ...ref, steps: STEPS, precision: 'float32' }), { backend })
      expect(r.backends[0]).toMatch(name)
      const run = r.runs[0]
      for (let k = 0; k <= STEPS; k++) {
        for (let c = 0; c < 2; c++) expect(close(run.trajectory[k][c], ref.trajectory[k][c]), `${file} step ${k}`).toBe(true)
      }
    }
  }, 120_000)
})

describe('engines a rule excludes', () => {
  const job = (def: OptimizerDef): ParticleBatch => ({
    landscape: landscapeFromExpression('x^2 + y^2'),
    optimizer: def,
    hparams: Float64Array.from(hparamCodeValues(def, resolveHparams(def, {}))),
    x0: Float64Array.of(1),
    y0: Float64Array.of(1),
    steps: 3,
    every: 1,
    sharpness: false,
    noise: { std: 0, seed: 0 },
  })
  const lion = findOptimizer('lion')!

  it('every literature optimizer runs on every engine', () => {
    for (const name of ['lion', 'newton', 'saddlefreenewton', 'gaussnewton', 'oasis', 'sam', 'fdgr', 'mars'])
      expect(supportedBackends(findOptimizer(name)!)).toEqual(['float64', 'wasm', 'gpujs'])
  })

  it('is refused by name on the engine it excludes, and runs on the others', () => {
    const def: OptimizerDef = { ...lion, unsupported: { wasm: 'an eigendecomposition per lane' } }
    expect(supportedBackends(def)).toEqual(['float64', 'gpujs'])
    expect(() => float32Stepper(job(def), 'wasm')).toThrow(
      'lion cannot run on the float32 WebAssembly kernel: an eigendecomposition per lane',
    )
    expect(() => float32Stepper(job(def), 'cpu')).not.toThrow()
    const gpu: OptimizerDef = { ...lion, unsupported: { gpujs: 'no loops in GLSL' } }
    expect(() => float32Stepper(job(gpu), 'cpu')).toThrow('lion cannot run on the float32 GPU.js kernel: no loops in GLSL')
  })

  it('the float64 path refuses too', async () => {
    const def: OptimizerDef = { ...lion, unsupported: { float64: 'test' } }
    const stepper = float64Stepper(job(def))
    const out = { start: 0, count: 4, x: new Float64Array(4), y: new Float64Array(4), loss: new Float64Array(4) }
    await expect(stepper.advance(3, out as never)).rejects.toThrow('lion cannot run on the float64 reference path: test')
  })
})

describe('gradient noise at a second point', () => {
  const doc = (optimizer: Record<string, unknown>, precision = 'float64') => ({
    landscape: { preset: 'himmelblau' },
    optimizer,
    init: [
      [0.5, 0.5],
      [-1, 2],
    ],
    steps: 30,
    noise: { std: 0.5, seed: 3 },
    precision,
  })

  it('is the step’s own sample (SAM with ρ = 0 is SGD on the same noise)', async () => {
    const sam = await runScenario(parseScenario(doc({ name: 'sam', lr: 0.01, rho: 0 })))
    const sgd = await runScenario(parseScenario(doc({ name: 'sgd', lr: 0.01 })))
    for (let i = 0; i < 2; i++) expect(sam.runs[i].trajectory).toEqual(sgd.runs[i].trajectory)
  })

  it.each(['sam', 'fdgr'])('%s draws the same numbers on the float64 path and both float32 kernels', async (name) => {
    const want = await runScenario(parseScenario(doc({ name, lr: 0.01 })))
    for (const backend of ['wasm', 'cpu'] as const) {
      const got = await runScenario(parseScenario(doc({ name, lr: 0.01 }, 'float32')), { backend })
      for (let i = 0; i < 2; i++)
        for (let k = 0; k <= 30; k++)
          for (let c = 0; c < 2; c++)
            expect(close(got.runs[i].trajectory[k][c], want.runs[i].trajectory[k][c]), `${backend} ${i} ${k}`).toBe(true)
    }
  })
})
