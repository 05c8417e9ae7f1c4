/** @vitest-environment node */
/**
 * The optimizer-state view replays a run with a learning-rate schedule as the float64 engine ran
 * it: the scenario goes through the engine's own plan (planParts) and every run is replayed from
 * what the renderer is told of it (jobStarted, expanded by runsOf: a sweep over schedule arguments
 * gives each configuration its own schedule), to the engine's trajectory over 60 steps.
 */
import { describe, expect, it } from 'vitest'
import { runFloat64 } from '../../src-main/engine/float64'
import { planParts } from '../../src-main/engine/plan'
import { jobStarted } from '../../src-main/engine/started'
import { runsOf } from '../../src-shared/api'
import { parseScenario } from '../../src-shared/scenario'
import { Replay, ReplayError } from '../../src-renderer/optstate/replay'

const STEPS = 60
const LANDSCAPE = { preset: 'himmelblau' }
const INIT = [
  [-1.2, 0.7],
  [0.5, -0.5],
] as const

type Optimizer = { name: string } & Record<string, unknown>

/** Each run of the scenario: what it reports (optimizer with its schedule, start) and the engine's float64 trajectory. */
function engineRuns(optimizer: Optimizer) {
  const s = parseScenario({ landscape: LANDSCAPE, init: INIT, steps: STEPS, record: { every: 1 }, precision: 'float64', optimizer })
  const [part] = planParts(s)
  const ref = runFloat64(part.job)
  expect(ref.kept).toBe(STEPS + 1)
  const runs = runsOf(jobStarted(1, s))
  expect(runs.length).toBe(part.n)
  return Array.from({ length: runs.length }, (_, i) => ({
    info: runs[i].optimizer as Optimizer,
    init: runs[i].init,
    // The engine's noise stream: the start point's index (compute.ts).
    stream: i % INIT.length,
    x: ref.x.subarray(i * ref.kept, (i + 1) * ref.kept),
    y: ref.y.subarray(i * ref.kept, (i + 1) * ref.kept),
  }))
}

/** Largest |replayed − engine| over the run's steps. */
function worstGap(replay: Replay, run: { x: Float64Array; y: Float64Array }): number {
  let worst = 0
  for (let k = 0; k <= STEPS; k++) {
    replay.seek(k)
    const v = replay.view()
    expect(v.step).toBe(k)
    worst = Math.max(worst, Math.abs(v.head[0] - run.x[k]), Math.abs(v.head[1] - run.y[k]))
  }
  return worst
}

const replayOf = (info: Optimizer, init: readonly [number, number], stream: number) =>
  new Replay(LANDSCAPE, info, init, { stream, noise: { std: 0, seed: 0 } })

const withoutSchedule = ({ schedule: _s, ...rest }: Optimizer): Optimizer => rest

describe('optimizer state replay under a learning-rate schedule', () => {
  it('SGD with momentum and StepLR follows the float64 engine, and shows the scheduled lr', () => {
    const runs = engineRuns({ name: 'sgd', lr: 0.01, momentum: 0.9, schedule: { name: 'StepLR', step_size: 15, gamma: 0.3 } })
    for (const run of runs) {
      expect(run.x.every(Number.isFinite) && run.y.every(Number.isFinite)).toBe(true)
      const replay = replayOf(run.info, run.init, run.stream)
      expect(worstGap(replay, run)).toBeLessThan(1e-9)
      // Ignoring the schedule leaves the engine's trajectory: the check above can fail.
      expect(worstGap(replayOf(withoutSchedule(run.info), run.init, run.stream), run)).toBeGreaterThan(1e-6)
    }
    // The view's lr is the one the update from the head uses: StepLR's 0.01·0.3^⌊k/15⌋ (update k + 1 runs with step k's rate).
    const replay = replayOf(runs[0].info, runs[0].init, 0)
    for (const k of [0, 14, 15, 29, 30, 59]) {
      replay.seek(k)
      const v = replay.view()
      expect(v.lr).toBeCloseTo(0.01 * 0.3 ** Math.floor(k / 15), 15)
      expect(v.scheduled?.lr).toBe(v.lr)
      expect(v.scheduled?.momentum).toBeNull()
    }
  })

  it('Adam with OneCycleLR follows the engine, cycling beta1 as torch cycles betas[0]', () => {
    const schedule = { name: 'OneCycleLR', max_lr: 0.1, total_steps: STEPS }
    const runs = engineRuns({ name: 'adam', lr: 0.05, schedule })
    for (const run of runs) {
      const replay = replayOf(run.info, run.init, run.stream)
      expect(worstGap(replay, run)).toBeLessThan(1e-9)
      expect(worstGap(replayOf(withoutSchedule(run.info), run.init, run.stream), run)).toBeGreaterThan(1e-6)
      // The rate alone is not enough: the cycled beta1 matters.
      const rateOnly = { ...run.info, schedule: { ...(run.info.schedule as object), cycle_momentum: false } }
      expect(worstGap(replayOf(rateOnly, run.init, run.stream), run)).toBeGreaterThan(1e-6)
    }
    const replay = replayOf(runs[0].info, runs[0].init, 0)
    replay.seek(0)
    const first = replay.view().scheduled!
    // OneCycleLR starts at max_lr / div_factor with max_momentum as beta1.
    expect(first.lr).toBeCloseTo(0.1 / 25, 15)
    expect(first.momentum).toEqual({ name: expect.any(String), value: 0.95 })
    replay.seek(STEPS - 1)
    expect(replay.view().scheduleEnded).toBe(false)
    // Past total_steps torch refuses to step a OneCycleLR: the head at the run's end shows no next update.
    replay.seek(STEPS)
    const end = replay.view()
    expect(end.scheduleEnded).toBe(true)
    expect(end.scheduled).toBeNull()
    expect(end.delta.every(Number.isNaN)).toBe(true)
  })

  it('a sweep over a schedule argument replays each configuration with its own schedule', () => {
    const runs = engineRuns({
      name: 'sgd',
      lr: 0.01,
      momentum: 0.5,
      schedule: { name: 'StepLR', step_size: 10, gamma: 0.5 },
      sweep: { 'schedule.gamma': { values: [0.2, 0.5, 0.8] } },
    })
    expect(runs.map((r) => (r.info.schedule as { gamma: number }).gamma)).toEqual([0.2, 0.2, 0.5, 0.5, 0.8, 0.8])
    for (const run of runs) expect(worstGap(replayOf(run.info, run.init, run.stream), run)).toBeLessThan(1e-9)
    // Another configuration's schedule gives another trajectory (the per-configuration schedule is what matches).
    const [a, , b] = runs
    expect(worstGap(replayOf({ ...a.info, schedule: b.info.schedule }, a.init, a.stream), a)).toBeGreaterThan(1e-6)
  })

  it("initialises the state from step 1's scheduled rate, as the engine (Rprop's step sizes start at lr)", () => {
    const runs = engineRuns({ name: 'rprop', lr: 0.05, schedule: { name: 'LinearLR', start_factor: 0.2, total_iters: 20 } })
    for (const run of runs) expect(worstGap(replayOf(run.info, run.init, run.stream), run)).toBeLessThan(1e-9)
  })

  it('refuses a schedule it cannot replay with a specific error', () => {
    expect(() => replayOf({ name: 'sgd', lr: 0.01, schedule: { name: 'NoSuchLR' } }, [0, 0], 0)).toThrow(ReplayError)
    expect(() => replayOf({ name: 'sgd', lr: 0.01, schedule: { name: 'StepLR', step_size: 0 } }, [0, 0], 0)).toThrow(/schedule\.step_size/)
  })
})
