/**
 * Hyperparameter sweeps, an extension of the scenario contract: an optimizer may carry
 *
 *   "sweep": { "lr": { "log": [1e-4, 1e-1], "n": 100 },
 *              "momentum": { "linear": [0, 0.99], "n": 100 },
 *              "betas[1]": { "values": [0.9, 0.99, 0.999] } }
 *
 * The grid product of the listed values gives one configuration per cell (the first key varies
 * slowest); every configuration runs from every start point, in one launch. A pair
 * hyperparameter's component is named `name[0]` / `name[1]`. Keys `schedule.ARG` sweep an
 * argument of the optimizer's schedule (./schedule-sweep.ts).
 */
import type { Hparams, HparamValue, OptimizerDef } from '../optim'
import { resolveHparams, HparamError } from '../optim'
import { ScenarioError } from './errors'
import { isObject } from '../problem'
import { isScheduleKey, type ScheduleSpec } from '../schedule'
import { checkScheduleKey, checkScheduleValues, MAX_SWEPT_SCHEDULES } from './schedule-sweep'

export const MAX_SWEEP_CONFIGS = 1_000_000

export interface SweepAxis {
  /** The key as written (`lr`, `betas[1]`). */
  readonly key: string
  readonly values: readonly number[]
}

function axisValues(spec: unknown, field: string): number[] {
  if (!isObject(spec)) throw new ScenarioError(field, 'must be {"values": [...]}, {"log": [a, b], "n": k} or {"linear": [a, b], "n": k}')
  const finite = (v: unknown, f: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ScenarioError(f, `must be a finite number, got ${String(v)}`)
    return v
  }
  if (spec.values !== undefined) {
    if (!Array.isArray(spec.values) || spec.values.length === 0)
      throw new ScenarioError(`${field}.values`, 'must be a non-empty list of numbers')
    return spec.values.map((v, i) => finite(v, `${field}.values[${i}]`))
  }
  const kind = spec.log !== undefined ? 'log' : spec.linear !== undefined ? 'linear' : null
  if (!kind) throw new ScenarioError(field, 'needs "values", "log" or "linear"')
  const range = spec[kind]
  if (!Array.isArray(range) || range.length !== 2) throw new ScenarioError(`${field}.${kind}`, 'must be [from, to]')
  const a = finite(range[0], `${field}.${kind}[0]`)
  const b = finite(range[1], `${field}.${kind}[1]`)
  const n = spec.n
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_SWEEP_CONFIGS) {
    throw new ScenarioError(`${field}.n`, `must be a whole number from 1 to ${MAX_SWEEP_CONFIGS}`)
  }
  if (kind === 'log' && !(a > 0 && b > 0)) throw new ScenarioError(`${field}.log`, 'a log range needs positive ends')
  return sweepAxisValues(kind, a, b, n)
}

/** n values from a to b, log- or linearly spaced, exactly a and b at the ends. */
export function sweepAxisValues(kind: 'log' | 'linear', a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    if (i === 0) return a
    if (i === n - 1) return b
    const s = i / (n - 1)
    return kind === 'log' ? Math.exp(Math.log(a) * (1 - s) + Math.log(b) * s) : a * (1 - s) + b * s
  })
}

/**
 * Parse `optimizer.sweep` into axes; keys must name numeric hyperparameters of `def`, or numeric
 * arguments of its `schedule` (`schedule.gamma`, `schedule.schedulers[1].T_max`).
 */
export function parseSweep(def: OptimizerDef, sweep: unknown, field: string, schedule?: ScheduleSpec): SweepAxis[] {
  if (!isObject(sweep)) throw new ScenarioError(field, 'must be an object of hyperparameter → values')
  const axes = Object.entries(sweep).map(([key, spec]) => {
    if (isScheduleKey(key)) {
      const path = checkScheduleKey(schedule, key, `${field}.${key}`)
      const values = axisValues(spec, `${field}.${key}`)
      checkScheduleValues(schedule!, path, values, `${field}.${key}`)
      return { key, values }
    }
    const m = /^(\w+)(?:\[([012])\])?$/.exec(key)
    const spec0 = m ? def.hparams[m[1]] : undefined
    if (!m || !spec0 || !Object.hasOwn(def.hparams, m[1])) {
      throw new ScenarioError(`${field}.${key}`, `unknown hyperparameter for ${def.name}`)
    }
    if (spec0.kind === 'boolean') throw new ScenarioError(`${field}.${key}`, 'booleans cannot be swept (list separate optimizers instead)')
    if (spec0.kind === 'pair' && m[2] === undefined)
      throw new ScenarioError(
        `${field}.${key}`,
        `sweep one component: ${spec0.default.map((_, i) => `${m[1]}[${i}]`).join(' or ')}`.replace(/ or (?=.* or )/g, ', '),
      )
    if (spec0.kind === 'pair' && Number(m[2]) >= spec0.default.length)
      throw new ScenarioError(`${field}.${key}`, `${m[1]} has ${spec0.default.length} components`)
    if (spec0.kind === 'choice')
      throw new ScenarioError(`${field}.${key}`, 'a named variant cannot be swept (list separate optimizers instead)')
    if (spec0.kind === 'number' && m[2] !== undefined) throw new ScenarioError(`${field}.${key}`, `${m[1]} is a single number`)
    return { key, values: axisValues(spec, `${field}.${key}`) }
  })
  if (axes.length === 0) throw new ScenarioError(field, 'must list at least one hyperparameter')
  const total = axes.reduce((p, a) => p * a.values.length, 1)
  if (total > MAX_SWEEP_CONFIGS) throw new ScenarioError(field, `${total} configurations is more than ${MAX_SWEEP_CONFIGS}`)
  const schedules = axes.filter((a) => isScheduleKey(a.key)).reduce((p, a) => p * a.values.length, 1)
  if (schedules > MAX_SWEPT_SCHEDULES)
    throw new ScenarioError(
      field,
      `${schedules} schedule combinations is more than ${MAX_SWEPT_SCHEDULES} (each distinct schedule is a launch of its own): sweep fewer schedule values`,
    )
  return axes
}

/** Every configuration of the grid, each validated with torch's ranges. */
export function expandSweep(def: OptimizerDef, given: Record<string, unknown>, axes: readonly SweepAxis[], field: string): Hparams[] {
  const base = resolveHparams(def, given)
  const configs: Hparams[] = []
  const index = new Array(axes.length).fill(0)
  for (;;) {
    const h: Record<string, HparamValue> = { ...base }
    axes.forEach((axis, a) => {
      if (isScheduleKey(axis.key)) return // the configuration's schedule, not a hyperparameter (./schedule-sweep.ts)
      const m = /^(\w+)(?:\[([012])\])?$/.exec(axis.key)!
      const v = axis.values[index[a]]
      if (m[2] === undefined) h[m[1]] = v
      else {
        const pair = [...(h[m[1]] as readonly number[])]
        pair[Number(m[2])] = v
        h[m[1]] = pair as unknown as HparamValue // as long as the default: resolveHparams checks it
      }
    })
    try {
      configs.push(resolveHparams(def, h))
    } catch (err) {
      if (err instanceof HparamError) {
        throw new ScenarioError(
          `${field}.sweep`,
          `configuration ${JSON.stringify(Object.fromEntries(axes.filter((a) => !isScheduleKey(a.key)).map((a) => [a.key, a.values[index[axes.indexOf(a)]]])))}: ${err.message}`,
        )
      }
      throw err
    }
    let a = axes.length - 1
    while (a >= 0 && ++index[a] === axes[a].values.length) index[a--] = 0
    if (a < 0) return configs
  }
}
