/**
 * Emission of Math calls: the native float32 / f32x4 instructions, Math.sign spelled out, and the
 * imported double-precision functions — four lanes at once by vector-math.ts where every lane is
 * in its fast path's domain, else lane by lane through the import.
 */
import type { Kind } from './analyse'
import { type FunctionBody, OP, SIMD } from './encoder'
import type { Emitter } from './vector-math'
import { emitInDomain, emitVectorMath, VECTOR_MATH, type VectorMathName } from './vector-math'
import type { Expr } from './ir'
import type { Locals } from './emit-locals'

const NATIVE: Readonly<Record<string, readonly [number, number]>> = {
  sqrt: [OP.f32Sqrt, SIMD.f32x4Sqrt],
  abs: [OP.f32Abs, SIMD.f32x4Abs],
  floor: [OP.f32Floor, SIMD.f32x4Floor],
  ceil: [OP.f32Ceil, SIMD.f32x4Ceil],
  trunc: [OP.f32Trunc, SIMD.f32x4Trunc],
}

/** Emits an operand converted to a kind (the expression emitter, passed in). */
export type EmitOperand = (e: Expr, want: Kind) => void

/** Emits `Math.name(args)` as f32 (`vec` false) or f32x4; arity was checked by lowering. */
export function emitMath(fb: FunctionBody, locals: Locals, name: string, args: readonly Expr[], vec: boolean, operand: EmitOperand): void {
  const want = vec ? 'v128' : 'f32'
  const native = NATIVE[name]
  if (native) {
    operand(args[0], want)
    if (vec) fb.simd(native[1])
    else fb.op(native[0])
  } else if (name === 'min' || name === 'max') {
    operand(args[0], want)
    operand(args[1], want)
    if (vec) fb.simd(name === 'min' ? SIMD.f32x4Min : SIMD.f32x4Max)
    else fb.op(name === 'min' ? OP.f32Min : OP.f32Max)
  } else if (name === 'sign') {
    // 1 where x > 0, −1 where x < 0, x itself otherwise (±0 and NaN), as Math.sign.
    const x = locals.temp(want)
    operand(args[0], want)
    fb.op(OP.localSet, x)
    if (vec) {
      fb.f32x4(1).f32x4(-1).op(OP.localGet, x).op(OP.localGet, x).f32x4(0).simd(SIMD.f32x4Lt).simd(SIMD.v128Bitselect)
      fb.op(OP.localGet, x).f32x4(0).simd(SIMD.f32x4Gt).simd(SIMD.v128Bitselect)
    } else {
      fb.f32(1).f32(-1).op(OP.localGet, x).op(OP.localGet, x).f32(0).op(OP.f32Lt).op(OP.select)
      fb.op(OP.localGet, x).f32(0).op(OP.f32Gt).op(OP.select)
    }
    locals.release(want, x)
  } else {
    const f = locals.importOf(name)
    if (!vec) {
      for (const a of args) {
        operand(a, 'f32')
        fb.op(OP.f64PromoteF32)
      }
      fb.op(OP.call, f).op(OP.f32DemoteF64)
      return
    }
    const held = args.map((a) => {
      const l = locals.temp('v128')
      operand(a, 'v128')
      fb.op(OP.localSet, l)
      return l
    })
    if (VECTOR_MATH.has(name)) {
      // Four lanes at once where every lane is in the fast path's domain, else lane by lane.
      const result = locals.temp('v128')
      const e: Emitter = {
        fb,
        temp: (t) => locals.temp(t),
        release: (t, l) => locals.release(t, l),
        constant: (v) => locals.vectorConstant(v),
      }
      emitInDomain(e, name as VectorMathName, held[0])
      fb.op(OP.if).blockType()
      emitVectorMath(e, name as VectorMathName, held[0])
      fb.op(OP.localSet, result).op(OP.else)
      laneByLane(fb, locals, f, held)
      fb.op(OP.localSet, result).op(OP.end).op(OP.localGet, result)
      locals.release('v128', result)
    } else laneByLane(fb, locals, f, held)
    for (const l of held) locals.release('v128', l)
  }
}

/** Imported function `f` on each lane of the held vectors: the result vector on the stack. */
function laneByLane(fb: FunctionBody, locals: Locals, f: number, held: readonly number[]): void {
  const result = locals.temp('v128')
  fb.f32x4(0).op(OP.localSet, result)
  for (let lane = 0; lane < 4; lane++) {
    fb.op(OP.localGet, result)
    for (const l of held) fb.op(OP.localGet, l).simd(SIMD.f32x4ExtractLane, lane).op(OP.f64PromoteF32)
    fb.op(OP.call, f).op(OP.f32DemoteF64).simd(SIMD.f32x4ReplaceLane, lane).op(OP.localSet, result)
  }
  fb.op(OP.localGet, result)
  locals.release('v128', result)
}
