/** @vitest-environment node */
/**
 * The float32 kernel path against the float64 reference path: every optimizer on several
 * landscapes and hyperparameter settings, on GPU.js's cpu and WebAssembly backends and on our
 * WebAssembly SIMD kernel; sweeps as one
 * launch; noise reproducible across backends; divergence isolated per particle; and, through the
 * CLI, every PyTorch reference case within 1e-3·(1+|x|) over 50 steps.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hparamCodeNames, OPTIMIZERS } from '../../src-shared/optim'
import { advanceFloat64, blockOutput, initialState, keptRange, slotNames } from '../../src-main/engine/float64'
import { planParts } from '../../src-main/engine/plan'
import { parseScenario } from '../../src-shared/scenario'
import { type BackendMode, launches } from '../../src-main/engine/float32'
import { runScenario, type RunRecord } from '../../src-main/engine/run-scenario'
import { ROOT, runCli, tempDir, writeScenario } from './cli-helpers'

const TOL = 1e-3
const close = (a: number, b: number) => Math.abs(a - b) <= TOL * (1 + Math.abs(b))

function worst(got: RunRecord, want: RunRecord, upto: number): number {
  let w = 0
  for (let k = 0; k <= upto; k++) {
    for (let c = 0; c < 2; c++) {
      const e = Math.abs(got.trajectory[k][c] - want.trajectory[k][c]) / (1 + Math.abs(want.trajectory[k][c]))
      w = Number.isNaN(e) ? Infinity : Math.max(w, e)
    }
  }
  return w
}

/** Hyperparameter settings per optimizer: torch defaults with a workable lr, and a variant exercising its flags. */
const SETTINGS: Record<string, Array<Record<string, unknown>>> = {
  sgd: [
    { lr: 1e-3 },
    { lr: 5e-4, momentum: 0.9, nesterov: true, weight_decay: 0.01 },
    { lr: 5e-4, momentum: 0.8, dampening: 0.3, maximize: false },
  ],
  adagrad: [{ lr: 0.1 }, { lr: 0.2, lr_decay: 0.01, initial_accumulator_value: 0.1, weight_decay: 0.001 }],
  adadelta: [{ lr: 1.0 }, { lr: 0.5, rho: 0.8, eps: 1e-4, weight_decay: 0.01 }],
  rmsprop: [{ lr: 0.005 }, { lr: 0.002, centered: true, momentum: 0.5, alpha: 0.9 }],
  adam: [{ lr: 0.02 }, { lr: 0.01, amsgrad: true, betas: [0.8, 0.99], weight_decay: 0.01 }],
  adamw: [{ lr: 0.02 }, { lr: 0.01, amsgrad: true, weight_decay: 0.1 }],
  adamax: [{ lr: 0.02 }, { lr: 0.05, betas: [0.7, 0.95] }],
  nadam: [{ lr: 0.02 }, { lr: 0.01, momentum_decay: 0.01, decoupled_weight_decay: true, weight_decay: 0.05 }],
  radam: [{ lr: 0.002 }, { lr: 0.005, betas: [0.9, 0.9], weight_decay: 0.01 }, { lr: 0.05 }],
  asgd: [{ lr: 1e-3 }, { lr: 1e-3, lambd: 0.01, alpha: 0.5, t0: 5 }],
  scalar_rmsprop: [{ lr: 0.01 }, { lr: 0.005, alpha: 0.9, maximize: true }],
  rprop: [{ lr: 0.01 }, { lr: 0.05, etas: [0.3, 1.5], step_sizes: [1e-4, 0.5] }],
  // The optimizers from the literature (src-shared/optim/literature).
  lion: [{ lr: 0.01 }, { lr: 0.005, betas: [0.95, 0.98], weight_decay: 0.1 }],
  ademamix: [{ lr: 0.02 }, { lr: 0.01, betas: [0.8, 0.99, 0.995], alpha: 3, beta3_warmup: 20, alpha_warmup: 20, weight_decay: 0.01 }],
  mars: [{ lr: 0.01 }, { lr: 0.01, amsgrad: true, gamma: 0.1, weight_decay: 0.01 }],
  diffgrad: [{ lr: 0.02 }, { lr: 0.01, weight_decay: 0.01, eps: 0.1 }],
  adabelief: [
    { lr: 0.02 },
    { lr: 0.01, rectify: false, amsgrad: true, weight_decouple: false, weight_decay: 0.01 },
    { lr: 0.01, fixed_decay: true, weight_decay: 0.01, degenerated_to_sgd: false },
  ],
  yogi: [{ lr: 0.02 }, { lr: 0.01, weight_decouple: false, weight_decay: 0.01 }],
  gravity: [
    { lr: 0.1, alpha: 0 },
    { lr: 0.5, alpha: 0, beta: 0.8 },
  ],
  aegd: [{ lr: 0.01 }, { lr: 0.005, c: 0.5, aegdw: true, weight_decay: 0.01 }],
  optamsgrad: [{ lr: 0.01 }, { lr: 0.01, amsgrad: false, weight_decay: 0.01 }],
  newton: [{ lr: 0.5 }, { lr: 0.2, damping: 1 }],
  saddlefreenewton: [{ lr: 0.5 }, { lr: 0.2, damping: 0.5 }],
  gaussnewton: [{ lr: 0.5 }, { lr: 1, damping: 0.1 }],
  oasis: [
    { lr: 0.1, alpha: 1 },
    { lr: 0.05, alpha: 10, beta2: 0.9 },
  ],
  inducedsgd: [{ lr: 0.01 }, { lr: 0.005, beta: 0, momentum: 0.5, weight_decay: 0.01 }],
  inducedsgdlog: [{ lr: 0.01 }, { lr: 0.005, beta: 0.5, xi: 1 }],
  inducedsgdrms: [{ lr: 0.01 }, { lr: 0.005, beta: 0, beta_rms: 0.9 }],
  sam: [{ lr: 1e-3 }, { lr: 5e-4, rho: 0.1, adaptive: true, momentum: 0.9, nesterov: true, weight_decay: 0.01 }],
  fdgr: [
    { lr: 1e-3, epsilon: 1e-4 },
    { lr: 5e-4, epsilon: -1e-4, gamma: 0.001 },
  ],
  normgd: [{ lr: 0.01 }, { lr: 0.05, eps: 1 }],
  clipsgd: [{ lr: 1e-3 }, { lr: 1e-3, max_norm: 0.5, momentum: 0.9, dampening: 0.1 }],
}

/** Residuals of the presets that are sums of squares (Gauss–Newton runs only there). */
const RESIDUALS: Record<string, string[]> = {
  rosenbrock: ['1 - x', '10*(y - x^2)'],
  himmelblau: ['x^2 + y - 11', 'x + y^2 - 7'],
}

/** The landscapes an optimizer runs on here: all of them, but where a rule cannot run or cannot be compared. */
const landscapesFor = (name: string) =>
  LANDSCAPES.filter((l) =>
    name === 'gaussnewton'
      ? RESIDUALS[l.preset] !== undefined
      : // OASIS's step size is a ratio of gradient differences: in Rosenbrock's valley the float64
        // run with 1e-4 gradient noise leaves TOL/4 within a few steps on 22 of 24 runs, so no
        // float32 path could be compared there (see `horizon`).
        name !== 'oasis' || l.preset !== 'rosenbrock',
  )

const LANDSCAPES = [
  { preset: 'rosenbrock', init: { grid: { x: [-1.5, 1.5], y: [-0.5, 2.5], n: [4, 3] } } },
  { preset: 'himmelblau', init: { grid: { x: [-4, 4], y: [-4, 4], n: [4, 3] } } },
  { preset: 'rastrigin', init: { grid: { x: [-2, 2], y: [-2, 2], n: [4, 3] } } },
  { preset: 'ackley', init: { grid: { x: [-2.1, 1.9], y: [-1.9, 2.1], n: [4, 3] } } },
]

const FLT_MAX = 3.4028234663852886e38

/**
 * Steps over which the float64 trajectory is well-conditioned at float32 scale: a float64 run
 * with tiny gradient noise (std 1e-4, above float32 roundoff of these gradients) stays within
 * TOL/4. Past that horizon (adaptive methods dithering at a minimum, chaotic steps) no float32
 * path can agree with float64, so comparing there would test luck, not the kernel.
 */
function horizon(want: RunRecord, jittered: RunRecord, steps: number): number {
  for (let k = 0; k <= steps; k++) {
    for (let c = 0; c < 2; c++) {
      const a = want.trajectory[k][c]
      const b = jittered.trajectory[k][c]
      if (!(Math.abs(a - b) <= (TOL / 4) * (1 + Math.abs(a)))) return k
    }
  }
  return steps + 1
}

/** Compare a float32 run with its float64 twin; returns whether the whole run was comparable. */
function expectAgreement(got: RunRecord, want: RunRecord, jittered: RunRecord, steps: number, label: string): boolean {
  let upto = Math.min(horizon(want, jittered, steps), steps + 1)
  if (got.diverged_at !== null) {
    const k = got.diverged_at
    // float32 overflows at 3.4e38, float64 at 1.8e308: an earlier float32 divergence must be
    // justified by the float64 run leaving float32's range by then.
    const beyond =
      (want.diverged_at !== null && want.diverged_at <= k) || [...want.trajectory[k], want.loss[k]].some((v) => !(Math.abs(v) <= FLT_MAX))
    expect(beyond, `${label}: float32 diverged at ${k} while float64 stayed in range`).toBe(true)
    upto = Math.min(upto, k)
  } else {
    expect(want.diverged_at, `${label}: float64 diverged but float32 did not`).toBeNull()
  }
  for (let k = 0; k < upto; k++) {
    for (let c = 0; c < 2; c++) {
      expect(
        close(got.trajectory[k][c], want.trajectory[k][c]),
        `${label} step ${k}: ${got.trajectory[k][c]} vs ${want.trajectory[k][c]}`,
      ).toBe(true)
    }
  }
  return upto === steps + 1
}

describe('float32 kernel path matches the float64 path', () => {
  it('covers every optimizer', () => {
    expect(Object.keys(SETTINGS).sort()).toEqual(OPTIMIZERS.map((o) => o.name).sort())
  })

  for (const mode of ['cpu', 'webasm', 'wasm'] as BackendMode[]) {
    describe(`backend ${mode}`, () => {
      for (const [name, settings] of Object.entries(SETTINGS)) {
        it(`${name}: ${settings.length} settings × ${landscapesFor(name).length} landscapes × 12 starts, 50 steps`, async () => {
          let full = 0
          let total = 0
          for (const land of landscapesFor(name)) {
            const doc = {
              landscape: { preset: land.preset, ...(name === 'gaussnewton' ? { residuals: RESIDUALS[land.preset] } : {}) },
              optimizers: settings.map((s) => ({ name, ...s })),
              init: land.init,
              steps: 50,
            }
            const f64 = await runScenario(parseScenario(doc))
            const jittered = await runScenario(parseScenario({ ...doc, noise: { std: 1e-4, seed: 1 } }))
            const f32 = await runScenario(parseScenario({ ...doc, precision: 'float32' }), { backend: mode, threaded: mode !== 'cpu' })
            expect(f32.backends[0]).toMatch(
              { cpu: /gpu\.js CPUKernel/, webasm: /gpu\.js WebAssemblyKernel/, wasm: /wasm-simd/ }[mode as string]!,
            )
            f64.runs.forEach((want, r) => {
              total++
              if (expectAgreement(f32.runs[r], want, jittered.runs[r], 50, `${land.preset} run ${r}`)) full++
            })
          }
          // Most runs must be comparable over all 50 steps, or this test would prove little.
          expect(full / total).toBeGreaterThanOrEqual(0.75)
        })
      }
    })
  }
})

describe('sweeps', () => {
  it('a 100 × 100 lr × momentum sweep is one launch per kept point, and each cell equals its own run', async () => {
    const doc = {
      landscape: { preset: 'rosenbrock' },
      optimizer: { name: 'sgd', sweep: { lr: { log: [1e-5, 1e-3], n: 100 }, momentum: { linear: [0, 0.95], n: 100 } } },
      init: [-1.5, 2],
      steps: 200,
      record: { every: 200 },
      precision: 'float32',
    }
    const before = launches.count
    const sweep = await runScenario(parseScenario(doc))
    expect(launches.count - before).toBe(1) // 10⁴ configurations × 200 steps, one launch
    expect(sweep.runs).toHaveLength(10_000)
    for (const cell of [0, 99, 4242, 9999]) {
      const run = sweep.runs[cell]
      const lr = run.optimizer.lr as number
      const momentum = run.optimizer.momentum as number
      expect(lr).toBeCloseTo(Math.exp(Math.log(1e-5) + ((Math.log(1e-3) - Math.log(1e-5)) * Math.floor(cell / 100)) / 99), 12)
      expect(momentum).toBeCloseTo((0.95 * (cell % 100)) / 99, 12)
      const alone = await runScenario(parseScenario({ ...doc, optimizer: { name: 'sgd', lr, momentum }, precision: 'float64' }))
      for (let c = 0; c < 2; c++) expect(close(run.trajectory[1][c], alone.runs[0].trajectory[1][c])).toBe(true)
    }
  })

  it('sweeps a component of betas (lr × β₂) and validates every configuration', async () => {
    const doc = {
      landscape: { preset: 'booth' },
      optimizer: { name: 'adam', sweep: { lr: { values: [0.01, 0.1] }, 'betas[1]': { values: [0.9, 0.99, 0.999] } } },
      init: [0, 0],
      steps: 3,
    }
    const r = await runScenario(parseScenario(doc))
    expect(r.runs.map((x) => [x.optimizer.lr, (x.optimizer.betas as readonly number[])[1]])).toEqual([
      [0.01, 0.9],
      [0.01, 0.99],
      [0.01, 0.999],
      [0.1, 0.9],
      [0.1, 0.99],
      [0.1, 0.999],
    ])
    expect(() => parseScenario({ ...doc, optimizer: { name: 'adam', sweep: { 'betas[1]': { values: [0.9, 1.5] } } } })).toThrow(
      /optimizer\.sweep: configuration \{"betas\[1\]":1\.5\}: Invalid beta parameter/,
    )
    expect(() => parseScenario({ ...doc, optimizer: { name: 'adam', sweep: { amsgrad: { values: [0, 1] } } } })).toThrow(
      /booleans cannot be swept/,
    )
    expect(() => parseScenario({ ...doc, optimizer: { name: 'adam', sweep: { lrr: { values: [1] } } } })).toThrow(
      /optimizer\.sweep\.lrr: unknown hyperparameter/,
    )
  })
})

describe('seeded gradient noise', () => {
  it('gives the same trajectories on the float64 path and on every CPU-side backend (GPU.js cpu and WebAssembly, our WebAssembly SIMD)', async () => {
    const doc = {
      landscape: { preset: 'himmelblau' },
      optimizer: { name: 'adam', lr: 0.05 },
      init: { grid: { x: [-3, 3], y: [-3, 3], n: [3, 3] } },
      steps: 40,
      noise: { std: 2.0, seed: 99 },
    }
    const f64 = await runScenario(parseScenario(doc))
    const clean = await runScenario(parseScenario({ ...doc, noise: { std: 0, seed: 99 } }))
    expect(worst(f64.runs[0], clean.runs[0], 40)).toBeGreaterThan(1e-2) // the noise matters
    for (const mode of ['cpu', 'webasm', 'wasm'] as BackendMode[]) {
      const f32 = await runScenario(parseScenario({ ...doc, precision: 'float32' }), { backend: mode })
      f64.runs.forEach((want, r) => expect(worst(f32.runs[r], want, 40)).toBeLessThanOrEqual(TOL))
    }
  })
})

describe('divergence in the kernel', () => {
  it('freezes only the diverging particle and reports its step', async () => {
    const doc = {
      landscape: { preset: 'ill_conditioned_quadratic' },
      optimizer: { name: 'sgd', lr: 0.0199 },
      init: [
        [1, 1],
        [2, -1],
      ],
      steps: 300,
      precision: 'float32',
    }
    const calm = await runScenario(parseScenario(doc))
    // A second optimizer with a learning rate above 2/100 diverges; the first is untouched.
    const mixed = await runScenario(
      parseScenario({
        ...doc,
        optimizer: undefined,
        optimizers: [
          { name: 'sgd', lr: 0.0199 },
          { name: 'sgd', lr: 0.5 },
        ],
      }),
    )
    expect(mixed.runs[0].trajectory).toEqual(calm.runs[0].trajectory)
    expect(mixed.runs[1].trajectory).toEqual(calm.runs[1].trajectory)
    for (const r of mixed.runs.slice(2)) {
      expect(r.diverged_at).toBeGreaterThan(0)
      const k = r.diverged_at!
      expect(r.trajectory.slice(0, k).every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))).toBe(true)
      expect(r.trajectory.slice(k).every(([x, y]) => Number.isNaN(x) && Number.isNaN(y))).toBe(true)
    }
  })
})

describe('launch layouts', () => {
  // A job's last launch hands back positions only (two particles per thread); earlier launches
  // hand back the whole state. Both must continue the same trajectories, for any particle count.
  it.each(['adam', 'nadam', 'rmsprop', 'sgd'])(
    '%s: one positions-only launch equals many state launches, odd particle counts padded',
    async (name) => {
      const settings = {
        adam: { lr: 0.05, amsgrad: true },
        nadam: { lr: 0.02 },
        rmsprop: { lr: 0.01, momentum: 0.9, centered: true },
        sgd: { lr: 1e-3, momentum: 0.9 },
      }[name]!
      const doc = {
        landscape: { preset: 'rosenbrock' },
        optimizer: { name, ...settings },
        init: { random: { x: [-2, 2], y: [-1, 3], count: 7, seed: 3 } },
        steps: 60,
        precision: 'float32',
      }
      const one = await runScenario(parseScenario({ ...doc, record: { every: 60 } }), { backend: 'webasm' })
      const many = await runScenario(parseScenario({ ...doc, record: { every: 6 } }), { backend: 'webasm' })
      const f64 = await runScenario(parseScenario({ ...doc, precision: 'float64', record: { every: 60 } }))
      expect(one.runs).toHaveLength(7)
      one.runs.forEach((run, r) => {
        const [x, y] = run.trajectory[1]
        const [mx, my] = many.runs[r].trajectory[10]
        expect(Math.abs(x - mx)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(mx)))
        expect(Math.abs(y - my)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(my)))
        expect(close(x, f64.runs[r].trajectory[1][0]) && close(y, f64.runs[r].trajectory[1][1])).toBe(true)
      })
    },
  )

  // A launch leaves out slots the rule does not touch (OptimizerDef.slotUsedIf): check the claim
  // on the float64 path, where every slot is kept — untouched when the hyperparameter is zero,
  // moved when it is not.
  it.each(
    OPTIMIZERS.filter((d) => d.slotUsedIf).flatMap((d) => Object.entries(d.slotUsedIf!).map(([slot, hp]) => [d.name, slot, hp] as const)),
  )('%s: slot %s is used only when %s is non-zero', (name, slot, hp) => {
    const def = OPTIMIZERS.find((d) => d.name === name)!
    const slotIndex = slotNames(def).indexOf(`${slot}_x`)
    expect(slotIndex).toBeGreaterThanOrEqual(0)
    expect(hparamCodeNames(def)).toContain(hp)
    const on = typeof def.hparams[hp]?.default === 'boolean' ? true : 0.5
    for (const value of [def.hparams[hp]?.kind === 'boolean' ? false : 0, on]) {
      const s = parseScenario({
        landscape: { preset: 'rosenbrock' },
        optimizer: { name, lr: 1e-3, [hp]: value },
        init: [
          [-1, 2],
          [0.5, 0.5],
        ],
        steps: 20,
      })
      const [part] = planParts(s)
      const state = initialState(part.job)
      const before = Float64Array.from(state.slots[slotIndex])
      advanceFloat64(part.job, state, 20, blockOutput(part.job, part.n, 0, 21))
      const moved = state.slots[slotIndex].some((v, i) => v !== before[i])
      expect(moved, `${hp} = ${value}`).toBe(value === on)
    }
  })

  it('blocks that end between kept points lose no steps (every = 3, blocks of 4 steps)', async () => {
    const doc = {
      landscape: { preset: 'rosenbrock' },
      optimizer: { name: 'sgd', lr: 1e-3, momentum: 0.9 },
      init: { random: { x: [-2, 2], y: [-1, 3], count: 10, seed: 5 } },
      steps: 40,
      record: { every: 3 },
      precision: 'float32',
    }
    const whole = await runScenario(parseScenario(doc), { backend: 'webasm' })
    const [part] = planParts(parseScenario(doc), { backend: 'webasm' })
    const points: number[][][] = Array.from({ length: part.n }, () => [])
    for (let from = 0; from < 40;) {
      const to = Math.min(40, from + 4)
      const { start, count } = keptRange(from, to, 3)
      const out = blockOutput(part.job, part.n, start, count)
      await part.stepper.advance(to, out)
      for (let r = 0; r < part.n; r++) for (let j = 0; j < count; j++) points[r].push([out.x[r * count + j], out.y[r * count + j]])
      from = to
    }
    whole.runs.forEach((run, r) => {
      expect(points[r]).toHaveLength(run.trajectory.length)
      run.trajectory.forEach(([x, y], k) => {
        // A diverged run is NaN in both from its step on.
        if (Number.isNaN(x)) {
          expect(points[r][k][0]).toBeNaN()
          return
        }
        expect(Math.abs(points[r][k][0] - x)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(x)))
        expect(Math.abs(points[r][k][1] - y)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(y)))
      })
    })
  })

  it('steps after the last kept point still run: a divergence there is reported', async () => {
    // lr 0.5 on the quadratic diverges; with every = 1000 > steps no point is kept after step 0.
    const doc = {
      landscape: { preset: 'ill_conditioned_quadratic' },
      optimizer: { name: 'sgd', lr: 0.5 },
      init: [1, 1],
      steps: 400,
      record: { every: 1000 },
      precision: 'float32',
    }
    const r = await runScenario(parseScenario(doc), { backend: 'webasm' })
    const f64 = await runScenario(parseScenario({ ...doc, precision: 'float64' }))
    expect(f64.runs[0].diverged_at).toBeGreaterThan(0)
    expect(r.runs[0].diverged_at).toBeGreaterThan(0)
  })

  it('a particle diverging inside a launch leaves the particle sharing its thread untouched', async () => {
    // lr above 2/100 diverges on the quadratic; neighbours in the sweep share thread groups.
    const lrs = [0.0199, 0.5, 0.01, 0.6, 0.015]
    const doc = {
      landscape: { preset: 'ill_conditioned_quadratic' },
      optimizer: { name: 'sgd', sweep: { lr: { values: lrs } } },
      init: [1, 1],
      steps: 300,
      precision: 'float32',
    }
    for (const every of [300, 30]) {
      const swept = await runScenario(parseScenario({ ...doc, record: { every } }), { backend: 'webasm' })
      for (const [r, lr] of lrs.entries()) {
        const run = swept.runs[r]
        if (lr > 0.02) {
          expect(run.diverged_at).toBeGreaterThan(0)
          expect(Number.isNaN(run.trajectory.at(-1)![0])).toBe(true)
        } else {
          const alone = await runScenario(parseScenario({ ...doc, optimizer: { name: 'sgd', lr }, record: { every } }), {
            backend: 'webasm',
          })
          expect(run.diverged_at ?? null).toBeNull()
          expect(run.trajectory).toEqual(alone.runs[0].trajectory)
        }
      }
    }
  })
})

describe('GPU.js WebAssembly backend against the torch references', () => {
  const files = readdirSync(join(ROOT, 'tests/fixtures/torch'))
    .filter((f) => f.endsWith('.json'))
    .sort()
  it(`all ${files.length} cases within 1e-3·(1+|x|) over 50 steps`, async () => {
    for (const file of files) {
      const ref = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/torch', file), 'utf8'))
      const r = await runScenario(parseScenario({ ...ref, steps: 50, precision: 'float32' }), { backend: 'webasm' })
      expect(r.backends[0]).toMatch(/gpu\.js WebAssemblyKernel/)
      for (let k = 0; k <= 50; k++) {
        for (let c = 0; c < 2; c++) expect(close(r.runs[0].trajectory[k][c], ref.trajectory[k][c]), `${file} step ${k}`).toBe(true)
      }
    }
  })
})

describe('CLI "precision": "float32"', () => {
  const files = readdirSync(join(ROOT, 'tests/fixtures/torch'))
    .filter((f) => f.endsWith('.json'))
    .sort()
  const dir = tempDir()
  it.each(files)('%s within 1e-3·(1+|x|) over 50 steps', (file) => {
    const ref = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/torch', file), 'utf8'))
    const path = writeScenario(dir, file, { ...ref, steps: 50, precision: 'float32' })
    const out = join(dir, `out-${file}`)
    const r = runCli(['run', path, '--out', out])
    expect(r.status, r.stderr).toBe(0)
    // The automatic backend: GPU.js on a GPU, our WebAssembly SIMD kernel otherwise.
    expect(r.stderr).toMatch(/float32 (wasm-simd|gpu\.js \w+Kernel)/)
    const run = JSON.parse(readFileSync(out, 'utf8')).runs[0]
    for (let k = 0; k <= 50; k++) {
      for (let c = 0; c < 2; c++) expect(close(run.trajectory[k][c], ref.trajectory[k][c]), `step ${k}`).toBe(true)
    }
  })
})
