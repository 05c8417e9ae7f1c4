/**
 * The landscape's own expression language: a hash-consed DAG of whitelisted nodes.
 *
 * User text never reaches code generation. `parse.ts` turns math.js's AST into these nodes
 * (refusing everything outside the whitelist); derivatives and code emission only ever see
 * this closed set of node kinds. Interning (one object per distinct subtree) makes common
 * subexpressions of the gradient, Hessian and third-derivative trees shared objects, which
 * is what lets the emitter do CSE by identity.
 */

/** Functions a user may call, with their arity. `sign` is internal (the derivative of abs). */
export const USER_FUNCTIONS = {
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
  sqrt: 1,
  abs: 1,
  min: 2,
  max: 2,
} as const

export type UserFunction = keyof typeof USER_FUNCTIONS
export type FunctionName = UserFunction | 'sign'

export type Expr =
  | { readonly kind: 'num'; readonly id: number; readonly value: number }
  | { readonly kind: 'var'; readonly id: number; readonly name: string }
  | { readonly kind: 'neg'; readonly id: number; readonly a: Expr }
  | { readonly kind: 'add' | 'sub' | 'mul' | 'div' | 'pow'; readonly id: number; readonly a: Expr; readonly b: Expr }
  | { readonly kind: 'fn'; readonly id: number; readonly fn: FunctionName; readonly args: readonly Expr[] }

export type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'pow'

// One intern table per process is fine: nodes are immutable and small, and sharing across
// landscapes only helps. It is keyed by structure, so it cannot be confused by user text.
const table = new Map<string, Expr>()
let nextId = 0

function intern<E extends Expr>(key: string, make: (id: number) => E): E {
  const found = table.get(key)
  if (found) return found as E
  const node = make(nextId++)
  table.set(key, node)
  // Keep the table from growing without bound in a long interactive session.
  if (table.size > 2_000_000) table.clear()
  return node
}

export function num(value: number): Expr {
  // -0 and 0 are one node: derivatives never depend on the sign of zero.
  const v = value === 0 ? 0 : value
  return intern(`n${v}`, (id) => ({ kind: 'num', id, value: v }))
}

export function variable(name: string): Expr {
  return intern(`v${name}`, (id) => ({ kind: 'var', id, name }))
}

export const ZERO = num(0)
export const ONE = num(1)
export const TWO = num(2)

const isNum = (e: Expr): e is Extract<Expr, { kind: 'num' }> => e.kind === 'num'
/** Is `e` the constant `v`? (Not a type guard: a false answer says nothing about the kind.) */
const isConst = (e: Expr, v: number): boolean => e.kind === 'num' && e.value === v

/** Fold only when the result is an ordinary finite number; otherwise keep the tree. */
function folded(value: number): Expr | null {
  return Number.isFinite(value) ? num(value) : null
}

export function neg(a: Expr): Expr {
  if (isNum(a)) return num(-a.value)
  if (a.kind === 'neg') return a.a
  return intern(`-${a.id}`, (id) => ({ kind: 'neg', id, a }))
}

function binary(kind: BinaryKind, a: Expr, b: Expr): Expr {
  return intern(`${kind}${a.id},${b.id}`, (id) => ({ kind, id, a, b }))
}

export function add(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.value + b.value) ?? binary('add', a, b)
  if (isConst(a, 0)) return b
  if (isConst(b, 0)) return a
  if (b.kind === 'neg') return sub(a, b.a)
  if (a.kind === 'neg') return sub(b, a.a)
  // Canonical order makes a+b and b+a one node.
  return a.id <= b.id ? binary('add', a, b) : binary('add', b, a)
}

export function sub(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.value - b.value) ?? binary('sub', a, b)
  if (isConst(b, 0)) return a
  if (isConst(a, 0)) return neg(b)
  if (a === b) return ZERO
  if (b.kind === 'neg') return add(a, b.a)
  return binary('sub', a, b)
}

export function mul(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.value * b.value) ?? binary('mul', a, b)
  // 0·f is taken as 0: the usual symbolic rule. It only differs from IEEE where f is
  // already infinite or NaN, and there the point has diverged anyway.
  if (isConst(a, 0) || isConst(b, 0)) return ZERO
  if (isConst(a, 1)) return b
  if (isConst(b, 1)) return a
  if (isConst(a, -1)) return neg(b)
  if (isConst(b, -1)) return neg(a)
  if (a.kind === 'neg') return neg(mul(a.a, b))
  if (b.kind === 'neg') return neg(mul(a, b.a))
  // Constants first, then by id: c·f and f·c are one node, and c1·(c2·f) folds.
  if (isNum(b)) return mul(b, a)
  if (isNum(a) && b.kind === 'mul' && isNum(b.a)) {
    const merged = folded(a.value * b.a.value)
    if (merged) return mul(merged, b.b)
  }
  if (!isNum(a) && a.id > b.id) return binary('mul', b, a)
  return binary('mul', a, b)
}

export function div(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.value / b.value) ?? binary('div', a, b)
  if (isConst(a, 0)) return ZERO
  if (isConst(b, 1)) return a
  if (isConst(b, -1)) return neg(a)
  if (a === b) return ONE
  if (a.kind === 'neg') return neg(div(a.a, b))
  if (b.kind === 'neg') return neg(div(a, b.a))
  return binary('div', a, b)
}

export function pow(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.value ** b.value) ?? binary('pow', a, b)
  if (isConst(b, 0)) return ONE
  if (isConst(b, 1)) return a
  if (isConst(a, 1)) return ONE
  // (f^p)^q = f^(pq) only for integer p, q: otherwise it is wrong for negative f. And only while
  // pq is exact: past 2^53 the product rounds (to an even number, flipping the sign for a negative
  // f) or overflows to Infinity, which no backend can emit as a literal.
  if (a.kind === 'pow' && isNum(a.b) && isNum(b) && Number.isInteger(a.b.value) && Number.isInteger(b.value)) {
    const exponent = a.b.value * b.value
    if (Number.isSafeInteger(exponent)) return pow(a.a, num(exponent))
  }
  return binary('pow', a, b)
}

export function call(fn: FunctionName, args: readonly Expr[]): Expr {
  if (args.every((a) => isNum(a))) {
    const value = evaluateFunction(
      fn,
      args.map((a) => (a as { value: number }).value),
    )
    const f = folded(value)
    if (f) return f
  }
  return intern(`${fn}(${args.map((a) => a.id).join(',')})`, (id) => ({ kind: 'fn', id, fn, args }))
}

/** Float64 semantics of each whitelisted function (used by folding and the interpreter). */
export function evaluateFunction(fn: FunctionName, a: readonly number[]): number {
  switch (fn) {
    case 'sin':
      return Math.sin(a[0])
    case 'cos':
      return Math.cos(a[0])
    case 'tan':
      return Math.tan(a[0])
    case 'asin':
      return Math.asin(a[0])
    case 'acos':
      return Math.acos(a[0])
    case 'atan':
      return Math.atan(a[0])
    case 'sinh':
      return Math.sinh(a[0])
    case 'cosh':
      return Math.cosh(a[0])
    case 'tanh':
      return Math.tanh(a[0])
    case 'exp':
      return Math.exp(a[0])
    case 'log':
      return Math.log(a[0])
    case 'log10':
      return Math.log10(a[0])
    case 'log2':
      return Math.log2(a[0])
    case 'sqrt':
      return Math.sqrt(a[0])
    case 'abs':
      return Math.abs(a[0])
    case 'sign':
      return Math.sign(a[0])
    case 'min':
      return Math.min(a[0], a[1])
    case 'max':
      return Math.max(a[0], a[1])
  }
}

/** Tree-walking float64 evaluation: no code generation, safe under any CSP. */
export function evaluate(e: Expr, vars: Readonly<Record<string, number>>): number {
  switch (e.kind) {
    case 'num':
      return e.value
    case 'var':
      return vars[e.name]
    case 'neg':
      return -evaluate(e.a, vars)
    case 'add':
      return evaluate(e.a, vars) + evaluate(e.b, vars)
    case 'sub':
      return evaluate(e.a, vars) - evaluate(e.b, vars)
    case 'mul':
      return evaluate(e.a, vars) * evaluate(e.b, vars)
    case 'div':
      return evaluate(e.a, vars) / evaluate(e.b, vars)
    case 'pow':
      return evaluate(e.a, vars) ** evaluate(e.b, vars)
    case 'fn':
      return evaluateFunction(
        e.fn,
        e.args.map((a) => evaluate(a, vars)),
      )
  }
}

/** Number of distinct nodes reachable from the roots (a measure of emitted code size). */
export function countNodes(roots: readonly Expr[]): number {
  const seen = new Set<number>()
  const stack = [...roots]
  while (stack.length) {
    const e = stack.pop()!
    if (seen.has(e.id)) continue
    seen.add(e.id)
    if (e.kind === 'neg') stack.push(e.a)
    else if (e.kind === 'fn') stack.push(...e.args)
    else if (e.kind !== 'num' && e.kind !== 'var') stack.push(e.a, e.b)
  }
  return seen.size
}
