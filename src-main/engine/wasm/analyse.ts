/**
 * The uniform/varying analysis: which values are one f32 shared by all particles of a launch
 * (uniform) and which are one f32x4 per lane group (varying). A variable is varying when it is
 * ever assigned from a particle column, from another varying value or under a varying
 * condition; a fixpoint over the whole kernel, since a loop can carry a value back to an
 * earlier statement. Conditions are `bool` (uniform: a real branch) or `mask` (varying: if-
 * converted). Pure: the IR is read, and the result is a table of kinds for every variable key
 * and every expression, which the later passes only look up.
 *
 * An inlined call's body is analysed as straight code (its locals are fresh at each call, so a
 * varying condition around the call does not make them varying).
 */
import { type Expr, fail, type LoweredKernel, type Stmt, type VarKey } from './ir'

export type Kind = 'f32' | 'v128' | 'bool' | 'mask'
export type NumberKind = 'f32' | 'v128'

export interface Kinds {
  /** A variable's kind (f32 when the analysis never saw it assigned). */
  readonly variable: (key: VarKey) => NumberKind
  /** An expression's kind as computed (before any conversion its use needs). */
  readonly of: (e: Expr) => Kind
}

export function analyse(kernel: LoweredKernel): Kinds {
  const vars = new Map<VarKey, NumberKind>()
  let exprs = new Map<Expr, Kind>()
  let changed = false

  const widen = (key: VarKey, kind: NumberKind) => {
    if (vars.get(key) === 'v128') return
    if (kind === 'v128' || !vars.has(key)) {
      if (vars.get(key) !== kind) changed = true
      vars.set(key, kind)
    }
  }
  const numeric = (e: Expr): NumberKind => {
    const k = kindOf(e)
    return k === 'f32' || k === 'v128' ? k : fail(e.at, 'a condition used as a number')
  }
  const condition = (e: Expr): 'bool' | 'mask' => {
    const k = kindOf(e)
    return k === 'bool' || k === 'mask' ? k : fail(e.at, 'a number used as a condition')
  }
  const either = (a: Kind, b: Kind, vector: Kind, scalar: Kind): Kind =>
    a === 'v128' || a === 'mask' || b === 'v128' || b === 'mask' ? vector : scalar

  function kindOf(e: Expr): Kind {
    const k = computeKind(e)
    exprs.set(e, k)
    return k
  }
  function computeKind(e: Expr): Kind {
    switch (e.type) {
      case 'num':
      case 'scalar':
      case 'const':
        return 'f32'
      case 'var':
        return vars.get(e.key) ?? 'f32'
      case 'column':
        return 'v128'
      case 'table':
        if (numeric(e.index) !== 'f32') fail(e.index.at, 'a table index must be the same for every particle')
        return 'f32'
      case 'unary':
        return e.op === '!' ? condition(e.arg) : numeric(e.arg)
      case 'arith':
        return either(numeric(e.left), numeric(e.right), 'v128', 'f32')
      case 'compare':
        return either(numeric(e.left), numeric(e.right), 'mask', 'bool')
      case 'logical':
        return either(condition(e.left), condition(e.right), 'mask', 'bool')
      case 'select': {
        const c = condition(e.test)
        const a = numeric(e.then)
        const b = numeric(e.else)
        return c === 'mask' || a === 'v128' || b === 'v128' ? 'v128' : 'f32'
      }
      case 'math':
        return e.args.map(numeric).includes('v128') ? 'v128' : 'f32'
      case 'inline': {
        const args = e.args.map(numeric)
        e.params.forEach((key, j) => widen(key, args[j]))
        statements(e.body, false)
        return numeric(e.result)
      }
    }
  }

  /** `varying`: inside a varying condition, where every assignment is per lane. */
  function statements(stmts: readonly Stmt[], varying: boolean): void {
    for (const s of stmts) {
      switch (s.type) {
        case 'declare': {
          const k = s.init ? numeric(s.init) : 'f32'
          widen(s.key, varying ? 'v128' : k)
          break
        }
        case 'assign': {
          const k = numeric(s.value)
          widen(s.key, varying ? 'v128' : k)
          break
        }
        case 'step':
          if (varying) widen(s.key, 'v128')
          break
        case 'store':
          numeric(s.value)
          if (varying) fail(s.at, 'a particle column cannot be written under a condition')
          break
        case 'storeRow':
          numeric(s.value)
          if (numeric(s.row) !== 'f32') fail(s.row.at, 'a point row must be the same for every particle')
          if (varying) fail(s.at, 'a point row cannot be written under a condition')
          break
        case 'if': {
          const v = condition(s.test) === 'mask' || varying
          statements(s.then, v)
          if (s.else) statements(s.else, v)
          break
        }
        case 'loop':
        case 'unrolled': {
          // A literal trip count is the same for every lane: its counter stays uniform.
          statements([s.init], varying && s.type === 'loop')
          const test = condition(s.test)
          if (s.type === 'loop' && test !== 'bool') fail(s.test.at, 'a loop bound must be the same for every particle')
          statements(s.body, varying || test === 'mask')
          break
        }
      }
    }
  }

  do {
    changed = false
    exprs = new Map()
    statements(kernel.body, false)
  } while (changed)
  const final = exprs
  return {
    variable: (key) => vars.get(key) ?? 'f32',
    of: (e) => final.get(e) ?? fail(e.at, 'internal: an expression the analysis did not reach'),
  }
}
