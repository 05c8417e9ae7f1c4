/**
 * From a scenario to engine work: one "part" per optimizer entry, holding every particle of that
 * entry (configurations × start points, configuration-major) with per-particle hyperparameters,
 * and a stepper that advances them on the float64 reference path or the float32 GPU.js path.
 */
import type { RunInfo } from '../../src-shared/api'
import { topAxis } from '../../src-shared/eos/eig2'
import { topEigenvalue2 } from '../../src-shared/landscape'
import { hparamCodeValues, type Hparams } from '../../src-shared/optim'
import type { OptimizerConfig, Scenario } from '../../src-shared/scenario'
import { configSchedule, scheduleGroups } from '../../src-shared/scenario/schedule-sweep'
import { groupedScheduleTable, scheduleField, scheduleTable } from '../../src-shared/schedule'
import { groupedStepper, subBatch } from './grouped-stepper'
import { advanceFloat64, type BlockOutput, type ParticleBatch, initialState } from './float64'
import { advanceFloat32, type BackendMode, float32Launcher, initialState32 } from './float32'

export interface Stepper {
  /** Advance to step `tTo`, writing the kept points of the span into `out`. */
  advance(tTo: number, out: BlockOutput): Promise<void>
  /** The compute path actually used (e.g. 'float64 JS', 'float32 gpu.js WebAssemblyKernel'). */
  backend(): string
  /** First non-finite step per particle, or -1. */
  divergedAt(): Int32Array
  /** Whether `advance` fills the optimizer's extra outputs (ASGD's average). */
  readonly carriesExtra: boolean
  /** Whether kept points are recorded inside the kernel (a block of points costs about its steps, not a launch per point). */
  readonly recordsInKernel?: boolean
}

export interface Part {
  readonly config: OptimizerConfig
  readonly job: ParticleBatch
  readonly stepper: Stepper
  /** Particles in this part: configs × starts. */
  readonly n: number
}

/** Per-particle hyperparameter code values, configuration-major then start point. */
export function particleHparams(config: OptimizerConfig, starts: number): Float64Array {
  const rows = config.configs.map((h) => hparamCodeValues(config.def, h))
  const nh = rows[0].length
  const out = new Float64Array(rows.length * starts * nh)
  rows.forEach((row, c) => {
    for (let i = 0; i < starts; i++) out.set(row, (c * starts + i) * nh)
  })
  return out
}

function repeat(a: Float64Array, times: number): Float64Array {
  if (times === 1) return a
  const out = new Float64Array(a.length * times)
  for (let c = 0; c < times; c++) out.set(a, c * a.length)
  return out
}

export function float64Stepper(job: ParticleBatch): Stepper {
  const state = initialState(job)
  return {
    advance: async (tTo, out) => {
      // Interleaved outputs are the float32 chunks' (job.ts); this path writes x and y apart.
      if (out.xy) throw new Error('the float64 path writes separate x and y outputs')
      advanceFloat64(job, state, tTo, out)
    },
    divergedAt: () => state.divergedAt,
    carriesExtra: true,
    backend: () => 'float64 JS',
  }
}

/**
 * `pointsPerLaunch` caps the kept points one launch records inside the kernel (where the backend
 * can); 0 makes every kept point a launch of its own, read back by the host. Unset: the backend's
 * preference (Launcher.preferredPoints).
 */
export function float32Stepper(job: ParticleBatch, mode: BackendMode, threaded = true, pointsPerLaunch?: number): Stepper {
  const state = initialState32(initialState(job), job)
  const f = job.landscape.compiled
  const vg = new Float64Array(3)
  const h = new Float64Array(3)
  // Loss, sharpness and the top eigenvector (m[2], m[3]) at the float32 positions, evaluated
  // exactly (float64), from one Hessian evaluation.
  const metrics = (x: number, y: number, m: Float64Array) => {
    f.valueAndGradient(x, y, vg)
    m[0] = vg[0]
    if (job.sharpness) {
      f.hessian(x, y, h)
      m[1] = topEigenvalue2(h[0], h[1], h[2])
      topAxis(h[0], h[1], h[2], m, 2)
    }
  }
  const backend = float32Launcher(job, state, mode, threaded)
  const most = backend.maxPoints?.() ?? 0
  // Unless asked, what the backend prefers (Launcher.preferredPoints).
  const points = pointsPerLaunch ?? backend.preferredPoints?.() ?? most
  const launcher =
    points >= most
      ? backend
      : points > 0
        ? { ...backend, maxPoints: () => points }
        : { ...backend, record: undefined, maxPoints: undefined }
  return {
    advance: (tTo, out) => advanceFloat32(job, state, launcher, tTo, out, metrics),
    backend: () => `float32 ${launcher.backend()}`,
    divergedAt: () => Int32Array.from(state.dead.subarray(0, state.n)),
    carriesExtra: false,
    recordsInKernel: launcher.record !== undefined,
  }
}

export interface PlanOptions {
  /** GPU.js mode for float32 scenarios ('gpu' = GPU.js's automatic choice). */
  readonly backend?: BackendMode
  /** Use GPU.js's threaded (async) kernels; default true. */
  readonly threaded?: boolean
  /** Most kept points a float32 launch records (float32Stepper); tests compare with 1 and 0. */
  readonly pointsPerLaunch?: number
}

export function planParts(s: Scenario, options: PlanOptions = {}): Part[] {
  const starts = s.starts.x.length
  return s.optimizers.map((config) => {
    const times = config.configs.length
    const stream = new Int32Array(starts * times)
    for (let i = 0; i < stream.length; i++) stream[i] = i % starts // common noise per start point
    const groups = scheduleGroups(config)
    const job: ParticleBatch = {
      landscape: s.landscape,
      optimizer: config.def,
      hparams: particleHparams(config, starts),
      x0: repeat(s.starts.x, times),
      y0: repeat(s.starts.y, times),
      steps: s.steps,
      every: s.record.every,
      sharpness: s.record.sharpness,
      noise: s.noise,
      noiseStream: stream,
      // A schedule's per-step table: exact rows for float64, one affine row per schedule for the
      // float32 kernels. A sweep over schedule arguments has a schedule per configuration.
      ...(config.schedule && {
        schedule: config.scheduleSweep
          ? groupedScheduleTable(
              config.scheduleSweep.schedules,
              config.scheduleSweep.of,
              config.def,
              config.configs,
              starts,
              s.steps,
              s.precision === 'float64',
            )
          : scheduleTable(config.schedule, config.def, config.configs, starts, s.steps, s.precision === 'float64'),
      }),
      gradient: config.gradient,
    }
    const float32 = (j: ParticleBatch) => float32Stepper(j, options.backend ?? 'gpu', options.threaded ?? true, options.pointsPerLaunch)
    let stepper: Stepper
    if (s.precision !== 'float32') stepper = float64Stepper(job)
    else if (groups.length <= 1) stepper = float32(job)
    else {
      // The float32 kernels read one schedule row per launch: one launch group per distinct schedule.
      const subs = groups.map((g) => {
        const particles = new Int32Array(g.configs.length * starts)
        g.configs.forEach((c, k) => {
          for (let i = 0; i < starts; i++) particles[k * starts + i] = c * starts + i
        })
        const configs = Array.from(g.configs, (c) => config.configs[c])
        const sub = subBatch(job, particles, scheduleTable(g.schedule, config.def, configs, starts, s.steps, false))
        return { job: sub, stepper: float32(sub), particles }
      })
      stepper = groupedStepper(starts * times, subs)
    }
    return { config, job, stepper, n: starts * times }
  })
}

/** Optimizer configurations in output order: optimizer entry, then configuration (each runs from every start). */
export function runConfigs(s: Scenario): RunInfo['optimizer'][] {
  return s.optimizers.flatMap((config) =>
    config.configs.map((h, c) => ({ name: config.def.name, ...(h as Hparams), ...scheduleField(configSchedule(config, c)) })),
  )
}
