/**
 * The float32 path on GPU.js (a GPU, or GPU.js's WebAssembly and CPU backends): kernels from
 * kernel-source.ts that advance N particles by a block of steps per launch and hand their state
 * back as the launch's output (GPU.js kernels cannot update their inputs in place).
 */
import { GPU, type IKernelRunShortcut } from 'gpu.js'
import type { Landscape } from '../../../src-shared/landscape'
import { hparamCodeNames } from '../../../src-shared/optim'
import { reduceSeed } from '../../../src-shared/random'
import { ESTIMATOR_SCALARS, estimatorKind, estimatorScalars } from '../../../src-shared/estimator'
import type { ParticleBatch } from '../float64'
import {
  DEFAULT_LAYOUT,
  type KernelLayout,
  type KernelSource,
  kernelSource,
  particleOffset,
  randomFunctionSources,
  stateLayout,
} from '../kernel-source'
import { type RecordingSource, recordingSource } from '../record-source'
import { type BackendMode, type Float32State, type Launcher, launches, POOL_WORK, type RecordedPoints } from './launch'
import { runningPowers, uniformHparams, unusedSlots } from './state'

interface Compiled {
  readonly kernel: IKernelRunShortcut
  readonly source: KernelSource
  /** Output cells (Array(4) each): thread groups × threads per group. */
  readonly cells: number
  /** Where each particle's floats start in the flat result. */
  readonly offsets: Int32Array
}

const gpus = new Map<BackendMode, GPU>()

export function gpuFor(mode: BackendMode): GPU {
  let gpu = gpus.get(mode)
  if (!gpu) {
    gpu = new GPU({ mode: mode as never })
    for (const f of randomFunctionSources()) gpu.addFunction(f as never)
    gpus.set(mode, gpu)
  }
  return gpu
}

/** Name of the backend GPU.js actually runs for a mode (after any fallback). */
export function backendName(kernel: IKernelRunShortcut): string {
  const k = (kernel as unknown as { kernel?: { constructor: { name: string }; fallbackReason?: string } }).kernel
  return k?.constructor.name ?? 'unknown'
}

const SCALAR_ARGS = new Set(['tFrom', 'nSteps', 'noiseStd', 'noiseSeed', ...ESTIMATOR_SCALARS])

const compiled = new Map<string, Compiled>()

/**
 * Threads: GPU.js splits a kernel across a worker pool only under its async contract (on the
 * WebAssembly backend: 2 cores → ≈2× here). Kernels return promises then.
 */
export function float32Kernel(
  landscape: Landscape,
  job: ParticleBatch,
  n: number,
  mode: BackendMode,
  threaded = true,
  layout: KernelLayout = DEFAULT_LAYOUT,
  uniform: ReadonlySet<string> = new Set(),
  unused: ReadonlySet<string> = new Set(),
): Compiled {
  const schedule = job.schedule && { momentum: job.schedule.momentum, steps: job.schedule.steps }
  const estimator = estimatorKind(job.gradient)
  const key = `${mode}|${threaded}|${layout.particles}|${layout.keep}|${[...uniform].join(',')}|${[...unused].join(',')}|${job.optimizer.name}|${estimator}|${n}|${schedule ? `${schedule.steps}:${schedule.momentum}` : '-'}|${landscape.expr}`
  let c = compiled.get(key)
  if (!c) {
    // GPU.js's cpu backend runs the kernel as JavaScript, in doubles.
    const ks = kernelSource(landscape, job.optimizer, layout, uniform, unused, mode === 'cpu', schedule, estimator)
    const cells = Math.ceil(n / layout.particles) * ks.threadsPerGroup
    const kernel = gpuFor(mode).createKernel(
      ks.source as never,
      {
        output: [cells],
        returnType: 'Array(4)',
        // Loops with dynamic bounds are silently capped at loopMaxIterations: set it above any block.
        loopMaxIterations: 1 << 24,
        tactic: 'precision',
        asyncMode: threaded,
        argumentTypes: Object.fromEntries(ks.args.map((a) => [a, SCALAR_ARGS.has(a) || /^(HU|PU)_/.test(a) ? 'Float' : 'Array'])),
      } as never,
    ) as IKernelRunShortcut
    const offsets = Int32Array.from({ length: n }, (_, i) => particleOffset(ks, i))
    c = { kernel, source: ks, cells, offsets }
    if (compiled.size > 32) compiled.clear()
    compiled.set(key, c)
  }
  return c
}

interface CompiledRecording {
  readonly kernel: IKernelRunShortcut
  readonly source: RecordingSource
  /** Output cells (Array(4) each): (rows + state rows) × cells. */
  readonly outputCells: number
}

const compiledRecordings = new Map<string, CompiledRecording>()

/** The recording kernel (record-source.ts) of `rows` kept points for a job of `cells` padded particles on `mode`. */
function recordingKernel(
  job: ParticleBatch,
  cells: number,
  rows: number,
  mode: BackendMode,
  threaded: boolean,
  uniform: ReadonlySet<string>,
  unused: ReadonlySet<string>,
): CompiledRecording {
  const landscape = job.landscape
  const schedule = job.schedule && { momentum: job.schedule.momentum, steps: job.schedule.steps }
  const estimator = estimatorKind(job.gradient)
  const key = `${mode}|${threaded}|${rows}|${[...uniform].join(',')}|${[...unused].join(',')}|${job.optimizer.name}|${estimator}|${cells}|${schedule ? `${schedule.steps}:${schedule.momentum}` : '-'}|${landscape.expr}`
  let c = compiledRecordings.get(key)
  if (!c) {
    const rs = recordingSource(landscape, job.optimizer, cells, rows, uniform, unused, mode === 'cpu', schedule, estimator)
    const outputCells = (rows + rs.stateRows) * cells
    const kernel = gpuFor(mode).createKernel(
      rs.source as never,
      {
        output: [outputCells],
        returnType: 'Array(4)',
        loopMaxIterations: 1 << 24,
        tactic: 'precision',
        asyncMode: threaded,
        argumentTypes: Object.fromEntries(rs.args.map((a) => [a, RECORDING_SCALAR_ARGS.has(a) || /^(HU|PU)_/.test(a) ? 'Float' : 'Array'])),
      } as never,
    ) as IKernelRunShortcut
    c = { kernel, source: rs, outputCells }
    // Each holds its output (up to ≈ 2²⁰ cells of 16 bytes): a few only.
    if (compiledRecordings.size > 8) compiledRecordings.clear()
    compiledRecordings.set(key, c)
  }
  return c
}

const RECORDING_SCALAR_ARGS = new Set([...SCALAR_ARGS, 'recFirst', 'recEvery'])

/**
 * Most kept points one recording launch holds: its threads (points × particles) stay within
 * 2²⁰ (a GPU has ≈ 10⁴–10⁵ lanes; past that the repeated steps of the rows cost throughput), and
 * at most 256 (a launch costs ≈ K/2 times its steps).
 */
export const RECORD_THREADS = 2 ** 20
export const MAX_RECORD_POINTS = 256

/** Backends that run GPU.js kernels on the CPU: there the rows' repeated steps cost more than launches. */
const CPU_KERNELS = new Set(['CPUKernel', 'WebAssemblyKernel'])

/**
 * The kernel's result as one flat Float32Array laid out [particle][coordinate][4]. GPU.js
 * shapes Array(4) outputs into arrays of subarrays (2N objects per launch, which costs
 * more than the arithmetic for short blocks); on the WebAssembly backend the data is already one
 * flat copy, so shaping is skipped. Other backends are flattened here.
 */
function flatResult(result: unknown, cellCount: number): Float32Array {
  if (result instanceof Float32Array && result.length === cellCount * 4) return result
  const cells = result as Float32Array[]
  const first = cells[0]
  const last = cells[cellCount - 1]
  if (
    first &&
    first.byteOffset === 0 &&
    first.buffer.byteLength >= cellCount * 16 &&
    last.byteOffset === (cellCount - 1) * 16 &&
    last.buffer === first.buffer
  ) {
    return new Float32Array(first.buffer, 0, cellCount * 4)
  }
  const flat = new Float32Array(cellCount * 4)
  for (let x = 0; x < cellCount; x++) flat.set(cells[x], x * 4)
  return flat
}

/** Skip GPU.js's nested-array shaping on the WebAssembly backend (see flatResult). */
function returnFlat(kernel: IKernelRunShortcut): void {
  const inner = (kernel as unknown as { kernel?: { _shapeOutput?: unknown } }).kernel
  if (inner && typeof inner._shapeOutput === 'function') inner._shapeOutput = (data: Float32Array) => data
}

/** The kernel of a job's launches that continue (the backend it runs on is the job's backend). */
export function stateKernelFor(job: ParticleBatch, state: Float32State, mode: BackendMode, threaded = true): Compiled {
  const unused = unusedSlots(job, state)
  return float32Kernel(
    job.landscape,
    job,
    state.x.length,
    mode,
    threaded,
    stateLayout(job.optimizer, unused),
    uniformHparams(job, state),
    unused,
  )
}

/** The layout of a job's launches: the last one hands back positions only. */
const POSITIONS_LAYOUT: KernelLayout = { particles: 2, keep: 'positions' }

/** A job's launches on GPU.js `mode`: each hands back the state (positions only after the job's last step). */
export function gpujsLauncher(job: ParticleBatch, state: Float32State, mode: BackendMode, threaded = true): Launcher {
  const n = state.n
  const padded = state.x.length
  const seed = reduceSeed(job.noise.seed)
  const names = hparamCodeNames(job.optimizer)
  const uniform = uniformHparams(job, state)
  let powersAt: ((t: number) => Float32Array[]) | undefined
  let last: string | undefined
  // A schedule's table (one affine row: the float32 path's tables are uniform).
  const table = job.schedule ? [Float32Array.from(job.schedule.values)] : []
  const advance = async (target: number) => {
    launches.count++
    // Nothing continues after the job's last step: hand back positions only.
    const final = target >= job.steps
    // Small launches skip GPU.js's worker pool: its messaging costs more than it saves there.
    const pool = threaded && n * (target - state.t) >= POOL_WORK
    const unused = unusedSlots(job, state)
    const c = float32Kernel(
      job.landscape,
      job,
      padded,
      mode,
      pool,
      final ? POSITIONS_LAYOUT : stateLayout(job.optimizer, unused),
      uniform,
      unused,
    )
    const ks = c.source
    const powers = (powersAt ??= runningPowers(state, ks.powerBases, ks.hparamNames))(state.t)
    last = `gpu.js ${backendName(c.kernel)}${pool ? ' (threaded)' : ''}`
    returnFlat(c.kernel)
    const result = await c.kernel(
      state.x,
      state.y,
      state.dead,
      state.stream,
      ...state.slots,
      ...names.flatMap((name, j) => (uniform.has(name) ? [] : [state.hparams[j]])),
      ...ks.varyingPowers.map((k) => powers[k]),
      ...table,
      ...names.flatMap((name, j) => (uniform.has(name) ? [state.hparams[j][0]] : [])),
      ...ks.uniformPowers.map((k) => powers[k][0]),
      state.t,
      target - state.t,
      job.noise.std,
      seed,
      ...(estimatorKind(job.gradient) ? estimatorScalars(job.gradient) : []),
    )
    const flat = flatResult(result, c.cells)
    const slotOffsets = ks.slotOffsets
    for (let i = 0; i < n; i++) {
      const b = c.offsets[i]
      const px = flat[b]
      if (!Number.isFinite(px) && state.dead[i] < 0) {
        state.dead[i] = flat[b + 1]
        state.x[i] = NaN
        state.y[i] = NaN
        continue
      }
      if (state.dead[i] >= 0) continue
      state.x[i] = px
      state.y[i] = flat[b + 1]
      // Slots as laid out by kernel-source.ts (slotOffsets); −1: not handed back (final launch, unused slot).
      for (let s = 0; s < slotOffsets.length; s++) if (slotOffsets[s] >= 0) state.slots[s][i] = flat[b + slotOffsets[s]]
    }
    state.t = target
  }
  const kept = Math.floor(job.steps / job.every) + 1
  const maxPoints = () => Math.max(1, Math.min(kept, MAX_RECORD_POINTS, Math.floor(RECORD_THREADS / padded)))
  /** The kept points of one launch, row-major as RecordedPoints wants them (reused while the size stays). */
  let rows: { x: Float32Array; y: Float32Array; loss: Float32Array } | undefined
  /** Why the recording kernel failed on this backend (its launches then go a point at a time). */
  let recordingFailed: string | undefined
  const record = async (first: number, target: number, every: number): Promise<RecordedPoints> => {
    const count = Math.floor((target - first) / every) + 1
    if (first < state.t || count < 1 || count > maxPoints())
      throw new RangeError(`a launch from step ${state.t} cannot record ${count} points from step ${first} (at most ${maxPoints()})`)
    if (recordingFailed === undefined) {
      try {
        return await recordInOneLaunch(first, target, every, count)
      } catch (err) {
        // A GPU whose shader compiler rejects the recording kernel (untested there) still runs the
        // job, a launch per kept point; backend() and the console say so (npm run gpu-check prints it).
        recordingFailed = (err as Error).message.split('\n')[0]
        console.warn(`gpu.js ${mode}: the recording kernel failed (${recordingFailed}); one launch per kept point instead`)
      }
    }
    return recordByLaunches(first, count, every)
  }
  /** Kept points by one launch each, read from the state; the loss evaluated by the host, rounded to float32 like the kernel's. */
  const recordByLaunches = async (first: number, count: number, every: number): Promise<RecordedPoints> => {
    const { x, y, loss } = rowsOf(count * padded)
    const f = job.landscape.compiled
    const vg = new Float64Array(3)
    for (let j = 0; j < count; j++) {
      const t = first + j * every
      if (t > state.t) await advance(t)
      for (let i = 0, r = j * padded; i < padded; i++, r++) {
        x[r] = state.x[i]
        y[r] = state.y[i]
        f.valueAndGradient(x[r], y[r], vg)
        loss[r] = vg[0]
      }
    }
    return { count, first, stride: padded, x, y, loss }
  }
  const rowsOf = (size: number) => {
    if (!rows || rows.x.length !== size) rows = { x: new Float32Array(size), y: new Float32Array(size), loss: new Float32Array(size) }
    return rows
  }
  const recordInOneLaunch = async (first: number, target: number, every: number, count: number): Promise<RecordedPoints> => {
    launches.count++
    // Row r repeats the steps of the rows before it: about count/2 rows of the launch's steps.
    const pool = threaded && (n * (target - state.t) * (count + 1)) / 2 >= POOL_WORK
    const unused = unusedSlots(job, state)
    const c = recordingKernel(job, padded, count, mode, pool, uniform, unused)
    const rs = c.source
    const at = (powersAt ??= runningPowers(state, rs.powerBases, rs.hparamNames))
    // The powers at the launch's first step, then at each kept point (where a row passing it restarts them).
    const start = at(state.t).map((p) => p.slice())
    const restartsOf = rs.varyingPowers.map(() => new Float32Array(count * padded))
    const sharedRestarts = rs.uniformPowers.map(() => new Float32Array(count))
    for (let j = 0; j < count; j++) {
      const p = at(first + j * every)
      rs.varyingPowers.forEach((k, m) => restartsOf[m].set(p[k], j * padded))
      rs.uniformPowers.forEach((k, m) => {
        sharedRestarts[m][j] = p[k][0]
      })
    }
    last = `gpu.js ${backendName(c.kernel)}${pool ? ' (threaded)' : ''}`
    returnFlat(c.kernel)
    const result = await c.kernel(
      state.x,
      state.y,
      state.dead,
      state.stream,
      ...state.slots,
      ...names.flatMap((name, j) => (uniform.has(name) ? [] : [state.hparams[j]])),
      ...rs.varyingPowers.map((k) => start[k]),
      ...table,
      ...restartsOf,
      ...sharedRestarts,
      ...names.flatMap((name, j) => (uniform.has(name) ? [state.hparams[j][0]] : [])),
      ...rs.uniformPowers.map((k) => start[k][0]),
      state.t,
      job.noise.std,
      seed,
      ...(estimatorKind(job.gradient) ? estimatorScalars(job.gradient) : []),
      first,
      every,
    )
    const flat = flatResult(result, c.outputCells)
    const size = count * padded
    const { x, y, loss } = rowsOf(size)
    for (let r = 0, b = 0; r < size; r++, b += 4) {
      x[r] = flat[b]
      y[r] = flat[b + 1]
      loss[r] = flat[b + 2]
    }
    takeRecordedState(flat, count * padded * 4, rs)
    state.t = target
    return { count, first, stride: padded, x, y, loss }
  }
  /** The state rows after the points (float f of particle i in row f >> 2, lane f & 3), as advance takes a state kernel's. */
  const takeRecordedState = (flat: Float32Array, base: number, rs: RecordingSource) => {
    const rowFloats = padded * 4
    const slotAt = rs.slotOffsets.map((f) => (f < 0 ? -1 : base + (f >> 2) * rowFloats + (f & 3)))
    for (let i = 0; i < n; i++) {
      const b = base + 4 * i
      const px = flat[b]
      if (!Number.isFinite(px) && state.dead[i] < 0) {
        state.dead[i] = flat[b + 1]
        state.x[i] = NaN
        state.y[i] = NaN
        continue
      }
      if (state.dead[i] >= 0) continue
      state.x[i] = px
      state.y[i] = flat[b + 1]
      for (let s = 0; s < slotAt.length; s++) if (slotAt[s] >= 0) state.slots[s][i] = flat[slotAt[s] + 4 * i]
    }
  }
  /** GPUs take blocks of points per launch; GPU.js's CPU and WebAssembly backends a launch per point (measured: bench/gpu-check.ts). */
  const preferredPoints = () => {
    const kernel = (gpuFor(mode) as unknown as { Kernel?: { name: string } }).Kernel?.name
    return !kernel || CPU_KERNELS.has(kernel) || maxPoints() < 2 ? 0 : maxPoints()
  }
  return {
    advance,
    record,
    maxPoints,
    preferredPoints,
    backend: () =>
      (last ?? `gpu.js ${backendName(stateKernelFor(job, state, mode, threaded).kernel)}${threaded ? ' (threaded)' : ''}`) +
      (recordingFailed === undefined ? '' : ` (recording kernel failed: ${recordingFailed})`),
  }
}
