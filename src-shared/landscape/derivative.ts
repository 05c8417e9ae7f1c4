/**
 * Exact symbolic differentiation of the whitelisted expression DAG.
 *
 * Results are memoised per (node, variable), and every node is built through the
 * simplifying, interning constructors of `expr.ts`, so higher derivatives share structure
 * instead of growing as trees. Non-smooth points follow the usual conventions, which the
 * UI states: d|u| = sign(u)·du (0 at u = 0), d min/max takes the mean of both sides at a
 * tie, d sqrt(u) is infinite at u = 0.
 */
import { add, call, div, type Expr, mul, neg, num, ONE, pow, sub, TWO, ZERO } from './expr'

const memo = new Map<string, Expr>()

export function derivative(e: Expr, v: string): Expr {
  const key = `${e.id}|${v}`
  const hit = memo.get(key)
  if (hit) return hit
  const d = differentiate(e, v)
  memo.set(key, d)
  if (memo.size > 2_000_000) memo.clear()
  return d
}

function differentiate(e: Expr, v: string): Expr {
  switch (e.kind) {
    case 'num':
      return ZERO
    case 'var':
      return e.name === v ? ONE : ZERO
    case 'neg':
      return neg(derivative(e.a, v))
    case 'add':
      return add(derivative(e.a, v), derivative(e.b, v))
    case 'sub':
      return sub(derivative(e.a, v), derivative(e.b, v))
    case 'mul':
      return add(mul(derivative(e.a, v), e.b), mul(e.a, derivative(e.b, v)))
    case 'div': {
      // (a/b)' = a'/b − a·b'/b²
      const da = derivative(e.a, v)
      const db = derivative(e.b, v)
      return sub(div(da, e.b), div(mul(e.a, db), pow(e.b, TWO)))
    }
    case 'pow': {
      const da = derivative(e.a, v)
      const db = derivative(e.b, v)
      if (db === ZERO) {
        // Constant exponent: (a^c)' = c·a^(c−1)·a', valid for negative a as well.
        if (da === ZERO) return ZERO
        return mul(mul(e.b, pow(e.a, sub(e.b, ONE))), da)
      }
      // General case: (a^b)' = a^b·(b'·ln a + b·a'/a).
      return mul(e, add(mul(db, call('log', [e.a])), div(mul(e.b, da), e.a)))
    }
    case 'fn':
      return chainRule(e.fn, e.args, e, v)
  }
}

function chainRule(fn: Extract<Expr, { kind: 'fn' }>['fn'], args: readonly Expr[], self: Expr, v: string): Expr {
  const u = args[0]
  const du = derivative(u, v)
  if (fn === 'min' || fn === 'max') {
    // min(a,b)' = ((a'+b') − sign(a−b)(a'−b'))/2; max with +. The mean of both sides at a tie.
    const db = derivative(args[1], v)
    if (du === ZERO && db === ZERO) return ZERO
    const s = mul(call('sign', [sub(u, args[1])]), sub(du, db))
    const total = add(du, db)
    return div(fn === 'min' ? sub(total, s) : add(total, s), TWO)
  }
  if (du === ZERO) return ZERO
  const outer = ((): Expr => {
    switch (fn) {
      case 'sin':
        return call('cos', [u])
      case 'cos':
        return neg(call('sin', [u]))
      case 'tan':
        return div(ONE, pow(call('cos', [u]), TWO))
      case 'asin':
        return div(ONE, call('sqrt', [sub(ONE, pow(u, TWO))]))
      case 'acos':
        return neg(div(ONE, call('sqrt', [sub(ONE, pow(u, TWO))])))
      case 'atan':
        return div(ONE, add(ONE, pow(u, TWO)))
      case 'sinh':
        return call('cosh', [u])
      case 'cosh':
        return call('sinh', [u])
      case 'tanh':
        return sub(ONE, pow(self, TWO))
      case 'exp':
        return self
      case 'log':
        return div(ONE, u)
      case 'log10':
        return div(ONE, mul(num(Math.LN10), u))
      case 'log2':
        return div(ONE, mul(num(Math.LN2), u))
      case 'sqrt':
        return div(ONE, mul(TWO, self))
      case 'abs':
        return call('sign', [u])
      case 'sign':
        return ZERO
    }
  })()
  return mul(outer, du)
}

/** ∇L, the Hessian (xx, xy, yy) and D³L (xxx, xxy, xyy, yyy) of a 2-D landscape in x, y. */
export interface Derivatives {
  readonly value: Expr
  readonly gradient: readonly [Expr, Expr]
  readonly hessian: readonly [Expr, Expr, Expr]
  readonly third: readonly [Expr, Expr, Expr, Expr]
}

export function derivatives(value: Expr): Derivatives {
  const gx = derivative(value, 'x')
  const gy = derivative(value, 'y')
  const hxx = derivative(gx, 'x')
  const hxy = derivative(gx, 'y')
  const hyy = derivative(gy, 'y')
  return {
    value,
    gradient: [gx, gy],
    hessian: [hxx, hxy, hyy],
    third: [derivative(hxx, 'x'), derivative(hxx, 'y'), derivative(hxy, 'y'), derivative(hyy, 'y')],
  }
}

/**
 * Gauss–Newton's pieces for L = s·Σ r_k² (s = 1 or ½), from the residuals r_k: JᵀJ (xx, xy, yy)
 * and Jᵀr (x, y), J = ∂r/∂(x, y), built symbolically like the Hessian.
 */
export interface GaussNewtonTerms {
  readonly jtj: readonly [Expr, Expr, Expr]
  readonly jtr: readonly [Expr, Expr]
}

export function gaussNewtonTerms(residuals: readonly Expr[]): GaussNewtonTerms {
  const rows = residuals.map((r) => ({ r, jx: derivative(r, 'x'), jy: derivative(r, 'y') }))
  const sum = (term: (row: (typeof rows)[number]) => Expr) => rows.map(term).reduce((a, b) => add(a, b), ZERO)
  return {
    jtj: [sum((k) => mul(k.jx, k.jx)), sum((k) => mul(k.jx, k.jy)), sum((k) => mul(k.jy, k.jy))],
    jtr: [sum((k) => mul(k.jx, k.r)), sum((k) => mul(k.jy, k.r))],
  }
}
