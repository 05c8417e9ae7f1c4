/**
 * The landscape's Hessian when it is the same everywhere (a quadratic): read off the exact
 * symbolic derivatives. Anything still holding x or y is not
 * constant and gets no analytic overlay. This module pulls in the expression parser (math.js), so
 * the sweep view loads it on demand.
 */
import { evaluate, type Expr, landscapeFromExpression } from '../../src-shared/landscape'
import { eigenvalues2 } from './heavy-ball'

function hasVariable(e: Expr, seen = new Set<number>()): boolean {
  if (seen.has(e.id)) return false
  seen.add(e.id)
  switch (e.kind) {
    case 'var':
      return true
    case 'num':
      return false
    case 'neg':
      return hasVariable(e.a, seen)
    case 'fn':
      return e.args.some((a) => hasVariable(a, seen))
    default:
      return hasVariable(e.a, seen) || hasVariable(e.b, seen)
  }
}

export interface ConstantHessian {
  /** H = [[xx, xy], [xy, yy]]. */
  readonly hessian: readonly [number, number, number]
  /** Its eigenvalues, ascending. */
  readonly eigenvalues: readonly [number, number]
}

/** The constant Hessian of `expr`, or null when it varies (or the text does not parse). */
export function constantHessian(expr: string): ConstantHessian | null {
  let h: readonly Expr[]
  try {
    h = landscapeFromExpression(expr).derivatives.hessian
  } catch {
    return null
  }
  if (h.some((e) => hasVariable(e))) return null
  const v = h.map((e) => evaluate(e, { x: 0, y: 0 }))
  if (!v.every(Number.isFinite)) return null
  return { hessian: [v[0], v[1], v[2]], eigenvalues: eigenvalues2(v[0], v[1], v[2]) }
}
