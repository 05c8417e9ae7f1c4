/**
 * Tree transforms on rules: each takes a tree and returns a new one (trees are never mutated).
 * What used to be regex rewrites of the rule text — per-coordinate renaming, hyperparameters
 * fixed to literals, running powers in place of Math.pow — are these.
 */
import { binary, type Block, call, type Expr, name, num, type Stmt } from './ast'

/** Rewrite every expression bottom-up with `f` (applied to each node after its children). */
export function mapExpr(e: Expr, f: (e: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'unary':
      return f({ ...e, arg: mapExpr(e.arg, f) })
    case 'binary':
      return f({ ...e, left: mapExpr(e.left, f), right: mapExpr(e.right, f) })
    case 'call':
      return f({ ...e, args: e.args.map((a) => mapExpr(a, f)) })
    case 'cond':
      return f({ ...e, test: mapExpr(e.test, f), then: mapExpr(e.then, f), otherwise: mapExpr(e.otherwise, f) })
    default:
      return f(e)
  }
}

/** Rewrite every expression of a block (in source order) and, with `rename`, every assigned or declared name. */
export function mapBlock(block: Block, f: (e: Expr) => Expr, rename: (n: string) => string = (n) => n): Block {
  return block.map((s): Stmt => {
    switch (s.kind) {
      case 'let':
        return { ...s, name: rename(s.name), init: mapExpr(s.init, f) }
      case 'assign':
        return { ...s, name: rename(s.name), value: mapExpr(s.value, f) }
      case 'if':
        return {
          ...s,
          test: mapExpr(s.test, f),
          then: mapBlock(s.then, f, rename),
          otherwise: s.otherwise && mapBlock(s.otherwise, f, rename),
        }
    }
  })
}

/** Visit every expression node (pre-order, source order). */
export function eachExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e)
  switch (e.kind) {
    case 'unary':
      eachExpr(e.arg, visit)
      break
    case 'binary':
      eachExpr(e.left, visit)
      eachExpr(e.right, visit)
      break
    case 'call':
      e.args.forEach((a) => eachExpr(a, visit))
      break
    case 'cond':
      eachExpr(e.test, visit)
      eachExpr(e.then, visit)
      eachExpr(e.otherwise, visit)
      break
  }
}

/** Visit every statement (pre-order, source order). */
export function eachStmt(block: Block, visit: (s: Stmt) => void): void {
  for (const s of block) {
    visit(s)
    if (s.kind === 'if') {
      eachStmt(s.then, visit)
      if (s.otherwise) eachStmt(s.otherwise, visit)
    }
  }
}

/** Expressions directly in a statement (not in nested statements). */
export const stmtExprs = (s: Stmt): Expr[] => (s.kind === 'let' ? [s.init] : s.kind === 'assign' ? [s.value] : [s.test])

/** Names the block declares with `let`, in order (nested blocks included). */
export function declaredNames(block: Block): string[] {
  const out: string[] = []
  eachStmt(block, (s) => {
    if (s.kind === 'let') out.push(s.name)
  })
  return out
}

/** Names the code reads, each once, in order of first use. */
export function namesRead(code: Block | Expr): string[] {
  const out = new Set<string>()
  const visit = (e: Expr) =>
    eachExpr(e, (x) => {
      if (x.kind === 'name') out.add(x.name)
    })
  if (Array.isArray(code)) eachStmt(code as Block, (s) => stmtExprs(s).forEach(visit))
  else visit(code as Expr)
  return [...out]
}

/** Every name in `names` (read, assigned or declared) renamed by `to`. */
export function renameNames(block: Block, names: ReadonlySet<string>, to: (n: string) => string): Block {
  const rename = (n: string) => (names.has(n) ? to(n) : n)
  return mapBlock(block, (e) => (e.kind === 'name' ? { ...e, name: rename(e.name) } : e), rename)
}

export function renameInExpr(e: Expr, names: ReadonlySet<string>, to: (n: string) => string): Expr {
  return mapExpr(e, (x) => (x.kind === 'name' && names.has(x.name) ? { ...x, name: to(x.name) } : x))
}

/** Names replaced by number literals (hyperparameters a kernel is specialised for). */
export function substitute(block: Block, values: ReadonlyMap<string, number>): Block {
  if (values.size === 0) return block
  return mapBlock(block, (e) => (e.kind === 'name' && values.has(e.name) ? num(values.get(e.name)!) : e))
}

/**
 * Boolean hyperparameters are written as booleans (`if (maximize)`) but arrive as 0/1 numbers:
 * each one read as a condition becomes `name > 0.5`, and `!name` becomes `name < 0.5`.
 */
export function lowerBooleans(block: Block, booleans: ReadonlySet<string>): Block {
  const test = (e: Expr): Expr => {
    if (e.kind === 'name' && booleans.has(e.name)) return binary('>', e, num(0.5))
    if (e.kind === 'unary' && e.op === '!' && e.arg.kind === 'name' && booleans.has(e.arg.name)) return binary('<', e.arg, num(0.5))
    if (e.kind === 'unary' && e.op === '!') return { ...e, arg: test(e.arg) }
    if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) return { ...e, left: test(e.left), right: test(e.right) }
    if (e.kind === 'cond') return { ...e, test: test(e.test) }
    return e
  }
  const inExpr = (e: Expr) => mapExpr(e, (x) => (x.kind === 'cond' ? { ...x, test: test(x.test) } : x))
  return block.map((s): Stmt => {
    switch (s.kind) {
      case 'let':
        return { ...s, init: inExpr(s.init) }
      case 'assign':
        return { ...s, value: inExpr(s.value) }
      case 'if':
        return {
          ...s,
          test: test(inExpr(s.test)),
          then: lowerBooleans(s.then, booleans),
          otherwise: s.otherwise && lowerBooleans(s.otherwise, booleans),
        }
    }
  })
}

/** `lowerBooleans` for a single expression (a preconditioner). */
export function lowerBooleansInExpr(e: Expr, booleans: ReadonlySet<string>): Expr {
  const [s] = lowerBooleans([{ kind: 'let', name: '_', init: e }], booleans)
  return (s as { init: Expr }).init
}

/** A power maintained by the kernel as a running product: `name` = base^t. */
export interface RunningPower {
  readonly name: string
  readonly base: Expr
}

const isName = (e: Expr, n?: string): e is Expr & { kind: 'name' } => e.kind === 'name' && (n === undefined || e.name === n)
const samePower = (a: Expr, b: Expr) => JSON.stringify(strip(a)) === JSON.stringify(strip(b))
const strip = (e: Expr): Expr =>
  mapExpr(e, (x) =>
    x.kind === 'num' ? { kind: 'num', value: x.value } : x.kind === 'name' ? { kind: 'name', name: x.name } : { ...x, pos: undefined },
  )

/**
 * Strength reduction: `Math.pow(H, t)`, `Math.pow(A, t * H)` and `Math.pow(A, (t + 1) * H)` (H a
 * hyperparameter, A a number literal) become running products `_pwK` the kernel multiplies by
 * their base each step. `powers` collects the products (shared between prelude and update).
 */
export function reducePowers(block: Block, hparams: ReadonlySet<string>, powers: RunningPower[]): Block {
  const product = (base: Expr): Expr => {
    let p = powers.find((q) => samePower(q.base, base))
    if (!p) powers.push((p = { name: `_pw${powers.length}`, base: strip(base) }))
    return name(p.name)
  }
  return mapBlock(block, (e) => {
    if (e.kind !== 'call' || e.fn !== 'pow') return e
    const [a, x] = e.args
    if (isName(x, 't')) return isName(a) && hparams.has(a.name) ? product(a) : e
    if (a.kind !== 'num' || x.kind !== 'binary' || x.op !== '*' || !isName(x.right) || !hparams.has(x.right.name)) return e
    const factor = call('pow', a, x.right)
    if (isName(x.left, 't')) return product(factor)
    const l = x.left
    const tPlusOne = l.kind === 'binary' && l.op === '+' && isName(l.left, 't') && l.right.kind === 'num' && l.right.value === 1
    // (t + 1)·H is the next power: one more factor.
    return tPlusOne ? binary('*', product(factor), factor) : e
  })
}
