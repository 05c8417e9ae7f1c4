/**
 * The float32 kernel path: kernels advancing N particles by a block of steps per launch, on GPU.js
 * (a GPU, or its WebAssembly and CPU backends) or on our WebAssembly SIMD kernel (wasm/).
 * Mirrors float64.ts (state between blocks, kept points per block) so jobs and the CLI can use
 * either path.
 */
import { GPU, type IKernelRunShortcut } from 'gpu.js'
import type { Landscape } from '../../src-shared/landscape'
import { hparamCodeNames } from '../../src-shared/optim'
import { reduceSeed } from '../../src-shared/random'
import type { BlockOutput, Float64Job } from './float64'
import { runShared } from './wasm/pool'
import { wasmArena, type WasmArena, type WasmKernel, wasmKernel } from './wasm/kernel'
import { DEFAULT_LAYOUT, type KernelLayout, type KernelSource, kernelSource, particleOffset, randomFunctionSources, stateLayout } from './kernel-source'

/**
 * Backends we can be asked for: GPU.js's modes ('webasm' is GPU.js's WebAssembly backend) and
 * 'wasm', our WebAssembly SIMD kernel (wasm/kernel.ts). 'gpu' is the automatic choice: GPU.js's
 * order (WebGPU, headless GL, …) where it finds a GPU backend, else 'wasm' in place of GPU.js's
 * WebAssembly and CPU fallbacks.
 */
export type BackendMode = 'gpu' | 'webgpu' | 'headlessgl' | 'webgl2' | 'webgl' | 'webasm' | 'wasm' | 'cpu'

/** The mode a job runs on: 'gpu' resolved as above. */
export function resolveMode(mode: BackendMode): BackendMode {
  if (mode !== 'gpu') return mode
  const chosen = (gpuFor('gpu') as unknown as { Kernel?: { name: string } }).Kernel?.name
  return !chosen || chosen === 'WebAssemblyKernel' || chosen === 'CPUKernel' ? 'wasm' : 'gpu'
}

export interface Float32State {
  /** Particles; the arrays below are padded to whole thread groups (padding particles dead from step 0). */
  readonly n: number
  /** On the 'wasm' backend these arrays become views of the kernel's memory after the first launch. */
  x: Float32Array
  y: Float32Array
  /** Per-coordinate slots as [slot_x, slot_y]..., then per-particle slots. */
  slots: Float32Array[]
  /** Death step per particle (-1 alive), float for the kernel. */
  dead: Float32Array
  readonly stream: Float32Array
  readonly hparams: Float32Array[]
  /** The 'wasm' backend's memory for this job (the state lives there). */
  arena?: WasmArena
  /** Hyperparameters the 'wasm' kernel is compiled with as literals (see fixedHparams). */
  fixed?: ReadonlyMap<string, number>
  /** Running-power bases per particle (fixed for a job), computed on the first launch; the 'wasm' kernel's apart. */
  bases?: Float64Array[]
  wasmBases?: Float64Array[]
  /** Hyperparameters equal for every particle (kernel-source.ts passes them as scalars). */
  uniform?: ReadonlySet<string>
  /** The backend of the latest launch, as GPU.js names it, '(threaded)' when pooled. */
  lastBackend?: string
  /** Slots no particle of the job uses (left out of the kernel's output). */
  unused?: ReadonlySet<string>
  t: number
}

interface Compiled {
  readonly kernel: IKernelRunShortcut
  readonly source: KernelSource
  /** Output cells (Array(4) each): thread groups × threads per group. */
  readonly cells: number
  /** Where each particle's floats start in the flat result. */
  readonly offsets: Int32Array
  /** Running-power bases as functions of the hyperparameter code values. */
  readonly powerBases: ReadonlyArray<(...h: number[]) => number>
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

/** Kernel launches so far (tests check that a sweep is one launch, not one per configuration). */
export const launches = { count: 0 }

const SCALAR_ARGS = new Set(['tFrom', 'nSteps', 'noiseStd', 'noiseSeed'])

const compiled = new Map<string, Compiled>()

/** Running-power bases as functions of the hyperparameter code values. */
function powerBaseFunctions(names: readonly string[], bases: readonly string[]): Array<(...h: number[]) => number> {
  // Bases are expressions from our own rule text (e.g. `beta1`, `Math.pow(0.96, momentum_decay)`).
  return bases.map((b) => new Function(...names, `return ${b};`) as (...h: number[]) => number)
}

/**
 * Threads: GPU.js splits a kernel across a worker pool only under its async contract (on the
 * WebAssembly backend: 2 cores → ≈2× here). Kernels return promises then.
 */
export function float32Kernel(
  landscape: Landscape, job: Float64Job, n: number, mode: BackendMode, threaded = true, layout: KernelLayout = DEFAULT_LAYOUT,
  uniform: ReadonlySet<string> = new Set(), unused: ReadonlySet<string> = new Set(),
): Compiled {
  const key = `${mode}|${threaded}|${layout.particles}|${layout.keep}|${[...uniform].join(',')}|${[...unused].join(',')}|${job.optimizer.name}|${n}|${landscape.expr}`
  let c = compiled.get(key)
  if (!c) {
    // GPU.js's cpu backend runs the kernel as JavaScript, in doubles.
    const ks = kernelSource(landscape, job.optimizer, layout, uniform, unused, mode === 'cpu')
    const cells = Math.ceil(n / layout.particles) * ks.threadsPerGroup
    const kernel = gpuFor(mode).createKernel(ks.source as never, {
      output: [cells],
      returnType: 'Array(4)',
      // Loops with dynamic bounds are silently capped at loopMaxIterations: set it above any block.
      loopMaxIterations: 1 << 24,
      tactic: 'precision',
      asyncMode: threaded,
      argumentTypes: Object.fromEntries(ks.args.map((a) => [a, SCALAR_ARGS.has(a) || /^(HU|PU)_/.test(a) ? 'Float' : 'Array'])),
    } as never) as IKernelRunShortcut
    const powerBases = powerBaseFunctions(ks.hparamNames, ks.powerBases)
    const offsets = Int32Array.from({ length: n }, (_, i) => particleOffset(ks, i))
    c = { kernel, source: ks, cells, offsets, powerBases }
    if (compiled.size > 32) compiled.clear()
    compiled.set(key, c)
  }
  return c
}

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
  if (first && first.byteOffset === 0 && first.buffer.byteLength >= cellCount * 16 && last.byteOffset === (cellCount - 1) * 16 && last.buffer === first.buffer) {
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

/** State arrays are padded to a multiple of this (every layout's particles per thread divides it). */
const PAD = 4

export function initialState32(start: { x: Float64Array; y: Float64Array; slots: Float64Array[]; divergedAt: Int32Array }, job: Float64Job): Float32State {
  const n = start.x.length
  const padded = Math.ceil(n / PAD) * PAD
  const nh = job.hparams.length / n
  const pad = (a: ArrayLike<number>, fill = 0) => {
    const out = new Float32Array(padded).fill(fill)
    out.set(a)
    return out
  }
  const hparams = Array.from({ length: nh }, (_, j) => {
    const a = new Float32Array(padded)
    for (let i = 0; i < padded; i++) a[i] = job.hparams[Math.min(i, n - 1) * nh + j]
    return a
  })
  const stream = new Float32Array(padded)
  for (let i = 0; i < n; i++) stream[i] = job.noiseStream ? job.noiseStream[i] : i
  const dead = pad(start.divergedAt)
  // Padding particles are dead from step 0, so threads skip them.
  dead.fill(0, n)
  return {
    n, x: pad(start.x), y: pad(start.y), slots: start.slots.map((s) => pad(s)), dead, stream, hparams, t: 0,
  }
}

/** Hyperparameters every particle of the job shares (computed once per job). */
function uniformHparams(job: Float64Job, state: Float32State): ReadonlySet<string> {
  return state.uniform ??= new Set(hparamCodeNames(job.optimizer).filter((_, j) => state.hparams[j].every((v) => v === state.hparams[j][0])))
}

/** Slots the rule leaves alone for every particle of the job (OptimizerDef.slotUsedIf). */
function unusedSlots(job: Float64Job, state: Float32State): ReadonlySet<string> {
  const names = hparamCodeNames(job.optimizer)
  return state.unused ??= new Set(Object.entries(job.optimizer.slotUsedIf ?? {})
    .filter(([, hp]) => state.hparams[names.indexOf(hp)].every((v) => v === 0)).map(([slot]) => slot))
}

/**
 * Uniform hyperparameters the 'wasm' kernel takes as literals, so branches on them fold at
 * compile time: boolean switches, and values that are 0 (torch's rules branch on
 * `weight_decay != 0`, `momentum != 0`). Arithmetic on a literal is the same arithmetic, so
 * results do not change; a new value of a switch compiles a new kernel (a few milliseconds).
 */
function fixedHparams(job: Float64Job, state: Float32State): ReadonlyMap<string, number> {
  if (state.fixed) return state.fixed
  const uniform = uniformHparams(job, state)
  const booleans = new Set(Object.entries(job.optimizer.hparams).filter(([, spec]) => spec.kind === 'boolean').map(([k]) => k))
  const names = hparamCodeNames(job.optimizer)
  return state.fixed = new Map(names.flatMap((name, j) => {
    const v = state.hparams[j][0]
    return uniform.has(name) && (booleans.has(name) || v === 0) ? [[name, v] as const] : []
  }))
}

interface CompiledWasm {
  readonly kernel: WasmKernel
  readonly powerBases: ReadonlyArray<(...h: number[]) => number>
}

const compiledWasm = new Map<string, CompiledWasm>()

function wasmKernelFor(job: Float64Job, state: Float32State): CompiledWasm {
  const uniform = uniformHparams(job, state)
  const fixed = fixedHparams(job, state)
  const noNoise = job.noise.std === 0
  const key = `${[...uniform].join(',')}|${[...fixed].map(([k, v]) => `${k}=${v}`).join(',')}|${noNoise}|${job.optimizer.name}|${state.x.length}|${job.landscape.expr}`
  let c = compiledWasm.get(key)
  if (!c) {
    const kernel = wasmKernel(job.landscape, job.optimizer, state.x.length, uniform, { noNoise, fixed })
    c = { kernel, powerBases: powerBaseFunctions(hparamCodeNames(job.optimizer), kernel.powerBases) }
    if (compiledWasm.size > 32) compiledWasm.clear()
    compiledWasm.set(key, c)
  }
  return c
}

/** The job's arena; on first use the state moves into it (its arrays become views of the kernel's memory). */
function arenaFor(job: Float64Job, state: Float32State, c: CompiledWasm): WasmArena {
  if (state.arena) return state.arena
  const arena = wasmArena(c.kernel, state.x.length)
  const names = hparamCodeNames(job.optimizer)
  const col = (name: string) => arena.columns.get(name)!
  col('X').set(state.x); col('Y').set(state.y); col('DEAD').set(state.dead); col('STREAM').set(state.stream)
  const stateColumns = c.kernel.arrays.filter((a) => a.startsWith('S_'))
  state.slots = state.slots.map((s, j) => { const v = col(stateColumns[j]); v.set(s); return v })
  names.forEach((name, j) => arena.columns.get(`HP_${name}`)?.set(state.hparams[j]))
  state.x = col('X'); state.y = col('Y'); state.dead = col('DEAD')
  return state.arena = arena
}

/** The kernel of a job's launches that continue (the backend it runs on is the job's backend). */
export function stateKernelFor(job: Float64Job, state: Float32State, mode: BackendMode, threaded = true): Compiled {
  const unused = unusedSlots(job, state)
  return float32Kernel(job.landscape, job, state.x.length, mode, threaded, stateLayout(job.optimizer, unused), uniformHparams(job, state), unused)
}

/** Work per launch (particle-steps) from which GPU.js's worker pool pays for its messaging (measured: 10³ particles × 1 step take 0.21 ms alone, 0.39 ms pooled). */
const POOL_WORK = 100_000

/** The layout of a job's launches: the last one hands back positions only. */
const POSITIONS_LAYOUT: KernelLayout = { particles: 2, keep: 'positions' }

/**
 * Advance `state` to `tTo`, one launch per kept point, writing kept points into `out` (float64
 * arrays). `pointMetrics` evaluates, in float64 at a float32 position, the loss, the sharpness and
 * the top eigenvector (metrics 0, 1 and 2–3) for the outputs `out` has.
 */
export async function advanceFloat32(
  job: Float64Job, state: Float32State, tTo: number, out: BlockOutput, mode: BackendMode,
  pointMetrics: (x: number, y: number, out: Float64Array) => void, threaded = true,
): Promise<void> {
  const n = state.n
  const padded = state.x.length
  const metrics = new Float64Array(4)
  const record = (k: number) => {
    const j = k - out.start
    for (let i = 0; i < n; i++) {
      const at = i * out.count + j
      // Death step d: the point after step d is the first non-finite one (NaN from d on). The
      // GPU.js launches also overwrite x with NaN; the 'wasm' kernel leaves what it computed.
      const dead = state.dead[i] >= 0 && state.dead[i] <= k * job.every
      if (dead) {
        out.x[at] = NaN; out.y[at] = NaN; out.loss[at] = NaN
        if (out.sharpness) out.sharpness[at] = NaN
        if (out.axis) { out.axis[2 * at] = NaN; out.axis[2 * at + 1] = NaN }
        continue
      }
      out.x[at] = state.x[i]; out.y[at] = state.y[i]
      pointMetrics(state.x[i], state.y[i], metrics)
      out.loss[at] = metrics[0]
      if (out.sharpness) out.sharpness[at] = metrics[1]
      if (out.axis) { out.axis[2 * at] = metrics[2]; out.axis[2 * at + 1] = metrics[3] }
    }
  }
  const seed = reduceSeed(job.noise.seed)
  const nh = state.hparams.length
  const names = hparamCodeNames(job.optimizer)
  const uniform = uniformHparams(job, state)
  const basesFor = (c: Compiled) => state.bases ??= basesOf(c.powerBases)
  function basesOf(functions: ReadonlyArray<(...h: number[]) => number>): Float64Array[] {
    return functions.map((f) => {
      const b = new Float64Array(padded)
      const h = new Array<number>(nh)
      // From the float32 hyperparameters the kernel sees: RAdam's ρ_t cancels two terms of
      // size 2/(1−β₂), so a base rounded differently from the kernel's β₂ moves it by ≈0.03.
      // Particles come in runs of equal hyperparameters: evaluate once per run.
      for (let i = 0; i < padded; i++) {
        if (i > 0 && state.hparams.every((row) => row[i] === row[i - 1])) { b[i] = b[i - 1]; continue }
        for (let j = 0; j < nh; j++) h[j] = state.hparams[j][i]
        b[i] = f(...h)
      }
      return b
    })
  }
  const powers: Float32Array[] = []
  const fillPowers = (bases: Float64Array[], t: number) => bases.forEach((b, k) => {
    powers[k] ??= new Float32Array(padded)
    // Particles come in runs of equal hyperparameters: compute pow once per run.
    let last = NaN
    let value = 0
    for (let i = 0; i < padded; i++) {
      if (b[i] !== last) { last = b[i]; value = Math.pow(last, t) }
      powers[k][i] = value
    }
  })
  /** One launch of the 'wasm' kernel from state.t to `target`: the state is updated in place. */
  const launchWasm = async (target: number) => {
    launches.count++
    const c = wasmKernelFor(job, state)
    const arena = arenaFor(job, state, c)
    const k = c.kernel
    // Its own bases: compiled-in literals can leave this kernel fewer powers than GPU.js's.
    fillPowers(state.wasmBases ??= basesOf(c.powerBases), state.t)
    k.varyingPowers.forEach((j) => arena.columns.get(`PW_pw${j}`)!.set(powers[j]))
    const scalar = new Map<string, number>([['tFrom', state.t], ['nSteps', target - state.t], ['noiseStd', job.noise.std], ['noiseSeed', seed]])
    names.forEach((name, j) => scalar.set(`HU_${name}`, state.hparams[j][0]))
    k.uniformPowers.forEach((j) => scalar.set(`PU_pw${j}`, powers[j][0]))
    k.scalars.forEach((name, j) => { arena.scalars[j] = scalar.get(name)! })
    // Small launches stay on this thread: the pool's messaging costs more than it saves there.
    const threads = await runShared(arena, padded, threaded && n * (target - state.t) >= POOL_WORK)
    state.lastBackend = `wasm-simd${threads > 1 ? ` (${threads} threads)` : ''}`
    state.t = target
  }
  /** One launch from state.t to `target`. */
  const launch = resolveMode(mode) === 'wasm' ? launchWasm : async (target: number) => {
    launches.count++
    // Nothing continues after the job's last step: hand back positions only.
    const final = target >= job.steps
    // Small launches skip GPU.js's worker pool: its messaging costs more than it saves there.
    const pool = threaded && n * (target - state.t) >= POOL_WORK
    const unused = unusedSlots(job, state)
    const c = float32Kernel(job.landscape, job, padded, mode, pool, final ? POSITIONS_LAYOUT : stateLayout(job.optimizer, unused), uniform, unused)
    fillPowers(basesFor(c), state.t)
    const ks = c.source
    state.lastBackend = `gpu.js ${backendName(c.kernel)}${pool ? ' (threaded)' : ''}`
    returnFlat(c.kernel)
    const result = await c.kernel(
      state.x, state.y, state.dead, state.stream, ...state.slots,
      ...names.flatMap((name, j) => (uniform.has(name) ? [] : [state.hparams[j]])),
      ...ks.varyingPowers.map((k) => powers[k]),
      ...names.flatMap((name, j) => (uniform.has(name) ? [state.hparams[j][0]] : [])),
      ...ks.uniformPowers.map((k) => powers[k][0]),
      state.t, target - state.t, job.noise.std, seed)
    const flat = flatResult(result, c.cells)
    const slotOffsets = ks.slotOffsets
    for (let i = 0; i < n; i++) {
      const b = c.offsets[i]
      const px = flat[b]
      if (!Number.isFinite(px) && state.dead[i] < 0) {
        state.dead[i] = flat[b + 1]
        state.x[i] = NaN; state.y[i] = NaN
        continue
      }
      if (state.dead[i] >= 0) continue
      state.x[i] = px; state.y[i] = flat[b + 1]
      // Slots as laid out by kernel-source.ts (slotOffsets); −1: not handed back (final launch, unused slot).
      for (let s = 0; s < slotOffsets.length; s++) if (slotOffsets[s] >= 0) state.slots[s][i] = flat[b + slotOffsets[s]]
    }
    state.t = target
  }
  for (let k = out.start; k < out.start + out.count; k++) {
    const target = k * job.every
    if (target > state.t) await launch(target)
    record(k)
  }
  // Launches go from kept point to kept point: a block ending between two leaves state.t at the
  // last one (the next launch continues from there). Steps after the last kept point still run
  // when the job ends, so a divergence there is reported as on the float64 path.
  if (tTo >= job.steps && state.t < job.steps) await launch(job.steps)
}
