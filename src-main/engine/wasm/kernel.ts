/**
 * The float32 kernel as WebAssembly SIMD, compiled from the same kernel parts as the GPU.js
 * source (kernel-source.ts: the landscape's emitted gradient, the optimizer's rule text, the
 * noise hash). It is the CPU backend of the float32 path: GPU.js's own WebAssembly backend
 * returns at most four floats per thread, so continuing launches recompute particles in
 * several threads, and its code generation runs about two particle chains per core at a time;
 * here the state lives in one shared memory that the kernel updates in place, and several lane
 * groups (interleaveFor) run side by side.
 *
 * Memory: one column of `stride` floats per particle array (kernelParts().arrays, in order),
 * then the launch-wide scalars. `run(from, to)` advances particles [from, to) by nSteps.
 */
import type { Landscape } from '../../../src-shared/landscape'
import type { OptimizerDef } from '../../../src-shared/optim'
import { RANDOM_CODE } from '../../../src-shared/random'
import { ROW_VALUES } from '../../../src-shared/schedule'
import { type KernelSpecialisation, kernelParts } from '../kernel-source'
import { compileKernel, type KernelProgram } from './compile'
import { encodeModule } from './encoder'
import { interleaveRows } from './interleave-rows'

/**
 * Lane groups of 4 interleaved per loop iteration (measured on Adam / Rosenbrock, one thread:
 * 1 → 1.7e8, 4 → 3.8e8, 8 → 4.1e8, 16 → 4.5e8, 24 → 4.6e8 particle-steps/s). With gradient
 * noise the inlined hash makes each group's code ~50× larger, so fewer groups keep the kernel's
 * compile time short.
 */
export const interleaveFor = (noise: boolean) => (noise ? 2 : 16)
/** Particles per share of a launch; columns are padded to a multiple of it (of 4 · every interleave). */
export const LANES = 64

export interface WasmKernel {
  readonly module: WebAssembly.Module
  /** Per-particle arrays (column order) and launch-wide scalars (kernelParts). */
  readonly arrays: readonly string[]
  readonly scalars: readonly string[]
  readonly stride: number
  readonly scalarOffset: number
  /** Memory the kernel needs, in 64 KiB pages. */
  readonly pages: number
  readonly imports: ReadonlyArray<{ readonly name: string }>
  /** Running-power bases (as kernel-source.ts's KernelSource.powerBases) and which are per particle. */
  readonly powerBases: readonly string[]
  readonly varyingPowers: readonly number[]
  readonly uniformPowers: readonly number[]
  /** Unique per compiled kernel (worker instance caches). */
  readonly id: number
  /** Kept points one launch can record (recordingBody), 0 for a kernel that records none. */
  readonly points: number
  /** Byte offset of the recorded points (RECORDED columns of `points` rows each). */
  readonly rowOffset: number
  /**
   * Byte offset of the run-major copy of a launch's points (interleave-rows.ts): 2 · points ·
   * stride floats of interleaved positions, then points · stride losses; -1 without rows.
   */
  readonly runMajorOffset: number
  /** Launch-wide tables (a schedule's per-step values): byte offset and length in floats. */
  readonly tables: ReadonlyArray<{ readonly name: string; readonly offset: number; readonly length: number }>
}

/** Columns of recorded points: positions and the loss at each, `points` rows of `stride` floats. */
export const RECORDED = ['REC_X', 'REC_Y', 'REC_L'] as const
/**
 * Columns where a recording kernel leaves the shared running powers (`PO_pwK`, every lane the
 * same), so the next launch continues the products instead of restarting them from base^tFrom
 * (its per-particle powers continue in their own columns): a launch's boundaries then change no
 * result, so a launch may hold any number of kept points.
 */
const carriedPowers = (parts: ReturnType<typeof kernelParts>) => parts.uniformPowers.map((j) => `PO_pw${j}`)
/** Scalars of a recording kernel: the first step to keep (not before tFrom) and the spacing of kept steps. */
export const RECORD_SCALARS = ['recFirst', 'recEvery'] as const

/**
 * A launch that keeps every `recEvery`-th step from `recFirst` as it goes, row by row: the
 * position right after the step, and its loss one step later, from the gradient evaluation the
 * next step makes anyway (the last point's loss is evaluated after the loop). The host sizes a
 * launch so that its kept points fit the rows.
 */
function recordingBody(parts: ReturnType<typeof kernelParts>): string {
  const keep = (step: string) => `if (${step} == recNext) {
      REC_X[i][recRow] = p_x;
      REC_Y[i][recRow] = p_y;
      lossRow = recRow;
      recRow = recRow + 1.0;
      recNext = recNext + recEvery;
    }`
  return `${parts.shared}
  ${parts.setup}
  let recRow = 0.0;
  let lossRow = -1.0;
  let recNext = recFirst;
  ${keep('tFrom')}
  for (let s = 1; s <= nSteps; s++) {
    ${parts.stepShared}
    ${parts.step}
    if (lossRow >= 0.0) {
      REC_L[i][lossRow] = loss;
      lossRow = -1.0;
    }
    ${keep('t')}
  }
  ${parts.finalCheck}
  if (lossRow >= 0.0) {
    let lossAt = 0.0;
    ${parts.pointLoss}
    REC_L[i][lossRow] = lossAt;
  }
  ${parts.varyingPowers.map((j) => `PW_pw${j}[i] = _pw${j};`).join('\n  ')}
  ${parts.uniformPowers.map((j) => `PO_pw${j}[i] = _pw${j};`).join('\n  ')}`
}

let kernels = 0

/** Columns hold `n` particles padded to whole loop iterations. */
export const strideFor = (n: number) => Math.ceil(n / LANES) * LANES

/**
 * The compiler's input for a kernel: `nSteps` steps of the optimizer, then the state written back;
 * `points` > 0: it also records up to that many kept points per launch (recordingBody).
 */
export function kernelProgram(
  parts: ReturnType<typeof kernelParts>,
  stride: number,
  interleave: number,
  points = 0,
  tables: KernelProgram['tables'] = [],
): KernelProgram {
  const scalars = points > 0 ? [...parts.scalars, ...RECORD_SCALARS] : parts.scalars
  const columns = points > 0 ? [...parts.arrays, ...carriedPowers(parts)] : parts.arrays
  const body = `${
    points > 0
      ? recordingBody(parts)
      : `${parts.shared}
  ${parts.setup}
  for (let s = 1; s <= nSteps; s++) {
    ${parts.stepShared}
    ${parts.step}
  }
  ${parts.finalCheck}`
  }
  X[i] = p_x;
  Y[i] = p_y;
  DEAD[i] = deadAt;
  ${parts.stateNames.map((s) => `S_${s}[i] = ${s};`).join('\n  ')}`
  const rows = points > 0 ? { columns: RECORDED, count: points } : undefined
  return { columns, scalars, functions: RANDOM_CODE, body, interleave, stride, rows, tables }
}

/** `points` > 0: the kernel records up to that many kept points per launch (recordingBody). */
export function wasmKernel(
  landscape: Landscape,
  def: OptimizerDef,
  n: number,
  uniform: ReadonlySet<string>,
  specialise: KernelSpecialisation = {},
  points = 0,
): WasmKernel {
  const parts = kernelParts(landscape, def, uniform, false, specialise)
  const stride = strideFor(n)
  const tables = parts.tables.map((name) => ({ name, length: (specialise.schedule?.steps ?? 0) * ROW_VALUES }))
  // A large landscape times 16 interleaved groups could pass V8's limits on locals or function
  // size: fewer groups then (same results, interleave only changes the schedule).
  const build = (interleave: number) => {
    const program = kernelProgram(parts, stride, interleave, points, tables)
    const compiled = compileKernel(program)
    const runMajorOffset = points > 0 ? Math.ceil(compiled.bytes / 16) * 16 : -1
    const end = points > 0 ? runMajorOffset + RECORDED.length * points * stride * 4 : compiled.bytes
    const pages = Math.ceil(end / 65536) + 1
    const bytes = encodeModule({
      imports: compiled.imports,
      memoryPages: [pages, pages],
      exportName: 'run',
      params: ['i32', 'i32'],
      body: compiled.body,
    })
    return { compiled, program, pages, runMajorOffset, module: new WebAssembly.Module(bytes) }
  }
  let built: ReturnType<typeof build> | undefined
  for (
    let interleave = interleaveFor(!specialise.noNoise || !!specialise.estimator);
    !built;
    interleave = Math.max(1, Math.floor(interleave / 4))
  ) {
    try {
      built = build(interleave)
    } catch (e) {
      if (interleave <= 1 || !(e instanceof WebAssembly.CompileError || e instanceof RangeError)) throw e
    }
  }
  const { compiled, program, pages, runMajorOffset } = built
  return {
    module: built.module,
    arrays: program.columns,
    scalars: program.scalars,
    stride,
    points,
    rowOffset: compiled.rowOffset,
    runMajorOffset,
    tables: tables.map((t) => ({ ...t, offset: compiled.tableOffsets.get(t.name)! })),
    scalarOffset: compiled.scalarOffset,
    pages,
    imports: compiled.imports,
    powerBases: parts.powerBases,
    varyingPowers: parts.varyingPowers,
    uniformPowers: parts.uniformPowers,
    id: ++kernels,
  }
}

/** The imported math, double precision (results are rounded to float32 in the kernel). */
export const MATH_IMPORTS: Record<string, (...a: number[]) => number> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  exp: Math.exp,
  log: Math.log,
  log10: Math.log10,
  log2: Math.log2,
  pow: Math.pow,
}

/** A kernel's memory for one job: its columns as Float32Array views, its instance on this thread. */
export interface WasmArena {
  readonly kernel: WasmKernel
  readonly memory: WebAssembly.Memory
  /** Column views by array name, `length` = the job's padded particle count. */
  readonly columns: ReadonlyMap<string, Float32Array>
  readonly scalars: Float32Array
  /** Recorded points by RECORDED name (point j of particle i at j · stride + i); empty without. */
  readonly rows: ReadonlyMap<string, Float32Array>
  /** Where the kernel records: the last launch's points run-major (RunMajorPoints), else null. */
  readonly runMajor: RunMajorPoints | null
  /** The kernel's launch-wide tables by name. */
  readonly tables: ReadonlyMap<string, Float32Array>
  readonly run: (from: number, to: number) => void
  readonly id: number
}

/**
 * A launch's recorded points copied run-major inside the memory (interleave-rows.ts): particle
 * i's point j at xy[2 · (i · count + j)] (x, then y) and loss[i · count + j]. `args(count)` are
 * the interleave function's arguments but the lane groups; `copy` runs it here for groups [g0, g1).
 */
export interface RunMajorPoints {
  readonly xy: Float32Array
  readonly loss: Float32Array
  args(count: number): number[]
  copy(count: number, g0: number, g1: number): void
}

function runMajorPoints(kernel: WasmKernel, memory: WebAssembly.Memory): RunMajorPoints | null {
  if (kernel.points === 0) return null
  const interleave = interleaveRows(memory)
  const { stride, points, rowOffset, runMajorOffset } = kernel
  const rowBytes = points * stride * 4
  const lossOffset = runMajorOffset + 2 * rowBytes
  const args = (count: number) => {
    if (count > points) throw new RangeError(`${count} points do not fit rows of ${points}`)
    return [rowOffset, rowOffset + rowBytes, rowOffset + 2 * rowBytes, stride, count, runMajorOffset, lossOffset, count]
  }
  return {
    xy: new Float32Array(memory.buffer, runMajorOffset, 2 * points * stride),
    loss: new Float32Array(memory.buffer, lossOffset, points * stride),
    args,
    copy: (count, g0, g1) => {
      const [a, b, c, d, e, f, g, h] = args(count)
      interleave(a, b, c, d, e, f, g, h, g0, Math.min(g1, stride / 4))
    },
  }
}

let arenas = 0

export function wasmArena(kernel: WasmKernel, padded: number): WasmArena {
  const memory = new WebAssembly.Memory({ initial: kernel.pages, maximum: kernel.pages, shared: true })
  const columns = new Map(kernel.arrays.map((name, j) => [name, new Float32Array(memory.buffer, j * kernel.stride * 4, padded)]))
  // Lanes past the job's particles are dead from step 0 (DEAD = 0), so their garbage is never read.
  const instance = new WebAssembly.Instance(kernel.module, { env: { ...MATH_IMPORTS, memory } })
  const run = instance.exports.run as (from: number, to: number) => void
  const rowFloats = kernel.points * kernel.stride
  const rows = new Map(
    kernel.points > 0
      ? RECORDED.map((name, j) => [name, new Float32Array(memory.buffer, kernel.rowOffset + j * rowFloats * 4, rowFloats)])
      : [],
  )
  return {
    kernel,
    memory,
    columns,
    rows,
    runMajor: runMajorPoints(kernel, memory),
    tables: new Map(kernel.tables.map((t) => [t.name, new Float32Array(memory.buffer, t.offset, t.length)])),
    scalars: new Float32Array(memory.buffer, kernel.scalarOffset, kernel.scalars.length),
    run,
    id: ++arenas,
  }
}
