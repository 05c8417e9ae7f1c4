/**
 * Median and spread of a set of outcomes over start points. Quantiles are linear interpolations
 * between order statistics (R's type 7, NumPy's default). A quantile that falls on or between a
 * run without a value (diverged, never reached) has no value either: it is reported as that
 * status, never as a made-up number.
 */
import { type Outcome, type OutcomeStatus, outcomeKey, statusOfKey } from './outcome'

export interface Quantile {
  readonly status: OutcomeStatus
  /** Finite when `ok`, else Infinity. */
  readonly value: number
}

export interface Summary {
  readonly median: Quantile
  readonly q1: Quantile
  readonly q3: Quantile
  /** q3 − q1; Infinity when q3 has no value. */
  readonly iqr: number
  readonly starts: number
  readonly diverged: number
  readonly never: number
}

/** Quantile q ∈ [0, 1] of ascending keys (type 7). */
export function quantileOfKeys(sorted: readonly number[], q: number): Quantile {
  if (sorted.length === 0) throw new RangeError('quantile of no outcomes')
  const h = (sorted.length - 1) * q
  const lo = Math.floor(h)
  const hi = Math.ceil(h)
  const worse = sorted[hi]
  if (statusOfKey(worse) !== 'ok') return { status: statusOfKey(worse), value: Infinity }
  return { status: 'ok', value: sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]) }
}

export function summarize(outcomes: readonly Outcome[]): Summary {
  const keys = outcomes.map(outcomeKey).sort((a, b) => a - b)
  const q1 = quantileOfKeys(keys, 0.25)
  const q3 = quantileOfKeys(keys, 0.75)
  return {
    median: quantileOfKeys(keys, 0.5),
    q1,
    q3,
    iqr: q3.status === 'ok' && q1.status === 'ok' ? q3.value - q1.value : Infinity,
    starts: outcomes.length,
    diverged: outcomes.filter((o) => o.status === 'diverged').length,
    never: outcomes.filter((o) => o.status === 'never').length,
  }
}

const quantileKey = (q: Quantile) => (q.status === 'ok' ? q.value : q.status === 'never' ? Number.MAX_VALUE : Infinity)

/**
 * Which of two summaries is better (negative: a): the lower median, then the narrower spread,
 * then fewer divergences. Both objectives are "lower is better".
 */
export function compareSummaries(a: Summary, b: Summary): number {
  return quantileKey(a.median) - quantileKey(b.median) || a.iqr - b.iqr || a.diverged - b.diverged || 0
}
