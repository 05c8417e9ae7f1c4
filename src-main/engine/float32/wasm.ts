/**
 * The float32 path on our WebAssembly SIMD kernel (wasm/kernel.ts): the job's state moves into
 * the kernel's shared memory on the first launch and is updated there in place, by this thread
 * and the pool's workers (wasm/pool.ts).
 */
import { hparamCodeNames } from '../../../src-shared/optim'
import { reduceSeed } from '../../../src-shared/random'
import { ESTIMATOR_SCALARS, estimatorKind, estimatorScalars } from '../../../src-shared/estimator'
import type { ParticleBatch } from '../float64'
import { runShared } from '../wasm/pool'
import { RECORDED, strideFor, wasmArena, type WasmArena, type WasmKernel, wasmKernel } from '../wasm/kernel'
import { type Float32State, type Launcher, launches, POOL_WORK, type RecordedPoints } from './launch'
import { runningPowers, uniformHparams } from './state'
import { SCHEDULE_TABLE } from '../kernel-source'

/**
 * Uniform hyperparameters the 'wasm' kernel takes as literals, so branches on them fold at
 * compile time: boolean switches, and values that are 0 (torch's rules branch on
 * `weight_decay != 0`, `momentum != 0`). Arithmetic on a literal is the same arithmetic, so
 * results do not change; a new value of a switch compiles a new kernel (a few milliseconds).
 */
function fixedHparams(job: ParticleBatch, state: Float32State): ReadonlyMap<string, number> {
  const uniform = uniformHparams(job, state)
  const booleans = new Set(
    Object.entries(job.optimizer.hparams)
      .filter(([, spec]) => spec.kind === 'boolean')
      .map(([k]) => k),
  )
  const names = hparamCodeNames(job.optimizer)
  return new Map(
    names.flatMap((name, j) => {
      const v = state.hparams[j][0]
      return uniform.has(name) && (booleans.has(name) || v === 0) ? [[name, v] as const] : []
    }),
  )
}

const compiledWasm = new Map<string, WasmKernel>()

/**
 * Memory for the points one launch records (positions and loss, float32): 8 MiB holds 69
 * points of 10⁴ particles, 1 of 10⁶ (fresh pages cost ≈ 3 ms per MiB to touch here, so the rows stay small). More points per launch save little once a launch's work
 * outweighs its start (≈ 0.1 ms).
 */
const RECORD_BYTES = 8 * 2 ** 20
const MAX_POINTS = 4096

/** Kept points per recording launch for `job`: as many as its memory allows, no more than the job keeps. */
export function pointsPerLaunch(job: ParticleBatch, padded: number): number {
  const kept = Math.floor(job.steps / job.every) + 1
  return Math.max(1, Math.min(kept, MAX_POINTS, Math.floor(RECORD_BYTES / (RECORDED.length * 4 * strideFor(padded)))))
}

function wasmKernelFor(job: ParticleBatch, state: Float32State, fixed: ReadonlyMap<string, number>, points: number): WasmKernel {
  const uniform = uniformHparams(job, state)
  const noNoise = job.noise.std === 0
  const schedule = job.schedule && { momentum: job.schedule.momentum, steps: job.schedule.steps }
  const estimator = estimatorKind(job.gradient)
  const key = `${[...uniform].join(',')}|${[...fixed].map(([k, v]) => `${k}=${v}`).join(',')}|${noNoise}|${estimator}|${points}|${job.optimizer.name}|${state.x.length}|${schedule ? `${schedule.steps}:${schedule.momentum}` : '-'}|${job.landscape.expr}`
  let kernel = compiledWasm.get(key)
  if (!kernel) {
    kernel = wasmKernel(job.landscape, job.optimizer, state.x.length, uniform, { noNoise, fixed, schedule, estimator }, points)
    if (compiledWasm.size > 32) compiledWasm.clear()
    compiledWasm.set(key, kernel)
  }
  return kernel
}

/**
 * Memories of finished jobs, by kernel: the next job with that kernel (the app's next run of the
 * same scenario, a benchmark's next round) reuses one instead of touching fresh pages, which cost
 * ≈ 3 ms per MiB here (its rows alone are 8 MiB). A few are kept.
 */
const spareArenas = new Map<number, WasmArena>()
const SPARE_ARENAS = 2

function spareArena(kernel: WasmKernel): WasmArena | undefined {
  const arena = spareArenas.get(kernel.id)
  spareArenas.delete(kernel.id)
  return arena
}

/** The job's state moved into `kernel`'s memory (the state's arrays become views of it). */
function moveInto(job: ParticleBatch, state: Float32State, kernel: WasmKernel): WasmArena {
  // Every column the kernel reads is written below or by the first launch, so a spare's old contents never show.
  const arena = spareArena(kernel) ?? wasmArena(kernel, state.x.length)
  const names = hparamCodeNames(job.optimizer)
  const col = (name: string) => arena.columns.get(name)!
  col('X').set(state.x)
  col('Y').set(state.y)
  col('DEAD').set(state.dead)
  col('STREAM').set(state.stream)
  const stateColumns = kernel.arrays.filter((a) => a.startsWith('S_'))
  state.slots = state.slots.map((s, j) => {
    const v = col(stateColumns[j])
    v.set(s)
    return v
  })
  names.forEach((name, j) => arena.columns.get(`HP_${name}`)?.set(state.hparams[j]))
  // A schedule's table (one affine row: the float32 path's tables are uniform).
  if (job.schedule) arena.tables.get(SCHEDULE_TABLE)?.set(job.schedule.values)
  state.x = col('X')
  state.y = col('Y')
  state.dead = col('DEAD')
  return arena
}

/**
 * A job's launches on the WebAssembly kernel: each updates the state in the shared memory in
 * place, and records kept points into it as it goes (one kernel per job: it records at most
 * pointsPerLaunch points per launch).
 */
export function wasmLauncher(job: ParticleBatch, state: Float32State, threaded = true): Launcher {
  const n = state.n
  const padded = state.x.length
  const seed = reduceSeed(job.noise.seed)
  const names = hparamCodeNames(job.optimizer)
  const fixed = fixedHparams(job, state)
  let arena: WasmArena | undefined
  let threads = 0
  const points = pointsPerLaunch(job, padded)
  /** One launch to `target`, keeping steps recFirst, recFirst + recEvery, … (none when recFirst > target). */
  const launch = async (target: number, recFirst: number, recEvery: number, runMajorPoints?: number) => {
    launches.count++
    const k = wasmKernelFor(job, state, fixed, points)
    const first = !arena
    arena ??= moveInto(job, state, k)
    // Its own bases: compiled-in literals can leave this kernel fewer powers than GPU.js's. After
    // the first launch the kernel carries its running powers from launch to launch (kernel.ts).
    const powers = first ? runningPowers(state, k.powerBases, names)(state.t) : []
    if (first) k.varyingPowers.forEach((j) => arena!.columns.get(`PW_pw${j}`)!.set(powers[j]))
    const uniformPower = (j: number) => (first ? powers[j][0] : arena!.columns.get(`PO_pw${j}`)![0])
    const scalar = new Map<string, number>([
      ['tFrom', state.t],
      ['nSteps', target - state.t],
      ['noiseStd', job.noise.std],
      ['noiseSeed', seed],
      ['recFirst', recFirst],
      ['recEvery', recEvery],
      ...ESTIMATOR_SCALARS.map((name, j) => [name, estimatorScalars(job.gradient)[j]] as const),
    ])
    names.forEach((name, j) => scalar.set(`HU_${name}`, state.hparams[j][0]))
    k.uniformPowers.forEach((j) => scalar.set(`PU_pw${j}`, uniformPower(j)))
    k.scalars.forEach((name, j) => {
      arena!.scalars[j] = scalar.get(name)!
    })
    // Small launches stay on this thread: the pool's messaging costs more than it saves there.
    threads = await runShared(arena, padded, threaded && n * (target - state.t) >= POOL_WORK, runMajorPoints)
    state.t = target
    return arena
  }
  const record = async (first: number, target: number, every: number, runMajor = false): Promise<RecordedPoints> => {
    const count = Math.floor((target - first) / every) + 1
    if (first < state.t || count > points)
      throw new RangeError(`a launch from step ${state.t} cannot record ${count} points from step ${first} (at most ${points})`)
    const arena = await launch(target, first, every, runMajor ? count : undefined)
    const rows = arena.rows
    return {
      count,
      first,
      stride: arena.kernel.stride,
      x: rows.get('REC_X')!,
      y: rows.get('REC_Y')!,
      loss: rows.get('REC_L')!,
      ...(runMajor && { runMajor: arena.runMajor! }),
    }
  }
  /** The job is done: its state leaves the memory (copied), which becomes a spare for the next job. */
  const finish = () => {
    if (!arena) return
    state.x = state.x.slice()
    state.y = state.y.slice()
    state.dead = state.dead.slice()
    state.slots = state.slots.map((s) => s.slice())
    spareArenas.delete(arena.kernel.id)
    spareArenas.set(arena.kernel.id, arena)
    if (spareArenas.size > SPARE_ARENAS) spareArenas.delete(spareArenas.keys().next().value!)
    arena = undefined
  }
  return {
    advance: async (target) => {
      await launch(target, Infinity, 1)
    },
    record,
    finish,
    maxPoints: () => points,
    backend: () => `wasm-simd${threads > 1 ? ` (${threads} threads)` : ''}`,
  }
}
