/**
 * The float32 path on our WebAssembly SIMD kernel (wasm/kernel.ts): the job's state moves into
 * the kernel's shared memory on the first launch and is updated there in place, by this thread
 * and the pool's workers (wasm/pool.ts).
 */
import { hparamCodeNames } from '../../../src-shared/optim'
import { reduceSeed } from '../../../src-shared/random'
import type { ParticleBatch } from '../float64'
import { runShared } from '../wasm/pool'
import { wasmArena, type WasmArena, type WasmKernel, wasmKernel } from '../wasm/kernel'
import { type Float32State, type Launcher, launches, POOL_WORK } from './launch'
import { runningPowers, uniformHparams } from './state'

/**
 * Uniform hyperparameters the 'wasm' kernel takes as literals, so branches on them fold at
 * compile time: boolean switches, and values that are 0 (torch's rules branch on
 * `weight_decay != 0`, `momentum != 0`). Arithmetic on a literal is the same arithmetic, so
 * results do not change; a new value of a switch compiles a new kernel (a few milliseconds).
 */
function fixedHparams(job: ParticleBatch, state: Float32State): ReadonlyMap<string, number> {
  const uniform = uniformHparams(job, state)
  const booleans = new Set(Object.entries(job.optimizer.hparams).filter(([, spec]) => spec.kind === 'boolean').map(([k]) => k))
  const names = hparamCodeNames(job.optimizer)
  return new Map(names.flatMap((name, j) => {
    const v = state.hparams[j][0]
    return uniform.has(name) && (booleans.has(name) || v === 0) ? [[name, v] as const] : []
  }))
}

const compiledWasm = new Map<string, WasmKernel>()

function wasmKernelFor(job: ParticleBatch, state: Float32State, fixed: ReadonlyMap<string, number>): WasmKernel {
  const uniform = uniformHparams(job, state)
  const noNoise = job.noise.std === 0
  const key = `${[...uniform].join(',')}|${[...fixed].map(([k, v]) => `${k}=${v}`).join(',')}|${noNoise}|${job.optimizer.name}|${state.x.length}|${job.landscape.expr}`
  let kernel = compiledWasm.get(key)
  if (!kernel) {
    kernel = wasmKernel(job.landscape, job.optimizer, state.x.length, uniform, { noNoise, fixed })
    if (compiledWasm.size > 32) compiledWasm.clear()
    compiledWasm.set(key, kernel)
  }
  return kernel
}

/** The job's state moved into `kernel`'s memory (the state's arrays become views of it). */
function moveInto(job: ParticleBatch, state: Float32State, kernel: WasmKernel): WasmArena {
  const arena = wasmArena(kernel, state.x.length)
  const names = hparamCodeNames(job.optimizer)
  const col = (name: string) => arena.columns.get(name)!
  col('X').set(state.x); col('Y').set(state.y); col('DEAD').set(state.dead); col('STREAM').set(state.stream)
  const stateColumns = kernel.arrays.filter((a) => a.startsWith('S_'))
  state.slots = state.slots.map((s, j) => { const v = col(stateColumns[j]); v.set(s); return v })
  names.forEach((name, j) => arena.columns.get(`HP_${name}`)?.set(state.hparams[j]))
  state.x = col('X'); state.y = col('Y'); state.dead = col('DEAD')
  return arena
}

/** A job's launches on the WebAssembly kernel: each updates the state in the shared memory in place. */
export function wasmLauncher(job: ParticleBatch, state: Float32State, threaded = true): Launcher {
  const n = state.n
  const padded = state.x.length
  const seed = reduceSeed(job.noise.seed)
  const names = hparamCodeNames(job.optimizer)
  const fixed = fixedHparams(job, state)
  let arena: WasmArena | undefined
  let powersAt: ((t: number) => Float32Array[]) | undefined
  let threads = 0
  const advance = async (target: number) => {
    launches.count++
    const k = wasmKernelFor(job, state, fixed)
    arena ??= moveInto(job, state, k)
    // Its own bases: compiled-in literals can leave this kernel fewer powers than GPU.js's.
    const powers = (powersAt ??= runningPowers(state, k.powerBases, names))(state.t)
    k.varyingPowers.forEach((j) => arena!.columns.get(`PW_pw${j}`)!.set(powers[j]))
    const scalar = new Map<string, number>([['tFrom', state.t], ['nSteps', target - state.t], ['noiseStd', job.noise.std], ['noiseSeed', seed]])
    names.forEach((name, j) => scalar.set(`HU_${name}`, state.hparams[j][0]))
    k.uniformPowers.forEach((j) => scalar.set(`PU_pw${j}`, powers[j][0]))
    k.scalars.forEach((name, j) => { arena!.scalars[j] = scalar.get(name)! })
    // Small launches stay on this thread: the pool's messaging costs more than it saves there.
    threads = await runShared(arena, padded, threaded && n * (target - state.t) >= POOL_WORK)
    state.t = target
  }
  return { advance, backend: () => `wasm-simd${threads > 1 ? ` (${threads} threads)` : ''}` }
}
