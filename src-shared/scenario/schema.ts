/**
 * The scenario contract (shared/SCENARIO.md): parsing and validation of the JSON a user,
 * the CLI or a saved session supplies. Every problem is a `ScenarioError` naming its field.
 * Unknown top-level fields are ignored (reference files carry extra data); unknown fields
 * inside an optimizer are errors (a misspelt hyperparameter must not silently default).
 */
import { ExpressionError, type Landscape, LandscapeSpecError, landscapeFromSpec, ResidualsError } from '../landscape'
import { findOptimizer, HparamError, type Hparams, OPTIMIZERS, type OptimizerDef, resolveHparams, ruleNeeds } from '../optim'
import { plainUniformPair } from '../random-plain'
import { type GradientSpec, parseGradientSpec } from '../estimator/spec'
import { ScenarioError } from './errors'
import { expandSweep, parseSweep, type SweepAxis } from './sweep'
import { expandScheduleSweep, MAX_SCHEDULE_TABLE_STEPS, type ScheduleSweep } from './schedule-sweep'
import { isObject } from '../problem'
import {
  checkScheduleFor,
  isScheduleKey,
  parseSchedule,
  ROW_VALUES,
  scheduleArgPath,
  ScheduleError,
  scheduleJson,
  type ScheduleSpec,
} from '../schedule'

export { ScenarioError } from './errors'

export type Precision = 'float64' | 'float32'

export interface OptimizerConfig {
  readonly def: OptimizerDef
  /** Every hyperparameter with torch's name, defaults filled in. */
  readonly hparams: Hparams
  /** One configuration, or the grid of a sweep (first swept key varies slowest). */
  readonly configs: readonly Hparams[]
  readonly sweep?: readonly SweepAxis[]
  /** A torch.optim.lr_scheduler schedule (src-shared/schedule), stepped after every optimizer step. */
  readonly schedule?: ScheduleSpec
  /**
   * A sweep over schedule arguments (`schedule.gamma`, …): each configuration's own schedule
   * (./schedule-sweep.ts `configSchedule`); absent: every configuration runs `schedule`.
   */
  readonly scheduleSweep?: ScheduleSweep
  /** Where the optimizer takes its gradient from (src-shared/estimator); absent: the exact gradient. */
  readonly gradient?: GradientSpec
}

export type InitSpec =
  | readonly [number, number]
  | ReadonlyArray<readonly [number, number]>
  | {
      readonly grid: { readonly x: readonly [number, number]; readonly y: readonly [number, number]; readonly n: readonly [number, number] }
    }
  | {
      readonly random: {
        readonly x: readonly [number, number]
        readonly y: readonly [number, number]
        readonly count: number
        readonly seed: number
      }
    }

export interface Scenario {
  readonly landscapeSpec: { readonly expr?: string; readonly preset?: string; readonly residuals?: readonly string[] }
  readonly landscape: Landscape
  readonly optimizers: readonly OptimizerConfig[]
  readonly init: InitSpec
  /** Start points, x and y, in the order runs are reported. */
  readonly starts: { readonly x: Float64Array; readonly y: Float64Array }
  readonly steps: number
  readonly precision: Precision
  /** gfsSharpness: also the gradient-flow-solution sharpness per kept point (float64 only; src-shared/eos/gradient-flow-solution.ts). */
  readonly record: { readonly every: number; readonly sharpness: boolean; readonly gfsSharpness?: boolean }
  readonly noise: { readonly std: number; readonly seed: number }
  readonly centralFlow: boolean
}

/** Limits that keep one scenario within a desktop's memory; the messages say what to change. */
export const LIMITS = {
  maxStarts: 10_000_000,
  maxSteps: 10_000_000,
  maxRuns: 10_000_000,
  /** Entries of `optimizers` (each is a separate engine part; a sweep is one entry). */
  maxOptimizers: 64,
  /** Kept points over all runs when a whole result is held in memory (CLI); streams have no such limit. */
  maxKeptPoints: 200_000_000,
  /** Kept points with record.gfs_sharpness: each integrates a gradient flow to convergence (~0.1–1 ms), so far fewer. */
  maxGfsPoints: 1_000_000,
} as const

/** The last few random start clouds: a slider drag re-sends the same cloud with every value. */
const randomCache: Array<{ key: string; starts: { x: Float64Array; y: Float64Array } }> = []

/** Start points of `init.random` (read-only: callers share the cached arrays). */
function randomStarts(
  rx: readonly [number, number],
  ry: readonly [number, number],
  count: number,
  seed: number,
): { x: Float64Array; y: Float64Array } {
  const key = `${rx[0]},${rx[1]},${ry[0]},${ry[1]},${count},${seed}`
  const hit = randomCache.find((c) => c.key === key)
  if (hit) return hit.starts
  const x = new Float64Array(count)
  const y = new Float64Array(count)
  const u = new Float64Array(2)
  for (let i = 0; i < count; i++) {
    // Stream 0xFFFFF is reserved for start points, away from the gradient-noise streams; x and y
    // are the uniforms (seed, i, 0xFFFFF, c) and (…, c + 1), drawn as a pair.
    plainUniformPair(seed, i % 4_000_000, 0xfffff, Math.floor(i / 4_000_000) * 2, u)
    x[i] = rx[0] + (rx[1] - rx[0]) * u[0]
    y[i] = ry[0] + (ry[1] - ry[0]) * u[1]
  }
  randomCache.unshift({ key, starts: { x, y } })
  randomCache.length = Math.min(randomCache.length, 4)
  return { x, y }
}

export function finiteNumber(v: unknown, field: string): number {
  if (typeof v !== 'number') throw new ScenarioError(field, `must be a number, got ${typeName(v)}`)
  if (!Number.isFinite(v)) throw new ScenarioError(field, `must be finite, got ${v}`)
  return v
}

export function integer(v: unknown, field: string, min: number, max: number): number {
  const n = finiteNumber(v, field)
  if (!Number.isInteger(n)) throw new ScenarioError(field, `must be a whole number, got ${n}`)
  if (n < min || n > max) throw new ScenarioError(field, `must be between ${min} and ${max}, got ${n}`)
  return n
}

function pair(v: unknown, field: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw new ScenarioError(field, `must be a pair [a, b], got ${typeName(v)}`)
  return [finiteNumber(v[0], `${field}[0]`), finiteNumber(v[1], `${field}[1]`)]
}

export function range(v: unknown, field: string): [number, number] {
  const r = pair(v, field)
  if (!(r[0] <= r[1])) throw new ScenarioError(field, `must be [min, max] with min ≤ max, got [${r[0]}, ${r[1]}]`)
  return r
}

export function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return `a list of ${v.length}`
  if (typeof v === 'string') return 'text'
  return typeof v === 'number' ? String(v) : typeof v
}

function parseLandscape(v: unknown): { spec: { expr?: string; preset?: string; residuals?: string[] }; landscape: Landscape } {
  if (!isObject(v)) throw new ScenarioError('landscape', 'must be an object with "expr" or "preset"')
  // Network landscapes have their own scenario (src-shared/network/scenario.ts, shared/NETWORKS.md).
  if (v.network !== undefined)
    throw new ScenarioError('landscape.network', 'a network landscape runs only in float64 (cli run, or the engine worker)')
  const spec: { expr?: string; preset?: string; residuals?: string[] } = {}
  if (v.expr !== undefined) {
    if (typeof v.expr !== 'string') throw new ScenarioError('landscape.expr', `must be text, got ${typeName(v.expr)}`)
    spec.expr = v.expr
  }
  if (v.preset !== undefined) {
    if (typeof v.preset !== 'string') throw new ScenarioError('landscape.preset', `must be text, got ${typeName(v.preset)}`)
    spec.preset = v.preset
  }
  if (v.residuals !== undefined) {
    if (!Array.isArray(v.residuals) || !v.residuals.every((r) => typeof r === 'string'))
      throw new ScenarioError('landscape.residuals', `must be a list of expressions (text), got ${typeName(v.residuals)}`)
    spec.residuals = v.residuals as string[]
  }
  try {
    return { spec, landscape: landscapeFromSpec(spec) }
  } catch (err) {
    if (err instanceof ResidualsError)
      throw new ScenarioError(err.index === null ? 'landscape.residuals' : `landscape.residuals[${err.index}]`, err.message)
    if (err instanceof ExpressionError) throw new ScenarioError('landscape.expr', err.message)
    if (err instanceof LandscapeSpecError)
      throw new ScenarioError(spec.preset !== undefined ? 'landscape.preset' : 'landscape', err.message)
    throw err
  }
}

/** An optimizer entry checked but not yet expanded: `count` configurations, built by `expand`. */
export interface PendingOptimizer {
  readonly count: number
  expand(): OptimizerConfig
}

function parseOptimizer(v: unknown, field: string): PendingOptimizer {
  if (!isObject(v)) throw new ScenarioError(field, 'must be an object like {"name": "adam", "lr": 0.01}')
  if (typeof v.name !== 'string') throw new ScenarioError(`${field}.name`, 'is required (e.g. "sgd", "adam")')
  const def = findOptimizer(v.name)
  if (!def) {
    throw new ScenarioError(`${field}.name`, `unknown optimizer '${v.name}' (known: ${OPTIMIZERS.map((o) => o.name).join(', ')})`)
  }
  try {
    const { sweep, schedule: scheduleGiven, gradient: gradientDoc, ...given } = v
    const hparams = resolveHparams(def, given)
    const gradient = parseGradientSpec(gradientDoc, `${field}.gradient`)
    const schedule = scheduleGiven === undefined ? undefined : parseSchedule(scheduleGiven)
    const extras = {
      ...(schedule ? { schedule } : {}),
      ...(gradient.estimator === 'true' ? {} : { gradient }),
    }
    if (sweep === undefined) return { count: 1, expand: () => ({ def, hparams, configs: [hparams], ...extras }) }
    const axes = parseSweep(def, sweep, `${field}.sweep`, schedule)
    const scheduleAxes = axes.some((a) => isScheduleKey(a.key))
    return {
      count: axes.reduce((n, a) => n * a.values.length, 1),
      expand: () => ({
        def,
        hparams,
        configs: expandSweep(def, given, axes, field),
        sweep: axes,
        ...extras,
        ...(schedule && scheduleAxes
          ? {
              scheduleSweep: expandScheduleSweep(
                schedule,
                axes.map((a) => ({ ...a, path: scheduleArgPath(a.key) })),
                field,
              ),
            }
          : {}),
      }),
    }
  } catch (err) {
    if (err instanceof HparamError) throw new ScenarioError(err.field ? `${field}.${err.field}` : field, err.message)
    if (err instanceof ScheduleError) throw new ScenarioError(`${field}.schedule${err.field ? '.' + err.field : ''}`, err.message)
    throw err
  }
}

export function parseOptimizers(doc: Record<string, unknown>): PendingOptimizer[] {
  if (doc.optimizer !== undefined && doc.optimizers !== undefined) {
    throw new ScenarioError('optimizers', 'give either "optimizer" or "optimizers", not both')
  }
  if (doc.optimizer !== undefined) return [parseOptimizer(doc.optimizer, 'optimizer')]
  if (doc.optimizers === undefined) throw new ScenarioError('optimizer', 'is required (e.g. {"name": "adam", "lr": 0.01})')
  if (!Array.isArray(doc.optimizers) || doc.optimizers.length === 0) {
    throw new ScenarioError('optimizers', 'must be a non-empty list of optimizers')
  }
  if (doc.optimizers.length > LIMITS.maxOptimizers) {
    throw new ScenarioError(
      'optimizers',
      `${doc.optimizers.length} optimizers is more than ${LIMITS.maxOptimizers} (sweep a hyperparameter instead)`,
    )
  }
  return doc.optimizers.map((o, i) => parseOptimizer(o, `optimizers[${i}]`))
}

/** a·(1−s) + b·s: exact at both ends (a + (b−a)·s can miss b by an ulp). */
const lerp = ([a, b]: readonly [number, number], s: number) => a * (1 - s) + b * s

function parseInit(v: unknown): { init: InitSpec; starts: { x: Float64Array; y: Float64Array } } {
  if (v === undefined) throw new ScenarioError('init', 'is required: [x, y], [[x, y], ...], {"grid": ...} or {"random": ...}')
  if (Array.isArray(v) && v.length === 2 && !Array.isArray(v[0])) {
    const p = pair(v, 'init')
    return { init: p, starts: { x: Float64Array.of(p[0]), y: Float64Array.of(p[1]) } }
  }
  if (Array.isArray(v)) {
    if (v.length === 0) throw new ScenarioError('init', 'must list at least one start point')
    if (v.length > LIMITS.maxStarts) throw new ScenarioError('init', `more than ${LIMITS.maxStarts} start points`)
    const x = new Float64Array(v.length)
    const y = new Float64Array(v.length)
    const points = v.map((p, i) => {
      const q = pair(p, `init[${i}]`)
      x[i] = q[0]
      y[i] = q[1]
      return q
    })
    return { init: points, starts: { x, y } }
  }
  if (isObject(v) && v.grid !== undefined) {
    const g = v.grid
    if (!isObject(g)) throw new ScenarioError('init.grid', 'must be {"x": [min, max], "y": [min, max], "n": [nx, ny]}')
    const gx = range(g.x, 'init.grid.x')
    const gy = range(g.y, 'init.grid.y')
    const n = pair(g.n, 'init.grid.n')
    const nx = integer(n[0], 'init.grid.n[0]', 1, LIMITS.maxStarts)
    const ny = integer(n[1], 'init.grid.n[1]', 1, LIMITS.maxStarts)
    if (nx * ny > LIMITS.maxStarts) throw new ScenarioError('init.grid.n', `${nx}×${ny} start points is more than ${LIMITS.maxStarts}`)
    const x = new Float64Array(nx * ny)
    const y = new Float64Array(nx * ny)
    // Row-major, x fastest; a single row/column sits at the range's start.
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        x[j * nx + i] = lerp(gx, nx === 1 ? 0 : i / (nx - 1))
        y[j * nx + i] = lerp(gy, ny === 1 ? 0 : j / (ny - 1))
      }
    }
    return { init: { grid: { x: gx, y: gy, n: [nx, ny] } }, starts: { x, y } }
  }
  if (isObject(v) && v.random !== undefined) {
    const r = v.random
    if (!isObject(r)) throw new ScenarioError('init.random', 'must be {"x": [min, max], "y": [min, max], "count": n, "seed": s}')
    const rx = range(r.x, 'init.random.x')
    const ry = range(r.y, 'init.random.y')
    const count = integer(r.count, 'init.random.count', 1, LIMITS.maxStarts)
    const seed = r.seed === undefined ? 0 : integer(r.seed, 'init.random.seed', -(2 ** 53), 2 ** 53)
    return { init: { random: { x: rx, y: ry, count, seed } }, starts: randomStarts(rx, ry, count, seed) }
  }
  throw new ScenarioError('init', 'must be [x, y], [[x, y], ...], {"grid": ...} or {"random": ...}')
}

/** Runs of a scenario: every configuration of every optimizer from every start point. */
export function runCount(s: Pick<Scenario, 'optimizers' | 'starts'>): number {
  return s.optimizers.reduce((sum, o) => sum + o.configs.length, 0) * s.starts.x.length
}

/**
 * For consumers that hold every kept point at once (the CLI's result file): refuse scenarios
 * that would not fit, with the fix in the message. Streaming jobs need no such limit.
 */
export function checkWholeResultFits(s: Scenario): void {
  const runs = runCount(s)
  const kept = runs * (Math.floor(s.steps / s.record.every) + 1)
  if (kept > LIMITS.maxKeptPoints) {
    throw new ScenarioError(
      'record.every',
      `${kept.toExponential(2)} kept points is more than ${LIMITS.maxKeptPoints.toExponential(0)}: record every k-th step (raise record.every) or use fewer runs`,
    )
  }
  if (s.record.gfsSharpness && kept > LIMITS.maxGfsPoints) {
    throw new ScenarioError(
      'record.gfs_sharpness',
      `${kept.toExponential(2)} kept points is more than ${LIMITS.maxGfsPoints.toExponential(0)} gradient-flow solves: raise record.every or use fewer runs`,
    )
  }
}

/** A schedule against its optimizer and the run's length (OneCycleLR: momentum to cycle, enough total_steps). */
function checkSchedule(o: OptimizerConfig, steps: number, field: string): void {
  if (!o.schedule) return
  const schedules = o.scheduleSweep?.schedules ?? [o.schedule]
  // One schedule's table is as long as the run (any length); a sweep's schedules multiply it.
  if (o.scheduleSweep && schedules.length * steps > MAX_SCHEDULE_TABLE_STEPS) {
    throw new ScenarioError(
      `${field}.sweep`,
      `${schedules.length} distinct schedules × ${steps} steps is more than ${MAX_SCHEDULE_TABLE_STEPS} schedule table entries: sweep fewer schedule values or run fewer steps`,
    )
  }
  for (const schedule of schedules) {
    try {
      checkScheduleFor(schedule, o.def, steps)
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err
      const at = `schedule${err.field ? '.' + err.field : ''}`
      // A swept schedule names the configuration's values (the base schedule may be fine on its own).
      if (o.scheduleSweep && schedule !== o.schedule)
        throw new ScenarioError(`${field}.sweep`, `schedule ${JSON.stringify(scheduleJson(schedule))}: ${at} ${err.message}`)
      throw new ScenarioError(`${field}.${at}`, err.message)
    }
  }
}

/** Validate a parsed JSON document as a scenario. Throws `ScenarioError`. */
export function parseScenario(doc: unknown): Scenario {
  if (!isObject(doc)) throw new ScenarioError('', 'a scenario must be a JSON object')
  const { spec, landscape } = parseLandscape(doc.landscape)
  const pending = parseOptimizers(doc)
  const { init, starts } = parseInit(doc.init)
  // The run count is known before any sweep is expanded: a 300-byte request for 10¹¹ runs is
  // refused at once instead of after building (and holding) every configuration.
  const runs = pending.reduce((n, o) => n + o.count, 0) * starts.x.length
  if (runs > LIMITS.maxRuns) throw new ScenarioError('init', `${runs} runs (optimizers × start points) is more than ${LIMITS.maxRuns}`)
  const optimizers = pending.map((o) => o.expand())
  optimizers.forEach((o, k) => {
    // Gauss–Newton's step is built from the residuals; without them there is no such step.
    if (ruleNeeds(o.def).residuals && !landscape.residuals)
      throw new ScenarioError(
        doc.optimizer !== undefined ? 'optimizer' : `optimizers[${k}]`,
        `${o.def.name} needs the landscape's residuals: add "residuals": [r1, r2, …] to "landscape" with Σ r² (or ½·Σ r²) equal to its expression`,
      )
  })
  if (doc.steps === undefined) throw new ScenarioError('steps', 'is required (the number of optimizer steps)')
  const steps = integer(doc.steps, 'steps', 0, LIMITS.maxSteps)
  optimizers.forEach((o, i) => checkSchedule(o, steps, doc.optimizer !== undefined ? 'optimizer' : `optimizers[${i}]`))

  let precision: Precision = 'float64'
  if (doc.precision !== undefined) {
    if (doc.precision !== 'float64' && doc.precision !== 'float32') {
      throw new ScenarioError('precision', `must be "float64" or "float32", got ${JSON.stringify(doc.precision)}`)
    }
    precision = doc.precision
  }

  // The float32 kernels index the schedule's table in float32: whole numbers are exact to 2²⁴.
  const scheduled = optimizers.findIndex((o) => o.schedule)
  if (precision === 'float32' && scheduled >= 0 && steps * ROW_VALUES > 2 ** 24) {
    throw new ScenarioError(
      'steps',
      `a float32 run with a schedule is limited to ${2 ** 24 / ROW_VALUES} steps, got ${steps} (use "precision": "float64")`,
    )
  }

  let every = 1
  let sharpness = false
  let gfsSharpness = false
  if (doc.record !== undefined) {
    if (!isObject(doc.record)) throw new ScenarioError('record', 'must be {"every": k, "sharpness": bool}')
    if (doc.record.every !== undefined) every = integer(doc.record.every, 'record.every', 1, LIMITS.maxSteps)
    if (doc.record.sharpness !== undefined) {
      if (typeof doc.record.sharpness !== 'boolean') throw new ScenarioError('record.sharpness', 'must be true or false')
      sharpness = doc.record.sharpness
    }
    if (doc.record.gfs_sharpness !== undefined) {
      if (typeof doc.record.gfs_sharpness !== 'boolean') throw new ScenarioError('record.gfs_sharpness', 'must be true or false')
      gfsSharpness = doc.record.gfs_sharpness
      if (gfsSharpness && precision !== 'float64') {
        throw new ScenarioError('record.gfs_sharpness', 'is computed on the float64 path only: use "precision": "float64"')
      }
    }
  }

  let noise = { std: 0, seed: 0 }
  if (doc.noise !== undefined) {
    if (!isObject(doc.noise)) throw new ScenarioError('noise', 'must be {"std": s, "seed": n}')
    const std = doc.noise.std === undefined ? 0 : finiteNumber(doc.noise.std, 'noise.std')
    if (std < 0) throw new ScenarioError('noise.std', `must be ≥ 0, got ${std}`)
    const seed = doc.noise.seed === undefined ? 0 : integer(doc.noise.seed, 'noise.seed', -(2 ** 53), 2 ** 53)
    noise = { std, seed }
  }

  let centralFlow = false
  if (doc.central_flow !== undefined) {
    if (typeof doc.central_flow !== 'boolean') throw new ScenarioError('central_flow', 'must be true or false')
    centralFlow = doc.central_flow
  }

  return {
    landscapeSpec: spec,
    landscape,
    optimizers,
    init,
    starts,
    steps,
    precision,
    record: gfsSharpness ? { every, sharpness, gfsSharpness } : { every, sharpness },
    noise,
    centralFlow,
  }
}

/** Parse scenario text (JSON). Syntax errors name the line and column. */
export function parseScenarioText(text: string): Scenario {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new ScenarioError('', `not valid JSON: ${(err as Error).message}`)
  }
  return parseScenario(doc)
}
