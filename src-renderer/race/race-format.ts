/** How the race table writes its cells (pure, shared by the panel and its tests). */
import type { RaceObjective } from '../../src-shared/race/objective'
import type { Quantile, Summary } from '../../src-shared/race/stats'
import { formatNumber } from '../store/scenario'

/** A quantile as text: its value, `diverged`, or `never` (never reached the tolerance). */
export function quantileText(q: Quantile, objective: RaceObjective): string {
  if (q.status === 'diverged') return 'diverged'
  if (q.status === 'never') return 'never'
  return objective === 'tolerance' ? String(Math.round(q.value)) : formatNumber(q.value, 3)
}

/** The spread as text: the IQR, or `—` when the upper quartile has no value. */
export function spreadText(s: Summary, objective: RaceObjective): string {
  if (!Number.isFinite(s.iqr)) return '—'
  return objective === 'tolerance' ? String(Math.round(s.iqr)) : formatNumber(s.iqr, 2)
}

/** Divergences as `k/n`, or `0`. */
export const divergedText = (s: Summary): string => (s.diverged === 0 ? '0' : `${s.diverged}/${s.starts}`)
