/**
 * The learning-rate search: every optimizer's lr on one log grid, all of them in one sweep job,
 * and the rate whose outcomes over the start points summarize best (the race's own objective and
 * ordering) chosen for each. Equal summaries go to the smaller rate.
 */
import type { Outcome } from './outcome'
import { compareSummaries, summarize, type Summary } from './stats'

export interface LrGrid {
  readonly from: number
  readonly to: number
  readonly n: number
}

/** Why a grid cannot be searched, or null. */
export function lrGridProblem(g: LrGrid): string | null {
  if (!(Number.isFinite(g.from) && Number.isFinite(g.to) && g.from > 0 && g.to > 0))
    return 'both ends of the learning-rate grid must be numbers > 0'
  if (!(g.from < g.to)) return 'the learning-rate grid must go from a smaller to a larger rate'
  if (!Number.isInteger(g.n) || g.n < 2 || g.n > 64) return 'the learning-rate grid needs a whole number of rates from 2 to 64'
  return null
}

export interface Choice {
  /** Index of the chosen rate in the grid. */
  readonly index: number
  readonly lr: number
  readonly summary: Summary
  /** The chosen rate is the grid's first or last: the best rate may lie outside the grid. */
  readonly atEdge: boolean
}

/**
 * The best rate of one optimizer. `outcomes[c]` holds rate c's outcomes over the start points.
 * Returns null when no rate has a median with a value (every rate's median start diverged or
 * never reached the tolerance): then there is nothing to choose by, and the caller says so.
 */
export function bestRate(rates: ArrayLike<number>, outcomes: readonly (readonly Outcome[])[]): Choice | null {
  let best: Choice | null = null
  for (let c = 0; c < outcomes.length; c++) {
    const summary = summarize(outcomes[c])
    if (!best || compareSummaries(summary, best.summary) < 0)
      best = { index: c, lr: rates[c], summary, atEdge: outcomes.length > 1 && (c === 0 || c === outcomes.length - 1) }
  }
  return best && best.summary.median.status === 'ok' ? best : null
}
