/**
 * Scheduling: how the kernel's top-level statements map onto `interleave` lane groups. Uniform
 * statements run once for all groups; a branch or loop on a uniform value runs once around
 * scheduled bodies; runs of per-particle statements are emitted a whole group at a time (one
 * group's temporaries live at once), with the run's uniform subexpressions that are used as
 * vectors (`(1 - beta1)`, `step_size`) hoisted: computed and splatted once before the groups.
 * Uniform statements between runs keep their place.
 */
import type { Kinds } from './analyse'
import { type Expr, fail, literalValue, type LoweredKernel, operands, type Stmt, type VarKey } from './ir'
import { assignedKeys } from './lower'

type IfStmt = Extract<Stmt, { type: 'if' }>
type LoopStmt = Extract<Stmt, { type: 'loop' }>

export type Scheduled =
  /** A uniform statement, emitted once. */
  | { readonly type: 'once'; readonly stmt: Stmt }
  /** A branch on a uniform condition around scheduled sides. */
  | { readonly type: 'branch'; readonly stmt: IfStmt; readonly then: readonly Scheduled[]; readonly else: readonly Scheduled[] | null }
  /** A loop with a uniform bound around a scheduled body. */
  | { readonly type: 'loop'; readonly stmt: LoopStmt; readonly body: readonly Scheduled[] }
  /** Per-particle statements, emitted once per lane group after the hoisted expressions (in order). */
  | { readonly type: 'groups'; readonly stmts: readonly Stmt[]; readonly hoisted: readonly Expr[] }

/** Whether a statement touches nothing per particle (inlined calls are judged by their result and arguments). */
export function isUniform(s: Stmt, kinds: Kinds): boolean {
  const varyingKey = (key: VarKey) => kinds.variable(key) === 'v128'
  const uniformExpr = (e: Expr): boolean => {
    if (e.type === 'column' || (e.type === 'var' && varyingKey(e.key))) return false
    if (e.type === 'inline' && kinds.of(e) === 'v128') return false
    return operands(e).every(uniformExpr)
  }
  switch (s.type) {
    case 'declare':
      return !varyingKey(s.key) && (s.init === null || uniformExpr(s.init))
    case 'assign':
      return !varyingKey(s.key) && uniformExpr(s.value)
    case 'step':
      return !varyingKey(s.key)
    case 'store':
    case 'storeRow':
      return false
    case 'if':
      return uniformExpr(s.test) && s.then.every((t) => isUniform(t, kinds)) && (s.else ?? []).every((t) => isUniform(t, kinds))
    case 'loop':
    case 'unrolled':
      return isUniform(s.init, kinds) && uniformExpr(s.test) && isUniform(s.update, kinds) && s.body.every((t) => isUniform(t, kinds))
  }
}

/** Keys declared anywhere inside statements (not inside inlined calls). */
function declaredKeys(stmts: readonly Stmt[], into = new Set<VarKey>()): Set<VarKey> {
  for (const s of stmts) {
    if (s.type === 'declare') into.add(s.key)
    else if (s.type === 'if') {
      declaredKeys(s.then, into)
      if (s.else) declaredKeys(s.else, into)
    } else if (s.type === 'loop' || s.type === 'unrolled') {
      into.add(s.init.key)
      declaredKeys(s.body, into)
    }
  }
  return into
}

/**
 * The uniform subexpressions of `run` used as vectors, in emission order: only expressions over
 * names the run does not assign (every group's copy then sees the same value), without inlined calls.
 */
export function hoistable(run: readonly Stmt[], kinds: Kinds): Expr[] {
  const assigned = assignedKeys(run)
  const liftable = (e: Expr): boolean => {
    switch (e.type) {
      case 'num':
      case 'const':
        return true
      case 'var':
        return !assigned.has(e.key)
      case 'scalar':
        return !assigned.has(e.name)
      case 'math':
        return e.args.every(liftable)
      case 'table':
        return liftable(e.index)
      case 'arith':
        return liftable(e.left) && liftable(e.right)
      case 'unary':
        return e.op === '-' && liftable(e.arg)
      default:
        return false
    }
  }
  const hoisted: Expr[] = []
  const visitExpr = (e: Expr, parentVector: boolean): void => {
    const kind = kinds.of(e)
    // Literals stay: vector constants are already set once, before the loops.
    if (parentVector && literalValue(e) === null && kind === 'f32' && liftable(e)) {
      hoisted.push(e)
      return
    }
    if (e.type === 'column' || e.type === 'const' || e.type === 'inline') return
    for (const c of operands(e)) visitExpr(c, kind === 'v128' || kind === 'mask')
  }
  const visit = (s: Stmt): void => {
    switch (s.type) {
      case 'declare':
        if (s.init) visitExpr(s.init, kinds.variable(s.key) === 'v128')
        break
      case 'assign':
        visitExpr(s.value, kinds.variable(s.key) === 'v128')
        break
      case 'store':
        visitExpr(s.value, true)
        break
      case 'storeRow':
        visitExpr(s.row, false)
        visitExpr(s.value, true)
        break
      case 'step':
        break
      case 'if':
        visitExpr(s.test, false)
        s.then.forEach(visit)
        s.else?.forEach(visit)
        break
      case 'loop':
      case 'unrolled':
        visit(s.init)
        visitExpr(s.test, false)
        s.body.forEach(visit)
        break
    }
  }
  run.forEach(visit)
  return hoisted
}

export function schedule(kernel: LoweredKernel, kinds: Kinds): Scheduled[] {
  const list = (stmts: readonly Stmt[]): Scheduled[] => {
    const out: Scheduled[] = []
    let run: Stmt[] = []
    const flush = () => {
      if (run.length) out.push({ type: 'groups', stmts: run, hoisted: hoistable(run, kinds) })
      run = []
    }
    for (const s of stmts) {
      if (isUniform(s, kinds)) {
        flush()
        out.push({ type: 'once', stmt: s })
      } else if (s.type === 'if' && kinds.of(s.test) === 'bool') {
        flush()
        out.push({ type: 'branch', stmt: s, then: list(s.then), else: s.else && list(s.else) })
      } else if (s.type === 'loop') {
        flush()
        out.push({ type: 'loop', stmt: s, body: list(s.body) })
      } else {
        // Per-group code runs once per lane group: a shared value it updates would advance once
        // per group. Uniform names declared inside the statement are fresh for each group.
        const local = declaredKeys([s])
        for (const key of assignedKeys([s])) {
          if (kinds.variable(key) !== 'v128' && !local.has(key))
            fail(s.at, `'${key}', shared by all particles, is assigned in per-particle code`)
        }
        run.push(s)
      }
    }
    flush()
    return out
  }
  return list(kernel.body)
}
