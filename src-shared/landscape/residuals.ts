/**
 * A landscape's residuals (`"residuals": [...]`, for Gauss–Newton): expressions r_k whose squares
 * sum to the landscape, L = Σ r_k² or L = ½·Σ r_k². The claim is checked numerically at fixed
 * points before anything runs, since a Gauss–Newton step on residuals of another function would
 * silently follow different math.
 */
import { gaussNewtonTerms, type GaussNewtonTerms } from './derivative'
import { evaluate, type Expr } from './expr'
import { ExpressionError, parseExpression } from './parse'

export interface Residuals {
  /** The residual expressions as given. */
  readonly exprs: readonly string[]
  /** L = scale · Σ r_k². */
  readonly scale: 1 | 0.5
  readonly terms: GaussNewtonTerms
}

/** A residual that does not parse, or residuals whose squares do not sum to the landscape. */
export class ResidualsError extends Error {
  /** Index of the offending residual, or null when the sum is wrong. */
  readonly index: number | null
  constructor(index: number | null, message: string) {
    super(message)
    this.name = 'ResidualsError'
    this.index = index
  }
}

/** Points where the sum of squares is compared with L (off the axes and the usual minima). */
const PROBES = [-2.3, -0.7, 0.4, 1.9].flatMap((x) => [-1.6, 0.3, 1.1, 2.7].map((y) => ({ x, y })))
const MAX_RESIDUALS = 64

export function parseResiduals(texts: readonly string[], value: Expr): Residuals {
  if (texts.length === 0 || texts.length > MAX_RESIDUALS)
    throw new ResidualsError(null, `must list 1 to ${MAX_RESIDUALS} expressions, got ${texts.length}`)
  const exprs = texts.map((text, k) => {
    try {
      return parseExpression(text)
    } catch (err) {
      if (err instanceof ExpressionError) throw new ResidualsError(k, err.message)
      throw err
    }
  })
  const scale = ([1, 0.5] as const).find((s) => sumsTo(exprs, value, s))
  if (scale === undefined) {
    const at = PROBES.find((p) => Number.isFinite(evaluate(value, p)))
    const detail = at
      ? ` (at x = ${at.x}, y = ${at.y}: the expression is ${evaluate(value, at)}, Σ r² is ${exprs.reduce((t, r) => t + evaluate(r, at) ** 2, 0)})`
      : ''
    throw new ResidualsError(null, `their squares do not sum to the landscape's expression, as Σ r² or ½·Σ r²${detail}`)
  }
  return { exprs: texts, scale, terms: gaussNewtonTerms(exprs) }
}

function sumsTo(residuals: readonly Expr[], value: Expr, scale: number): boolean {
  let compared = 0
  for (const p of PROBES) {
    const f = evaluate(value, p)
    const s = scale * residuals.reduce((t, r) => t + evaluate(r, p) ** 2, 0)
    if (!Number.isFinite(f) && !Number.isFinite(s)) continue
    if (!(Math.abs(f - s) <= 1e-9 * (1 + Math.abs(f) + Math.abs(s)))) return false
    compared++
  }
  return compared >= 4
}
