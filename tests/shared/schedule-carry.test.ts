/** @vitest-environment node */
/**
 * A schedule travels with its optimizer: through the renderer's session document and share link
 * (the same JSON), and through sweeps over the base rate, where each configuration gets the
 * schedule scaled by its own rate (eta_min stays absolute) on both precision paths.
 */
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import { parseSchedule, scheduleSequence } from '../../src-shared/schedule'
import { runScenario } from '../../src-main/engine/run-scenario'
import { fromDoc, toDoc } from '../../src-renderer/store/scenario'
import { decodeSessionText, encodeSessionText } from '../../src-renderer/ui/share-link'

const schedule = { name: 'CosineAnnealingLR', T_max: 40, eta_min: 0.002 }
const base = { landscape: { preset: 'himmelblau' }, init: [0.5, -0.5], steps: 60 }

describe('sessions and share links', () => {
  it('keep the schedule on the optimizer entry and the host accepts the document back', async () => {
    const scenario = fromDoc({ ...base, optimizers: [{ name: 'adam', lr: 0.05, schedule }] })
    const text = JSON.stringify(toDoc(scenario))
    const back = JSON.parse(await decodeSessionText(await encodeSessionText(text)))
    expect(back.optimizers[0].schedule).toEqual(schedule)
    expect(parseScenario(back).optimizers[0].schedule).toEqual(schedule)
  })
})

describe('a sweep over lr with a schedule', () => {
  const lrs = [0.002, 0.005, 0.01]
  const sweep = { ...base, optimizer: { name: 'sgd', momentum: 0.5, schedule, sweep: { lr: { values: lrs } } } }
  it.each([
    ['float64', 'wasm'],
    ['float32', 'wasm'],
    ['float32', 'webasm'],
  ] as const)('%s (%s): every configuration runs as its own scheduled run would', async (precision, backend) => {
    const swept = await runScenario(parseScenario({ ...sweep, precision }), { backend })
    expect(swept.runs).toHaveLength(3)
    for (const [c, lr] of lrs.entries()) {
      const alone = await runScenario(parseScenario({ ...base, optimizer: { name: 'sgd', momentum: 0.5, lr, schedule } }))
      const got = swept.runs[c].trajectory
      const want = alone.runs[0].trajectory
      const tol = precision === 'float64' ? 1e-12 : 1e-3
      for (let k = 0; k <= base.steps; k++)
        for (let d = 0; d < 2; d++)
          expect(Math.abs(got[k][d] - want[k][d]), `lr ${lr} step ${k}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[k][d])))
    }
  })
  it('scales the rate with the base but keeps eta_min absolute', () => {
    const s = parseSchedule(schedule)
    expect(scheduleSequence(s, 0.01, 0, 41).lr[40]).toBeCloseTo(0.002, 15)
    expect(scheduleSequence(s, 0.1, 0, 41).lr[40]).toBeCloseTo(0.002, 15)
    expect(scheduleSequence(s, 0.1, 0, 21).lr[20]).toBeCloseTo((0.1 + 0.002) / 2, 15)
  })
})

describe('state torch fills at the first step, and state kept across launches', () => {
  it("Rprop's step sizes start at step 1's scheduled rate (LinearLR: lr × start_factor)", async () => {
    const r = await runScenario(
      parseScenario({ ...base, steps: 1, optimizer: { name: 'rprop', lr: 0.1, schedule: { name: 'LinearLR', start_factor: 0.5 } } }),
    )
    const [p0, p1] = r.runs[0].trajectory
    expect(Math.abs(p1[0] - p0[0])).toBeCloseTo(0.05, 15)
    expect(Math.abs(p1[1] - p0[1])).toBeCloseTo(0.05, 15)
  })
  it.each(['wasm', 'webasm'] as const)(
    "%s: SGD without momentum of its own keeps OneCycleLR's momentum buffer between launches",
    async (backend) => {
      const doc = {
        ...base,
        steps: 40,
        record: { every: 5 },
        optimizer: { name: 'sgd', lr: 0.01, schedule: { name: 'OneCycleLR', max_lr: 0.01, total_steps: 40 } },
      }
      const want = (await runScenario(parseScenario(doc))).runs[0].trajectory
      const got = (await runScenario(parseScenario({ ...doc, precision: 'float32' }), { backend })).runs[0].trajectory
      for (let k = 0; k < want.length; k++)
        for (let d = 0; d < 2; d++)
          expect(Math.abs(got[k][d] - want[k][d]), `point ${k}`).toBeLessThanOrEqual(1e-3 * (1 + Math.abs(want[k][d])))
    },
  )
})
