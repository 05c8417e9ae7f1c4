/**
 * Emission: the scheduled IR to one WebAssembly function `run(from, to)` over lane groups of
 * particles [from, to), 4 · interleave particles per loop iteration. Kinds come from the
 * analysis (a uniform value is an f32, splatted where a vector is wanted); a branch on a
 * uniform condition is a real branch, a varying one is if-converted: each side runs under its
 * lane mask (skipped when no lane takes it) and each assignment is blended under the mask.
 */
import type { Kind, Kinds } from './analyse'
import { FunctionBody, OP, SIMD } from './encoder'
import { Locals } from './emit-locals'
import { emitMath } from './emit-math'
import { type Expr, fail, literalValue, type Origin, type Stmt, type VarKey } from './ir'
import type { Scheduled } from './schedule'

export interface CompiledProgram {
  readonly body: FunctionBody
  /** Imported scalar math functions, in import order. */
  readonly imports: ReadonlyArray<{ readonly name: string; readonly arity: 1 | 2 }>
  /** Byte offset of the scalar inputs (after the columns). */
  readonly scalarOffset: number
  /** Bytes of memory the program addresses. */
  readonly bytes: number
  /** Byte offset of the point rows (MemoryLayout.rows), 16-byte aligned after the scalars. */
  readonly rowOffset: number
  /** Byte offset of each table (MemoryLayout.tables), one after the other after the rows. */
  readonly tableOffsets: ReadonlyMap<string, number>
}

export interface MemoryLayout {
  /** Per-particle columns in memory order, `stride` floats each. */
  readonly columns: readonly string[]
  /** Launch-wide inputs after the columns, one float each. */
  readonly scalars: readonly string[]
  readonly stride: number
  /** Lane groups (4 particles each) interleaved in one loop body. */
  readonly interleave: number
  /** Columns of kept points after the scalars, `count` rows of `stride` floats each. */
  readonly rows?: { readonly columns: readonly string[]; readonly count: number }
  /** Launch-wide tables of `length` floats after the rows (16-byte aligned), read at a uniform index. */
  readonly tables?: ReadonlyArray<{ readonly name: string; readonly length: number }>
}

/** Where code is emitted: for which lane group, under which lane mask (a v128 local) if any. */
interface Ctx {
  readonly group: number
  readonly mask: number | null
}

const I32X4_NEG = 0xa1
const I32_TRUNC_F32_U = 0xa9
const ARITH_OPS: Readonly<Record<string, readonly [number, number]>> = {
  '+': [OP.f32Add, SIMD.f32x4Add],
  '-': [OP.f32Sub, SIMD.f32x4Sub],
  '*': [OP.f32Mul, SIMD.f32x4Mul],
  '/': [OP.f32Div, SIMD.f32x4Div],
}
const COMPARE_OPS: Readonly<Record<string, readonly [number, number]>> = {
  '==': [OP.f32Eq, SIMD.f32x4Eq],
  '===': [OP.f32Eq, SIMD.f32x4Eq],
  '!=': [OP.f32Ne, SIMD.f32x4Ne],
  '!==': [OP.f32Ne, SIMD.f32x4Ne],
  '<': [OP.f32Lt, SIMD.f32x4Lt],
  '>': [OP.f32Gt, SIMD.f32x4Gt],
  '<=': [OP.f32Le, SIMD.f32x4Le],
  '>=': [OP.f32Ge, SIMD.f32x4Ge],
}

export function emitKernel(plan: readonly Scheduled[], kinds: Kinds, layout: MemoryLayout): CompiledProgram {
  const fb = new FunctionBody(['i32', 'i32'])
  const FROM = 0
  const TO = 1
  const locals = new Locals(fb, kinds)
  const columnIndex = new Map(layout.columns.map((c, j) => [c, j]))
  const scalarOffset = layout.columns.length * layout.stride * 4
  const columnOffset = (name: string, group: number) => (columnIndex.get(name)! * layout.stride + 4 * group) * 4
  const rowIndex = new Map((layout.rows?.columns ?? []).map((c, j) => [c, j]))
  const rowOffset = Math.ceil((scalarOffset + 4 * layout.scalars.length) / 16) * 16
  /** Point 0 of this lane group's particles in a row column; point j is j whole rows further. */
  const rowColumnOffset = (name: string, group: number) =>
    rowOffset + (rowIndex.get(name)! * layout.rows!.count * layout.stride + 4 * group) * 4
  const rowsEnd = layout.rows ? rowOffset + rowIndex.size * layout.rows.count * layout.stride * 4 : scalarOffset + 4 * layout.scalars.length
  const tableOffsets = new Map<string, number>()
  let bytes = Math.ceil(rowsEnd / 16) * 16
  for (const t of layout.tables ?? []) {
    tableOffsets.set(t.name, bytes)
    bytes += 4 * t.length
  }
  if (!layout.tables?.length) bytes = rowsEnd
  /** Hoisted expressions of the lane-group run being emitted → their splatted locals. */
  const hoisted = new Map<Expr, number>()

  /** Emit `e` converted to `want`. */
  const expr = (e: Expr, want: Kind, ctx: Ctx): void => {
    const literal = literalValue(e)
    if (literal !== null && want === 'v128') {
      fb.op(OP.localGet, locals.vectorConstant(literal))
      return
    }
    const lifted = want === 'v128' ? hoisted.get(e) : undefined
    if (lifted !== undefined) {
      fb.op(OP.localGet, lifted)
      return
    }
    const have = kinds.of(e)
    raw(e, have, ctx)
    convert(have, want, e.at)
  }
  const convert = (have: Kind, want: Kind, at: Origin) => {
    if (have === want) return
    if (have === 'f32' && want === 'v128') fb.simd(SIMD.f32x4Splat)
    else if (have === 'bool' && want === 'mask') fb.simd(SIMD.i32x4Splat).simd(I32X4_NEG)
    else fail(at, `cannot use a ${have} value as ${want}`)
  }
  const raw = (e: Expr, kind: Kind, ctx: Ctx): void => {
    const vec = kind === 'v128' || kind === 'mask'
    switch (e.type) {
      case 'num':
        fb.f32(e.value)
        return
      case 'var':
        fb.op(OP.localGet, locals.variable(e.key, ctx.group))
        return
      case 'scalar':
        fb.op(OP.localGet, locals.scalar(e.name) ?? fail(e.at, `scalar '${e.name}' read before the kernel loaded it`))
        return
      case 'column':
        fb.op(OP.localGet, locals.addr).simd(SIMD.v128Load).memarg(4, columnOffset(e.name, ctx.group))
        return
      case 'table':
        expr(e.index, 'f32', ctx)
        fb.op(OP.i32TruncF32S).i32(4).op(OP.i32Mul).op(OP.f32Load).memarg(2, tableOffsets.get(e.name)!)
        return
      case 'const':
        fb.f32(e.name === 'PI' ? Math.PI : Math.E)
        return
      case 'unary':
        if (e.op === '+') {
          expr(e.arg, kind, ctx)
          return
        }
        if (e.op === '-') {
          if (e.arg.type === 'num') {
            fb.f32(-e.arg.value)
            return
          }
          expr(e.arg, kind, ctx)
          if (vec) fb.simd(SIMD.f32x4Neg)
          else fb.op(OP.f32Neg)
          return
        }
        if (e.arg.type === 'compare' && (e.arg.op === '==' || e.arg.op === '===')) {
          // !(a == b) is a != b in IEEE arithmetic (both true when unordered): one compare, no not.
          const operand = vec ? 'v128' : 'f32'
          expr(e.arg.left, operand, ctx)
          expr(e.arg.right, operand, ctx)
          if (vec) fb.simd(SIMD.f32x4Ne)
          else fb.op(OP.f32Ne)
          return
        }
        expr(e.arg, kind, ctx)
        if (vec) fb.simd(SIMD.v128Not)
        else fb.op(OP.i32Eqz)
        return
      case 'arith':
      case 'compare': {
        const operand = vec ? 'v128' : 'f32'
        expr(e.left, operand, ctx)
        expr(e.right, operand, ctx)
        const [scalar, simd] = e.type === 'arith' ? ARITH_OPS[e.op] : COMPARE_OPS[e.op]
        if (vec) fb.simd(simd)
        else fb.op(scalar)
        return
      }
      case 'logical':
        expr(e.left, kind, ctx)
        expr(e.right, kind, ctx)
        if (vec) fb.simd(e.op === '&&' ? SIMD.v128And : SIMD.v128Or)
        else fb.op(e.op === '&&' ? OP.i32And : OP.i32Or)
        return
      case 'select':
        expr(e.then, kind, ctx)
        expr(e.else, kind, ctx)
        if (vec) {
          expr(e.test, 'mask', ctx)
          fb.simd(SIMD.v128Bitselect)
        } else {
          expr(e.test, 'bool', ctx)
          fb.op(OP.select)
        }
        return
      case 'math':
        emitMath(fb, locals, e.name, e.args, vec, (a, want) => expr(a, want, ctx))
        return
      case 'inline':
        e.params.forEach((key, j) => {
          expr(e.args[j], kinds.variable(key), ctx)
          fb.op(OP.localSet, locals.variable(key, ctx.group))
        })
        // Inside a lane mask the callee's own locals are fresh: its statements run unmasked.
        statements(e.body, { group: ctx.group, mask: null })
        expr(e.result, kind, ctx)
        return
    }
  }

  /** Assign the value on the stack to `key` in the context's lane group, blended under its mask. */
  const store = (key: VarKey, ctx: Ctx) => {
    const l = locals.variable(key, ctx.group)
    if (ctx.mask !== null && kinds.variable(key) === 'v128') fb.op(OP.localGet, l).op(OP.localGet, ctx.mask).simd(SIMD.v128Bitselect)
    fb.op(OP.localSet, l)
  }
  const statements = (stmts: readonly Stmt[], ctx: Ctx) => {
    for (const s of stmts) statement(s, ctx)
  }
  const branch = (test: Expr, then: () => void, otherwise: (() => void) | null, ctx: Ctx) => {
    expr(test, 'bool', ctx)
    fb.op(OP.if).blockType()
    then()
    if (otherwise) {
      fb.op(OP.else)
      otherwise()
    }
    fb.op(OP.end)
  }
  const loop = (s: Extract<Stmt, { type: 'loop' }>, body: () => void, ctx: Ctx) => {
    statement(s.init, ctx)
    fb.op(OP.block).blockType().op(OP.loop).blockType()
    expr(s.test, 'bool', ctx)
    fb.op(OP.i32Eqz).op(OP.brIf, 1)
    body()
    statement(s.update, ctx)
    fb.op(OP.br, 0).op(OP.end).op(OP.end)
  }

  const statement = (s: Stmt, ctx: Ctx): void => {
    switch (s.type) {
      case 'declare':
        // A declaration makes a new binding, so it is written in every lane even under a mask
        // (blending would keep the previous binding's value alive for nothing).
        if (s.init) expr(s.init, kinds.variable(s.key), ctx)
        else if (kinds.variable(s.key) === 'v128') fb.f32x4(0)
        else fb.f32(0)
        fb.op(OP.localSet, locals.variable(s.key, ctx.group))
        return
      case 'assign':
        expr(s.value, kinds.variable(s.key), ctx)
        store(s.key, ctx)
        return
      case 'step':
        fb.op(OP.localGet, locals.variable(s.key, ctx.group))
        if (kinds.variable(s.key) === 'v128') fb.op(OP.localGet, locals.vectorConstant(s.delta)).simd(SIMD.f32x4Add)
        else fb.f32(s.delta).op(OP.f32Add)
        store(s.key, ctx)
        return
      case 'store':
        if (ctx.mask !== null) fail(s.at, 'a particle column cannot be written under a condition')
        fb.op(OP.localGet, locals.addr)
        expr(s.value, 'v128', ctx)
        fb.simd(SIMD.v128Store).memarg(4, columnOffset(s.column, ctx.group))
        return
      case 'storeRow':
        if (ctx.mask !== null) fail(s.at, 'a point row cannot be written under a condition')
        // Address: this lane group's particles + `row` whole rows.
        fb.op(OP.localGet, locals.addr)
        expr(s.row, 'f32', ctx)
        fb.op(I32_TRUNC_F32_U)
          .i32(layout.stride * 4)
          .op(OP.i32Mul)
          .op(OP.i32Add)
        expr(s.value, 'v128', ctx)
        fb.simd(SIMD.v128Store).memarg(4, rowColumnOffset(s.column, ctx.group))
        return
      case 'if': {
        const { then: thenSide, else: elseSide } = s
        if (kinds.of(s.test) === 'bool') {
          branch(s.test, () => statements(thenSide, ctx), elseSide && (() => statements(elseSide, ctx)), ctx)
          return
        }
        // If-conversion: each side under its lane mask, skipped when no lane takes it (measured:
        // the per-step divergence check costs 11% less behind the branch than blended every step).
        // The test once, before either side runs (a side may assign what the test reads).
        const test = locals.temp('v128')
        expr(s.test, 'mask', ctx)
        fb.op(OP.localSet, test)
        const side = (code: readonly Stmt[], negate: boolean) => {
          const m = locals.temp('v128')
          fb.op(OP.localGet, test)
          if (negate) fb.simd(SIMD.v128Not)
          if (ctx.mask !== null) fb.op(OP.localGet, ctx.mask).simd(SIMD.v128And)
          fb.op(OP.localSet, m)
          fb.op(OP.localGet, m).simd(SIMD.v128AnyTrue).op(OP.if).blockType()
          statements(code, { ...ctx, mask: m })
          fb.op(OP.end)
          locals.release('v128', m)
        }
        side(thenSide, false)
        if (elseSide) side(elseSide, true)
        locals.release('v128', test)
        return
      }
      case 'loop':
        loop(s, () => statements(s.body, ctx), ctx)
        return
      case 'unrolled':
        statement(s.init, ctx)
        for (let r = 0; r < s.count; r++) {
          statements(s.body, ctx)
          statement(s.update, ctx)
        }
        return
    }
  }

  const planned = (items: readonly Scheduled[], ctx: Ctx): void => {
    for (const item of items) {
      switch (item.type) {
        case 'once':
          statement(item.stmt, ctx)
          break
        case 'branch': {
          const otherwise = item.else
          branch(item.stmt.test, () => planned(item.then, ctx), otherwise && (() => planned(otherwise, ctx)), ctx)
          break
        }
        case 'loop':
          loop(item.stmt, () => planned(item.body, ctx), ctx)
          break
        case 'groups': {
          const lifted = item.hoisted.map((e) => {
            const l = locals.temp('v128')
            expr(e, 'v128', ctx)
            fb.op(OP.localSet, l)
            hoisted.set(e, l)
            return [e, l] as const
          })
          for (let g = 0; g < layout.interleave; g++) for (const s of item.stmts) statement(s, { ...ctx, group: g })
          for (const [e, l] of lifted) {
            hoisted.delete(e)
            locals.release('v128', l)
          }
          break
        }
      }
    }
  }

  // run(from, to): lane groups of particles [from, to), 4·interleave particles per loop iteration.
  locals.loadScalars(layout.scalars, scalarOffset)
  fb.op(OP.localGet, FROM).i32(4).op(OP.i32Mul).op(OP.localSet, locals.addr)
  fb.op(OP.block).blockType().op(OP.loop).blockType()
  fb.op(OP.localGet, locals.addr).op(OP.localGet, TO).i32(4).op(OP.i32Mul).op(OP.i32GeU).op(OP.brIf, 1)
  planned(plan, { group: 0, mask: null })
  fb.op(OP.localGet, locals.addr)
    .i32(16 * layout.interleave)
    .op(OP.i32Add)
    .op(OP.localSet, locals.addr)
  fb.op(OP.br, 0).op(OP.end).op(OP.end)
  fb.code.unshift(...locals.prologue())
  return { body: fb, imports: locals.imports, scalarOffset, rowOffset, bytes, tableOffsets }
}
