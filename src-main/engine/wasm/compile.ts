/**
 * Compiles kernel code — the same JavaScript subset as the GPU.js kernel source, assembled by
 * kernel-source.ts from the landscape's emitted gradient and the optimizer's rule text — into
 * WebAssembly SIMD. Four particles share an f32x4 vector ("a lane group"), and `interleave`
 * lane groups run side by side in one loop body: every particle's sqrt → divide → update chain
 * is serial, so independent chains interleaved keep the divider busy (measured on Adam /
 * Rosenbrock, one thread: 1.8e8 particle-steps/s with one group, 5.1e8 with eight).
 *
 * In passes over a typed IR (ir.ts; `printIr` in print-ir.ts shows it):
 *   lower.ts     subset check, names resolved, calls inlined, literal branches folded, loops marked for unrolling
 *   analyse.ts   uniform (f32, shared by all lanes) or varying (f32x4 per lane group), a fixpoint
 *   schedule.ts  what runs once and what once per lane group; uniform subexpressions hoisted
 *   emit.ts      the WebAssembly function (emit-math.ts: Math calls; emit-locals.ts: locals)
 *
 * Input is code we generate, never user text (user expressions reach it only as the
 * whitelisted, re-emitted AST); anything outside the subset is refused with the construct and
 * its position.
 */
import { analyse } from './analyse'
import { type CompiledProgram, emitKernel } from './emit'
import { lower } from './lower'
import { schedule } from './schedule'

export { KernelCompileError } from './ir'
export { constantOf } from './fold'
export type { CompiledProgram } from './emit'

export interface KernelProgram {
  /** Per-particle float columns: `NAME[i]` reads this lane group's particles, `NAME[i] = v` writes them. */
  readonly columns: readonly string[]
  /** Launch-wide inputs, read as uniform scalars. */
  readonly scalars: readonly string[]
  /** Function declarations the code may call (inlined at each call). */
  readonly functions: string
  /** Statements run once per lane group (per `interleave` lane groups, interleaved). */
  readonly body: string
  /** Lane groups (4 particles each) interleaved in one loop body. */
  readonly interleave: number
  /** Column length in particles (a multiple of 4 · interleave). */
  readonly stride: number
  /**
   * Columns of kept points (after the scalars): `NAME[i][j] = v` writes point j (a value shared
   * by all particles) of this lane group's particles, at `(j · stride + i)` within the column.
   */
  readonly rows?: { readonly columns: readonly string[]; readonly count: number }
  /** Launch-wide tables (after the rows): `NAME[index]` reads entry `index` (uniform, truncated). */
  readonly tables?: ReadonlyArray<{ readonly name: string; readonly length: number }>
}

export function compileKernel(program: KernelProgram): CompiledProgram {
  const kernel = lower(program)
  const kinds = analyse(kernel)
  return emitKernel(schedule(kernel, kinds), kinds, program)
}
