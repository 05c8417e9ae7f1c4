/** @vitest-environment node */
/**
 * The scenario contract (shared/SCENARIO.md): valid documents, start-point forms, and
 * ScenarioErrors that name the offending field.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { findPreset } from '../../src-shared/landscape'
import { checkWholeResultFits, parseScenario, parseScenarioText, type Scenario, ScenarioError } from '../../src-shared/scenario'

const fixturesDir = fileURLToPath(new URL('../fixtures', import.meta.url))
const fixtureFiles = ['torch', 'eos'].flatMap((dir) =>
  readdirSync(join(fixturesDir, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f)),
)

const BASE = { landscape: { preset: 'rosenbrock' }, optimizer: { name: 'adam' }, init: [0.5, -0.5], steps: 10 }
const withBase = (patch: Record<string, unknown>) => ({ ...BASE, ...patch })

function scenarioError(fn: () => unknown): ScenarioError {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(ScenarioError)
  const e = caught as ScenarioError
  // The message leads with the field, then the problem.
  expect(e.message).toBe(e.field ? `${e.field}: ${e.problem}` : e.problem)
  return e
}

const refuse = (doc: unknown) => scenarioError(() => parseScenario(doc))
const refuseText = (text: string) => scenarioError(() => parseScenarioText(text))

describe('reference fixtures', () => {
  it('there are fixtures to check', () => {
    expect(fixtureFiles.length).toBeGreaterThan(10)
    expect(fixtureFiles.some((f) => f.startsWith('eos'))).toBe(true)
  })

  it.each(fixtureFiles)('%s is a valid scenario', (file) => {
    const text = readFileSync(join(fixturesDir, file), 'utf8')
    const doc = JSON.parse(text) as {
      landscape: { id?: string; expr: string }
      optimizer: Record<string, unknown>
      init: [number, number]
      steps: number
      trajectory: Array<[number, number]>
      loss: number[]
    }
    const s = parseScenarioText(text)
    expect(s.landscape.expr).toBe(doc.landscape.expr)
    // The reference expression is the preset's (presets.ts promises the strings match).
    if (doc.landscape.id !== undefined) expect(findPreset(doc.landscape.id)?.expr).toBe(doc.landscape.expr)
    expect(s.optimizers).toHaveLength(1)
    expect(s.optimizers[0].def.name).toBe(doc.optimizer.name)
    for (const [key, value] of Object.entries(doc.optimizer)) {
      if (key !== 'name') expect(s.optimizers[0].hparams[key], key).toEqual(value)
    }
    expect([...s.starts.x]).toEqual([doc.init[0]])
    expect([...s.starts.y]).toEqual([doc.init[1]])
    expect(s.steps).toBe(doc.steps)
    // torch's float64 losses along its own trajectory agree with our landscape.
    let compared = 0
    doc.trajectory.forEach(([x, y], k) => {
      const want = doc.loss[k]
      if (!Number.isFinite(want) || !Number.isFinite(x) || !Number.isFinite(y)) return
      const got = s.landscape.compiled.value(x, y)
      expect(Math.abs(got - want), `loss at step ${k}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)))
      compared++
    })
    expect(compared).toBeGreaterThan(0)
  })
})

describe('defaults', () => {
  it('fills optional fields', () => {
    const s = parseScenario(BASE)
    expect(s.precision).toBe('float64')
    expect(s.record).toEqual({ every: 1, sharpness: false })
    expect(s.noise).toEqual({ std: 0, seed: 0 })
    expect(s.centralFlow).toBe(false)
    expect(s.optimizers[0].hparams).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false })
  })

  it('keeps the optional fields it is given', () => {
    const s = parseScenario(
      withBase({
        precision: 'float32',
        record: { every: 5, sharpness: true },
        noise: { std: 0.25, seed: 9 },
        central_flow: true,
        steps: 0,
      }),
    )
    expect(s.precision).toBe('float32')
    expect(s.record).toEqual({ every: 5, sharpness: true })
    expect(s.noise).toEqual({ std: 0.25, seed: 9 })
    expect(s.centralFlow).toBe(true)
    expect(s.steps).toBe(0)
  })
})

describe('start points', () => {
  const starts = (init: unknown) => {
    const s = parseScenario(withBase({ init }))
    return { x: [...s.starts.x], y: [...s.starts.y], s }
  }

  it('a single point', () => {
    expect(starts([-1.5, 2])).toMatchObject({ x: [-1.5], y: [2] })
  })

  it('a list of points, in order', () => {
    expect(
      starts([
        [1, 2],
        [3, 4],
        [-5, 6.5],
      ]),
    ).toMatchObject({ x: [1, 3, -5], y: [2, 4, 6.5] })
    expect(starts([[7, 8]])).toMatchObject({ x: [7], y: [8] })
  })

  it('a grid is row-major with x fastest and spans the ranges', () => {
    const { x, y } = starts({ grid: { x: [-2, 2], y: [-1, 3], n: [5, 3] } })
    expect(x).toEqual([-2, -1, 0, 1, 2, -2, -1, 0, 1, 2, -2, -1, 0, 1, 2])
    expect(y).toEqual([-1, -1, -1, -1, -1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3])
  })

  it('a grid with one column or row sits at the range start', () => {
    const { x, y } = starts({ grid: { x: [0.25, 9], y: [-4, 4], n: [1, 3] } })
    expect(x).toEqual([0.25, 0.25, 0.25])
    expect(y).toEqual([-4, 0, 4])
  })

  it('grid endpoints are exact for any range', () => {
    // Ranges whose width is not exactly representable: a + (b − a) need not equal b.
    for (const [gx, gy, n] of [
      [
        [-2, 2.1],
        [0.1, 0.7],
        [5, 4],
      ],
      [
        [-0.3, 1.7],
        [-2.2, 5.3],
        [7, 3],
      ],
      [
        [1e-3, 3.3],
        [-4.7, -0.9],
        [11, 2],
      ],
    ] as Array<[[number, number], [number, number], [number, number]]>) {
      const { x, y } = starts({ grid: { x: gx, y: gy, n } })
      const [nx, ny] = n
      expect(x).toHaveLength(nx * ny)
      for (let j = 0; j < ny; j++) {
        expect(x[j * nx], `x start of row ${j}`).toBe(gx[0])
        expect(x[j * nx + nx - 1], `x end of row ${j} for [${gx}]`).toBe(gx[1])
      }
      for (let i = 0; i < nx; i++) {
        expect(y[i], `y start of column ${i}`).toBe(gy[0])
        expect(y[(ny - 1) * nx + i], `y end of column ${i} for [${gy}]`).toBe(gy[1])
      }
      // Interior points are evenly spaced (to rounding).
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const tx = i / (nx - 1)
          const ty = j / (ny - 1)
          expect(Math.abs(x[j * nx + i] - (gx[0] * (1 - tx) + gx[1] * tx))).toBeLessThanOrEqual(1e-14 * (Math.abs(gx[0]) + Math.abs(gx[1])))
          expect(Math.abs(y[j * nx + i] - (gy[0] * (1 - ty) + gy[1] * ty))).toBeLessThanOrEqual(1e-14 * (Math.abs(gy[0]) + Math.abs(gy[1])))
        }
      }
    }
  })

  it('random points are reproducible from the seed and inside the box', () => {
    const spec = (seed: number, count = 2000) => ({ random: { x: [-2, 3], y: [10, 10.5], count, seed } })
    const a = starts(spec(7))
    const b = starts(spec(7))
    expect(a.x).toEqual(b.x)
    expect(a.y).toEqual(b.y)
    expect(a.x).toHaveLength(2000)
    for (let i = 0; i < a.x.length; i++) {
      expect(a.x[i]).toBeGreaterThanOrEqual(-2)
      expect(a.x[i]).toBeLessThanOrEqual(3)
      expect(a.y[i]).toBeGreaterThanOrEqual(10)
      expect(a.y[i]).toBeLessThanOrEqual(10.5)
    }
    // Roughly uniform: the means sit near the centres, and the points are distinct.
    const mean = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length
    expect(Math.abs(mean(a.x) - 0.5)).toBeLessThan(0.1)
    expect(Math.abs(mean(a.y) - 10.25)).toBeLessThan(0.01)
    expect(new Set(a.x).size).toBeGreaterThan(1990)
    // x and y are not the same stream
    expect(a.x.map((v) => (v + 2) / 5)).not.toEqual(a.y.map((v) => (v - 10) / 0.5))
    // Different seeds differ.
    const c = starts(spec(8))
    expect(c.x).not.toEqual(a.x)
    const differing = a.x.filter((v, i) => v !== c.x[i]).length
    expect(differing).toBeGreaterThan(1900)
    // A missing seed is seed 0.
    expect(starts({ random: { x: [0, 1], y: [0, 1], count: 5 } }).x).toEqual(
      starts({ random: { x: [0, 1], y: [0, 1], count: 5, seed: 0 } }).x,
    )
  })

  it('a degenerate range is allowed', () => {
    const { x } = starts({ random: { x: [1, 1], y: [0, 1], count: 3, seed: 1 } })
    expect(x).toEqual([1, 1, 1])
  })
})

describe('optimizer and optimizers', () => {
  it('accepts several optimizers in order', () => {
    const s = parseScenario(
      withBase({
        optimizer: undefined,
        optimizers: [
          { name: 'sgd', momentum: 0.9 },
          { name: 'adam', lr: 0.02 },
        ],
      }),
    )
    expect(s.optimizers.map((o) => o.def.name)).toEqual(['sgd', 'adam'])
    expect(s.optimizers[0].hparams.momentum).toBe(0.9)
    expect(s.optimizers[1].hparams.lr).toBe(0.02)
  })

  it('refuses both at once', () => {
    const e = refuse(withBase({ optimizers: [{ name: 'sgd' }] }))
    expect(e.field).toMatch(/^optimizers?$/)
    expect(e.problem).toMatch(/not both/)
  })

  it('refuses neither, an empty list, a non-object, and a missing name', () => {
    expect(refuse(withBase({ optimizer: undefined })).field).toBe('optimizer')
    expect(refuse(withBase({ optimizer: undefined, optimizers: [] })).field).toBe('optimizers')
    expect(refuse(withBase({ optimizer: 'adam' })).field).toBe('optimizer')
    expect(refuse(withBase({ optimizer: { lr: 0.1 } })).field).toBe('optimizer.name')
  })
})

describe('bad input names the field', () => {
  const text = (patch: string) =>
    `{"landscape": {"preset": "rosenbrock"}, "optimizer": {"name": "sgd"}, "init": [0, 0], "steps": 10, ${patch}}`

  it.each([
    ['unknown optimizer', withBase({ optimizer: { name: 'adamz' } }), 'optimizer.name', /unknown optimizer 'adamz'/],
    ['unknown hyperparameter', withBase({ optimizer: { name: 'adam', betaz: [0.9, 0.9] } }), 'optimizer.betaz', /unknown hyperparameter/],
    [
      'out of range in a list',
      withBase({ optimizer: undefined, optimizers: [{ name: 'sgd' }, { name: 'adam', lr: -1 }] }),
      'optimizers[1].lr',
      /Invalid learning rate/,
    ],
    ['beta ≥ 1', withBase({ optimizer: { name: 'adam', betas: [0.9, 1] } }), 'optimizer.betas', /beta/],
    ['nesterov without momentum', withBase({ optimizer: { name: 'sgd', nesterov: true } }), 'optimizer', /Nesterov/],
    ['betas too short', withBase({ optimizer: { name: 'adam', betas: [0.9] } }), 'optimizer.betas', /two/],
    ['init ragged', withBase({ init: [[1, 2], [3]] }), 'init[1]', /pair/],
    ['init empty list', withBase({ init: [] }), 'init', /at least one/],
    ['init missing', withBase({ init: undefined }), 'init', /required/],
    ['init text', withBase({ init: 'origin' }), 'init', /must be/],
    ['grid n 0', withBase({ init: { grid: { x: [0, 1], y: [0, 1], n: [0, 4] } } }), 'init.grid.n[0]', /between 1/],
    ['grid n fractional', withBase({ init: { grid: { x: [0, 1], y: [0, 1], n: [3, 2.5] } } }), 'init.grid.n[1]', /whole/],
    ['grid range reversed', withBase({ init: { grid: { x: [1, 0], y: [0, 1], n: [3, 3] } } }), 'init.grid.x', /min ≤ max/],
    ['grid missing y', withBase({ init: { grid: { x: [0, 1], n: [3, 3] } } }), 'init.grid.y', /pair/],
    ['random count 0', withBase({ init: { random: { x: [0, 1], y: [0, 1], count: 0, seed: 1 } } }), 'init.random.count', /between 1/],
    ['random seed fractional', withBase({ init: { random: { x: [0, 1], y: [0, 1], count: 3, seed: 0.5 } } }), 'init.random.seed', /whole/],
    ['steps negative', withBase({ steps: -1 }), 'steps', /between 0/],
    ['steps fractional', withBase({ steps: 2.5 }), 'steps', /whole/],
    ['steps text', withBase({ steps: '10' }), 'steps', /number/],
    ['steps missing', withBase({ steps: undefined }), 'steps', /required/],
    ['record.every 0', withBase({ record: { every: 0 } }), 'record.every', /between 1/],
    ['record.sharpness not boolean', withBase({ record: { sharpness: 1 } }), 'record.sharpness', /true or false/],
    ['precision float16', withBase({ precision: 'float16' }), 'precision', /float64.*float32/],
    ['noise.std negative', withBase({ noise: { std: -0.1 } }), 'noise.std', /≥ 0/],
    ['noise.seed fractional', withBase({ noise: { std: 0.1, seed: 1.5 } }), 'noise.seed', /whole/],
    ['central_flow not boolean', withBase({ central_flow: 'yes' }), 'central_flow', /true or false/],
    ['landscape missing', withBase({ landscape: undefined }), 'landscape', /expr.*preset/],
    ['landscape empty', withBase({ landscape: {} }), 'landscape', /expr.*preset/],
    ['empty expr', withBase({ landscape: { expr: '' } }), 'landscape.expr', /empty.*position 1/],
    ['expr not text', withBase({ landscape: { expr: 42 } }), 'landscape.expr', /text/],
    ['unknown symbol', withBase({ landscape: { expr: 'x + z' } }), 'landscape.expr', /unknown symbol 'z'.*at position 5/],
    ['unknown preset', withBase({ landscape: { preset: 'nope' } }), 'landscape.preset', /unknown preset 'nope'/],
  ])('%s', (_what, doc, field, problem) => {
    const e = refuse(doc)
    expect(e.field).toBe(field)
    expect(e.problem).toMatch(problem)
  })

  it('too many kept points for a whole in-memory result', () => {
    // 10⁴ runs × 10⁵ steps: fine to stream, too much to hold at once.
    const s = parseScenario(withBase({ init: { grid: { x: [0, 1], y: [0, 1], n: [100, 100] } }, steps: 100_000 }))
    const e = scenarioError(() => checkWholeResultFits(s))
    expect(e.field).toBe('record.every')
    expect(e.problem).toMatch(/kept points/)
    expect(() =>
      checkWholeResultFits(
        parseScenario(withBase({ init: { grid: { x: [0, 1], y: [0, 1], n: [100, 100] } }, steps: 100_000, record: { every: 100 } })),
      ),
    ).not.toThrow()
  })

  it('init [1] is refused in the init field', () => {
    const e = refuse(withBase({ init: [1] }))
    expect(e.field).toMatch(/^init(\[0\])?$/)
    expect(e.problem).toMatch(/pair/)
  })

  it.each([
    ['init', '"init": [1e999, 0]', 'init[0]'],
    ['init list', '"init": [[0, 0], [0, -1e999]]', 'init[1][1]'],
    ['lr', '"optimizer": {"name": "sgd", "lr": 1e999}', 'optimizer.lr'],
    ['steps', '"steps": 1e999', 'steps'],
    ['noise.std', '"noise": {"std": 1e999}', 'noise.std'],
    ['grid range', '"init": {"grid": {"x": [0, 1e999], "y": [0, 1], "n": [2, 2]}}', 'init.grid.x[1]'],
  ])('non-finite %s (JSON 1e999)', (_what, patch, field) => {
    // Later keys win in JSON.parse, so the patch overrides the base field.
    const e = refuseText(text(patch))
    expect(e.field).toBe(field)
    expect(e.problem).toMatch(/finite/)
  })

  it('a non-object scenario', () => {
    for (const doc of [null, [], [BASE], 'scenario', 42, true, undefined]) {
      const e = refuse(doc)
      expect(e.field).toBe('')
      expect(e.problem).toMatch(/JSON object/)
    }
  })

  it('invalid JSON text', () => {
    for (const bad of ['{"steps": ', '', '{steps: 1}', "{'a': 1}", '{"a": 1,}']) {
      const e = refuseText(bad)
      expect(e.field).toBe('')
      expect(e.problem).toMatch(/not valid JSON/)
    }
  })
})

describe('landscape: preset and expr', () => {
  it('a preset gives its expression', () => {
    const s = parseScenario(BASE)
    expect(s.landscape.expr).toBe(findPreset('rosenbrock')!.expr)
    expect(s.landscape.compiled.value(1, 1)).toBe(0)
  })

  it('expr wins over preset', () => {
    const s: Scenario = parseScenario(withBase({ landscape: { preset: 'rosenbrock', expr: 'x^2 + 3*y' } }))
    expect(s.landscape.expr).toBe('x^2 + 3*y')
    expect(s.landscape.compiled.value(1, 1)).toBe(4) // Rosenbrock would be 0
    expect(s.landscapeSpec).toEqual({ preset: 'rosenbrock', expr: 'x^2 + 3*y' })
  })

  it('extra top-level fields are ignored', () => {
    expect(() => parseScenario(withBase({ trajectory: [[0, 0]], torch_version: '2.5', note: 'x' }))).not.toThrow()
  })
})
