/**
 * What one run of a race scored: a value of the stated objective, or why it has none (it diverged,
 * or it never reached the tolerance). Sorting keys place `never` after every value and `diverged`
 * after `never`, so a median or quartile that lands on such a run says so.
 */

export type OutcomeStatus = 'ok' | 'never' | 'diverged'

export interface Outcome {
  readonly status: OutcomeStatus
  /** The objective's value when `ok`; Infinity otherwise. */
  readonly value: number
}

export const diverged: Outcome = { status: 'diverged', value: Infinity }
export const neverReached: Outcome = { status: 'never', value: Infinity }
export const ok = (value: number): Outcome => ({ status: 'ok', value })

const NEVER_KEY = Number.MAX_VALUE

/** Total order of outcomes: values ascending, then `never`, then `diverged`. */
export function outcomeKey(o: Outcome): number {
  return o.status === 'ok' ? o.value : o.status === 'never' ? NEVER_KEY : Infinity
}

export function statusOfKey(key: number): OutcomeStatus {
  return key === Infinity ? 'diverged' : key === NEVER_KEY ? 'never' : 'ok'
}
