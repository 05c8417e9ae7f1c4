/**
 * Learning-rate schedules on a scenario optimizer: `"schedule": {"name": "StepLR", "step_size": 50}`.
 * The name is a torch.optim.lr_scheduler class and the other keys are its constructor arguments,
 * with torch's names and defaults (torch 1.13; `last_epoch` and `verbose` are not offered: a
 * scenario always starts at step 0). `parseSchedule` checks a spec as torch's constructors do
 * (plus the checks that keep a run from failing half-way, such as a zero `step_size`) and fills
 * in the defaults; every problem names its field.
 */
import { isObject } from '../problem'

export class ScheduleError extends Error {
  /** Path of the offending field from the schedule itself ('' for the schedule as a whole), e.g. `schedulers[1].T_max`. */
  readonly field: string
  constructor(field: string, message: string) {
    super(message)
    this.name = 'ScheduleError'
    this.field = field
  }
}

/** A validated schedule: its class name and every argument, defaults filled in. */
export type ScheduleSpec =
  | { readonly name: 'StepLR'; readonly step_size: number; readonly gamma: number }
  | { readonly name: 'MultiStepLR'; readonly milestones: readonly number[]; readonly gamma: number }
  | { readonly name: 'ExponentialLR'; readonly gamma: number }
  | { readonly name: 'CosineAnnealingLR'; readonly T_max: number; readonly eta_min: number }
  | { readonly name: 'CosineAnnealingWarmRestarts'; readonly T_0: number; readonly T_mult: number; readonly eta_min: number }
  | { readonly name: 'LinearLR'; readonly start_factor: number; readonly end_factor: number; readonly total_iters: number }
  | { readonly name: 'ConstantLR'; readonly factor: number; readonly total_iters: number }
  | { readonly name: 'PolynomialLR'; readonly total_iters: number; readonly power: number }
  | OneCycleSpec
  | { readonly name: 'SequentialLR'; readonly schedulers: readonly ScheduleSpec[]; readonly milestones: readonly number[] }

export interface OneCycleSpec {
  readonly name: 'OneCycleLR'
  readonly max_lr: number
  readonly total_steps: number | null
  readonly epochs: number | null
  readonly steps_per_epoch: number | null
  readonly pct_start: number
  readonly anneal_strategy: 'cos' | 'linear'
  readonly cycle_momentum: boolean
  readonly base_momentum: number
  readonly max_momentum: number
  readonly div_factor: number
  readonly final_div_factor: number
  readonly three_phase: boolean
}

export type ScheduleName = ScheduleSpec['name']

type Kind = 'number' | 'int' | 'bool' | 'ints' | 'strategy' | 'schedulers' | 'optional-int'

interface ArgSpec {
  readonly kind: Kind
  /** undefined: required. */
  readonly default?: unknown
  readonly doc: string
  /** A problem with the value, or null. */
  readonly check?: (v: never, all: Record<string, unknown>) => string | null
}

const positive = (v: number) => (v > 0 ? null : `must be > 0, got ${v}`)
const nonNegative = (v: number) => (v >= 0 ? null : `must be ≥ 0, got ${v}`)
const unit = (v: number) => (v >= 0 && v <= 1 ? null : `must be between 0 and 1, got ${v}`)

/** Every class: its arguments in torch's order, with torch's defaults and docs. */
export const SCHEDULES: Readonly<Record<ScheduleName, { readonly doc: string; readonly args: Readonly<Record<string, ArgSpec>> }>> = {
  StepLR: {
    doc: 'lr × gamma every step_size steps',
    args: {
      step_size: { kind: 'int', doc: 'period of decay (steps)', check: positive },
      gamma: { kind: 'number', default: 0.1, doc: 'multiplicative factor of decay' },
    },
  },
  MultiStepLR: {
    doc: 'lr × gamma at each milestone',
    args: {
      milestones: { kind: 'ints', doc: 'steps at which to decay (increasing)' },
      gamma: { kind: 'number', default: 0.1, doc: 'multiplicative factor of decay' },
    },
  },
  ExponentialLR: {
    doc: 'lr × gamma every step',
    args: { gamma: { kind: 'number', doc: 'multiplicative factor of decay' } },
  },
  CosineAnnealingLR: {
    doc: 'cosine from lr to eta_min over T_max steps (past T_max the cosine continues)',
    args: {
      T_max: { kind: 'number', doc: 'half-period of the cosine (steps)', check: positive },
      eta_min: { kind: 'number', default: 0, doc: 'minimum learning rate (absolute)' },
    },
  },
  CosineAnnealingWarmRestarts: {
    doc: 'cosine from lr to eta_min, restarting after T_0, T_0·T_mult, … steps',
    args: {
      T_0: {
        kind: 'int',
        doc: 'steps until the first restart',
        check: (v: number) => (v > 0 ? null : `must be a positive integer, got ${v}`),
      },
      T_mult: {
        kind: 'int',
        default: 1,
        doc: 'factor growing the period after each restart',
        check: (v: number) => (v >= 1 ? null : `must be an integer ≥ 1, got ${v}`),
      },
      eta_min: { kind: 'number', default: 0, doc: 'minimum learning rate (absolute)' },
    },
  },
  LinearLR: {
    doc: 'factor moving linearly from start_factor to end_factor over total_iters steps',
    args: {
      start_factor: {
        kind: 'number',
        default: 1 / 3,
        doc: 'factor at step 0',
        check: (v: number) => (v > 0 && v <= 1 ? null : `must be greater than 0 and at most 1, got ${v}`),
      },
      end_factor: { kind: 'number', default: 1, doc: 'factor after total_iters', check: unit },
      total_iters: { kind: 'int', default: 5, doc: 'steps of the ramp', check: positive },
    },
  },
  ConstantLR: {
    doc: 'lr × factor until total_iters, then lr',
    args: {
      factor: {
        kind: 'number',
        default: 1 / 3,
        doc: 'factor before total_iters',
        check: (v: number) => (v > 0 && v <= 1 ? null : `must be greater than 0 and at most 1, got ${v}`),
      },
      total_iters: { kind: 'int', default: 5, doc: 'steps at the reduced rate', check: nonNegative },
    },
  },
  PolynomialLR: {
    doc: 'lr × (1 − t/total_iters)^power, then 0',
    args: {
      total_iters: { kind: 'int', default: 5, doc: 'steps of the decay', check: positive },
      power: { kind: 'number', default: 1, doc: 'power of the polynomial' },
    },
  },
  OneCycleLR: {
    doc: 'up from max_lr/div_factor to max_lr, then down to its /final_div_factor (lr of the optimizer is ignored)',
    args: {
      max_lr: { kind: 'number', doc: 'peak learning rate (absolute)', check: positive },
      total_steps: { kind: 'optional-int', default: null, doc: 'steps in the cycle (or epochs × steps_per_epoch)', check: positive },
      epochs: { kind: 'optional-int', default: null, doc: 'epochs (with steps_per_epoch)', check: positive },
      steps_per_epoch: { kind: 'optional-int', default: null, doc: 'steps per epoch (with epochs)', check: positive },
      pct_start: { kind: 'number', default: 0.3, doc: 'fraction of the cycle spent increasing the rate', check: unit },
      anneal_strategy: { kind: 'strategy', default: 'cos', doc: '"cos" or "linear"' },
      cycle_momentum: { kind: 'bool', default: true, doc: "cycle the momentum (SGD's momentum, Adam's betas[0]) inversely" },
      base_momentum: { kind: 'number', default: 0.85, doc: 'momentum at the peak rate' },
      max_momentum: { kind: 'number', default: 0.95, doc: 'momentum at the start and the end' },
      div_factor: { kind: 'number', default: 25, doc: 'initial lr = max_lr / div_factor', check: positive },
      final_div_factor: { kind: 'number', default: 1e4, doc: 'minimum lr = initial lr / final_div_factor', check: positive },
      three_phase: { kind: 'bool', default: false, doc: 'a third phase annihilates the rate (the original paper)' },
    },
  },
  SequentialLR: {
    doc: 'each of schedulers in turn, switching at the milestones',
    args: {
      schedulers: { kind: 'schedulers', doc: 'the schedules, in order' },
      milestones: { kind: 'ints', doc: 'steps at which the next schedule takes over (one fewer than schedulers)' },
    },
  },
}

export const SCHEDULE_NAMES = Object.keys(SCHEDULES) as ScheduleName[]

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return `a list of ${v.length}`
  if (typeof v === 'string') return `text ${JSON.stringify(v.length > 24 ? v.slice(0, 24) + '…' : v)}`
  return typeof v === 'number' ? String(v) : typeof v
}

const join = (field: string, key: string) => (field ? `${field}.${key}` : key)

function coerce(kind: Kind, v: unknown, field: string): unknown {
  const num = (x: unknown, f: string) => {
    if (typeof x !== 'number') throw new ScheduleError(f, `must be a number, got ${describe(x)}`)
    if (!Number.isFinite(x)) throw new ScheduleError(f, `must be finite, got ${x}`)
    return x
  }
  const int = (x: unknown, f: string) => {
    const n = num(x, f)
    if (!Number.isInteger(n)) throw new ScheduleError(f, `must be a whole number, got ${n}`)
    return n
  }
  switch (kind) {
    case 'number':
      return num(v, field)
    case 'int':
      return int(v, field)
    case 'optional-int':
      return v === null ? null : int(v, field)
    case 'bool':
      if (typeof v !== 'boolean') throw new ScheduleError(field, `must be true or false, got ${describe(v)}`)
      return v
    case 'strategy':
      if (v !== 'cos' && v !== 'linear') throw new ScheduleError(field, `must be "cos" or "linear", got ${describe(v)}`)
      return v
    case 'ints':
      if (!Array.isArray(v)) throw new ScheduleError(field, `must be a list of whole numbers, got ${describe(v)}`)
      return v.map((x, i) => int(x, `${field}[${i}]`))
    case 'schedulers':
      if (!Array.isArray(v) || v.length === 0) throw new ScheduleError(field, `must be a non-empty list of schedules, got ${describe(v)}`)
      return v.map((x, i) => parseAt(x, `${field}[${i}]`, true))
  }
}

function parseAt(v: unknown, field: string, nested: boolean): ScheduleSpec {
  if (!isObject(v)) throw new ScheduleError(field, `must be an object like {"name": "StepLR", "step_size": 30}, got ${describe(v)}`)
  if (typeof v.name !== 'string') throw new ScheduleError(join(field, 'name'), `is required: one of ${SCHEDULE_NAMES.join(', ')}`)
  const name = v.name as ScheduleName
  if (!Object.hasOwn(SCHEDULES, name)) {
    throw new ScheduleError(join(field, 'name'), `unknown schedule '${v.name}' (known: ${SCHEDULE_NAMES.join(', ')})`)
  }
  if (nested && name === 'SequentialLR') throw new ScheduleError(join(field, 'name'), 'a SequentialLR cannot be nested in another')
  const args = SCHEDULES[name].args
  for (const key of Object.keys(v)) {
    if (key !== 'name' && !Object.hasOwn(args, key))
      throw new ScheduleError(join(field, key), `unknown argument of ${name} (known: ${Object.keys(args).join(', ')})`)
  }
  const out: Record<string, unknown> = { name }
  for (const [key, spec] of Object.entries(args)) {
    const f = join(field, key)
    if (v[key] === undefined) {
      if (spec.default === undefined) throw new ScheduleError(f, `is required for ${name} (${spec.doc})`)
      out[key] = spec.default
      continue
    }
    out[key] = coerce(spec.kind, v[key], f)
  }
  for (const [key, spec] of Object.entries(args)) {
    const value = out[key]
    if (value === null || !spec.check) continue
    const problem = (spec.check as (v: unknown, all: Record<string, unknown>) => string | null)(value, out)
    if (problem) throw new ScheduleError(join(field, key), problem)
  }
  crossCheck(out, field)
  return out as ScheduleSpec
}

/** torch's checks across arguments. */
function crossCheck(s: Record<string, unknown>, field: string): void {
  if (s.name === 'OneCycleLR' && s.total_steps === null && (s.epochs === null || s.steps_per_epoch === null)) {
    throw new ScheduleError(join(field, 'total_steps'), 'is required for OneCycleLR (or both epochs and steps_per_epoch)')
  }
  if (s.name === 'SequentialLR') {
    const n = (s.schedulers as unknown[]).length
    const m = s.milestones as number[]
    if (m.length !== n - 1) {
      throw new ScheduleError(
        join(field, 'milestones'),
        `must list one milestone fewer than schedulers: ${n} schedulers, ${m.length} milestones`,
      )
    }
    m.forEach((x, i) => {
      if (x < 0) throw new ScheduleError(`${join(field, 'milestones')}[${i}]`, `must be ≥ 0, got ${x}`)
      if (i > 0 && x < m[i - 1]) throw new ScheduleError(join(field, 'milestones'), 'must be increasing')
    })
  }
}

/** Check a schedule as written in a scenario and fill in torch's defaults. Throws `ScheduleError`. */
export function parseSchedule(v: unknown): ScheduleSpec {
  return parseAt(v, '', false)
}

/** OneCycleLR's steps in the cycle (total_steps, else epochs × steps_per_epoch). */
export function oneCycleTotal(s: OneCycleSpec): number {
  return s.total_steps ?? s.epochs! * s.steps_per_epoch!
}

/** Whether the schedule sets the optimizer's momentum (a OneCycleLR with cycle_momentum, anywhere in it). */
export function cyclesMomentum(s: ScheduleSpec): boolean {
  if (s.name === 'OneCycleLR') return s.cycle_momentum
  if (s.name === 'SequentialLR') return s.schedulers.some(cyclesMomentum)
  return false
}

/** The spec as JSON-ready data, with every argument (for outputs and saved sessions). */
export function scheduleJson(s: ScheduleSpec): Record<string, unknown> {
  return s.name === 'SequentialLR' ? { ...s, schedulers: s.schedulers.map(scheduleJson) } : { ...s }
}

/** `{schedule}` to spread beside an optimizer's hyperparameters in outputs, or nothing without one. */
export function scheduleField(s: ScheduleSpec | undefined): { schedule?: Record<string, unknown> } {
  return s ? { schedule: scheduleJson(s) } : {}
}
