/** @vitest-environment node */
/** The `run` command's contract beyond the references: shapes, formats, divergence, bad input. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir, writeScenario } from './cli-helpers'

const dir = tempDir()
let counter = 0

function run(scenario: unknown, extra: string[] = []) {
  const n = counter++
  const path = writeScenario(dir, `s${n}.json`, scenario)
  const out = join(dir, `r${n}.${extra.includes('csv') ? 'csv' : 'json'}`)
  const r = runCli(['run', path, '--out', out, ...extra])
  return { ...r, out, text: () => readFileSync(out, 'utf8'), json: () => JSON.parse(readFileSync(out, 'utf8')) }
}

const base = { landscape: { preset: 'rosenbrock' }, optimizer: { name: 'adam', lr: 0.02 }, init: [-1.5, 2], steps: 20 }

describe('cli run: shapes and options', () => {
  it('runs several optimizers from several start points, optimizer-major, with defaults filled in', () => {
    const r = run({
      ...base,
      optimizer: undefined,
      optimizers: [{ name: 'sgd', lr: 1e-3, momentum: 0.9 }, { name: 'adam' }],
      init: [
        [-1, 1],
        [0.5, 0.5],
        [1.5, 2],
      ],
    })
    expect(r.status).toBe(0)
    const { runs } = r.json()
    expect(runs.map((x: { optimizer: { name: string } }) => x.optimizer.name)).toEqual(['sgd', 'sgd', 'sgd', 'adam', 'adam', 'adam'])
    expect(runs.map((x: { init: number[] }) => x.init)).toEqual([
      [-1, 1],
      [0.5, 0.5],
      [1.5, 2],
      [-1, 1],
      [0.5, 0.5],
      [1.5, 2],
    ])
    expect(runs[0].optimizer).toEqual({
      name: 'sgd',
      lr: 1e-3,
      momentum: 0.9,
      dampening: 0,
      weight_decay: 0,
      nesterov: false,
      maximize: false,
    })
    expect(runs[3].optimizer).toEqual({
      name: 'adam',
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0,
      amsgrad: false,
      maximize: false,
    })
    for (const x of runs) expect(x.trajectory[0]).toEqual(x.init)
  })

  it('record.every keeps steps/every + 1 points that agree with the full run', () => {
    const full = run({ ...base, steps: 30 }).json().runs[0]
    const thin = run({ ...base, steps: 30, record: { every: 7 } }).json().runs[0]
    expect(thin.trajectory).toHaveLength(Math.floor(30 / 7) + 1)
    thin.trajectory.forEach((p: number[], k: number) => expect(p).toEqual(full.trajectory[7 * k]))
    thin.loss.forEach((l: number, k: number) => expect(l).toBe(full.loss[7 * k]))
  })

  it('a grid of start points runs each point (n = [3, 2] → 6 runs, x fastest)', () => {
    const { runs } = run({ ...base, steps: 2, init: { grid: { x: [-1, 1], y: [0, 2], n: [3, 2] } } }).json()
    expect(runs.map((x: { init: number[] }) => x.init)).toEqual([
      [-1, 0],
      [0, 0],
      [1, 0],
      [-1, 2],
      [0, 2],
      [1, 2],
    ])
  })

  it('seeded random starts are reproducible and inside the box', () => {
    const s = { ...base, steps: 1, init: { random: { x: [-2, 2], y: [-1, 3], count: 50, seed: 7 } } }
    const a = run(s)
      .json()
      .runs.map((x: { init: number[] }) => x.init)
    const b = run(s)
      .json()
      .runs.map((x: { init: number[] }) => x.init)
    const c = run({ ...s, init: { random: { ...s.init.random, seed: 8 } } })
      .json()
      .runs.map((x: { init: number[] }) => x.init)
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    for (const [x, y] of a) {
      expect(x).toBeGreaterThanOrEqual(-2)
      expect(x).toBeLessThanOrEqual(2)
      expect(y).toBeGreaterThanOrEqual(-1)
      expect(y).toBeLessThanOrEqual(3)
    }
  })

  it('gradient noise is reproducible from its seed and changes the path', () => {
    const clean = run({ ...base, steps: 50 }).json().runs[0].trajectory
    const a = run({ ...base, steps: 50, noise: { std: 0.5, seed: 3 } }).json().runs[0].trajectory
    const b = run({ ...base, steps: 50, noise: { std: 0.5, seed: 3 } }).json().runs[0].trajectory
    const c = run({ ...base, steps: 50, noise: { std: 0.5, seed: 4 } }).json().runs[0].trajectory
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    expect(a).not.toEqual(clean)
  })

  it('--format csv writes one row per kept point with hyperparameters alongside', () => {
    const r = run({ ...base, steps: 4, record: { every: 2, sharpness: true } }, ['--format', 'csv'])
    expect(r.status).toBe(0)
    const lines = r.text().trim().split('\n')
    expect(lines[0]).toBe('run,optimizer,hparams,init_x,init_y,step,x,y,loss,sharpness,diverged_at')
    expect(lines).toHaveLength(1 + 3)
    const json = run({ ...base, steps: 4, record: { every: 2, sharpness: true } }).json().runs[0]
    lines.slice(1).forEach((line, k) => {
      const m = line.match(/^0,adam,"(.*)",(-?[\d.]+),(-?[\d.]+),(\d+),([^,]+),([^,]+),([^,]+),([^,]+),$/)
      expect(m).not.toBeNull()
      expect(JSON.parse(m![1].replace(/""/g, '"')).lr).toBe(0.02)
      expect(Number(m![4])).toBe(2 * k)
      expect([Number(m![5]), Number(m![6])]).toEqual(json.trajectory[k])
      expect(Number(m![7])).toBe(json.loss[k])
      expect(Number(m![8])).toBe(json.sharpness[k])
    })
  })

  it('sharpness is the top Hessian eigenvalue (Rosenbrock at (1, 1): 1001.6006…)', () => {
    const r = run({ ...base, init: [1, 1], steps: 0, record: { sharpness: true } }).json().runs[0]
    // H(1,1) = [[802, -400], [-400, 200]]: λ_max = 501 + √(301² + 400²)
    expect(r.sharpness[0]).toBeCloseTo(501 + Math.hypot(301, 400), 9)
  })
})

describe('cli run: divergence is kept, not an error', () => {
  it('records the first non-finite step and leaves the other runs untouched', () => {
    const scenario = {
      landscape: { preset: 'ill_conditioned_quadratic' },
      optimizer: { name: 'sgd', lr: 1.5 },
      init: [
        [1, 1],
        [0, 0],
      ],
      steps: 400,
    }
    const r = run(scenario)
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/1 diverged/)
    const [bad, good] = r.json().runs
    expect(bad.diverged_at).toBeGreaterThan(0)
    const k = bad.diverged_at
    // Everything before diverged_at is finite; at diverged_at the point or its loss is not
    // (JSON carries non-finite numbers as null).
    for (let i = 0; i < k; i++) expect([...bad.trajectory[i], bad.loss[i]].every(Number.isFinite)).toBe(true)
    expect([...bad.trajectory[k], bad.loss[k]].every((v: number | null) => v !== null && Number.isFinite(v))).toBe(false)
    // After it the particle is frozen: nothing more is reported.
    for (let i = k + 1; i <= 400; i++) expect(bad.trajectory[i]).toEqual([null, null])
    expect(bad.trajectory).toHaveLength(401)
    // The start at the minimum never moves and never diverges.
    expect(good.diverged_at).toBeNull()
    expect(good.trajectory[400]).toEqual([0, 0])
    // And it is the same as running it alone.
    const alone = run({ ...scenario, init: [0, 0] }).json().runs[0]
    expect(alone.trajectory).toEqual(good.trajectory)
  })
})

describe('cli run: bad input is one clear line, non-zero exit, nothing written', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['syntax error', { ...base, landscape: { expr: '(x + y' } }, /^error: landscape\.expr: syntax error: .* at position 7$/],
    ['unknown symbol', { ...base, landscape: { expr: 'x^2 + z' } }, /^error: landscape\.expr: unknown symbol 'z'.* at position 7$/],
    [
      'unknown function',
      { ...base, landscape: { expr: 'x + foo(y)' } },
      /^error: landscape\.expr: unknown function 'foo'.* at position 5$/,
    ],
    [
      'code smuggling: constructor',
      { ...base, landscape: { expr: 'x.constructor' } },
      /^error: landscape\.expr: property access is not allowed at position 2$/,
    ],
    [
      'code smuggling: import()',
      { ...base, landscape: { expr: 'import(x)' } },
      /^error: landscape\.expr: unknown function 'import'.* at position 1$/,
    ],
    [
      'code smuggling: ;',
      { ...base, landscape: { expr: 'x; y' } },
      /^error: landscape\.expr: only one expression is allowed .* at position 2$/,
    ],
    [
      'code smuggling: assignment',
      { ...base, landscape: { expr: 'x = 1' } },
      /^error: landscape\.expr: assignment is not allowed at position 3$/,
    ],
    [
      'code smuggling: __proto__',
      { ...base, landscape: { expr: '__proto__ + x' } },
      /^error: landscape\.expr: unknown symbol '__proto__'.* at position 1$/,
    ],
    ['unknown preset', { ...base, landscape: { preset: 'nope' } }, /^error: landscape\.preset: unknown preset 'nope'$/],
    ['unknown optimizer', { ...base, optimizer: { name: 'adamm' } }, /^error: optimizer\.name: unknown optimizer 'adamm' \(known: sgd, /],
    [
      'unknown hyperparameter',
      { ...base, optimizer: { name: 'adam', beta1: 0.9 } },
      /^error: optimizer\.beta1: unknown hyperparameter for adam/,
    ],
    [
      'out-of-range hyperparameter',
      { ...base, optimizers: [{ name: 'sgd' }, { name: 'adam', betas: [0.9, 1.2] }], optimizer: undefined },
      /^error: optimizers\[1\]\.betas: Invalid beta parameter at index 1: 1\.2/,
    ],
    ['negative lr', { ...base, optimizer: { name: 'sgd', lr: -0.1 } }, /^error: optimizer\.lr: Invalid learning rate: -0\.1/],
    [
      'nesterov without momentum',
      { ...base, optimizer: { name: 'sgd', nesterov: true } },
      /^error: optimizer: Nesterov momentum requires a momentum and zero dampening$/,
    ],
    ['wrong shape: init', { ...base, init: [1, 2, 3] }, /^error: init\[0\]: must be a pair/],
    [
      'wrong shape: betas',
      { ...base, optimizer: { name: 'adam', betas: [0.9] } },
      /^error: optimizer\.betas: must be a list of two numbers/,
    ],
    [
      'non-finite number',
      '{"landscape":{"preset":"booth"},"optimizer":{"name":"sgd","lr":1e999},"init":[0,0],"steps":3}',
      /^error: optimizer\.lr: must be finite, got Infinity$/,
    ],
    [
      'non-finite init',
      '{"landscape":{"preset":"booth"},"optimizer":{"name":"sgd"},"init":[0,-1e999],"steps":3}',
      /^error: init\[1\]: must be finite, got -Infinity$/,
    ],
    ['fractional steps', { ...base, steps: 2.5 }, /^error: steps: must be a whole number, got 2\.5$/],
    ['bad JSON', '{"landscape": ', /^error: not valid JSON: /],
  ]
  it.each(cases)('%s', (_name, scenario, message) => {
    const r = run(scenario)
    expect(r.status).not.toBe(0)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(message)
    expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
    expect(existsSync(r.out)).toBe(false)
  })

  it('a failed run leaves an existing output file as it was', () => {
    const out = join(dir, 'keep.json')
    writeFileSync(out, 'previous result')
    const path = writeScenario(dir, 'bad-keep.json', { ...base, optimizer: { name: 'nope' } })
    const r = runCli(['run', path, '--out', out])
    expect(r.status).not.toBe(0)
    expect(readFileSync(out, 'utf8')).toBe('previous result')
  })

  it('usage errors name the problem', () => {
    expect(runCli(['run']).stderr).toMatch(/run needs a scenario file/)
    expect(runCli(['run', 'x.json']).stderr).toMatch(/run needs --out/)
    const missing = runCli(['run', join(dir, 'missing.json'), '--out', join(dir, 'o.json')])
    expect(missing.status).not.toBe(0)
    expect(missing.stderr.trim()).toMatch(/^error: cannot read .*missing\.json: no such file$/)
    expect(runCli(['frobnicate']).stderr).toMatch(/unknown command 'frobnicate'/)
  })
})
