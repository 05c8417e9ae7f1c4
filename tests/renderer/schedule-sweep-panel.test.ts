/** @vitest-environment node */
/**
 * The sweep panel offers a schedule's numeric arguments as axes when the optimizer has a schedule
 * (panels/sweep-keys.ts), and the sweep it builds (data/sweep.ts) is one the engine accepts: whole
 * arguments as rounded values, each configuration with its own schedule; applying a cell sets the
 * argument inside the schedule without making the map stale.
 */
import { describe, expect, it } from 'vitest'
import { hostInfo } from '../../src-main/host/host'
import { configAt } from '../../src-shared/api'
import { parseScenario } from '../../src-shared/scenario'
import { configSchedule } from '../../src-shared/scenario/schedule-sweep'
import { applyCell, axisValues, sweepDoc, type SweepSpec, sweepSignature } from '../../src-renderer/data/sweep'
import { defaultRange, sweepKeys } from '../../src-renderer/panels/sweep-keys'
import { fromDoc } from '../../src-renderer/store/scenario'
import { jobStarted } from '../../src-main/engine/started'

const info = hostInfo('web', 'test')
const step = { name: 'StepLR', step_size: 10, gamma: 0.5 }
const scenario = fromDoc({
  landscape: { preset: 'himmelblau' },
  init: [[0.5, -0.5]],
  steps: 40,
  optimizers: [
    { name: 'sgd', lr: 0.01, momentum: 0.5, schedule: step },
    { name: 'adam', lr: 0.05 },
  ],
})

describe('sweep axes', () => {
  it('lists the schedule arguments after the hyperparameters, only where a schedule is set', () => {
    const keys = sweepKeys(info, scenario.optimizers[0])
    const sched = keys.filter((k) => k.key.startsWith('schedule.'))
    expect(sched).toEqual([
      { key: 'schedule.step_size', def: 10, positive: false, whole: true },
      { key: 'schedule.gamma', def: 0.5, positive: false, whole: false },
    ])
    expect(keys[0].key).toBe('lr')
    expect(sweepKeys(info, scenario.optimizers[1]).some((k) => k.key.startsWith('schedule.'))).toBe(false)
    // A schedule being edited into something invalid offers no schedule axes (rather than a sweep the engine refuses).
    expect(sweepKeys(info, { name: 'sgd', schedule: { name: 'StepLR' } }).some((k) => k.key.startsWith('schedule.'))).toBe(false)
  })

  it("offers a SequentialLR's children's arguments and OneCycleLR's rate on a log range", () => {
    const seq = { name: 'SequentialLR', schedulers: [{ name: 'ConstantLR' }, { name: 'ExponentialLR', gamma: 0.9 }], milestones: [5] }
    expect(
      sweepKeys(info, { name: 'sgd', schedule: seq })
        .filter((k) => k.key.startsWith('schedule.'))
        .map((k) => k.key),
    ).toEqual(['schedule.schedulers[0].factor', 'schedule.schedulers[0].total_iters', 'schedule.schedulers[1].gamma'])
    const one = sweepKeys(info, { name: 'sgd', schedule: { name: 'OneCycleLR', max_lr: 0.1, total_steps: 40 } })
    expect(one.find((k) => k.key === 'schedule.max_lr')).toMatchObject({ positive: true, whole: false })
    // Unset optional arguments (epochs, steps_per_epoch beside total_steps) are not offered.
    expect(one.some((k) => k.key === 'schedule.epochs')).toBe(false)
    expect(one.find((k) => k.key === 'schedule.total_steps')).toMatchObject({ def: 40, whole: true })
  })

  it('a whole argument starts on a range of whole numbers', () => {
    const r = defaultRange('schedule.step_size', 10, false, true)
    expect(r).toEqual({ from: 5, to: 20, log: false })
  })
})

describe('the sweep the panel runs', () => {
  const spec: SweepSpec = {
    optimizer: 0,
    x: { key: 'schedule.step_size', from: 3, to: 20, n: 4, log: false, whole: true },
    y: { key: 'schedule.gamma', from: 0.2, to: 0.8, n: 3, log: false },
    metric: 'final',
    tolerance: 1e-3,
  }

  it('is accepted by the engine, each cell with its own schedule (whole values rounded)', () => {
    expect(axisValues(spec.x)).toEqual([3, 9, 14, 20])
    const doc = sweepDoc(scenario, spec)
    const s = parseScenario(doc)
    const o = s.optimizers[0]
    expect(o.configs).toHaveLength(12)
    const gammas = axisValues(spec.y!)
    // Rows are y (gamma), columns x (step_size): configuration r·nx + c.
    o.configs.forEach((_, c) => {
      expect(configSchedule(o, c)).toEqual({ name: 'StepLR', step_size: axisValues(spec.x)[c % 4], gamma: gammas[Math.floor(c / 4)] })
      // The job's run descriptions (legends, exports) carry the same schedule.
      expect(configAt(jobStarted(1, s).optimizers[0], c).schedule).toEqual(configSchedule(o, c))
    })
  })

  it('applying a cell sets the arguments inside the schedule and keeps the map current', () => {
    const signature = sweepSignature(scenario, spec)
    const entry = applyCell(scenario.optimizers[0], spec, 14, 0.5, {})
    expect(entry.schedule).toEqual({ name: 'StepLR', step_size: 14, gamma: 0.5 })
    expect(entry.lr).toBe(0.01)
    const applied = { ...scenario, optimizers: [entry, scenario.optimizers[1]] }
    expect(sweepSignature(applied, spec)).toBe(signature)
    // A schedule argument that is not swept still makes the map stale.
    const other = { ...scenario, optimizers: [{ ...entry, schedule: { ...step, name: 'StepLR', gamma: 0.5, step_size: 14 } }] }
    const oneAxis: SweepSpec = { ...spec, y: null }
    expect(sweepSignature(other, oneAxis)).not.toBe(
      sweepSignature({ ...other, optimizers: [{ ...entry, schedule: { ...step, gamma: 0.6 } }] }, oneAxis),
    )
  })
})
