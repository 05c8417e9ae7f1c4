/**
 * Float64 JavaScript functions for a landscape and its exact derivatives.
 *
 * The function bodies come only from `emitAssignments` over the whitelisted DAG, never from
 * user text, so building them with `Function` is code generation from our own AST. This
 * module is for the engine (Node, worker); the renderer, whose CSP forbids code generation,
 * uses `evaluate` from `expr.ts` instead.
 */
import type { Derivatives } from './derivative'
import { emitAssignments } from './emit'
import type { Expr } from './expr'

export interface CompiledLandscape {
  value(x: number, y: number): number
  /** out[0] = L, out[1] = ∂L/∂x, out[2] = ∂L/∂y */
  valueAndGradient(x: number, y: number, out: Float64Array): void
  /** out = [Hxx, Hxy, Hyy] */
  hessian(x: number, y: number, out: Float64Array): void
  /** out = [Lxxx, Lxxy, Lxyy, Lyyy] */
  third(x: number, y: number, out: Float64Array): void
}

function compileOutputs(exprs: readonly Expr[]): (x: number, y: number, out: Float64Array) => void {
  const body = emitAssignments(
    exprs.map((e, i) => [`out[${i}]`, e] as const),
    { vars: { x: 'x', y: 'y' } },
  )
  return new Function('x', 'y', 'out', `"use strict";\n${body}`) as (x: number, y: number, out: Float64Array) => void
}

export function compileLandscape(d: Derivatives): CompiledLandscape {
  const valueBody = emitAssignments([['v', d.value]], { vars: { x: 'x', y: 'y' } })
  const value = new Function('x', 'y', `"use strict";\nlet v;\n${valueBody}\nreturn v;`) as (x: number, y: number) => number
  return {
    value,
    valueAndGradient: compileOutputs([d.value, ...d.gradient]),
    hessian: compileOutputs(d.hessian),
    third: compileOutputs(d.third),
  }
}
