/**
 * Float64 values of several landscape expressions at one point, by walking the expression DAG
 * (the renderer's CSP forbids generated code). Each shared node is computed once per point, and
 * every node is computed as the engine's emitted code computes it (emit.ts): small integer powers
 * as left-to-right products, other powers with Math.pow, so the replay follows the engine's
 * float64 path to the last bit.
 */
import { type Expr } from '../../src-shared/landscape'
import { evaluateFunction } from '../../src-shared/landscape/expr'

/** The emitter's limit for writing an integer power as a product (emit.ts MAX_EXPANDED_POWER). */
const MAX_EXPANDED_POWER = 16

export function evaluateAll(exprs: readonly Expr[], x: number, y: number, out: Float64Array): void {
  const memo = new Map<number, number>()
  const ev = (e: Expr): number => {
    const hit = memo.get(e.id)
    if (hit !== undefined) return hit
    let v: number
    switch (e.kind) {
      case 'num':
        v = e.value
        break
      case 'var':
        v = e.name === 'x' ? x : y
        break
      case 'neg':
        v = -ev(e.a)
        break
      case 'add':
        v = ev(e.a) + ev(e.b)
        break
      case 'sub':
        v = ev(e.a) - ev(e.b)
        break
      case 'mul':
        v = ev(e.a) * ev(e.b)
        break
      case 'div':
        v = ev(e.a) / ev(e.b)
        break
      case 'pow': {
        const n = e.b.kind === 'num' && Number.isInteger(e.b.value) && Math.abs(e.b.value) <= MAX_EXPANDED_POWER ? e.b.value : null
        const base = ev(e.a)
        if (n === null) v = Math.pow(base, ev(e.b))
        else if (n === 0) v = 1
        else {
          let prod = base
          for (let k = 1; k < Math.abs(n); k++) prod = prod * base
          v = n > 0 ? prod : 1 / prod
        }
        break
      }
      case 'fn':
        v = evaluateFunction(
          e.fn,
          e.args.map((a) => ev(a)),
        )
        break
    }
    memo.set(e.id, v)
    return v
  }
  for (let i = 0; i < exprs.length; i++) out[i] = ev(exprs[i])
}
