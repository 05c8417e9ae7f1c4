/** @vitest-environment node */
/**
 * Sweeps over schedule arguments (docs/SCENARIO.md, "Extension: sweeps over schedule
 * arguments"): the keys parse and expand into one schedule per configuration, bad keys and values
 * get specific errors, and each configuration runs (float64 and float32 wasm) exactly as the same
 * scenario without a sweep, with that schedule value, and reports that schedule's lr_history.
 */
import { describe, expect, it } from 'vitest'
import { parseScenario, ScenarioError } from '../../src-shared/scenario'
import { configSchedule, scheduleGroups } from '../../src-shared/scenario/schedule-sweep'
import { parseSchedule, scheduleSequence, sweepableArgs } from '../../src-shared/schedule'
import { collectResult } from '../../src-main/cli/output'
import { writeJson } from '../../src-main/cli/output/json'
import { launches } from '../../src-main/engine/float32'
import { Job } from '../../src-main/engine/job'
import { runScenario } from '../../src-main/engine/run-scenario'

const base = {
  landscape: { preset: 'himmelblau' },
  init: [
    [0.5, -0.5],
    [-1, 2],
  ],
  steps: 40,
  record: { every: 4 },
}
const step = { name: 'StepLR', step_size: 10, gamma: 0.5 }

const errorOf = (doc: unknown): ScenarioError => {
  try {
    parseScenario(doc)
  } catch (err) {
    if (err instanceof ScenarioError) return err
    throw err
  }
  throw new Error('no error')
}

describe('parsing and expansion', () => {
  it('a schedule key gives each configuration its own schedule, grouped by schedule', () => {
    // The schedule axis varies fastest, so its groups interleave in the configuration order.
    const s = parseScenario({
      ...base,
      optimizer: {
        name: 'sgd',
        lr: 0.01,
        schedule: step,
        sweep: { lr: { values: [0.01, 0.02] }, 'schedule.gamma': { values: [0.5, 0.9, 0.5] } },
      },
    })
    const o = s.optimizers[0]
    expect(o.configs.map((h) => h.lr)).toEqual([0.01, 0.01, 0.01, 0.02, 0.02, 0.02])
    expect(o.configs.map((_, c) => configSchedule(o, c))).toEqual(
      [0.5, 0.9, 0.5, 0.5, 0.9, 0.5].map((gamma) => ({ name: 'StepLR', step_size: 10, gamma })),
    )
    // Equal schedules (the repeated 0.5) share one group: one launch per distinct schedule.
    const groups = scheduleGroups(o)
    expect(groups.map((g) => [(g.schedule as { gamma: number }).gamma, Array.from(g.configs)])).toEqual([
      [0.5, [0, 2, 3, 5]],
      [0.9, [1, 4]],
    ])
  })

  it('linear ranges of whole numbers and SequentialLR children', () => {
    const seq = {
      name: 'SequentialLR',
      schedulers: [
        { name: 'LinearLR', start_factor: 0.1, total_iters: 5 },
        { name: 'CosineAnnealingLR', T_max: 30 },
      ],
      milestones: [5],
    }
    const s = parseScenario({
      ...base,
      optimizer: { name: 'adam', lr: 0.05, schedule: seq, sweep: { 'schedule.schedulers[1].T_max': { linear: [10, 40], n: 4 } } },
    })
    const o = s.optimizers[0]
    expect(
      o.configs.map((_, c) => (configSchedule(o, c) as unknown as { schedulers: Array<{ T_max?: number }> }).schedulers[1].T_max),
    ).toEqual([10, 20, 30, 40])
    expect(sweepableArgs(parseSchedule(seq)).map((a) => a.key)).toEqual([
      'schedule.schedulers[0].start_factor',
      'schedule.schedulers[0].end_factor',
      'schedule.schedulers[0].total_iters',
      'schedule.schedulers[1].T_max',
      'schedule.schedulers[1].eta_min',
    ])
  })

  it.each([
    [
      { name: 'sgd', lr: 0.01, sweep: { 'schedule.gamma': { values: [0.5] } } },
      'optimizer.sweep.schedule.gamma',
      'the optimizer has no "schedule"',
    ],
    [
      { name: 'sgd', lr: 0.01, schedule: step, sweep: { 'schedule.T_max': { values: [5] } } },
      'optimizer.sweep.schedule.T_max',
      'unknown argument of StepLR (known: step_size, gamma)',
    ],
    [
      { name: 'sgd', lr: 0.01, schedule: step, sweep: { 'schedule.name': { values: [1] } } },
      'optimizer.sweep.schedule.name',
      'class cannot be swept',
    ],
    [
      { name: 'sgd', lr: 0.01, schedule: { name: 'MultiStepLR', milestones: [5] }, sweep: { 'schedule.milestones': { values: [3] } } },
      'optimizer.sweep.schedule.milestones',
      "MultiStepLR's milestones is a list, not a number",
    ],
    [
      {
        name: 'sgd',
        lr: 0.01,
        momentum: 0.9,
        schedule: { name: 'OneCycleLR', max_lr: 0.1, total_steps: 40 },
        sweep: { 'schedule.three_phase': { values: [1] } },
      },
      'optimizer.sweep.schedule.three_phase',
      'is true or false, not a number',
    ],
    [
      { name: 'sgd', lr: 0.01, schedule: step, sweep: { 'schedule.step_size': { values: [10, 12.5] } } },
      'optimizer.sweep.schedule.step_size',
      "StepLR's step_size is a whole number of steps, but the sweep gives 12.5 (value 2 of 2)",
    ],
    [
      { name: 'sgd', lr: 0.01, schedule: { name: 'CosineAnnealingLR', T_max: 20 }, sweep: { 'schedule.T_max': { log: [10, 100], n: 3 } } },
      'optimizer.sweep.schedule.T_max',
      "CosineAnnealingLR's T_max is a whole number of steps, but the sweep gives 31.62",
    ],
    [
      { name: 'sgd', lr: 0.01, schedule: step, sweep: { 'schedule.schedulers[0].gamma': { values: [0.5] } } },
      'optimizer.sweep.schedule.schedulers[0].gamma',
      'StepLR has no schedulers',
    ],
    [
      {
        name: 'sgd',
        lr: 0.01,
        schedule: { name: 'SequentialLR', schedulers: [step, step], milestones: [5] },
        sweep: { 'schedule.schedulers[2].gamma': { values: [0.5] } },
      },
      'optimizer.sweep.schedule.schedulers[2].gamma',
      'the SequentialLR has 2 schedulers',
    ],
    [
      {
        name: 'sgd',
        lr: 0.01,
        schedule: { name: 'SequentialLR', schedulers: [step, step], milestones: [5] },
        sweep: { 'schedule.gamma': { values: [0.5] } },
      },
      'optimizer.sweep.schedule.gamma',
      'sweep schedule.schedulers[i].gamma',
    ],
    [
      { name: 'sgd', lr: 0.01, schedule: step, sweep: { 'schedule.gamma.x': { values: [0.5] } } },
      'optimizer.sweep.schedule.gamma.x',
      'must be schedule.ARG',
    ],
    [
      { name: 'sgd', lr: 0.01, schedule: step, sweep: { 'schedule.step_size': { values: [5, 0] } } },
      'optimizer.sweep',
      'configuration {"schedule.step_size":0}: schedule.step_size must be > 0, got 0',
    ],
    [
      {
        name: 'sgd',
        lr: 0.01,
        momentum: 0.9,
        schedule: { name: 'OneCycleLR', max_lr: 0.1, total_steps: 40 },
        sweep: { 'schedule.total_steps': { values: [40, 20] } },
      },
      'optimizer.sweep',
      'schedule {"name":"OneCycleLR","max_lr":0.1,"total_steps":20',
    ],
  ])('%# refuses with a specific error', (optimizer, field, message) => {
    const err = errorOf({ ...base, optimizer })
    expect(err.field).toBe(field)
    expect(err.problem).toContain(message)
  })

  it('limits the distinct schedules of one entry', () => {
    const err = errorOf({
      ...base,
      optimizer: {
        name: 'sgd',
        lr: 0.01,
        schedule: step,
        sweep: {
          'schedule.gamma': { linear: [0.1, 0.9], n: 33 },
          'schedule.step_size': { values: Array.from({ length: 32 }, (_, i) => i + 1) },
        },
      },
    })
    expect(err.field).toBe('optimizer.sweep')
    expect(err.problem).toMatch(/^1056 schedule combinations is more than 1024/)
    // Each distinct schedule's table is as long as the run.
    const long = errorOf({
      ...base,
      steps: 3_000_000,
      optimizer: { name: 'sgd', lr: 0.01, schedule: step, sweep: { 'schedule.gamma': { values: [0.5, 0.9] } } },
    })
    expect(long.field).toBe('optimizer.sweep')
    expect(long.problem).toMatch(/^2 distinct schedules × 3000000 steps is more than 4194304 schedule table entries/)
    expect(() => parseScenario({ ...base, steps: 3_000_000, optimizer: { name: 'sgd', lr: 0.01, schedule: step } })).not.toThrow()
  })
})

interface JsonRun {
  optimizer: { lr: number; schedule: Record<string, unknown> }
  trajectory: Array<[number, number]>
  loss: number[]
  lr_history: number[]
  momentum_history?: number[]
}

async function jsonRuns(doc: unknown, precision: 'float64' | 'float32'): Promise<JsonRun[]> {
  const result = await collectResult(parseScenario({ ...(doc as object), precision }), { backend: 'wasm' })
  let text = ''
  writeJson(result, (piece) => (text += typeof piece === 'string' ? piece : Buffer.from(piece).toString('latin1')))
  return (JSON.parse(text) as { runs: JsonRun[] }).runs
}

describe('each configuration runs as the scenario without the sweep', () => {
  const cases = [
    {
      what: 'StepLR gamma × lr (groups interleaved)',
      optimizer: { name: 'sgd', momentum: 0.5, lr: 0.01, schedule: step },
      sweep: { lr: { values: [0.004, 0.01] }, 'schedule.gamma': { values: [0.3, 0.7, 0.95] } },
    },
    {
      what: "OneCycleLR max_lr (cycled momentum, Adam's betas[0])",
      optimizer: { name: 'adam', lr: 0.05, schedule: { name: 'OneCycleLR', max_lr: 0.1, total_steps: 40 } },
      sweep: { 'schedule.max_lr': { log: [0.01, 0.2], n: 3 } },
    },
    {
      what: 'SequentialLR child T_max',
      optimizer: {
        name: 'sgd',
        lr: 0.01,
        schedule: {
          name: 'SequentialLR',
          schedulers: [
            { name: 'LinearLR', total_iters: 5 },
            { name: 'CosineAnnealingLR', T_max: 30 },
          ],
          milestones: [5],
        },
      },
      sweep: { 'schedule.schedulers[1].T_max': { values: [8, 30] } },
    },
  ]
  for (const precision of ['float64', 'float32'] as const) {
    it.each(cases)(`${precision}: $what, bit for bit, with its own lr_history`, async ({ optimizer, sweep }) => {
      const before = launches.count
      const swept = await jsonRuns({ ...base, optimizer: { ...optimizer, sweep } }, precision)
      const starts = base.init.length
      const configs = swept.length / starts
      expect(configs).toBeGreaterThan(1)
      const distinct = new Set(swept.map((r) => JSON.stringify(r.optimizer.schedule))).size
      if (precision === 'float32') expect(launches.count - before).toBeGreaterThanOrEqual(distinct) // one launch group per schedule
      for (let c = 0; c < configs; c++) {
        const { lr, schedule } = swept[c * starts].optimizer
        const alone = await jsonRuns({ ...base, optimizer: { ...optimizer, lr, schedule } }, precision)
        for (let i = 0; i < starts; i++) {
          const got = swept[c * starts + i]
          const want = alone[i]
          expect(got.trajectory, `configuration ${c}, start ${i}`).toEqual(want.trajectory)
          expect(got.loss).toEqual(want.loss)
          expect(got.lr_history).toEqual(want.lr_history)
          expect(got.momentum_history).toEqual(want.momentum_history)
        }
        const h = scheduleSequence(parseSchedule(schedule), lr, 0.9, base.steps)
        expect(swept[c * starts].lr_history).toEqual(Array.from(h.lr))
      }
      // The sweep changed something: the configurations' histories are not all the same.
      expect(new Set(swept.map((r) => JSON.stringify(r.lr_history))).size).toBeGreaterThan(1)
    })
  }
})

describe('beyond the exact rows, and through a streaming job', () => {
  it('float64 with more than 64 (schedule, lr) pairs: one affine row per schedule, equal to the unswept runs within rounding', async () => {
    const lrs = Array.from({ length: 40 }, (_, i) => 0.002 + 0.0002 * i)
    const doc = {
      ...base,
      optimizer: {
        name: 'sgd',
        momentum: 0.5,
        lr: 0.01,
        schedule: step,
        sweep: { 'schedule.gamma': { values: [0.3, 0.8] }, lr: { values: lrs } },
      },
    }
    const swept = await runScenario(parseScenario(doc))
    expect(swept.runs).toHaveLength(160)
    let differs = false
    for (const c of [0, 17, 39, 40, 63, 79]) {
      const gamma = c < 40 ? 0.3 : 0.8
      const lr = lrs[c % 40]
      const alone = await runScenario(
        parseScenario({ ...base, optimizer: { name: 'sgd', momentum: 0.5, lr, schedule: { ...step, gamma } } }),
      )
      for (let i = 0; i < 2; i++) {
        const got = swept.runs[2 * c + i]
        expect(got.optimizer.lr).toBe(lr)
        got.trajectory.forEach(([x, y], k) => {
          const [wx, wy] = alone.runs[i].trajectory[k]
          expect(Math.abs(x - wx)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(wx)))
          expect(Math.abs(y - wy)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(wy)))
        })
      }
      // The other gamma's run differs by far more than the tolerance: the rows are not mixed up.
      const other = await runScenario(
        parseScenario({ ...base, optimizer: { name: 'sgd', momentum: 0.5, lr, schedule: { ...step, gamma: 1.1 - gamma } } }),
      )
      if (Math.abs(other.runs[0].trajectory[10][0] - swept.runs[2 * c].trajectory[10][0]) > 1e-6) differs = true
    }
    expect(differs).toBe(true)
  })

  it('float32: a job streams the same points in blocks as the whole run (launch groups scattered back in order)', async () => {
    const doc = {
      ...base,
      // Long enough for several blocks (the first block is 10⁴ particle-steps).
      steps: 2000,
      record: { every: 50 },
      precision: 'float32',
      optimizers: [
        { name: 'adam', lr: 0.05 },
        {
          name: 'sgd',
          lr: 0.01,
          momentum: 0.5,
          schedule: step,
          sweep: { lr: { values: [0.004, 0.01] }, 'schedule.gamma': { values: [0.3, 0.7, 0.95] } },
        },
      ],
    }
    const s = parseScenario(doc)
    const whole = await runScenario(s, { backend: 'wasm' })
    const job = new Job(1, s, { backend: 'wasm' })
    const runs = whole.runs.length
    const kept = whole.runs[0].trajectory.length
    const xy = new Float64Array(runs * kept * 2)
    let chunks = 0
    for (let c = await job.next(); c; c = await job.next(), chunks++)
      for (let r = 0; r < runs; r++)
        for (let j = 0; j < c.count; j++) {
          xy[2 * (r * kept + c.start + j)] = c.xy[2 * (r * c.count + j)]
          xy[2 * (r * kept + c.start + j) + 1] = c.xy[2 * (r * c.count + j) + 1]
        }
    expect(chunks).toBeGreaterThan(1)
    whole.runs.forEach((run, r) =>
      run.trajectory.forEach(([x, y], k) => {
        expect(xy[2 * (r * kept + k)]).toBe(Math.fround(x))
        expect(xy[2 * (r * kept + k) + 1]).toBe(Math.fround(y))
      }),
    )
    expect(Array.from(job.divergedAt())).toEqual(whole.runs.map((r) => r.diverged_at ?? -1))
  })
})
