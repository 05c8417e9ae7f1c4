/**
 * The one contract between the renderer and whichever host runs the engine (Electron main via
 * preload + IPC, or the web host over WebSocket). The renderer sees only `GradscapeApi`; the
 * hosts implement it; payloads are validated on both sides with the guards below.
 *
 * Trajectory data never travels as JSON arrays: a running job streams `RunChunk`s holding
 * Float32Arrays (transferables over IPC / MessagePort, binary frames over WebSocket).
 */
import type { Preset } from './landscape/presets'
import { isObject } from './problem'
import { scheduleArgPath, withScheduleArg } from './schedule/args'
import type { EstimateData, EstimateRequest } from './estimator/request'

/** A scenario document exactly as in SCENARIO.md (validated by the host). */
export type ScenarioDoc = Record<string, unknown>

export interface HparamInfo {
  readonly name: string
  readonly kind: 'number' | 'boolean' | 'pair'
  readonly default: number | boolean | readonly [number, number]
  readonly doc: string
}

export interface OptimizerInfo {
  readonly name: string
  readonly title: string
  readonly rule: string
  readonly source: string
  readonly hparams: readonly HparamInfo[]
  /** Engines that run it (src-shared/optim/backends.ts); absent from older hosts: all. */
  readonly backends?: readonly ('float64' | 'wasm' | 'gpujs')[]
  /** What it needs from the landscape: residuals (Gauss–Newton), two coordinates (a dense 2×2 solve). */
  readonly needs?: { readonly residuals: boolean; readonly twoDimensional: boolean }
}

/** A named landscape as the renderer sees it (the preset minus its test-only minima). */
export type PresetInfo = Omit<Preset, 'minima'>

export interface HostInfo {
  readonly version: string
  readonly host: 'electron' | 'web'
  readonly presets: readonly PresetInfo[]
  readonly optimizers: readonly OptimizerInfo[]
  /** The compute backend the engine selected (e.g. 'float64-js', 'gpu.js webasm'). */
  readonly backend: string
}

/** A problem with user input: which field, what is wrong, and (expressions) where. */
export interface InputProblem {
  readonly field: string
  readonly message: string
  /** 1-based character position inside an expression. */
  readonly position?: number
}

export type Validation = { readonly ok: true } | { readonly ok: false; readonly problem: InputProblem }

export interface SurfaceRequest {
  /** `network` (with its `slice`): a network landscape, whose surface is its view slice (NETWORKS.md). */
  readonly landscape: { readonly expr?: string; readonly preset?: string; readonly network?: unknown; readonly slice?: unknown }
  readonly x: readonly [number, number]
  readonly y: readonly [number, number]
  /** Samples per axis, each in [2, 2048]. */
  readonly n: readonly [number, number]
}

export interface Surface {
  readonly x: readonly [number, number]
  readonly y: readonly [number, number]
  readonly n: readonly [number, number]
  /** Row-major (x fastest) loss values; non-finite samples are NaN. */
  readonly values: Float32Array
  readonly min: number
  readonly max: number
  /** Robust colour-scale limits: the 1st and 99th percentiles of the finite samples. */
  readonly lo: number
  readonly hi: number
  /** A network landscape's surface (its view slice) also carries the dataset, for the network panel. */
  readonly network?: NetworkSurfaceInfo
}

export interface NetworkSurfaceInfo {
  /** Examples as rows (up to 2000 of them): inputs layers[0] wide, targets layers[last] wide. */
  readonly dataX: Float32Array
  readonly dataY: Float32Array
  /** All examples of the dataset. */
  readonly examples: number
  /** "explicit" or the generator's name. */
  readonly source: string
  /** Parameters. */
  readonly size: number
  /** Where the initial parameters came from, in words. */
  readonly init: string
}

/** Description of each run of a started job, in the order chunks carry them (optimizer-major). */
export interface RunInfo {
  readonly optimizer: { readonly name: string } & Readonly<Record<string, unknown>>
  readonly init: readonly [number, number]
}

/**
 * One optimizer entry of a job, described by its axes rather than its expansion: a sweep of 10⁶
 * configurations is its swept keys and their values, not 10⁶ objects (which cost a 139 MB frame
 * encoded on the host's main thread). Configuration c is the grid cell whose indices are c in
 * mixed radix, the first axis varying slowest (as the engine expands it).
 */
export interface OptimizerRuns {
  /** The entry's name and hyperparameters (defaults filled in), before the swept values. */
  readonly base: RunInfo['optimizer']
  /** Swept hyperparameters in order (`lr`, a pair's component `betas[1]`, a schedule argument `schedule.gamma`); empty: one configuration. */
  readonly sweep: readonly { readonly key: string; readonly values: Float64Array }[]
}

/**
 * A job's runs, compactly: each optimizer entry by its axes and the start points once. Run r is
 * configuration ⌊r / S⌋ (counted over the entries in order) from start point r mod S,
 * S = starts.length / 2. `runAt` and `runsOf` expand them lazily.
 */
export interface JobStarted {
  readonly jobId: number
  /** Optimizer entries in output order. */
  readonly optimizers: readonly OptimizerRuns[]
  /** Start points, interleaved x, y. */
  readonly starts: Float64Array
  /** Kept points per run when the job completes: floor(steps / every) + 1. */
  readonly kept: number
  readonly every: number
}

/** Configurations of one optimizer entry. */
export const configCountOf = (o: OptimizerRuns): number => o.sweep.reduce((n, axis) => n * axis.values.length, 1)

/** Configuration `c` of an entry (0 ≤ c < configCountOf(o)). */
export function configAt(o: OptimizerRuns, c: number): RunInfo['optimizer'] {
  if (o.sweep.length === 0) return o.base
  const h: Record<string, unknown> = { ...o.base }
  let rest = c
  for (let a = o.sweep.length - 1; a >= 0; a--) {
    const { key, values } = o.sweep[a]
    const v = values[rest % values.length]
    rest = Math.floor(rest / values.length)
    // A schedule argument (`schedule.gamma`) lands in the configuration's own schedule.
    const path = scheduleArgPath(key)
    if (path && h.schedule && typeof h.schedule === 'object') {
      h.schedule = withScheduleArg(h.schedule as Record<string, unknown>, path, v)
      continue
    }
    const m = /^(\w+)\[([01])\]$/.exec(key)
    if (!m) h[key] = v
    else {
      const pair = [...(h[m[1]] as readonly [number, number])] as [number, number]
      pair[Number(m[2])] = v
      h[m[1]] = pair
    }
  }
  return h as RunInfo['optimizer']
}

/** Number of runs of a started job. */
export const runCountOf = (s: Pick<JobStarted, 'optimizers' | 'starts'>): number =>
  s.optimizers.reduce((n, o) => n + configCountOf(o), 0) * (s.starts.length / 2)

/** Run `r` of a started job. */
export function runAt(s: Pick<JobStarted, 'optimizers' | 'starts'>, r: number): RunInfo {
  const starts = s.starts.length / 2
  let c = Math.floor(r / starts)
  const p = r % starts
  for (const o of s.optimizers) {
    const n = configCountOf(o)
    if (c < n) return { optimizer: configAt(o, c), init: [s.starts[2 * p], s.starts[2 * p + 1]] }
    c -= n
  }
  throw new RangeError(`run ${r} of ${runCountOf(s)}`)
}

/**
 * The runs of a started job, in the order chunks carry them, as a read-only array that builds
 * each RunInfo when it is read (a 10⁶-run sweep is never expanded at once). Reads of the same
 * run return the same object while it is among the last few thousand read.
 */
export function runsOf(s: Pick<JobStarted, 'optimizers' | 'starts'>): readonly RunInfo[] {
  const length = runCountOf(s)
  const cache = new Map<number, RunInfo>()
  const at = (r: number): RunInfo => {
    let info = cache.get(r)
    if (!info) {
      if (cache.size >= 4096) cache.clear()
      info = runAt(s, r)
      cache.set(r, info)
    }
    return info
  }
  const index = (prop: string | symbol): number | null => {
    if (typeof prop !== 'string' || !/^(0|[1-9]\d*)$/.test(prop)) return null
    const r = Number(prop)
    return r < length ? r : null
  }
  return new Proxy([] as RunInfo[], {
    get(target, prop, receiver) {
      if (prop === 'length') return length
      const r = index(prop)
      return r === null ? Reflect.get(target, prop, receiver) : at(r)
    },
    has: (target, prop) => index(prop) !== null || Reflect.has(target, prop),
    set: () => false,
  })
}

/** A block of kept points for every run of a job: points [start, start + count). */
export interface RunChunk {
  readonly jobId: number
  readonly start: number
  readonly count: number
  /** Run-major: run r, point j → xy[2 * (r * count + j)], xy[2 * (r * count + j) + 1]. */
  readonly xy: Float32Array
  /** Run-major: loss[r * count + j]. */
  readonly loss: Float32Array
  /** With `record.sharpness`: top Hessian eigenvalue, run-major like `loss`. */
  readonly sharpness?: Float32Array
  /**
   * With `record.sharpness`: the unit top Hessian eigenvector, interleaved and run-major like
   * `xy`, its first nonzero component positive (a consistent sign from point to point).
   */
  readonly axis?: Float32Array
  /**
   * With `record.sharpness`, when some run's optimizer has a preconditioner (adam, adamw,
   * rmsprop; float64 path): λ₁(P⁻¹H) after each kept step, run-major like `loss`; NaN at step 0
   * and for runs without a preconditioner.
   */
  readonly preconditioned?: Float32Array
  /**
   * With `record.gfs_sharpness` (float64: 2-D landscapes and networks): the gradient-flow-solution sharpness,
   * λ₁ at the point gradient flow from each kept iterate converges to (src-shared/eos/gradient-flow-solution.ts,
   * src-shared/network/gfs.ts), run-major like `loss`; NaN where the flow did not converge (and, for a network, at
   * kept steps without eigenvalues).
   */
  readonly gfsSharpness?: Float32Array
  /**
   * Network jobs (NETWORKS.md "Slices"): ‖w − proj(w)‖, the distance of each kept point's true
   * parameters off the view's plane, and the slice's loss at the projection `xy` (the true loss
   * is `loss`); run-major like `loss`.
   */
  readonly offPlane?: Float32Array
  readonly sliceLoss?: Float32Array
  /**
   * Network jobs with `record.eigenvalues` ≥ 2: the top `eigenCount` Hessian eigenvalues per kept
   * point, descending (run r, point j, eigenvalue i at (r * count + j) * eigenCount + i).
   */
  readonly eigenvalues?: Float32Array
  readonly eigenCount?: number
  /**
   * Network jobs on a 2-D classification dataset with at most 8 runs: the parameters at each kept
   * point (run r, point j at (r * count + j) * paramCount), for the panel's decision boundary.
   */
  readonly params?: Float32Array
  readonly paramCount?: number
}

/**
 * The central flow of one run (docs/central-flows.md; plain GD and RMSprop without momentum), sampled
 * at the job's kept steps. Sent once per eligible run after the run's job completes, when the
 * scenario asks for `central_flow`.
 */
export interface FlowData {
  readonly jobId: number
  /** Index of the run in JobStarted.runs. */
  readonly run: number
  /** Interleaved x, y per kept point; NaN after `stoppedAt`. */
  readonly xy: Float32Array
  readonly loss: Float32Array
  /** L + ½⟨H, Σ⟩: the predicted time-averaged loss. */
  readonly predictedLoss: Float32Array
  readonly sharpness: Float32Array
  readonly sigma2: Float32Array
  /** Interleaved unit axis of Σ (the top eigenvector) per kept point. */
  readonly axis: Float32Array
  /**
   * Step where the flow stopped, or null. A job's flow is integrated for at most 2·10⁵ steps
   * (src-main/engine/protocol.ts JOB_FLOW_MAX_STEPS): past that it stops with that reason and its
   * arrays end there, shorter than the job's kept points (readers treat the rest as stopped).
   */
  readonly stoppedAt: number | null
  readonly stopReason: string | null
}

/**
 * A central flow on its own (the EoS view's "restart the flow from GD's current iterate"): the
 * flow of `optimizer` from `init` for `steps` steps, sampled every `every` steps. The answer is a
 * FlowData with jobId −1 and run −1 (it belongs to no job).
 */
export interface CentralFlowRequest {
  readonly landscape: { readonly expr?: string; readonly preset?: string }
  /** A scenario optimizer entry: plain GD (`sgd`, momentum 0) or `rmsprop` (no momentum, not centered). */
  readonly optimizer: { readonly name: string } & Readonly<Record<string, unknown>>
  readonly init: readonly [number, number]
  readonly steps: number
  readonly every: number
}

/** Most steps a centralFlow request may integrate, and most points it may return. */
export const MAX_FLOW_STEPS = 200_000
export const MAX_FLOW_POINTS = 20_001

export type JobEvent =
  | { readonly type: 'chunk'; readonly chunk: RunChunk }
  | { readonly type: 'flow'; readonly flow: FlowData }
  /** `backend`: the path and backend that ran the job (e.g. 'float32 gpu.js WebAssemblyKernel (threaded)'). */
  | { readonly type: 'done'; readonly jobId: number; readonly divergedAt: Int32Array; readonly seconds: number; readonly backend?: string }
  | { readonly type: 'cancelled'; readonly jobId: number }
  | { readonly type: 'error'; readonly jobId: number; readonly problem: InputProblem }
  /** The engine worker died and was restarted; running jobs were lost and must be restarted. */
  | { readonly type: 'engine-restarted'; readonly reason: string }

export interface GradscapeApi {
  info(): Promise<HostInfo>
  /** Check an expression without running anything. */
  validateExpression(expr: string): Promise<Validation>
  /** Check a whole scenario document. */
  validateScenario(doc: ScenarioDoc): Promise<Validation>
  sampleSurface(request: SurfaceRequest): Promise<Surface>
  /** Start simulating; a new job supersedes (cancels) the previous one. Events arrive via onJobEvent. */
  startJob(doc: ScenarioDoc): Promise<JobStarted>
  cancelJob(jobId: number): Promise<void>
  /** Integrate one central flow (in the engine worker, never on the host's main thread). */
  centralFlow(request: CentralFlowRequest): Promise<FlowData>
  /** ∇L and a gradient estimator's estimate at points of runs (src-shared/estimator/request.ts), in the engine worker. */
  gradientEstimates(request: EstimateRequest): Promise<EstimateData>
  /**
   * Subscribe to job events; returns the unsubscribe function. A listener may return a promise
   * for a chunk: the engine produces the next chunks only once it settles (backpressure; the
   * hosts resolve it when the socket or port has drained).
   */
  onJobEvent(listener: (event: JobEvent) => void | Promise<void>): () => void
}

// ---- payload guards (used by IPC handlers and the WebSocket adapter) ----

const isFinitePair = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x))

export const MAX_EXPRESSION_PAYLOAD = 4000
export const MAX_SURFACE_SAMPLES = 2048

export const guards = {
  expression: (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_EXPRESSION_PAYLOAD,
  scenario: (v: unknown): v is ScenarioDoc => isObject(v),
  jobId: (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0,
  surfaceRequest: (v: unknown): v is SurfaceRequest => {
    if (!isObject(v) || !isObject(v.landscape) || !isFinitePair(v.x) || !isFinitePair(v.y) || !isFinitePair(v.n)) return false
    const l = v.landscape
    if (l.expr !== undefined && !(typeof l.expr === 'string' && l.expr.length <= MAX_EXPRESSION_PAYLOAD)) return false
    if (l.preset !== undefined && typeof l.preset !== 'string') return false
    return (v.n as number[]).every((n) => Number.isInteger(n) && n >= 2 && n <= MAX_SURFACE_SAMPLES)
  },
  flowRequest: (v: unknown): v is CentralFlowRequest => {
    if (!isObject(v) || !isObject(v.landscape) || !isObject(v.optimizer) || !isFinitePair(v.init)) return false
    const l = v.landscape
    if (l.expr !== undefined && !(typeof l.expr === 'string' && l.expr.length <= MAX_EXPRESSION_PAYLOAD)) return false
    if (l.preset !== undefined && typeof l.preset !== 'string') return false
    if (l.expr === undefined && l.preset === undefined) return false
    const o = v.optimizer
    if (typeof o.name !== 'string' || Object.keys(o).length > 32) return false
    for (const x of Object.values(o)) {
      const ok = typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)) || isFinitePair(x)
      if (!ok) return false
    }
    const { steps, every } = v
    return (
      Number.isInteger(steps) &&
      Number.isInteger(every) &&
      (steps as number) >= 0 &&
      (steps as number) <= MAX_FLOW_STEPS &&
      (every as number) >= 1 &&
      Math.floor((steps as number) / (every as number)) + 1 <= MAX_FLOW_POINTS
    )
  },
  /** A FlowData as a host sends it (the renderer checks what it receives). */
  flowData: (v: unknown): v is FlowData => {
    if (!isObject(v)) return false
    const arrays = ['xy', 'loss', 'predictedLoss', 'sharpness', 'sigma2', 'axis'] as const
    if (!arrays.every((k) => v[k] instanceof Float32Array)) return false
    const n = (v.loss as Float32Array).length
    if ((v.xy as Float32Array).length !== 2 * n || (v.axis as Float32Array).length !== 2 * n) return false
    if (!(['predictedLoss', 'sharpness', 'sigma2'] as const).every((k) => (v[k] as Float32Array).length === n)) return false
    if (typeof v.jobId !== 'number' || typeof v.run !== 'number') return false
    if (!(v.stoppedAt === null || (typeof v.stoppedAt === 'number' && Number.isInteger(v.stoppedAt)))) return false
    return v.stopReason === null || typeof v.stopReason === 'string'
  },
} as const

/** Operations of GradscapeApi that are request/response (everything but onJobEvent). */
export const OPERATIONS = [
  'info',
  'validateExpression',
  'validateScenario',
  'sampleSurface',
  'startJob',
  'cancelJob',
  'centralFlow',
  'gradientEstimates',
] as const
export type Operation = (typeof OPERATIONS)[number]
