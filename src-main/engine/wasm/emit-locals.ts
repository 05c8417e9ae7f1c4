/**
 * The kernel function's locals: one per (variable, lane group) for varying variables and one per
 * uniform variable, a pool of temporaries, the loaded scalars, vector constants, and the imported
 * math functions. Locals are made on first use, so the emission order fixes their numbering.
 */
import type { Kinds } from './analyse'
import { FunctionBody, OP, type ValType } from './encoder'
import { IMPORTED_MATH, MATH_ARITY } from './lower'
import type { VarKey } from './ir'

export class Locals {
  /** Byte address of the current lane groups' first particle (the loop's induction variable). */
  readonly addr: number
  private readonly vars = new Map<string, number>()
  private readonly scalars = new Map<string, number>()
  private readonly temps: Record<ValType, number[]> = { i32: [], f32: [], f64: [], v128: [] }
  private readonly vectorConstants = new Map<string, [number, number]>()
  readonly imports: Array<{ name: string; arity: 1 | 2 }> = []

  constructor(
    private readonly fb: FunctionBody,
    private readonly kinds: Kinds,
  ) {
    this.addr = fb.local('i32')
  }

  /** The local holding `key` in lane group `group` (uniform variables have one for all groups). */
  variable(key: VarKey, group: number): number {
    const kind = this.kinds.variable(key)
    const id = kind === 'v128' ? `${key}#${group}` : key
    let l = this.vars.get(id)
    if (l === undefined) {
      l = this.fb.local(kind)
      this.vars.set(id, l)
    }
    return l
  }

  /** Loads the scalar inputs into locals: call once, before any use. */
  loadScalars(names: readonly string[], offset: number): void {
    names.forEach((name, j) => {
      const l = this.fb.local('f32')
      this.scalars.set(name, l)
      this.fb
        .i32(0)
        .op(OP.f32Load)
        .memarg(2, offset + 4 * j)
        .op(OP.localSet, l)
    })
  }

  scalar(name: string): number | undefined {
    return this.scalars.get(name)
  }

  temp(type: ValType): number {
    return this.temps[type].pop() ?? this.fb.local(type)
  }

  release(type: ValType, l: number): void {
    this.temps[type].push(l)
  }

  /**
   * Vector constants live in locals set once before the loops: V8 rebuilds a v128.const from
   * immediates at each use, where a local costs at most a reload.
   */
  vectorConstant(v: number): number {
    // Keyed by text with the sign of zero kept (a Map would merge −0 into +0).
    const value = Math.fround(v)
    const key = Object.is(value, -0) ? '-0' : String(value)
    let entry = this.vectorConstants.get(key)
    if (entry === undefined) {
      entry = [value, this.fb.local('v128')]
      this.vectorConstants.set(key, entry)
    }
    return entry[1]
  }

  /** The code that sets the vector constants, to run first. */
  prologue(): number[] {
    const prologue = new FunctionBody([])
    for (const [v, l] of this.vectorConstants.values()) prologue.f32x4(v).op(OP.localSet, l)
    return prologue.code
  }

  /** The import index of an imported Math function (imported on first use). */
  importOf(name: string): number {
    let j = this.imports.findIndex((f) => f.name === name)
    if (j < 0) {
      if (!IMPORTED_MATH.has(name)) throw new Error(`Math.${name} is not imported`)
      this.imports.push({ name, arity: MATH_ARITY[name] as 1 | 2 })
      j = this.imports.length - 1
    }
    return j
  }
}
