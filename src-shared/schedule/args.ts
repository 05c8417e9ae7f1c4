/**
 * Schedule arguments as sweep keys: `schedule.gamma`, `schedule.T_max`, and inside a SequentialLR
 * `schedule.schedulers[1].T_max`. Syntax, lookup and substitution only; the scenario checks the
 * keys against the optimizer's schedule (src-shared/scenario/schedule-sweep.ts).
 */
import { SCHEDULES, type ScheduleName, type ScheduleSpec } from './spec'

/** What every schedule sweep key starts with. */
export const SCHEDULE_KEY_PREFIX = 'schedule.'

/** Whether a sweep key names a schedule argument rather than a hyperparameter. */
export const isScheduleKey = (key: string): boolean => key.startsWith(SCHEDULE_KEY_PREFIX)

/** A schedule sweep key taken apart: the SequentialLR child it is in (null: the schedule itself) and the argument. */
export interface ScheduleArgPath {
  readonly child: number | null
  readonly arg: string
}

/** The parts of `schedule.ARG` / `schedule.schedulers[i].ARG`, or null when the key is not of that shape. */
export function scheduleArgPath(key: string): ScheduleArgPath | null {
  const m = /^schedule\.(?:schedulers\[(\d+)\]\.)?(\w+)$/.exec(key)
  return m ? { child: m[1] === undefined ? null : Number(m[1]), arg: m[2] } : null
}

/**
 * Arguments torch documents as whole numbers. CosineAnnealingLR's T_max is documented as an int
 * although the schedule accepts (and torch computes with) a float; a sweep over it is a sweep
 * over run lengths, so its values must be whole, like step_size's.
 */
export function isWholeArg(name: ScheduleName, arg: string): boolean {
  const kind = SCHEDULES[name].args[arg]?.kind
  return kind === 'int' || kind === 'optional-int' || (name === 'CosineAnnealingLR' && arg === 'T_max')
}

/** Whether an argument holds a single number (the only kind a sweep can vary). */
export function isNumericArg(name: ScheduleName, arg: string): boolean {
  const kind = SCHEDULES[name].args[arg]?.kind
  return kind === 'number' || kind === 'int' || kind === 'optional-int'
}

/** A sweepable argument of a schedule, with its value there. */
export interface SweepableArg {
  readonly key: string
  /** The schedule's value (null: an optional argument left unset, e.g. OneCycleLR's epochs). */
  readonly value: number | null
  readonly whole: boolean
}

/** Every argument of `s` a sweep can vary, as sweep keys (a SequentialLR's through its children). */
export function sweepableArgs(s: ScheduleSpec): SweepableArg[] {
  const of = (spec: ScheduleSpec, prefix: string): SweepableArg[] =>
    Object.keys(SCHEDULES[spec.name].args)
      .filter((arg) => isNumericArg(spec.name, arg))
      .map((arg) => ({
        key: `${prefix}${arg}`,
        value: (spec as unknown as Record<string, number | null>)[arg],
        whole: isWholeArg(spec.name, arg),
      }))
  if (s.name === 'SequentialLR') return s.schedulers.flatMap((c, i) => of(c, `${SCHEDULE_KEY_PREFIX}schedulers[${i}].`))
  return of(s, SCHEDULE_KEY_PREFIX)
}

/**
 * A schedule as written (JSON: a scenario's `"schedule"`, or scheduleJson's output) with the
 * argument at `path` set to `value`; the input is not changed. The path must exist (checked by the caller).
 */
export function withScheduleArg(json: Readonly<Record<string, unknown>>, path: ScheduleArgPath, value: number): Record<string, unknown> {
  if (path.child === null) return { ...json, [path.arg]: value }
  const children = [...(json.schedulers as ReadonlyArray<Record<string, unknown>>)]
  children[path.child] = { ...children[path.child], [path.arg]: value }
  return { ...json, schedulers: children }
}
