/**
 * Lowering: kernel code (acorn's ESTree) to the IR (ir.ts). This pass holds the subset check —
 * anything outside it is refused with the construct and its position — and the source-level
 * rewrites: names resolved to variable keys, calls inlined (one instance per call site),
 * branches on literals folded to the side that runs, blocks flattened, and `for` loops with
 * literal bounds marked for unrolling.
 *
 * Kernels have one namespace (no block scoping, no shadowing); an inlined call's instance has
 * its own, holding its parameters and locals, and sees the launch-wide scalars. Instances are
 * per call site in the source text, so the copies of a call site share their variables.
 */
import { parse } from 'acorn'
import type {
  CallExpression,
  Expression,
  ForStatement,
  FunctionDeclaration,
  MemberExpression,
  Node,
  Pattern,
  PrivateIdentifier,
  SpreadElement,
  Statement,
  Super,
  VariableDeclarator,
} from 'acorn'
import { constantOf, unrollCount } from './fold'
import {
  ARITHMETIC,
  type ArithmeticOp,
  COMPARISON,
  type ComparisonOp,
  type Declare,
  type Expr,
  fail,
  type LoweredKernel,
  type Origin,
  type Step,
  type Stmt,
  type VarKey,
} from './ir'

/** Math functions a kernel may call, with their arity. */
export const MATH_ARITY: Readonly<Record<string, number>> = {
  sqrt: 1,
  abs: 1,
  floor: 1,
  ceil: 1,
  trunc: 1,
  sign: 1,
  min: 2,
  max: 2,
  sin: 1,
  cos: 1,
  tan: 1,
  asin: 1,
  acos: 1,
  atan: 1,
  sinh: 1,
  cosh: 1,
  tanh: 1,
  exp: 1,
  log: 1,
  log10: 1,
  log2: 1,
  pow: 2,
}
/** The imported (double-precision, per-lane) ones among them. */
export const IMPORTED_MATH: ReadonlySet<string> = new Set([
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'exp',
  'log',
  'log10',
  'log2',
  'pow',
])

export interface LoweringInput {
  /** Per-particle columns, read and written as `NAME[i]`. */
  readonly columns: readonly string[]
  /** Launch-wide inputs. */
  readonly scalars: readonly string[]
  /** Function declarations the code may call. */
  readonly functions: string
  readonly body: string
  /** Columns of kept points, written (only) as `NAME[i][row]`. */
  readonly rows?: { readonly columns: readonly string[] }
  /** Launch-wide tables, read (only) as `NAME[index]` with an index every particle shares. */
  readonly tables?: ReadonlyArray<{ readonly name: string }>
}

/** A variable namespace: the kernel's, or one inlined call's. */
interface Scope {
  readonly names: Map<string, VarKey>
  /** Prefix of the keys declared here ('' at the top level). */
  readonly prefix: string
  readonly source: string
}

const isArithmetic = (op: string): op is ArithmeticOp => (ARITHMETIC as readonly string[]).includes(op)
const isComparison = (op: string): op is ComparisonOp => (COMPARISON as readonly string[]).includes(op)

/** Keys a statement list assigns, declares or steps (not inside inlined calls). */
export function assignedKeys(stmts: readonly Stmt[], into = new Set<VarKey>()): Set<VarKey> {
  for (const s of stmts) {
    switch (s.type) {
      case 'declare':
      case 'assign':
      case 'step':
        into.add(s.key)
        break
      case 'if':
        assignedKeys(s.then, into)
        if (s.else) assignedKeys(s.else, into)
        break
      case 'loop':
      case 'unrolled':
        assignedKeys([s.init, s.update], into)
        assignedKeys(s.body, into)
        break
      case 'store':
      case 'storeRow':
        break
    }
  }
  return into
}

export function lower(input: LoweringInput): LoweredKernel {
  const functions = new Map<string, FunctionDeclaration>()
  for (const f of parse(input.functions, { ecmaVersion: 2020 }).body) {
    if (f.type !== 'FunctionDeclaration') fail(origin(f, input.functions), 'only function declarations may stand beside the kernel')
    functions.set(f.id.name, f)
  }
  const columns = new Set(input.columns)
  const scalars = new Set(input.scalars)
  const rowColumns = new Set(input.rows?.columns ?? [])
  const tables = new Set((input.tables ?? []).map((t) => t.name))
  const top: Scope = { names: new Map(), prefix: '', source: input.body }
  /** Where each key was declared: a second declaration of a name is refused. */
  const declaredAt = new Map<VarKey, VariableDeclarator>()
  const inlining = new Set<string>()
  /**
   * Instance number per call site in the source: a call inside a function inlined twice (gsMod
   * in gsUniform, per coordinate) reuses the same variables in both copies, as the copies run one
   * after the other. Fewer locals keep the function small (local indices past 127 take two bytes).
   */
  const instances = new Map<CallExpression, number>()

  function origin(node: Node, source: string): Origin {
    return { source, start: node.start, end: node.end }
  }
  const isColumn = (node: MemberExpression) =>
    node.computed &&
    node.object.type === 'Identifier' &&
    columns.has(node.object.name) &&
    node.property.type === 'Identifier' &&
    node.property.name === 'i'
  /** `NAME[i]` of a row column: the object of a point write `NAME[i][row]`. */
  const isRowColumn = (node: MemberExpression) =>
    node.computed &&
    node.object.type === 'Identifier' &&
    rowColumns.has(node.object.name) &&
    node.property.type === 'Identifier' &&
    node.property.name === 'i'

  function statements(list: readonly Statement[], scope: Scope, out: Stmt[] = []): Stmt[] {
    for (const s of list) statement(s, scope, out)
    return out
  }

  function statement(s: Statement, scope: Scope, out: Stmt[]): void {
    const at = origin(s, scope.source)
    switch (s.type) {
      case 'IfStatement': {
        const c = constantOf(s.test)
        if (c !== null) {
          const side = c ? s.consequent : s.alternate
          if (side) statement(side, scope, out)
          return
        }
        const test = expr(s.test, scope)
        const then = statements([s.consequent], scope)
        out.push({ type: 'if', test, then, else: s.alternate ? statements([s.alternate], scope) : null, at })
        return
      }
      case 'BlockStatement':
        statements(s.body, scope, out)
        return
      case 'EmptyStatement':
        return
      case 'VariableDeclaration':
        for (const d of s.declarations) out.push(declaration(d, scope))
        return
      case 'ExpressionStatement': {
        const e = s.expression
        if (e.type === 'UpdateExpression') {
          out.push(step(e.argument, e.operator, scope, at))
          return
        }
        if (e.type !== 'AssignmentExpression') fail(origin(e, scope.source), 'only assignments may stand as statements')
        if (e.operator !== '=') fail(origin(e, scope.source), `only plain assignment (=), not ${e.operator}`)
        const value = expr(e.right, scope)
        if (e.left.type === 'MemberExpression' && isColumn(e.left) && e.left.object.type === 'Identifier') {
          out.push({ type: 'store', column: e.left.object.name, value, at: origin(e, scope.source) })
          return
        }
        if (
          e.left.type === 'MemberExpression' &&
          e.left.computed &&
          e.left.object.type === 'MemberExpression' &&
          isRowColumn(e.left.object) &&
          e.left.object.object.type === 'Identifier' &&
          e.left.property.type !== 'PrivateIdentifier'
        ) {
          const row = expr(e.left.property, scope)
          out.push({ type: 'storeRow', column: e.left.object.object.name, row, value, at: origin(e, scope.source) })
          return
        }
        out.push({ type: 'assign', key: target(e.left, scope), value, at: origin(e, scope.source) })
        return
      }
      case 'ForStatement':
        out.push(loop(s, scope, at, out))
        return
      default:
        fail(at, `unsupported statement ${s.type}`)
    }
  }

  function declaration(d: VariableDeclarator, scope: Scope): Declare {
    const at = origin(d, scope.source)
    if (d.id.type !== 'Identifier') fail(at, 'only simple names can be declared')
    const init = d.init ? expr(d.init, scope) : null
    const name = d.id.name
    let key = scope.names.get(name)
    if (key === undefined) {
      key = scope.prefix + name
      scope.names.set(name, key)
    }
    const site = declaredAt.get(key)
    if (site && site !== d) fail(at, `'${name}' is declared twice (kernels have one namespace: no shadowing)`)
    declaredAt.set(key, d)
    return { type: 'declare', key, init, at }
  }

  function target(node: Node, scope: Scope): VarKey {
    const at = origin(node, scope.source)
    if (node.type !== 'Identifier') fail(at, 'only variables and particle columns can be assigned')
    const key = scope.names.get((node as Node & { name: string }).name)
    if (key === undefined) fail(at, `assignment to undeclared '${(node as Node & { name: string }).name}'`)
    return key
  }

  function step(argument: Node, operator: '++' | '--', scope: Scope, at: Origin): Step {
    return { type: 'step', key: target(argument, scope), delta: operator === '++' ? 1 : -1, at }
  }

  /** A `for` loop; declarations beside its counter (`let j = 0, k = 1`) go to `out` before it. */
  function loop(s: ForStatement, scope: Scope, at: Origin, out: Stmt[]): Stmt {
    if (s.init?.type !== 'VariableDeclaration') fail(s.init ? origin(s.init, scope.source) : at, 'a loop must declare its counter')
    if (!s.test) fail(at, 'a loop needs a bound')
    if (s.update?.type !== 'UpdateExpression') fail(s.update ? origin(s.update, scope.source) : at, 'a loop must step with ++ or --')
    const count = unrollCount(s)
    for (const d of s.init.declarations.slice(1)) out.push(declaration(d, scope))
    const init = declaration(s.init.declarations[0], scope)
    const test = expr(s.test, scope)
    const update = step(s.update.argument, s.update.operator, scope, origin(s.update, scope.source))
    const body = statements([s.body], scope)
    if (count === null) return { type: 'loop', init, test, update, body, at }
    if (assignedKeys(body).has(init.key)) fail(at, 'the body of a counted loop must not assign its counter')
    return { type: 'unrolled', count, init, test, update, body, at }
  }

  function expr(node: Expression | Super | PrivateIdentifier | SpreadElement | Pattern, scope: Scope): Expr {
    const at = origin(node, scope.source)
    switch (node.type) {
      case 'Literal':
        if (typeof node.value !== 'number') fail(at, 'only numeric literals')
        return { type: 'num', value: node.value, at }
      case 'Identifier': {
        const key = scope.names.get(node.name)
        if (key !== undefined) return { type: 'var', key, at }
        if (scalars.has(node.name)) return { type: 'scalar', name: node.name, at }
        return fail(at, `unknown identifier '${node.name}'`)
      }
      case 'MemberExpression':
        if (isColumn(node) && node.object.type === 'Identifier') return { type: 'column', name: node.object.name, at }
        if (
          node.computed &&
          node.object.type === 'Identifier' &&
          tables.has(node.object.name) &&
          node.property.type !== 'PrivateIdentifier'
        )
          return { type: 'table', name: node.object.name, index: expr(node.property, scope), at }
        if (
          node.object.type === 'Identifier' &&
          node.object.name === 'Math' &&
          node.property.type === 'Identifier' &&
          (node.property.name === 'PI' || node.property.name === 'E')
        )
          return { type: 'const', name: node.property.name, at }
        return fail(at, 'unsupported member access')
      case 'UnaryExpression':
        if (node.operator !== '-' && node.operator !== '+' && node.operator !== '!')
          return fail(at, `unsupported operator '${node.operator}'`)
        return { type: 'unary', op: node.operator, arg: expr(node.argument, scope), at }
      case 'BinaryExpression': {
        const left = expr(node.left, scope)
        const right = expr(node.right, scope)
        if (isArithmetic(node.operator)) return { type: 'arith', op: node.operator, left, right, at }
        if (isComparison(node.operator)) return { type: 'compare', op: node.operator, left, right, at }
        return fail(at, `unsupported operator '${node.operator}'`)
      }
      case 'LogicalExpression':
        if (node.operator === '??') return fail(at, `unsupported operator '${node.operator}'`)
        return { type: 'logical', op: node.operator, left: expr(node.left, scope), right: expr(node.right, scope), at }
      case 'ConditionalExpression':
        return { type: 'select', test: expr(node.test, scope), then: expr(node.consequent, scope), else: expr(node.alternate, scope), at }
      case 'CallExpression':
        return call(node, scope, at)
      default:
        return fail(at, `unsupported expression ${node.type}`)
    }
  }

  function call(node: CallExpression, scope: Scope, at: Origin): Expr {
    const callee = node.callee
    if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'Math') {
      const name = callee.property.type === 'Identifier' ? callee.property.name : '?'
      const arity = MATH_ARITY[name]
      if (arity === undefined) fail(at, `Math.${name} is not available in kernels`)
      if (node.arguments.length !== arity) {
        fail(
          at,
          IMPORTED_MATH.has(name)
            ? `Math.${name} takes ${arity} argument(s)`
            : arity === 1
              ? `Math.${name} takes one argument`
              : `Math.${name} takes two arguments here`,
        )
      }
      return { type: 'math', name, args: node.arguments.map((a) => expr(a, scope)), at }
    }
    const fn = callee.type === 'Identifier' ? functions.get(callee.name) : undefined
    if (!fn) return fail(at, 'unknown function')
    const args = node.arguments.map((a) => expr(a, scope))
    if (fn.params.length !== args.length) fail(at, `${fn.id.name} takes ${fn.params.length} arguments`)
    if (inlining.has(fn.id.name)) fail(at, `${fn.id.name} calls itself (inlined calls cannot recurse)`)
    const stmts = fn.body.body
    const ret = stmts[stmts.length - 1]
    if (ret?.type !== 'ReturnStatement' || !ret.argument)
      return fail(origin(fn, input.functions), 'an inlined function must end with its only return')
    const n = instances.get(node) ?? instances.size
    instances.set(node, n)
    const instance: Scope = { names: new Map(), prefix: `@${n}:`, source: input.functions }
    const params = fn.params.map((p) => {
      if (p.type !== 'Identifier') fail(origin(p, input.functions), 'only simple parameters')
      const key = `@${n}:${p.name}`
      instance.names.set(p.name, key)
      return key
    })
    inlining.add(fn.id.name)
    try {
      const body = statements(stmts.slice(0, -1), instance)
      return { type: 'inline', fn: fn.id.name, params, args, body, result: expr(ret.argument, instance), at }
    } finally {
      inlining.delete(fn.id.name)
    }
  }

  const body = statements(
    parse(input.body, { ecmaVersion: 2020, sourceType: 'script', allowReturnOutsideFunction: false }).body as Statement[],
    top,
  )
  return { body, topLevel: new Set(top.names.values()) }
}
