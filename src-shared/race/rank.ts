/**
 * The race table: each optimizer's outcomes over the start points summarized and ranked, best
 * first (lower median, then narrower spread, then fewer divergences). Ties on all three share a
 * rank (1, 2, 2, 4).
 */
import type { Outcome } from './outcome'
import { compareSummaries, summarize, type Summary } from './stats'

export interface RaceEntry {
  /** What the table shows (`Adam`, `SGD momentum=0.9`). */
  readonly label: string
  /** Scenario name of the optimizer. */
  readonly name: string
  /** The learning rate it raced at. */
  readonly lr: number
  /** Whether lr came from the search (else the entry's own). */
  readonly tuned: boolean
  /** The searched rate is at an end of the grid (the search may have been cut short by it). */
  readonly atGridEdge?: boolean
  /** One outcome per start point, in the start points' order. */
  readonly outcomes: readonly Outcome[]
}

export interface RankedRow extends RaceEntry {
  readonly rank: number
  readonly summary: Summary
}

export function rankRace(entries: readonly RaceEntry[]): RankedRow[] {
  const rows = entries.map((e, i) => ({ e, i, summary: summarize(e.outcomes) }))
  // Stable: entries equal on every criterion keep their given order.
  rows.sort((a, b) => compareSummaries(a.summary, b.summary) || a.i - b.i)
  const out: RankedRow[] = []
  rows.forEach((r, k) => {
    const tied = k > 0 && compareSummaries(rows[k - 1].summary, r.summary) === 0
    out.push({ ...r.e, summary: r.summary, rank: tied ? out[k - 1].rank : k + 1 })
  })
  return out
}
