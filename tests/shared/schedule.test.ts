/** @vitest-environment node */
/**
 * Each torch.optim.lr_scheduler class against values worked out by hand from torch 1.13's
 * definitions (chainable forms, closed forms at SequentialLR's milestones), the affine rows the
 * kernels read against the plain sequence, and the scenario's errors for bad schedules.
 */
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import { affineSchedule, parseSchedule, ROW_VALUES, scheduleSequence } from '../../src-shared/schedule'

const lrs = (spec: unknown, steps: number, lr = 1, momentum = 0.9) =>
  Array.from(scheduleSequence(parseSchedule(spec), lr, momentum, steps).lr)
const momenta = (spec: unknown, steps: number, lr = 1, momentum = 0.9) =>
  Array.from(scheduleSequence(parseSchedule(spec), lr, momentum, steps).momentum)
const close = (got: number[], want: number[], rel = 1e-12) => {
  expect(got).toHaveLength(want.length)
  got.forEach((g, k) =>
    expect(Math.abs(g - want[k]), `step ${k + 1}: ${g} vs ${want[k]}`).toBeLessThanOrEqual(rel * Math.max(1e-300, Math.abs(want[k]))),
  )
}

describe('torch.optim.lr_scheduler classes', () => {
  it('StepLR decays every step_size steps', () => {
    close(lrs({ name: 'StepLR', step_size: 3, gamma: 0.5 }, 8, 0.08), [0.08, 0.08, 0.08, 0.04, 0.04, 0.04, 0.02, 0.02])
    // gamma defaults to 0.1
    close(lrs({ name: 'StepLR', step_size: 2 }, 3), [1, 1, 0.1])
  })

  it('MultiStepLR decays at each milestone, twice at a repeated one', () => {
    close(lrs({ name: 'MultiStepLR', milestones: [2, 4, 4], gamma: 0.5 }, 6), [1, 1, 0.5, 0.5, 0.125, 0.125])
  })

  it('ExponentialLR multiplies every step', () => {
    close(lrs({ name: 'ExponentialLR', gamma: 0.9 }, 4), [1, 0.9, 0.81, 0.729])
  })

  it('ConstantLR: factor until total_iters (defaults 1/3 and 5)', () => {
    close(lrs({ name: 'ConstantLR', factor: 0.5, total_iters: 4 }, 6, 0.05), [0.025, 0.025, 0.025, 0.025, 0.05, 0.05])
    close(lrs({ name: 'ConstantLR' }, 7, 3), [1, 1, 1, 1, 1, 3, 3])
  })

  it('LinearLR: from start_factor to end_factor over total_iters', () => {
    close(lrs({ name: 'LinearLR', start_factor: 0.5, total_iters: 4 }, 6, 0.05), [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05])
    close(lrs({ name: 'LinearLR', start_factor: 1, end_factor: 0.5, total_iters: 2 }, 4), [1, 0.75, 0.5, 0.5])
  })

  it('PolynomialLR: power of the remaining fraction, then 0', () => {
    close(lrs({ name: 'PolynomialLR', total_iters: 4 }, 6, 0.001), [0.001, 0.00075, 0.0005, 0.00025, 0, 0])
    close(lrs({ name: 'PolynomialLR', total_iters: 4, power: 2 }, 5, 0.001), [0.001, 0.0005625, 0.00025, 0.0000625, 0])
  })

  it('CosineAnnealingLR: past T_max the cosine continues and the rate rises again', () => {
    const got = lrs({ name: 'CosineAnnealingLR', T_max: 10, eta_min: 0.1 }, 22)
    const want = Array.from({ length: 22 }, (_, e) => 0.1 + (0.9 * (1 + Math.cos((Math.PI * e) / 10))) / 2)
    close(got, want, 1e-13)
    expect(got[10]).toBeCloseTo(0.1, 14)
    expect(got[15]).toBeCloseTo(0.55, 14)
    expect(got[20]).toBeCloseTo(1, 14)
  })

  it('CosineAnnealingWarmRestarts with T_mult: restarts after 2, then 4, then 8 steps', () => {
    const c = (f: number) => (1 + Math.cos(Math.PI * f)) / 2
    close(
      lrs({ name: 'CosineAnnealingWarmRestarts', T_0: 2, T_mult: 2 }, 8),
      [1, c(1 / 2), 1, c(1 / 4), c(2 / 4), c(3 / 4), 1, c(1 / 8)],
      1e-15,
    )
    // eta_min is absolute: the same floor whatever the base rate.
    expect(lrs({ name: 'CosineAnnealingWarmRestarts', T_0: 4, eta_min: 0.5 }, 3, 2)[2]).toBeCloseTo(0.5 + 1.5 * c(2 / 4), 15)
  })

  it('OneCycleLR: torch defaults (cos, pct_start 0.3, div_factor 25, final_div_factor 1e4), momentum cycled', () => {
    const spec = { name: 'OneCycleLR', max_lr: 1, total_steps: 10 }
    const min = 0.04 / 1e4
    close(lrs(spec, 4), [0.04, 0.52, 1, min + ((1 - min) / 2) * (Math.cos(Math.PI / 7) + 1)])
    close(momenta(spec, 3), [0.95, 0.9, 0.85])
    // The optimizer's own rate and momentum do not matter.
    close(lrs(spec, 4, 123, 0.1), lrs(spec, 4))
    close(momenta(spec, 3, 1, 0), [0.95, 0.9, 0.85])
    // anneal_strategy linear; cycle_momentum false leaves the momentum alone
    close(lrs({ ...spec, total_steps: 20, anneal_strategy: 'linear' }, 2), [0.04, 0.96 * 0.2 + 0.04])
    close(momenta({ ...spec, cycle_momentum: false }, 3, 1, 0.3), [0.3, 0.3, 0.3])
    // three_phase: up over 3 steps (end_step 2), down to initial_lr by step 4, then to min_lr over steps 5–9
    close(lrs({ ...spec, three_phase: true }, 6), [0.04, 0.52, 1, 0.52, 0.04, min + ((0.04 - min) / 2) * (Math.cos(Math.PI * 0.2) + 1)])
    // epochs × steps_per_epoch in place of total_steps
    close(lrs({ name: 'OneCycleLR', max_lr: 1, epochs: 2, steps_per_epoch: 5 }, 4), lrs(spec, 4))
  })

  it('SequentialLR: the next schedule starts at its milestone from its closed form at epoch 0', () => {
    // ConstantLR then ExponentialLR at 2: at the milestone ExponentialLR.step(0) gives base·γ⁰.
    close(
      lrs(
        {
          name: 'SequentialLR',
          schedulers: [
            { name: 'ConstantLR', factor: 0.1, total_iters: 2 },
            { name: 'ExponentialLR', gamma: 0.9 },
          ],
          milestones: [2],
        },
        5,
      ),
      [0.1, 0.1, 1, 0.9, 0.81],
    )
    // Warm-up then cosine: 30 steps of LinearLR, the cosine restarts from the base rate.
    const got = lrs(
      {
        name: 'SequentialLR',
        schedulers: [
          { name: 'LinearLR', start_factor: 0.1, total_iters: 3 },
          { name: 'CosineAnnealingLR', T_max: 4 },
        ],
        milestones: [3],
      },
      6,
    )
    close(got, [0.1, 0.4, 0.7, 1, (1 + Math.cos(Math.PI / 4)) / 2, 0.5], 1e-14)
  })

  it("SequentialLR with OneCycleLR second: the momentum is OneCycleLR's from the start (torch sets it when building)", () => {
    const spec = {
      name: 'SequentialLR',
      schedulers: [
        { name: 'ConstantLR', factor: 0.5, total_iters: 2 },
        { name: 'OneCycleLR', max_lr: 1, total_steps: 10 },
      ],
      milestones: [2],
    }
    close(momenta(spec, 4, 1, 0.5), [0.95, 0.95, 0.95, 0.9])
    // OneCycleLR overwrote initial_lr (max_lr / 25): the reset rate before the milestone is 0.04 × 0.5.
    close(lrs(spec, 4, 7), [0.02, 0.02, 0.04, 0.52])
  })
})

describe('affine rows (one row for every base rate of a sweep)', () => {
  const specs = [
    { name: 'CosineAnnealingLR', T_max: 7, eta_min: 0.01 },
    { name: 'OneCycleLR', max_lr: 0.3, total_steps: 40 },
    {
      name: 'SequentialLR',
      schedulers: [
        { name: 'LinearLR', total_iters: 5 },
        { name: 'CosineAnnealingWarmRestarts', T_0: 3, T_mult: 2, eta_min: 0.02 },
      ],
      milestones: [5],
    },
    { name: 'PolynomialLR', total_iters: 30, power: 1.5 },
  ]
  it.each(specs)('$name: A·lr + B and C·m + D equal the sequence at every base', (spec) => {
    const s = parseSchedule(spec)
    const row = affineSchedule(s, 40)
    for (const [lr, m] of [
      [0.1, 0.9],
      [0.003, 0],
      [2, 0.5],
    ]) {
      const seq = scheduleSequence(s, lr, m, 40)
      for (let k = 0; k < 40; k++) {
        const o = k * ROW_VALUES
        expect(Math.abs(row[o] * lr + row[o + 1] - seq.lr[k])).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(seq.lr[k])))
        expect(Math.abs(row[o + 2] * m + row[o + 3] - seq.momentum[k])).toBeLessThanOrEqual(1e-14)
      }
    }
  })
})

describe('schedules in a scenario', () => {
  const base = { landscape: { preset: 'rosenbrock' }, init: [0, 0], steps: 20 }
  const error = (optimizer: unknown, extra: object = {}) => {
    try {
      parseScenario({ ...base, optimizer, ...extra })
    } catch (e) {
      return (e as Error).message
    }
    return 'no error'
  }
  it('names the field of every problem', () => {
    expect(error({ name: 'sgd', schedule: { name: 'CosineLR' } })).toMatch(
      /^optimizer\.schedule\.name: unknown schedule 'CosineLR' \(known: StepLR/,
    )
    expect(error({ name: 'sgd', schedule: { name: 'CosineAnnealingLR' } })).toMatch(
      /^optimizer\.schedule\.T_max: is required for CosineAnnealingLR/,
    )
    expect(error({ name: 'sgd', schedule: { name: 'StepLR', step_size: 2.5 } })).toMatch(
      /^optimizer\.schedule\.step_size: must be a whole number, got 2\.5/,
    )
    expect(error({ name: 'sgd', schedule: { name: 'StepLR', step_size: 5, gama: 0.5 } })).toMatch(
      /^optimizer\.schedule\.gama: unknown argument of StepLR/,
    )
    expect(error({ name: 'sgd', schedule: { name: 'LinearLR', start_factor: 0 } })).toMatch(
      /^optimizer\.schedule\.start_factor: must be greater than 0/,
    )
    expect(error({ name: 'sgd', schedule: { name: 'OneCycleLR', max_lr: 0.1 } })).toMatch(
      /^optimizer\.schedule\.total_steps: is required for OneCycleLR/,
    )
    expect(error({ name: 'sgd', schedule: { name: 'OneCycleLR', max_lr: 0.1, total_steps: 10 } })).toMatch(
      /^optimizer\.schedule\.total_steps: OneCycleLR was stepped 11 times/,
    )
    expect(error({ name: 'adagrad', schedule: { name: 'OneCycleLR', max_lr: 0.1, total_steps: 30 } })).toMatch(
      /^optimizer\.schedule\.cycle_momentum: adagrad has no momentum/,
    )
    expect(error({ name: 'adagrad', schedule: { name: 'OneCycleLR', max_lr: 0.1, total_steps: 30, cycle_momentum: false } })).toBe(
      'no error',
    )
    expect(
      error({ name: 'sgd', schedule: { name: 'SequentialLR', schedulers: [{ name: 'ExponentialLR', gamma: 0.9 }], milestones: [3] } }),
    ).toMatch(/^optimizer\.schedule\.milestones: must list one milestone fewer than schedulers: 1 schedulers, 1 milestones/)
    expect(
      error({
        name: 'sgd',
        schedule: { name: 'SequentialLR', schedulers: [{ name: 'ExponentialLR' }, { name: 'StepLR', step_size: 3 }], milestones: [3] },
      }),
    ).toMatch(/^optimizer\.schedule\.schedulers\[0\]\.gamma: is required for ExponentialLR/)
    expect(error([{ name: 'sgd' }], {})).toMatch(/^optimizer: must be an object/)
  })
  it('keeps the schedule on the optimizer, defaults filled in', () => {
    const s = parseScenario({ ...base, optimizers: [{ name: 'adam', schedule: { name: 'StepLR', step_size: 5 } }] })
    expect(s.optimizers[0].schedule).toEqual({ name: 'StepLR', step_size: 5, gamma: 0.1 })
  })
})
