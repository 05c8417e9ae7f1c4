/**
 * Compiles kernel code — the same JavaScript subset as the GPU.js kernel source, assembled by
 * kernel-source.ts from the landscape's emitted gradient and the optimizer's rule text — into
 * WebAssembly SIMD. Four particles share an f32x4 vector ("a lane group"), and `interleave`
 * lane groups run side by side in one loop body: every particle's sqrt → divide → update chain
 * is serial, so independent chains interleaved keep the divider busy (measured on Adam /
 * Rosenbrock, one thread: 1.8e8 particle-steps/s with one group, 5.1e8 with eight).
 *
 * Values are typed by a fixpoint pass before emission: a variable is *varying* (one f32x4 local
 * per lane group) when it is ever assigned from a particle column, from another varying value
 * or under a varying condition; otherwise it is *uniform* (one f32 local shared by all lanes and
 * groups). So a condition on a uniform value (`amsgrad > 0.5` when every particle shares it) is
 * a real branch, while a varying condition is if-converted: both sides run, and each assignment
 * is blended under the lane mask. Function calls are inlined; `for` loops with literal bounds
 * are unrolled and a loop with a uniform bound (the steps) is a real loop.
 *
 * Input is code we generate, never user text (user expressions reach it only as the
 * whitelisted, re-emitted AST); anything outside the subset is refused with the construct and
 * its position.
 */
import { parse } from 'acorn'
import { FunctionBody, OP, SIMD, type ValType } from './encoder'
import { emitInDomain, emitVectorMath, VECTOR_MATH, type VectorMathName } from './vector-math'

/* eslint-disable @typescript-eslint/no-explicit-any -- ESTree nodes are walked structurally */
type Node = any

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
}

export interface CompiledProgram {
  readonly body: FunctionBody
  /** Imported scalar math functions, in import order. */
  readonly imports: ReadonlyArray<{ readonly name: string; readonly arity: 1 | 2 }>
  /** Byte offset of the scalar inputs (after the columns). */
  readonly scalarOffset: number
  /** Bytes of memory the program addresses. */
  readonly bytes: number
  /** Byte offset of the point rows (KernelProgram.rows), 16-byte aligned. */
  readonly rowOffset: number
}

type Kind = 'f32' | 'v128' | 'bool' | 'mask'

const IMPORTED: Record<string, 1 | 2> = {
  sin: 1, cos: 1, tan: 1, asin: 1, acos: 1, atan: 1, sinh: 1, cosh: 1, tanh: 1, exp: 1, log: 1, log10: 1, log2: 1, pow: 2,
}
const NATIVE: Record<string, [number, number]> = {
  sqrt: [OP.f32Sqrt, SIMD.f32x4Sqrt], abs: [OP.f32Abs, SIMD.f32x4Abs], floor: [OP.f32Floor, SIMD.f32x4Floor],
  ceil: [OP.f32Ceil, SIMD.f32x4Ceil], trunc: [OP.f32Trunc, SIMD.f32x4Trunc],
}
const ARITH: Record<string, [number, number]> = {
  '+': [OP.f32Add, SIMD.f32x4Add], '-': [OP.f32Sub, SIMD.f32x4Sub], '*': [OP.f32Mul, SIMD.f32x4Mul], '/': [OP.f32Div, SIMD.f32x4Div],
}
const COMPARE: Record<string, [number, number]> = {
  '==': [OP.f32Eq, SIMD.f32x4Eq], '===': [OP.f32Eq, SIMD.f32x4Eq], '!=': [OP.f32Ne, SIMD.f32x4Ne], '!==': [OP.f32Ne, SIMD.f32x4Ne],
  '<': [OP.f32Lt, SIMD.f32x4Lt], '>': [OP.f32Gt, SIMD.f32x4Gt], '<=': [OP.f32Le, SIMD.f32x4Le], '>=': [OP.f32Ge, SIMD.f32x4Ge],
}
const I32X4_NEG = 0xa1
const I32_TRUNC_F32_U = 0xa9

export class KernelCompileError extends Error {}

function fail(node: Node, source: string, problem: string): never {
  const at = node?.start ?? 0
  const line = source.slice(0, at).split('\n').length
  throw new KernelCompileError(`kernel code, line ${line}: ${problem} (\`${source.slice(at, Math.min(node?.end ?? at, at + 60))}\`)`)
}

/** The value of an expression of literals only (a fixed switch's test: `0.0 > 0.5`), else null. */
export function constantOf(node: Node): number | boolean | null {
  switch (node.type) {
    // Literals as the kernel holds them (float32), so a folded comparison decides as it would at run time.
    case 'Literal': return typeof node.value === 'number' ? Math.fround(node.value) : null
    case 'UnaryExpression': {
      const a = constantOf(node.argument)
      if (a === null) return null
      return node.operator === '-' ? -a : node.operator === '+' ? +a : node.operator === '!' ? !a : null
    }
    case 'BinaryExpression': case 'LogicalExpression': {
      const a = constantOf(node.left)
      const b = constantOf(node.right)
      if (a === null || b === null) return null
      switch (node.operator) {
        case '<': return a < b
        case '>': return a > b
        case '<=': return a <= b
        case '>=': return a >= b
        case '==': case '===': return a === b
        case '!=': case '!==': return a !== b
        case '&&': return Boolean(a) && Boolean(b)
        case '||': return Boolean(a) || Boolean(b)
        default: return null // arithmetic stays in float32, as written
      }
    }
    default: return null
  }
}

/** Trip count of `for (let v = A; v < B; v++)` with literal A, B; null otherwise. */
function unrollCount(s: Node): number | null {
  const init = s.init?.declarations?.[0]
  const v = init?.id?.name
  if (init?.init?.type !== 'Literal' || s.test?.type !== 'BinaryExpression' || s.test.left.name !== v || s.test.right.type !== 'Literal') return null
  if (s.update?.type !== 'UpdateExpression' || s.update.operator !== '++' || s.update.argument.name !== v) return null
  const a = init.init.value
  const b = s.test.right.value
  const n = s.test.operator === '<' ? b - a : s.test.operator === '<=' ? b - a + 1 : NaN
  return Number.isInteger(n) && n >= 0 && n <= 64 ? n : null
}

/**
 * The side of an `if` on literals that runs (null when that side is absent), or undefined when
 * the test is not a literal one. Analysis and emission both skip the other side.
 */
function foldedSide(s: Node): Node | null | undefined {
  if (s.type !== 'IfStatement') return undefined
  const c = constantOf(s.test)
  return c === null ? undefined : (c ? s.consequent : s.alternate) ?? null
}

/** An AST node's fields that may hold child nodes (everything but its type and source position). */
const childFields = (node: Node): Array<[string, Node]> =>
  Object.entries(node).filter(([k]) => k !== 'type' && k !== 'start' && k !== 'end')

/** Names that `pick` finds in any node inside `node` (arrays of nodes included). */
function namesIn(node: Node, pick: (n: Node) => string | undefined, into = new Set<string>()): Set<string> {
  if (!node || typeof node !== 'object') return into
  if (Array.isArray(node)) { for (const n of node) namesIn(n, pick, into); return into }
  const name = pick(node)
  if (name !== undefined) into.add(name)
  for (const [, v] of childFields(node)) namesIn(v, pick, into)
  return into
}
/** Names a statement assigns (=, ++/--) or declares, anywhere inside it. */
const assignedNames = (node: Node) => namesIn(node, (n) => (n.type === 'AssignmentExpression' && n.left.type === 'Identifier' ? n.left.name
  : n.type === 'UpdateExpression' ? n.argument.name : n.type === 'VariableDeclarator' ? n.id.name : undefined))
const assigns = (node: Node, name: string) => assignedNames(node).has(name)
/** Names declared (`let`) anywhere inside a statement. */
const declaredNames = (node: Node) => namesIn(node, (n) => (n.type === 'VariableDeclarator' ? n.id.name : undefined))

const isNumeric = (k: Kind) => k === 'f32' || k === 'v128'

/** A function's inlined instance: its own names (prefixed) and kinds. */
interface Scope {
  /** Source name → variable key. */
  readonly names: Map<string, string>
  /** Prefix of the keys of names declared here ('' at the top level). */
  readonly prefix: string
  readonly parent?: Scope
}

export function compileKernel(program: KernelProgram): CompiledProgram {
  const source = program.body
  const body = parse(source, { ecmaVersion: 2020, sourceType: 'script', allowReturnOutsideFunction: false }).body as Node[]
  const functions = new Map<string, Node>()
  for (const f of parse(program.functions, { ecmaVersion: 2020 }).body as Node[]) {
    if (f.type !== 'FunctionDeclaration') fail(f, program.functions, 'only function declarations may stand beside the kernel')
    functions.set(f.id.name, f)
  }
  const columns = new Map(program.columns.map((c, j) => [c, j]))
  const scalars = new Map(program.scalars.map((c, j) => [c, j]))
  const K = program.interleave
  const scalarOffset = program.columns.length * program.stride * 4
  const rowColumns = new Map((program.rows?.columns ?? []).map((c, j) => [c, j]))
  const rowOffset = Math.ceil((scalarOffset + 4 * program.scalars.length) / 16) * 16
  const fb = new FunctionBody(['i32', 'i32'])
  const FROM = 0
  const TO = 1

  // ---------------------------------------------------------------- kinds (fixpoint)
  /** Variable key → kind; keys are source names, or `@n:name` inside inlined function instance n. */
  const kinds = new Map<string, 'f32' | 'v128'>()
  let inlineCounter = 0
  const analysing = new Set<string>()
  /** Per-call-site instances, so analysis and emission see the same keys. */
  const instances = new Map<Node, Scope>()

  const lookup = (scope: Scope, name: string): string | undefined => {
    for (let s: Scope | undefined = scope; s; s = s.parent) { const k = s.names.get(name); if (k) return k }
    return undefined
  }
  const instanceFor = (call: Node, fn: Node): Scope => {
    let inst = instances.get(call)
    if (!inst) {
      const n = inlineCounter++
      const names = new Map<string, string>()
      for (const p of fn.params) names.set(p.name, `@${n}:${p.name}`)
      inst = { names, prefix: `@${n}:` }
      instances.set(call, inst)
    }
    return inst
  }

  const kindOf = (node: Node, scope: Scope, src: string): Kind => {
    switch (node.type) {
      case 'Literal':
        if (typeof node.value !== 'number') fail(node, src, 'only numeric literals')
        return 'f32'
      case 'Identifier': {
        const key = lookup(scope, node.name)
        if (key) return kinds.get(key) ?? 'f32'
        if (scalars.has(node.name)) return 'f32'
        return fail(node, src, `unknown identifier '${node.name}'`)
      }
      case 'MemberExpression':
        if (isColumnAccess(node)) return 'v128'
        if (node.object.name === 'Math' && (node.property.name === 'PI' || node.property.name === 'E')) return 'f32'
        return fail(node, src, 'unsupported member access')
      case 'UnaryExpression':
        if (node.operator === '-' || node.operator === '+') return numeric(kindOf(node.argument, scope, src), node.argument, src)
        if (node.operator === '!') return condition(kindOf(node.argument, scope, src), node.argument, src)
        return fail(node, src, `unsupported operator '${node.operator}'`)
      case 'BinaryExpression': {
        const a = numeric(kindOf(node.left, scope, src), node.left, src)
        const b = numeric(kindOf(node.right, scope, src), node.right, src)
        if (ARITH[node.operator]) return a === 'v128' || b === 'v128' ? 'v128' : 'f32'
        if (COMPARE[node.operator]) return a === 'v128' || b === 'v128' ? 'mask' : 'bool'
        return fail(node, src, `unsupported operator '${node.operator}'`)
      }
      case 'LogicalExpression': {
        const a = condition(kindOf(node.left, scope, src), node.left, src)
        const b = condition(kindOf(node.right, scope, src), node.right, src)
        return a === 'mask' || b === 'mask' ? 'mask' : 'bool'
      }
      case 'ConditionalExpression': {
        const c = condition(kindOf(node.test, scope, src), node.test, src)
        const a = numeric(kindOf(node.consequent, scope, src), node.consequent, src)
        const b = numeric(kindOf(node.alternate, scope, src), node.alternate, src)
        return c === 'mask' || a === 'v128' || b === 'v128' ? 'v128' : 'f32'
      }
      case 'CallExpression': {
        const args = node.arguments.map((a: Node) => numeric(kindOf(a, scope, src), a, src))
        const callee = node.callee
        if (callee.type === 'MemberExpression' && callee.object.name === 'Math') {
          return args.includes('v128') ? 'v128' : 'f32'
        }
        const fn = callee.type === 'Identifier' ? functions.get(callee.name) : undefined
        if (!fn) return fail(node, src, 'unknown function')
        if (fn.params.length !== args.length) fail(node, src, `${callee.name} takes ${fn.params.length} arguments`)
        if (analysing.has(fn.id.name)) fail(node, src, `${fn.id.name} calls itself (inlined calls cannot recurse)`)
        const inst = instanceFor(node, fn)
        fn.params.forEach((p: Node, j: number) => widen(inst.names.get(p.name)!, args[j]))
        const ret = fn.body.body[fn.body.body.length - 1]
        if (ret?.type !== 'ReturnStatement') fail(fn, program.functions, 'an inlined function must end with its only return')
        analysing.add(fn.id.name)
        try {
          analyse(fn.body.body, inst, false, program.functions)
          return numeric(kindOf(ret.argument, inst, program.functions), ret.argument, program.functions)
        } finally { analysing.delete(fn.id.name) }
      }
      default:
        return fail(node, src, `unsupported expression ${node.type}`)
    }
  }
  const numeric = (k: Kind, node: Node, src: string): 'f32' | 'v128' => (isNumeric(k) ? k as 'f32' | 'v128' : fail(node, src, 'a condition used as a number'))
  const condition = (k: Kind, node: Node, src: string): 'bool' | 'mask' => (isNumeric(k) ? fail(node, src, 'a number used as a condition') : k as 'bool' | 'mask')
  const isColumnAccess = (node: Node) => node.type === 'MemberExpression' && node.computed && node.object.type === 'Identifier'
    && columns.has(node.object.name) && node.property.type === 'Identifier' && node.property.name === 'i'
  /** `NAME[i][j]`, a write of point j to a row column (KernelProgram.rows). */
  const isRowAccess = (node: Node) => node.type === 'MemberExpression' && node.computed && node.object.type === 'MemberExpression'
    && node.object.computed && node.object.object.type === 'Identifier' && rowColumns.has(node.object.object.name)
    && node.object.property.type === 'Identifier' && node.object.property.name === 'i'

  let changed = false
  const widen = (key: string, kind: 'f32' | 'v128') => {
    if (kinds.get(key) === 'v128') return
    if (kind === 'v128' || !kinds.has(key)) { if (kinds.get(key) !== kind) changed = true; kinds.set(key, kind) }
  }
  /** Declares (in the flat top-level namespace, or the instance's) and returns the key. */
  const declare = (scope: Scope, name: string): string => {
    const existing = scope.names.get(name)
    if (existing) return existing
    const key = scope.prefix + name
    scope.names.set(name, key)
    return key
  }
  const assignTarget = (scope: Scope, node: Node, src: string): string => {
    if (node.type !== 'Identifier') fail(node, src, 'only variables and particle columns can be assigned')
    const key = lookup(scope, node.name)
    if (!key) fail(node, src, `assignment to undeclared '${node.name}'`)
    return key
  }
  /** One pass of kind inference over statements; `varying` = inside a varying condition. */
  const analyse = (stmts: Node[], scope: Scope, varying: boolean, src: string): void => {
    for (const s of stmts) {
      switch (s.type) {
        case 'VariableDeclaration':
          for (const d of s.declarations) {
            const k = d.init ? numeric(kindOf(d.init, scope, src), d.init, src) : 'f32'
            widen(declare(scope, d.id.name), varying ? 'v128' : k)
          }
          break
        case 'ExpressionStatement': {
          const e = s.expression
          if (e.type === 'AssignmentExpression') {
            const k = numeric(kindOf(e.right, scope, src), e.right, src)
            if (isColumnAccess(e.left)) break
            if (isRowAccess(e.left)) {
              if (kindOf(e.left.property, scope, src) !== 'f32') fail(e.left.property, src, 'a point row must be the same for every particle')
              break
            }
            widen(assignTarget(scope, e.left, src), varying ? 'v128' : k)
          } else if (e.type === 'UpdateExpression') {
            const key = assignTarget(scope, e.argument, src)
            if (varying) widen(key, 'v128')
          } else fail(e, src, 'only assignments may stand as statements')
          break
        }
        case 'IfStatement': {
          const folded = foldedSide(s)
          if (folded !== undefined) { if (folded) analyse([folded], scope, varying, src); break }
          const v = varying || condition(kindOf(s.test, scope, src), s.test, src) === 'mask'
          analyse([s.consequent], scope, v, src)
          if (s.alternate) analyse([s.alternate], scope, v, src)
          break
        }
        case 'BlockStatement': analyse(s.body, scope, varying, src); break
        case 'ForStatement': {
          // A literal trip count is the same for every lane: its counter stays uniform.
          const unrolled = unrollCount(s) !== null
          if (unrolled && assigns(s.body, s.init.declarations[0].id.name)) fail(s, src, 'the body of a counted loop must not assign its counter')
          analyse([s.init], scope, varying && !unrolled, src)
          analyse([s.body], scope, varying || condition(kindOf(s.test, scope, src), s.test, src) === 'mask', src)
          break
        }
        case 'ReturnStatement': case 'EmptyStatement': break
        default: fail(s, src, `unsupported statement ${s.type}`)
      }
    }
  }
  const top: Scope = { names: new Map(), prefix: '' }
  do { changed = false; analyse(body, top, false, source) } while (changed)

  // ---------------------------------------------------------------- emission
  /** Wasm local per (variable key, lane group); uniform variables have one. */
  const locals = new Map<string, number>()
  const localOf = (key: string, group: number): number => {
    const kind = kinds.get(key) ?? 'f32'
    const id = kind === 'v128' ? `${key}#${group}` : key
    let l = locals.get(id)
    if (l === undefined) { l = fb.local(kind); locals.set(id, l) }
    return l
  }
  const scalarLocals = new Map<string, number>()
  const tempPool: Record<ValType, number[]> = { i32: [], f32: [], f64: [], v128: [] }
  const temp = (t: ValType) => tempPool[t].pop() ?? fb.local(t)
  const release = (t: ValType, l: number) => tempPool[t].push(l)
  const imports: Array<{ name: string; arity: 1 | 2 }> = []
  const importIndex = (name: string) => {
    let j = imports.findIndex((f) => f.name === name)
    if (j < 0) { imports.push({ name, arity: IMPORTED[name] }); j = imports.length - 1 }
    return j
  }
  const ADDR = fb.local('i32')

  interface Ctx { readonly scope: Scope; readonly group: number; readonly mask: number | null; readonly src: string }

  /** Emit `node` converted to `want`. */
  /**
   * Vector constants live in locals set once before the loops: V8 rebuilds a v128.const from
   * immediates at each use, where a local costs at most a reload.
   */
  const vectorConstants = new Map<string, [number, number]>()
  const vectorConstant = (v: number) => {
    // Keyed by text with the sign of zero kept (a Map would merge −0 into +0).
    const value = Math.fround(v)
    const key = Object.is(value, -0) ? '-0' : String(value)
    let entry = vectorConstants.get(key)
    if (entry === undefined) { entry = [value, fb.local('v128')]; vectorConstants.set(key, entry) }
    return entry[1]
  }
  /** Uniform subexpressions of a statement emitted per lane group, splatted once before the groups. */
  const hoisted = new Map<Node, number>()
  const expr = (node: Node, want: Kind, ctx: Ctx): void => {
    const literal = node.type === 'Literal' ? node.value : node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'Literal' ? -node.argument.value : null
    if (typeof literal === 'number' && want === 'v128') { fb.op(OP.localGet, vectorConstant(literal)); return }
    if (want === 'v128' && hoisted.has(node)) { fb.op(OP.localGet, hoisted.get(node)!); return }
    const have = kindOf(node, ctx.scope, ctx.src)
    emitRaw(node, have, ctx)
    convert(have, want, node, ctx)
  }
  const convert = (have: Kind, want: Kind, node: Node, ctx: Ctx) => {
    if (have === want) return
    if (have === 'f32' && want === 'v128') fb.simd(SIMD.f32x4Splat)
    else if (have === 'bool' && want === 'mask') fb.simd(SIMD.i32x4Splat).simd(I32X4_NEG)
    else fail(node, ctx.src, `cannot use a ${have} value as ${want}`)
  }
  const emitRaw = (node: Node, kind: Kind, ctx: Ctx): void => {
    const vec = kind === 'v128' || kind === 'mask'
    switch (node.type) {
      case 'Literal': fb.f32(node.value); return
      case 'Identifier': {
        const key = lookup(ctx.scope, node.name)
        if (key) { fb.op(OP.localGet, localOf(key, ctx.group)); return }
        const l = scalarLocals.get(node.name)
        if (l === undefined) fail(node, ctx.src, `scalar '${node.name}' read before the kernel loaded it`)
        fb.op(OP.localGet, l)
        return
      }
      case 'MemberExpression':
        if (isColumnAccess(node)) {
          fb.op(OP.localGet, ADDR).simd(SIMD.v128Load).memarg(4, columnOffset(node.object.name, ctx.group))
        } else fb.f32(node.property.name === 'PI' ? Math.PI : Math.E)
        return
      case 'UnaryExpression':
        if (node.operator === '+') { expr(node.argument, kind, ctx); return }
        if (node.operator === '-') {
          if (node.argument.type === 'Literal') { fb.f32(-node.argument.value); return }
          expr(node.argument, kind, ctx)
          if (vec) fb.simd(SIMD.f32x4Neg); else fb.op(OP.f32Neg)
          return
        }
        if (node.argument.type === 'BinaryExpression' && (node.argument.operator === '==' || node.argument.operator === '===')) {
          // !(a == b) is a != b in IEEE arithmetic (both true when unordered): one compare, no not.
          const operand = vec ? 'v128' : 'f32'
          expr(node.argument.left, operand, ctx)
          expr(node.argument.right, operand, ctx)
          if (vec) fb.simd(SIMD.f32x4Ne); else fb.op(OP.f32Ne)
          return
        }
        expr(node.argument, kind, ctx)
        if (vec) fb.simd(SIMD.v128Not); else fb.op(OP.i32Eqz)
        return
      case 'BinaryExpression': {
        const operand = vec ? 'v128' : 'f32'
        expr(node.left, operand, ctx)
        expr(node.right, operand, ctx)
        const [scalar, simd] = ARITH[node.operator] ?? COMPARE[node.operator]
        if (vec) fb.simd(simd); else fb.op(scalar)
        return
      }
      case 'LogicalExpression':
        expr(node.left, kind, ctx)
        expr(node.right, kind, ctx)
        if (vec) fb.simd(node.operator === '&&' ? SIMD.v128And : SIMD.v128Or)
        else fb.op(node.operator === '&&' ? OP.i32And : OP.i32Or)
        return
      case 'ConditionalExpression':
        expr(node.consequent, kind, ctx)
        expr(node.alternate, kind, ctx)
        if (vec) { expr(node.test, 'mask', ctx); fb.simd(SIMD.v128Bitselect) } else { expr(node.test, 'bool', ctx); fb.op(OP.select) }
        return
      case 'CallExpression':
        if (node.callee.type === 'MemberExpression') mathCall(node, node.callee.property.name, vec, ctx)
        else inline(node, kind, ctx)
        return
      default:
        fail(node, ctx.src, `unsupported expression ${node.type}`)
    }
  }
  const columnOffset = (name: string, group: number) => (columns.get(name)! * program.stride + 4 * group) * 4

  const mathCall = (node: Node, name: string, vec: boolean, ctx: Ctx) => {
    const want = vec ? 'v128' : 'f32'
    const args: Node[] = node.arguments
    if (NATIVE[name]) {
      if (args.length !== 1) fail(node, ctx.src, `Math.${name} takes one argument`)
      expr(args[0], want, ctx)
      if (vec) fb.simd(NATIVE[name][1]); else fb.op(NATIVE[name][0])
    } else if (name === 'min' || name === 'max') {
      if (args.length !== 2) fail(node, ctx.src, `Math.${name} takes two arguments here`)
      expr(args[0], want, ctx)
      expr(args[1], want, ctx)
      if (vec) fb.simd(name === 'min' ? SIMD.f32x4Min : SIMD.f32x4Max); else fb.op(name === 'min' ? OP.f32Min : OP.f32Max)
    } else if (name === 'sign') {
      // 1 where x > 0, −1 where x < 0, x itself otherwise (±0 and NaN), as Math.sign.
      const x = temp(want)
      expr(args[0], want, ctx)
      fb.op(OP.localSet, x)
      if (vec) {
        fb.f32x4(1).f32x4(-1).op(OP.localGet, x).op(OP.localGet, x).f32x4(0).simd(SIMD.f32x4Lt).simd(SIMD.v128Bitselect)
        fb.op(OP.localGet, x).f32x4(0).simd(SIMD.f32x4Gt).simd(SIMD.v128Bitselect)
      } else {
        fb.f32(1).f32(-1).op(OP.localGet, x).op(OP.localGet, x).f32(0).op(OP.f32Lt).op(OP.select)
        fb.op(OP.localGet, x).f32(0).op(OP.f32Gt).op(OP.select)
      }
      release(want, x)
    } else if (IMPORTED[name]) {
      if (args.length !== IMPORTED[name]) fail(node, ctx.src, `Math.${name} takes ${IMPORTED[name]} argument(s)`)
      const f = importIndex(name)
      if (!vec) {
        for (const a of args) { expr(a, 'f32', ctx); fb.op(OP.f64PromoteF32) }
        fb.op(OP.call, f).op(OP.f32DemoteF64)
        return
      }
      const held = args.map((a: Node) => { const l = temp('v128'); expr(a, 'v128', ctx); fb.op(OP.localSet, l); return l })
      if (VECTOR_MATH.has(name)) {
        // Four lanes at once where every lane is in the fast path's domain, else lane by lane.
        const result = temp('v128')
        const e = { fb, temp, release, constant: vectorConstant }
        emitInDomain(e, name as VectorMathName, held[0])
        fb.op(OP.if).blockType()
        emitVectorMath(e, name as VectorMathName, held[0])
        fb.op(OP.localSet, result).op(OP.else)
        laneByLane(f, held)
        fb.op(OP.localSet, result).op(OP.end).op(OP.localGet, result)
        release('v128', result)
      } else laneByLane(f, held)
      for (const l of held) release('v128', l)
    } else fail(node, ctx.src, `Math.${name} is not available in kernels`)
  }

  /** Imported function `f` on each lane of the held vectors: the result vector on the stack. */
  const laneByLane = (f: number, held: number[]) => {
    const result = temp('v128')
    fb.f32x4(0).op(OP.localSet, result)
    for (let lane = 0; lane < 4; lane++) {
      fb.op(OP.localGet, result)
      for (const l of held) fb.op(OP.localGet, l).simd(SIMD.f32x4ExtractLane, lane).op(OP.f64PromoteF32)
      fb.op(OP.call, f).op(OP.f32DemoteF64).simd(SIMD.f32x4ReplaceLane, lane).op(OP.localSet, result)
    }
    fb.op(OP.localGet, result)
    release('v128', result)
  }
  const inlining = new Set<string>()
  const inline = (node: Node, kind: Kind, ctx: Ctx) => {
    const fn = functions.get(node.callee.name)!
    if (inlining.has(fn.id.name)) fail(node, ctx.src, `${fn.id.name} calls itself (inlined calls cannot recurse)`)
    const inst = instances.get(node)!
    const inner: Ctx = { scope: inst, group: ctx.group, mask: ctx.mask, src: program.functions }
    fn.params.forEach((p: Node, j: number) => {
      const key = inst.names.get(p.name)!
      expr(node.arguments[j], kinds.get(key)!, ctx)
      fb.op(OP.localSet, localOf(key, ctx.group))
    })
    const stmts: Node[] = fn.body.body
    inlining.add(fn.id.name)
    // Inside a lane mask the callee's own locals are fresh: its statements run unmasked.
    statements(stmts.slice(0, -1), { ...inner, mask: null }, false)
    expr(stmts[stmts.length - 1].argument, kind, inner)
    inlining.delete(fn.id.name)
  }

  const declaredAt = new Map<string, Node>()
  /** Assign the value on the stack to `key` in lane group `group`, blended under `mask`. */
  const store = (key: string, ctx: Ctx) => {
    const l = localOf(key, ctx.group)
    if (ctx.mask !== null && kinds.get(key) === 'v128') {
      fb.op(OP.localGet, l).op(OP.localGet, ctx.mask).simd(SIMD.v128Bitselect)
    }
    fb.op(OP.localSet, l)
  }

  const isUniform = (node: Node, scope: Scope): boolean => {
    let uniform = true
    const visit = (n: Node) => {
      if (!uniform || !n || typeof n !== 'object') return
      if (Array.isArray(n)) { n.forEach(visit); return }
      const folded = foldedSide(n)
      if (folded !== undefined) { visit(folded); return }
      if (n.type === 'MemberExpression' && (isColumnAccess(n) || isRowAccess(n))) { uniform = false; return }
      if (n.type === 'Identifier') {
        const key = lookup(scope, n.name)
        if (key && kinds.get(key) === 'v128') uniform = false
        return
      }
      if (n.type === 'CallExpression' && n.callee.type === 'Identifier') {
        if (kindOf(n, scope, source) === 'v128') uniform = false
      }
      for (const [, v] of childFields(n)) visit(v)
    }
    visit(node)
    return uniform
  }

  /**
   * Emit statements. In group mode (`grouped`), uniform statements are emitted once, uniform
   * branches and loops once around grouped bodies, and anything else once per lane group,
   * statement by statement (interleaved).
   */
  const statements = (stmts: Node[], ctx: Ctx, grouped: boolean): void => {
    const flat: Node[] = []
    const flatten = (list: Node[]) => {
      for (const s of list) {
        const folded = foldedSide(s)
        if (folded !== undefined) { if (folded) flatten([folded]) } else if (s.type === 'BlockStatement') flatten(s.body)
        else flat.push(s)
      }
    }
    flatten(stmts)
    if (!grouped) { for (const s of flat) statement(s, ctx); return }
    // Runs of per-group statements are emitted a whole group at a time (one group's temporaries
    // live at once); uniform statements between runs keep their place.
    let run: Node[] = []
    const flush = () => {
      if (!run.length) return
      const lifted = hoist(run, ctx)
      for (let g = 0; g < K; g++) for (const s of run) statement(s, { ...ctx, group: g })
      for (const [node, l] of lifted) { hoisted.delete(node); release('v128', l) }
      run = []
    }
    for (const s of flat) {
      if (isUniform(s, ctx.scope)) { flush(); statement(s, ctx) }
      else if (s.type === 'IfStatement' && kindOf(s.test, ctx.scope, ctx.src) === 'bool') { flush(); ifUniform(s, ctx, true) }
      else if (s.type === 'ForStatement' && !unrollCount(s)) { flush(); loop(s, ctx, true) }
      else {
        // Per-group code runs once per lane group: a shared value it updates would advance once
        // per group. Uniform names declared inside the statement are fresh for each group.
        const local = declaredNames(s)
        for (const name of assignedNames(s)) {
          const key = lookup(ctx.scope, name)
          if (key && kinds.get(key) !== 'v128' && !local.has(name)) fail(s, ctx.src, `'${name}', shared by all particles, is assigned in per-particle code`)
        }
        run.push(s)
      }
    }
    flush()
  }
  /**
   * Before statements `s` are emitted once per lane group: their uniform subexpressions used as
   * vectors (`(1 - beta1)`, `step_size`) are computed and splatted once, for all groups. Only
   * expressions over top-level names that `s` do not assign (the groups' copies then see the
   * same values), without inlined calls.
   */
  const hoist = (s: Node[], ctx: Ctx): Map<Node, number> => {
    const assigned = assignedNames(s)
    const liftable = (n: Node): boolean => {
      if (n.type === 'Literal') return true
      if (n.type === 'Identifier') return !assigned.has(n.name) && (scalars.has(n.name) || top.names.has(n.name))
      if (n.type === 'CallExpression') return n.callee.type === 'MemberExpression' && n.arguments.every(liftable)
      if (n.type === 'MemberExpression') return !isColumnAccess(n)
      if (n.type === 'BinaryExpression') return Boolean(ARITH[n.operator]) && liftable(n.left) && liftable(n.right)
      if (n.type === 'UnaryExpression') return n.operator === '-' && liftable(n.argument)
      return false
    }
    const lifted = new Map<Node, number>()
    const visit = (n: Node, parentVector: boolean) => {
      if (!n || typeof n !== 'object') return
      if (Array.isArray(n)) { n.forEach((c) => visit(c, parentVector)); return }
      // The side of a folded branch that is not emitted was never analysed: leave it alone.
      const folded = foldedSide(n)
      if (folded !== undefined) { visit(folded, false); return }
      const varyingTarget = (id: Node) => isColumnAccess(id) || (id.type === 'Identifier' && kinds.get(lookup(ctx.scope, id.name) ?? '') === 'v128')
      if (n.type === 'AssignmentExpression') { visit(n.right, varyingTarget(n.left)); return }
      if (n.type === 'VariableDeclarator') { if (n.init) visit(n.init, varyingTarget(n.id)); return }
      if (n.type === 'UpdateExpression') return
      const isExpr = /Expression$|^Identifier$|^Literal$/.test(n.type ?? '')
      if (isExpr && parentVector && n.type !== 'Literal' && !(n.type === 'UnaryExpression' && n.argument.type === 'Literal')
        && kindOf(n, ctx.scope, ctx.src) === 'f32' && liftable(n)) {
        const l = temp('v128')
        expr(n, 'v128', ctx)
        fb.op(OP.localSet, l)
        hoisted.set(n, l)
        lifted.set(n, l)
        return
      }
      if (n.type === 'MemberExpression' || n.type === 'CallExpression' && n.callee.type === 'Identifier') return
      const kind = isExpr ? kindOf(n, ctx.scope, ctx.src) : null
      const vector = kind === 'v128' || kind === 'mask'
      for (const [k, v] of childFields(n)) if (!(n.type === 'CallExpression' && k === 'callee')) visit(v, vector)
    }
    visit(s, false)
    return lifted
  }
  const ifUniform = (s: Node, ctx: Ctx, grouped: boolean) => {
    expr(s.test, 'bool', ctx)
    fb.op(OP.if).blockType()
    statements([s.consequent], ctx, grouped)
    if (s.alternate) { fb.op(OP.else); statements([s.alternate], ctx, grouped) }
    fb.op(OP.end)
  }
  const increment = (s: Node, ctx: Ctx) => {
    const key = assignTarget(ctx.scope, s.update.argument, ctx.src)
    const step = s.update.operator === '++' ? 1 : -1
    fb.op(OP.localGet, localOf(key, ctx.group))
    if (kinds.get(key) === 'v128') fb.op(OP.localGet, vectorConstant(step)).simd(SIMD.f32x4Add)
    else fb.f32(step).op(OP.f32Add)
    store(key, ctx)
  }
  const loop = (s: Node, ctx: Ctx, grouped: boolean) => {
    if (kindOf(s.test, ctx.scope, ctx.src) !== 'bool') fail(s.test, ctx.src, 'a loop bound must be the same for every particle')
    statement(s.init, ctx)
    fb.op(OP.block).blockType().op(OP.loop).blockType()
    expr(s.test, 'bool', ctx)
    fb.op(OP.i32Eqz).op(OP.brIf, 1)
    statements([s.body], ctx, grouped)
    if (s.update.type !== 'UpdateExpression') fail(s.update, ctx.src, 'a loop must step with ++ or --')
    increment(s, ctx)
    fb.op(OP.br, 0).op(OP.end).op(OP.end)
  }

  const statement = (s: Node, ctx: Ctx): void => {
    switch (s.type) {
      case 'VariableDeclaration':
        // A declaration makes a new binding, so it is written in every lane even under a mask
        // (blending would keep the previous binding's value alive for nothing). With one
        // namespace per kernel that is only right without shadowing: refused below.
        for (const d of s.declarations) {
          const key = lookup(ctx.scope, d.id.name) ?? declare(ctx.scope, d.id.name)
          const site = declaredAt.get(key)
          if (site && site !== d) fail(d, ctx.src, `'${d.id.name}' is declared twice (kernels have one namespace: no shadowing)`)
          declaredAt.set(key, d)
          if (d.init) expr(d.init, kinds.get(key)!, ctx); else if (kinds.get(key) === 'v128') fb.f32x4(0); else fb.f32(0)
          fb.op(OP.localSet, localOf(key, ctx.group))
        }
        return
      case 'ExpressionStatement': {
        const e = s.expression
        if (e.type === 'UpdateExpression') { increment({ update: e }, ctx); return }
        if (e.operator !== '=') fail(e, ctx.src, `only plain assignment (=), not ${e.operator}`)
        if (isRowAccess(e.left)) {
          if (ctx.mask !== null) fail(e, ctx.src, 'a point row cannot be written under a condition')
          // Address: this lane group's particles + j whole rows.
          fb.op(OP.localGet, ADDR)
          expr(e.left.property, 'f32', ctx)
          fb.op(I32_TRUNC_F32_U).i32(program.stride * 4).op(OP.i32Mul).op(OP.i32Add)
          expr(e.right, 'v128', ctx)
          const column = rowColumns.get(e.left.object.object.name)! * program.rows!.count * program.stride
          fb.simd(SIMD.v128Store).memarg(4, rowOffset + (column + 4 * ctx.group) * 4)
          return
        }
        if (isColumnAccess(e.left)) {
          if (ctx.mask !== null) fail(e, ctx.src, 'a particle column cannot be written under a condition')
          fb.op(OP.localGet, ADDR)
          expr(e.right, 'v128', ctx)
          fb.simd(SIMD.v128Store).memarg(4, columnOffset(e.left.object.name, ctx.group))
          return
        }
        const key = assignTarget(ctx.scope, e.left, ctx.src)
        expr(e.right, kinds.get(key)!, ctx)
        store(key, ctx)
        return
      }
      case 'BlockStatement': statements(s.body, ctx, false); return
      case 'EmptyStatement': return
      case 'IfStatement': {
        // (An `if` on literals never gets here: statements() keeps only its running side.)
        if (kindOf(s.test, ctx.scope, ctx.src) === 'bool') { ifUniform(s, ctx, false); return }
        // If-conversion: each side under its lane mask, skipped when no lane takes it (measured:
        // the per-step divergence check costs 11% less behind the branch than blended every step).
        // The test once, before either side runs (a side may assign what the test reads).
        const test = temp('v128')
        expr(s.test, 'mask', ctx)
        fb.op(OP.localSet, test)
        const side = (code: Node, negate: boolean) => {
          const m = temp('v128')
          fb.op(OP.localGet, test)
          if (negate) fb.simd(SIMD.v128Not)
          if (ctx.mask !== null) fb.op(OP.localGet, ctx.mask).simd(SIMD.v128And)
          fb.op(OP.localSet, m)
          fb.op(OP.localGet, m).simd(SIMD.v128AnyTrue).op(OP.if).blockType()
          statements([code], { ...ctx, mask: m }, false)
          fb.op(OP.end)
          release('v128', m)
        }
        side(s.consequent, false)
        if (s.alternate) side(s.alternate, true)
        release('v128', test)
        return
      }
      case 'ForStatement': {
        const n = unrollCount(s)
        if (n === null) { loop(s, ctx, false); return }
        statement(s.init, ctx)
        for (let r = 0; r < n; r++) { statements([s.body], ctx, false); increment(s, ctx) }
        return
      }
      default:
        fail(s, ctx.src, `unsupported statement ${s.type}`)
    }
  }

  // ---------------------------------------------------------------- the function
  // run(from, to): lane groups of particles [from, to), 4·K particles per loop iteration.
  for (const [name, j] of scalars) {
    const l = fb.local('f32')
    scalarLocals.set(name, l)
    fb.i32(0).op(OP.f32Load).memarg(2, scalarOffset + 4 * j).op(OP.localSet, l)
  }
  fb.op(OP.localGet, FROM).i32(4).op(OP.i32Mul).op(OP.localSet, ADDR)
  fb.op(OP.block).blockType().op(OP.loop).blockType()
  fb.op(OP.localGet, ADDR).op(OP.localGet, TO).i32(4).op(OP.i32Mul).op(OP.i32GeU).op(OP.brIf, 1)
  statements(body, { scope: top, group: 0, mask: null, src: source }, true)
  fb.op(OP.localGet, ADDR).i32(16 * K).op(OP.i32Add).op(OP.localSet, ADDR)
  fb.op(OP.br, 0).op(OP.end).op(OP.end)
  const prologue = new FunctionBody([])
  for (const [v, l] of vectorConstants.values()) prologue.f32x4(v).op(OP.localSet, l)
  fb.code.unshift(...prologue.code)
  const bytes = program.rows ? rowOffset + rowColumns.size * program.rows.count * program.stride * 4 : scalarOffset + 4 * scalars.size
  return { body: fb, imports, scalarOffset, rowOffset, bytes }
}
