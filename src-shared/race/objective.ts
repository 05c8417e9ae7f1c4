/**
 * A race's stated objective and how one run is scored on it. Every objective is "lower is better":
 *  - `final`: the loss after the last step;
 *  - `tolerance`: the first recorded step whose loss is at or below the tolerance (resolution: the
 *    recording interval);
 *  - `distance`: the Euclidean distance from the last iterate to the nearest known minimum, only
 *    on landscapes whose minima are known (presets that list them).
 * A run that diverged (a non-finite point or loss, as the engine records it) scores `diverged`
 * whatever the objective. Nothing is clipped: a step that overflows is a divergence.
 */
import { diverged, neverReached, ok, type Outcome } from './outcome'

export type RaceObjective = 'final' | 'tolerance' | 'distance'

export const OBJECTIVES: readonly RaceObjective[] = ['final', 'tolerance', 'distance']

export const OBJECTIVE_TITLE: Readonly<Record<RaceObjective, string>> = {
  final: 'final loss',
  tolerance: 'steps to tolerance',
  distance: 'distance to the nearest known minimum',
}

export type Point = readonly [number, number]

/** Why an objective cannot be used on this landscape, or null when it can. */
export function objectiveUnavailable(objective: RaceObjective, minima: readonly Point[] | null | undefined): string | null {
  if (objective === 'distance' && !(minima && minima.length > 0))
    return 'this landscape has no known minima (only presets that list theirs), so the distance to the nearest minimum is unavailable'
  return null
}

/** One run's record, as the engine streamed it. */
export interface RunRecord {
  /** Loss at each kept point: kept point k is step k·every. */
  readonly loss: ArrayLike<number>
  readonly every: number
  /** The last iterate. */
  readonly final: Point
  /** First non-finite step, or −1. */
  readonly divergedAt: number
}

export interface ObjectiveOptions {
  readonly tolerance: number
  readonly minima?: readonly Point[] | null
}

export function nearestMinimumDistance(p: Point, minima: readonly Point[]): number {
  let best = Infinity
  for (const m of minima) best = Math.min(best, Math.hypot(p[0] - m[0], p[1] - m[1]))
  return best
}

export function scoreRun(objective: RaceObjective, run: RunRecord, opts: ObjectiveOptions): Outcome {
  const n = run.loss.length
  const last = n > 0 ? run.loss[n - 1] : NaN
  if (run.divergedAt >= 0 || !Number.isFinite(last) || !Number.isFinite(run.final[0]) || !Number.isFinite(run.final[1])) return diverged
  switch (objective) {
    case 'final':
      return ok(last)
    case 'tolerance': {
      for (let k = 0; k < n; k++) if (run.loss[k] <= opts.tolerance) return ok(k * run.every)
      return neverReached
    }
    case 'distance': {
      const why = objectiveUnavailable('distance', opts.minima)
      if (why) throw new Error(`distance objective: ${why}`)
      return ok(nearestMinimumDistance(run.final, opts.minima!))
    }
  }
}
