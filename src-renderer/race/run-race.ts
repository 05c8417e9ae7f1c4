/**
 * A race end to end: the optional learning-rate search (one sweep job over every optimizer), then
 * the race job (each optimizer at its chosen rate, the same steps from the same starts), scored on
 * the stated objective and ranked. The scoring and ranking are src-shared/race; this module only
 * sequences the two jobs and slices their runs.
 */
import { configAt, configCountOf, type GradscapeApi, type ScenarioDoc } from '../../src-shared/api'
import { raceDoc, raceEvery, type RaceOptimizer, tuneDoc } from '../../src-shared/race/docs'
import { type ObjectiveOptions, type Point, type RaceObjective, scoreRun } from '../../src-shared/race/objective'
import type { Outcome } from '../../src-shared/race/outcome'
import { type RankedRow, rankRace } from '../../src-shared/race/rank'
import { bestRate, type LrGrid } from '../../src-shared/race/tune'
import { collectJob, type CollectedJob } from './collect'

export interface RaceSpec {
  /** The scenario document the race starts from (landscape, init, noise, precision). */
  readonly base: ScenarioDoc
  readonly optimizers: readonly RaceOptimizer[]
  readonly labels: readonly string[]
  /** Whether each optimizer has a learning rate to search (one without races at its own settings). */
  readonly tunable: readonly boolean[]
  readonly steps: number
  readonly objective: RaceObjective
  readonly tolerance: number
  readonly minima: readonly Point[] | null
  /** The log grid to search each optimizer's lr on, or null to race at the entries' own rates. */
  readonly grid: LrGrid | null
  /** The number of start points the base document expands to (sizes the recording interval). */
  readonly startsHint: number
}

export interface RaceResult {
  readonly rows: RankedRow[]
  readonly objective: RaceObjective
  readonly tolerance: number
  readonly steps: number
  readonly starts: number
  readonly every: number
  readonly grid: LrGrid | null
  /** Optimizers whose search found no rate with a value (raced at their own rate), by label. */
  readonly untuned: readonly string[]
  readonly seconds: number
}

export type RacePhase = 'search' | 'race'

/** Outcomes of the runs [first, first + count) of a collected job. */
function outcomesOf(job: CollectedJob, first: number, count: number, objective: RaceObjective, opts: ObjectiveOptions): Outcome[] {
  const out: Outcome[] = []
  for (let r = first; r < first + count; r++) {
    const loss = job.loss.subarray(r * job.kept, (r + 1) * job.kept)
    const final: Point = [job.finalXY[2 * r], job.finalXY[2 * r + 1]]
    out.push(scoreRun(objective, { loss, every: job.every, final, divergedAt: job.divergedAt[r] }, opts))
  }
  return out
}

export function runRace(
  api: GradscapeApi,
  spec: RaceSpec,
  onProgress: (phase: RacePhase, fraction: number) => void,
): { result: Promise<RaceResult>; cancel(): void } {
  let current: { cancel(): void } | null = null
  let cancelled = false
  const opts: ObjectiveOptions = { tolerance: spec.tolerance, minima: spec.minima }
  const startsHint = Math.max(1, spec.startsHint)
  const start = (doc: ScenarioDoc, phase: RacePhase) => {
    if (cancelled) return Promise.reject(new Error('cancelled'))
    const job = collectJob(api, doc, (f) => onProgress(phase, f))
    current = job
    return job.result
  }
  const run = async (): Promise<RaceResult> => {
    let seconds = 0
    let entries = spec.optimizers
    const tuned = new Array<boolean>(entries.length).fill(false)
    const atEdge = new Array<boolean>(entries.length).fill(false)
    const untuned: string[] = []
    if (spec.grid) {
      const runs = spec.tunable.filter(Boolean).length * spec.grid.n * startsHint + spec.tunable.filter((t) => !t).length * startsHint
      const search = await start(tuneDoc(spec.base, entries, spec.tunable, spec.grid, spec.steps, raceEvery(spec.steps, runs)), 'search')
      seconds += search.seconds
      const starts = search.started.starts.length / 2
      let first = 0
      entries = entries.map((entry, i) => {
        const axis = search.started.optimizers[i]
        const configs = configCountOf(axis)
        const perRate = Array.from({ length: configs }, (_, c) => outcomesOf(search, (first + c) * starts, starts, spec.objective, opts))
        first += configs
        if (!spec.tunable[i]) return entry
        const rates = Array.from({ length: configs }, (_, c) => configAt(axis, c).lr as number)
        const choice = bestRate(rates, perRate)
        if (!choice) {
          untuned.push(spec.labels[i])
          return entry
        }
        tuned[i] = true
        atEdge[i] = choice.atEdge
        return { ...entry, lr: choice.lr }
      })
    }
    const race = await start(raceDoc(spec.base, entries, spec.steps, raceEvery(spec.steps, entries.length * startsHint)), 'race')
    seconds += race.seconds
    const starts = race.started.starts.length / 2
    const rows = rankRace(
      entries.map((entry, i) => ({
        label: spec.labels[i],
        name: entry.name,
        lr: configAt(race.started.optimizers[i], 0).lr as number,
        tuned: tuned[i],
        atGridEdge: atEdge[i],
        outcomes: outcomesOf(race, i * starts, starts, spec.objective, opts),
      })),
    )
    return {
      rows,
      objective: spec.objective,
      tolerance: spec.tolerance,
      steps: spec.steps,
      starts,
      every: race.every,
      grid: spec.grid,
      untuned,
      seconds,
    }
  }
  return {
    result: run(),
    cancel() {
      cancelled = true
      current?.cancel()
    },
  }
}
