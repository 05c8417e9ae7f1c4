/**
 * What the sweep panel offers as axes for an optimizer entry: its numeric hyperparameters, each
 * component of its pairs, and, when the entry has a learning-rate schedule, the schedule's numeric
 * arguments as `schedule.ARG` (inside a SequentialLR `schedule.schedulers[i].ARG`), the keys the
 * engine sweeps (docs/SCENARIO.md, "Extension: sweeps over schedule arguments"). Pure; no React.
 */
import type { HostInfo } from '../../src-shared/api'
import { parseSchedule, type ScheduleSpec, sweepableArgs } from '../../src-shared/schedule'
import { isObject } from '../../src-shared/problem'
import type { OptimizerEntry } from '../store/scenario'

export interface SweepKey {
  readonly key: string
  /** The entry's value where it sets one, else the default. */
  readonly def: number
  /** A first range spans decades (log) around the value. */
  readonly positive: boolean
  /** Whole numbers only (a schedule's step counts): the axis sends rounded values. */
  readonly whole: boolean
}

/** The entry's schedule as the engine reads it, or null where it has none or it is not (yet) valid. */
export function entrySchedule(entry: OptimizerEntry | undefined): ScheduleSpec | null {
  if (!entry || !isObject(entry.schedule)) return null
  try {
    return parseSchedule(entry.schedule)
  } catch {
    return null
  }
}

export function sweepKeys(info: HostInfo | null, entry: OptimizerEntry | undefined): SweepKey[] {
  const def = info?.optimizers.find((o) => o.name === entry?.name)
  if (!def) return []
  const hparams = def.hparams.flatMap((h): SweepKey[] => {
    if (h.kind === 'number') return [{ key: h.name, def: h.default as number, positive: h.name === 'lr' || h.name === 'eps', whole: false }]
    if (h.kind === 'pair')
      return (h.default as readonly number[]).map((d, i) => ({ key: `${h.name}[${i}]`, def: d, positive: false, whole: false }))
    return []
  })
  const schedule = entrySchedule(entry)
  // An optional argument left unset (OneCycleLR's epochs beside total_steps) has nothing to vary around.
  const args = schedule ? sweepableArgs(schedule).filter((a) => a.value !== null) : []
  // Rates and divisors span decades (max_lr, div_factor); factors and floors (gamma, eta_min) a linear range.
  const decades = (key: string) => /(?:lr|div_factor)$/.test(key)
  return [...hparams, ...args.map((a) => ({ key: a.key, def: a.value!, positive: decades(a.key) && a.value! > 0, whole: a.whole }))]
}

/** A first range for a key, around its current value; after that the range is the user's. */
export function defaultRange(key: string, value: number, positive: boolean, whole = false): { from: number; to: number; log: boolean } {
  // Step counts: a linear range of whole numbers around the value.
  if (whole) return { from: Math.max(1, Math.round(value / 2)), to: Math.max(2, Math.round(value * 2)), log: false }
  if (positive || key === 'lr') return { from: value / 30, to: value * 3, log: true }
  if (key.startsWith('betas')) return { from: 0.5, to: 0.999, log: false }
  if (key === 'momentum' || key === 'alpha' || key === 'rho') return { from: 0, to: 0.99, log: false }
  return { from: 0, to: Math.max(1, value * 2), log: false }
}
