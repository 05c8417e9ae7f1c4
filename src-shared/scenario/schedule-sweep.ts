/**
 * Sweeps over learning-rate schedule arguments (docs/SCENARIO.md, "Extension: sweeps over
 * schedule arguments"): a sweep key `schedule.ARG` (or `schedule.schedulers[i].ARG` inside a
 * SequentialLR) varies an argument of the optimizer's `"schedule"`, so each configuration of the
 * grid carries its own schedule. The engine runs one launch group per distinct schedule
 * (`scheduleGroups`): the float32 kernels read one schedule row per launch.
 */
import type { Hparams } from '../optim'
import {
  isNumericArg,
  isWholeArg,
  parseSchedule,
  SCHEDULE_NAMES,
  SCHEDULES,
  scheduleArgPath,
  type ScheduleArgPath,
  ScheduleError,
  scheduleJson,
  type ScheduleSpec,
  withScheduleArg,
} from '../schedule'
import { ScenarioError } from './errors'

/**
 * Most schedule combinations one optimizer entry may sweep: each distinct schedule is a launch
 * of its own on the float32 path and a table of its own (steps × 4 values) on both.
 */
export const MAX_SWEPT_SCHEDULES = 1024

/** Most table entries (distinct schedules × steps) a sweep's schedules may take: 2²² × 4 doubles = 128 MiB. */
export const MAX_SCHEDULE_TABLE_STEPS = 1 << 22

/** The schedules of a sweep over schedule arguments. */
export interface ScheduleSweep {
  /** Distinct schedules, in the order of their first configuration. */
  readonly schedules: readonly ScheduleSpec[]
  /** Configuration c runs with schedules[of[c]]. */
  readonly of: Int32Array
}

/** A swept key's place in the schedule, checked against the optimizer's schedule (`field`: the key's own field). */
export function checkScheduleKey(schedule: ScheduleSpec | undefined, key: string, field: string): ScheduleArgPath {
  if (!schedule) throw new ScenarioError(field, 'sweeps a schedule argument, but the optimizer has no "schedule"')
  const path = scheduleArgPath(key)
  if (!path) throw new ScenarioError(field, 'must be schedule.ARG, or schedule.schedulers[i].ARG inside a SequentialLR')
  let at: ScheduleSpec = schedule
  if (path.child !== null) {
    if (schedule.name !== 'SequentialLR')
      throw new ScenarioError(field, `${schedule.name} has no schedulers (only SequentialLR does): sweep schedule.${path.arg}`)
    if (path.child >= schedule.schedulers.length)
      throw new ScenarioError(
        field,
        `the SequentialLR has ${schedule.schedulers.length} schedulers (schedulers[0] … schedulers[${schedule.schedulers.length - 1}])`,
      )
    at = schedule.schedulers[path.child]
  } else if (schedule.name === 'SequentialLR' && path.arg !== 'milestones' && path.arg !== 'schedulers' && path.arg !== 'name') {
    throw new ScenarioError(
      field,
      `a SequentialLR's own arguments are its schedulers and milestones: sweep schedule.schedulers[i].${path.arg}`,
    )
  }
  if (path.arg === 'name')
    throw new ScenarioError(
      field,
      `the schedule's class cannot be swept (list separate optimizers, one per class: ${SCHEDULE_NAMES.join(', ')})`,
    )
  const args = SCHEDULES[at.name].args
  if (!Object.hasOwn(args, path.arg))
    throw new ScenarioError(field, `unknown argument of ${at.name} (known: ${Object.keys(args).join(', ')})`)
  if (!isNumericArg(at.name, path.arg)) {
    const kind = args[path.arg].kind
    const what = kind === 'bool' ? 'true or false' : kind === 'strategy' ? 'a name' : 'a list'
    throw new ScenarioError(
      field,
      `${at.name}'s ${path.arg} is ${what}, not a number: only numeric arguments can be swept (list separate optimizers instead)`,
    )
  }
  return path
}

/** Whole-number arguments (step_size, T_0, total_iters, T_max, …) refuse fractional values. */
export function checkScheduleValues(schedule: ScheduleSpec, path: ScheduleArgPath, values: readonly number[], field: string): void {
  const at = path.child === null ? schedule : (schedule as Extract<ScheduleSpec, { name: 'SequentialLR' }>).schedulers[path.child]
  if (!isWholeArg(at.name, path.arg)) return
  const i = values.findIndex((v) => !Number.isInteger(v))
  if (i >= 0)
    throw new ScenarioError(
      field,
      `${at.name}'s ${path.arg} is a whole number of steps, but the sweep gives ${values[i]} (value ${i + 1} of ${values.length}): list whole numbers with {"values": [...]} or a linear range whose steps are whole`,
    )
}

/**
 * The schedule of every configuration of a grid whose axes include schedule keys (`axes`: every
 * axis in the sweep's order, with the schedule keys' paths), each checked as a schedule of its
 * own. Throws ScenarioError naming the configuration.
 */
export function expandScheduleSweep(
  schedule: ScheduleSpec,
  axes: ReadonlyArray<{ readonly key: string; readonly values: readonly number[]; readonly path: ScheduleArgPath | null }>,
  field: string,
): ScheduleSweep {
  const swept = axes.map((a, i) => ({ ...a, i })).filter((a) => a.path !== null)
  const base = scheduleJson(schedule)
  const schedules: ScheduleSpec[] = []
  const distinct = new Map<string, number>()
  // One schedule per combination of the schedule axes (the hyperparameter axes leave it alone).
  const combos = swept.reduce((n, a) => n * a.values.length, 1)
  const comboSchedule = new Int32Array(combos)
  const index = new Array<number>(swept.length).fill(0)
  for (let k = 0; k < combos; k++) {
    let json = base
    swept.forEach((a, j) => (json = withScheduleArg(json, a.path!, a.values[index[j]])))
    let spec: ScheduleSpec
    try {
      spec = parseSchedule(json)
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err
      const config = JSON.stringify(Object.fromEntries(swept.map((a, j) => [a.key, a.values[index[j]]])))
      throw new ScenarioError(`${field}.sweep`, `configuration ${config}: schedule${err.field ? '.' + err.field : ''} ${err.message}`)
    }
    const text = JSON.stringify(scheduleJson(spec))
    let at = distinct.get(text)
    if (at === undefined) {
      at = schedules.length
      distinct.set(text, at)
      schedules.push(spec)
    }
    comboSchedule[k] = at
    let j = swept.length - 1
    while (j >= 0 && ++index[j] === swept[j].values.length) index[j--] = 0
  }
  // Configuration c's schedule: its indices on the schedule axes, read off c in mixed radix (last axis fastest).
  const total = axes.reduce((n, a) => n * a.values.length, 1)
  const of = new Int32Array(total)
  for (let c = 0; c < total; c++) {
    let rest = c
    let combo = 0
    let weight = 1
    for (let a = axes.length - 1, j = swept.length - 1; a >= 0; a--) {
      const n = axes[a].values.length
      if (j >= 0 && swept[j].i === a) {
        combo += (rest % n) * weight
        weight *= n
        j--
      }
      rest = Math.floor(rest / n)
    }
    of[c] = comboSchedule[combo]
  }
  return { schedules, of }
}

/** What the engine needs of an optimizer entry to find each configuration's schedule. */
export interface ScheduledConfigs {
  readonly configs: readonly Hparams[]
  readonly schedule?: ScheduleSpec
  readonly scheduleSweep?: ScheduleSweep
}

/** Configuration c's schedule (the entry's own unless the sweep varies it), or undefined without one. */
export function configSchedule(o: ScheduledConfigs, c: number): ScheduleSpec | undefined {
  return o.scheduleSweep ? o.scheduleSweep.schedules[o.scheduleSweep.of[c]] : o.schedule
}

/** Configurations sharing one schedule: one launch group of the engine. */
export interface ScheduleGroup {
  readonly schedule: ScheduleSpec
  /** Their indices, increasing. */
  readonly configs: Int32Array
}

/** The entry's configurations grouped by schedule, one group per distinct schedule (none without a schedule). */
export function scheduleGroups(o: ScheduledConfigs): ScheduleGroup[] {
  if (!o.schedule) return []
  if (!o.scheduleSweep) return [{ schedule: o.schedule, configs: Int32Array.from(o.configs.keys()) }]
  const { schedules, of } = o.scheduleSweep
  const counts = new Int32Array(schedules.length)
  for (const g of of) counts[g]++
  const groups = schedules.map((schedule, g) => ({ schedule, configs: new Int32Array(counts[g]) }))
  const filled = new Int32Array(schedules.length)
  of.forEach((g, c) => (groups[g].configs[filled[g]++] = c))
  return groups.filter((g) => g.configs.length > 0)
}
