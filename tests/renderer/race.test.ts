import { describe, expect, it } from 'vitest'
import type { GradscapeApi, JobEvent, ScenarioDoc } from '../../src-shared/api'
import { sweepAxisValues } from '../../src-shared/scenario'
import { csvField, raceCsv, RACE_CSV_COLUMNS } from '../../src-shared/race/csv'
import { raceDoc, raceEvery, tuneDoc } from '../../src-shared/race/docs'
import { objectiveUnavailable, scoreRun } from '../../src-shared/race/objective'
import { diverged, neverReached, ok, type Outcome } from '../../src-shared/race/outcome'
import { rankRace } from '../../src-shared/race/rank'
import { quantileOfKeys, summarize } from '../../src-shared/race/stats'
import { bestRate, lrGridProblem } from '../../src-shared/race/tune'
import { divergedText, quantileText, spreadText } from '../../src-renderer/race/race-format'
import { runRace } from '../../src-renderer/race/run-race'

const oks = (...v: number[]): Outcome[] => v.map(ok)

describe('race statistics', () => {
  it('takes type-7 quantiles: median of an even count is the mean of the middle two', () => {
    const s = summarize(oks(4, 1, 3, 2))
    expect(s.median).toEqual({ status: 'ok', value: 2.5 })
    expect(s.q1.value).toBeCloseTo(1.75, 12)
    expect(s.q3.value).toBeCloseTo(3.25, 12)
    expect(s.iqr).toBeCloseTo(1.5, 12)
    expect(quantileOfKeys([1, 2, 3], 0.5)).toEqual({ status: 'ok', value: 2 })
  })

  it('never invents a value for a median that lands on a diverged or never-reached run', () => {
    const s = summarize([ok(1), diverged, diverged])
    expect(s.median.status).toBe('diverged')
    expect(s.diverged).toBe(2)
    expect(summarize([ok(1), neverReached, diverged]).median.status).toBe('never')
    // Between a value and a diverged run: no value.
    expect(summarize([ok(1), diverged]).median.status).toBe('diverged')
    expect(summarize([ok(1), ok(2), ok(3), diverged]).iqr).toBe(Infinity)
  })
})

describe('race objectives', () => {
  const run = (loss: number[], final: [number, number] = [0, 0], divergedAt = -1) => ({ loss, every: 5, final, divergedAt })

  it('scores final loss, steps to tolerance (in steps, not kept points) and distance to the nearest minimum', () => {
    expect(scoreRun('final', run([3, 2, 0.5]), { tolerance: 1 })).toEqual(ok(0.5))
    expect(scoreRun('tolerance', run([3, 0.9, 0.5]), { tolerance: 1 })).toEqual(ok(5))
    expect(scoreRun('tolerance', run([3, 2, 1.5]), { tolerance: 1 })).toEqual(neverReached)
    const minima: [number, number][] = [
      [3, 2],
      [0, 1],
    ]
    expect(scoreRun('distance', run([1], [0, 4]), { tolerance: 0, minima }).value).toBeCloseTo(3, 12)
  })

  it('counts a run as diverged when the engine says so or its final loss or point is not finite', () => {
    expect(scoreRun('final', run([1, 0.5], [0, 0], 7), { tolerance: 1 })).toEqual(diverged)
    expect(scoreRun('tolerance', run([0.1, NaN], [0, 0]), { tolerance: 1 })).toEqual(diverged)
    expect(scoreRun('final', run([1, 0.5], [Infinity, 0]), { tolerance: 1 })).toEqual(diverged)
  })

  it('says the distance objective is unavailable without known minima', () => {
    expect(objectiveUnavailable('distance', null)).toMatch(/no known minima/)
    expect(objectiveUnavailable('distance', [])).toMatch(/unavailable/)
    expect(objectiveUnavailable('distance', [[1, 1]])).toBeNull()
    expect(objectiveUnavailable('final', null)).toBeNull()
    expect(() => scoreRun('distance', run([1]), { tolerance: 0, minima: null })).toThrow(/unavailable/)
  })
})

describe('race ranking', () => {
  const entry = (label: string, outcomes: Outcome[]) => ({ label, name: label.toLowerCase(), lr: 0.1, tuned: false, outcomes })

  it('ranks by median, then spread, then divergences; equal rows share a rank', () => {
    const rows = rankRace([
      entry('A', oks(3, 3, 3)),
      entry('B', oks(1, 2, 9)),
      entry('C', oks(0, 2, 4)),
      entry('D', [ok(0), diverged, diverged]),
      entry('E', [ok(3), ok(3), ok(3)]),
    ])
    expect(rows.map((r) => r.label)).toEqual(['C', 'B', 'A', 'E', 'D']) // equal medians: C's spread is narrower
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, 3, 5])
    expect(rows.at(-1)!.summary.diverged).toBe(2)
  })

  it('picks the learning rate with the best summary, the smaller one on a tie, none when no median has a value', () => {
    const rates = [0.001, 0.01, 0.1, 1]
    expect(bestRate(rates, [oks(5, 5), oks(1, 2), oks(1, 2), [diverged, diverged]])?.lr).toBe(0.01)
    expect(bestRate(rates, [oks(5, 5), oks(1, 3), oks(1.5, 2.5), oks(9, 9)])).toMatchObject({ lr: 0.1, index: 2, atEdge: false })
    expect(bestRate(rates, [oks(5, 5), oks(4, 4), oks(3, 3), oks(1, 1)])).toMatchObject({ lr: 1, atEdge: true })
    expect(bestRate([0.1, 1], [[diverged], [neverReached]])).toBeNull()
  })

  it('checks the learning-rate grid', () => {
    expect(lrGridProblem({ from: 1e-4, to: 1, n: 13 })).toBeNull()
    expect(lrGridProblem({ from: 0, to: 1, n: 13 })).toMatch(/> 0/)
    expect(lrGridProblem({ from: 1, to: 0.1, n: 13 })).toMatch(/smaller to a larger/)
    expect(lrGridProblem({ from: 0.1, to: 1, n: 1 })).toMatch(/2 to 64/)
  })
})

describe('race CSV and cells', () => {
  it('writes one row per optimizer in rank order, quoting labels and leaving missing values empty', () => {
    const rows = rankRace([
      { label: 'SGD μ=0.9, "fast"', name: 'sgd', lr: 0.01, tuned: true, outcomes: oks(1, 2, 3) },
      { label: 'Adam', name: 'adam', lr: 0.1, tuned: false, outcomes: [diverged, diverged, ok(1)] },
    ])
    const csv = raceCsv(rows, { objective: 'final', tolerance: 1e-3 })
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe(RACE_CSV_COLUMNS.join(','))
    expect(lines[1]).toBe('1,sgd,"SGD μ=0.9, ""fast""",0.01,true,false,final loss,2,ok,1.5,2.5,1,3,0,0')
    expect(lines[2]).toBe('2,adam,Adam,0.1,false,false,final loss,,diverged,,,,3,2,0')
    expect(csvField('a\nb')).toBe('"a\nb"')
  })

  it('shows statuses in words and steps as whole numbers', () => {
    const s = summarize(oks(10, 20, 30, 40))
    expect(quantileText(s.median, 'tolerance')).toBe('25')
    expect(spreadText(s, 'tolerance')).toBe('15')
    expect(quantileText({ status: 'never', value: Infinity }, 'tolerance')).toBe('never')
    expect(spreadText(summarize([diverged, diverged]), 'final')).toBe('—')
    expect(divergedText(summarize([diverged, ok(1)]))).toBe('1/2')
  })
})

describe('race documents', () => {
  const base: ScenarioDoc = {
    landscape: { preset: 'booth' },
    optimizers: [{ name: 'sgd' }],
    init: [[1, 2]],
    steps: 10,
    view: {},
    central_flow: true,
  }

  it('records an interval that divides the steps, within the budget', () => {
    expect(raceEvery(500, 100)).toBe(1)
    const e = raceEvery(1000, 100_000, 4_000_000)
    expect(1000 % e).toBe(0)
    expect(100_000 * (1000 / e + 1)).toBeLessThanOrEqual(4_000_000)
    expect(raceEvery(997, 1e6, 1e6)).toBe(997)
  })

  it('sweeps lr on one log grid for every optimizer that has one, in one document', () => {
    const doc = tuneDoc(base, [{ name: 'sgd', lr: 0.1 }, { name: 'x' }], [true, false], { from: 1e-3, to: 1, n: 4 }, 200, 2) as Record<
      string,
      unknown
    >
    expect(doc.optimizers).toEqual([{ name: 'sgd', lr: 0.1, sweep: { lr: { log: [1e-3, 1], n: 4 } } }, { name: 'x' }])
    expect(doc).toMatchObject({ steps: 200, record: { every: 2 }, central_flow: false, init: [[1, 2]] })
    expect('view' in doc).toBe(false)
    expect((raceDoc(base, [{ name: 'adam', lr: 0.3 }], 50, 1) as Record<string, unknown>).optimizers).toEqual([{ name: 'adam', lr: 0.3 }])
  })
})

/**
 * A host that runs nothing: each run's loss falls to |log10(lr) + 2| (best at lr = 0.01) for sgd
 * and to |log10(lr) + 1| for adam, and the run from the second start diverges when lr ≥ 0.5.
 */
function fakeApi(): { api: GradscapeApi; docs: ScenarioDoc[] } {
  const docs: ScenarioDoc[] = []
  let listener: ((e: JobEvent) => void) | null = null
  let nextId = 1
  const api = {
    onJobEvent(l: (e: JobEvent) => void) {
      listener = l
      return () => {
        listener = null
      }
    },
    async cancelJob() {},
    async startJob(doc: ScenarioDoc) {
      docs.push(doc)
      const jobId = nextId++
      const d = doc as {
        optimizers: Array<{ name: string; lr: number; sweep?: { lr: { log: [number, number]; n: number } } }>
        steps: number
        record: { every: number }
      }
      const starts = new Float64Array([0, 0, 1, 1])
      const optimizers = d.optimizers.map(({ sweep, ...o }) => ({
        base: o,
        sweep: sweep ? [{ key: 'lr', values: new Float64Array(sweepAxisValues('log', sweep.lr.log[0], sweep.lr.log[1], sweep.lr.n)) }] : [],
      }))
      const kept = d.steps / d.record.every + 1
      const runs: Array<{ name: string; lr: number; start: number }> = []
      for (const o of optimizers) {
        const lrs = o.sweep.length ? [...o.sweep[0].values] : [o.base.lr]
        for (const lr of lrs) for (let s = 0; s < 2; s++) runs.push({ name: o.base.name, lr, start: s })
      }
      setTimeout(() => {
        const loss = new Float32Array(runs.length * kept)
        const xy = new Float32Array(runs.length * kept * 2)
        const divergedAt = new Int32Array(runs.length).fill(-1)
        runs.forEach((r, i) => {
          const floor = Math.abs(Math.log10(r.lr) + (r.name === 'sgd' ? 2 : 1)) + r.start
          for (let k = 0; k < kept; k++) loss[i * kept + k] = floor + (kept - 1 - k)
          if (r.start === 1 && r.lr >= 0.5) divergedAt[i] = 3
        })
        listener?.({ type: 'chunk', chunk: { jobId, start: 0, count: kept, xy, loss } })
        listener?.({ type: 'done', jobId, divergedAt, seconds: 0.5 })
      }, 0)
      return { jobId, optimizers, starts, kept, every: d.record.every }
    },
  } as unknown as GradscapeApi
  return { api, docs }
}

describe('runRace', () => {
  it('searches every rate in one job, then races each optimizer at its best rate from the same starts', async () => {
    const { api, docs } = fakeApi()
    const phases: string[] = []
    const { result } = runRace(
      api,
      {
        base: {
          landscape: { preset: 'booth' },
          init: [
            [0, 0],
            [1, 1],
          ],
          steps: 10,
        },
        optimizers: [
          { name: 'adam', lr: 0.5 },
          { name: 'sgd', lr: 0.5 },
        ],
        labels: ['Adam', 'SGD'],
        tunable: [true, true],
        startsHint: 2,
        steps: 10,
        objective: 'final',
        tolerance: 1e-3,
        minima: null,
        grid: { from: 1e-3, to: 1, n: 4 },
      },
      (phase) => {
        if (phases.at(-1) !== phase) phases.push(phase)
      },
    )
    const r = await result
    expect(phases).toEqual(['search', 'race'])
    expect(docs).toHaveLength(2)
    expect((docs[0] as { optimizers: unknown[] }).optimizers).toHaveLength(2)
    const raced = (docs[1] as { optimizers: Array<{ name: string; lr: number }> }).optimizers
    expect(raced.map((o) => o.name)).toEqual(['adam', 'sgd'])
    expect(raced[0].lr).toBeCloseTo(0.1, 12)
    expect(raced[1].lr).toBeCloseTo(0.01, 12)
    // Both end at the same median (floor 0 + 0.5 over the two starts): SGD and Adam tie.
    expect(r.rows.map((row) => [row.label, row.rank, row.summary.median.value, row.tuned])).toEqual([
      ['Adam', 1, 0.5, true],
      ['SGD', 1, 0.5, true],
    ])
    expect(r.seconds).toBe(1)
  })

  it('races at the entries own rates without a search', async () => {
    const { api, docs } = fakeApi()
    const r = await runRace(
      api,
      {
        base: {
          landscape: { preset: 'booth' },
          init: [
            [0, 0],
            [1, 1],
          ],
          steps: 4,
        },
        optimizers: [
          { name: 'sgd', lr: 1 },
          { name: 'adam', lr: 0.1 },
        ],
        labels: ['SGD', 'Adam'],
        tunable: [true, true],
        startsHint: 2,
        steps: 4,
        objective: 'final',
        tolerance: 1e-3,
        minima: null,
        grid: null,
      },
      () => undefined,
    ).result
    expect(docs).toHaveLength(1)
    expect(r.rows.map((row) => row.label)).toEqual(['Adam', 'SGD'])
    expect(r.rows[1].summary.diverged).toBe(1)
    expect(r.rows[1].summary.median.status).toBe('diverged')
  })
})
