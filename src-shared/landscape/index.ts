/**
 * A landscape: a whitelisted expression in x and y with its exact derivatives.
 * `landscapeFromSpec` is the one entry point the scenario, the engine and the UI use.
 */
import { compileLandscape, type CompiledLandscape } from './compile'
import { derivatives, type Derivatives } from './derivative'
import { parseExpression } from './parse'
import { findPreset, type Preset } from './presets'
import { parseResiduals, type Residuals } from './residuals'

export { ExpressionError, parseExpression, MAX_EXPRESSION_LENGTH } from './parse'
export { PRESETS, findPreset, type Preset } from './presets'
export { emitAssignments, type EmitOptions } from './emit'
export { evaluate, countNodes, USER_FUNCTIONS, type Expr } from './expr'
export type { Derivatives } from './derivative'
export type { CompiledLandscape } from './compile'
export { ResidualsError, type Residuals } from './residuals'

export interface LandscapeSpec {
  readonly expr?: string
  readonly preset?: string
  /** Residuals r_k with L = Σ r_k² or ½·Σ r_k² (Gauss–Newton); checked against the expression. */
  readonly residuals?: readonly string[]
}

export interface Landscape {
  /** The expression text actually used (the preset's, unless `expr` was given). */
  readonly expr: string
  readonly preset?: Preset
  readonly derivatives: Derivatives
  /** Float64 functions, compiled on first use. */
  readonly compiled: CompiledLandscape
  /** The declared residuals, checked to sum (squared) to the expression; absent when none were given. */
  readonly residuals?: Residuals
}

export class LandscapeSpecError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LandscapeSpecError'
  }
}

/** Build a landscape from `{ expr }` or `{ preset }` ("expr" wins when both are given). */
export function landscapeFromSpec(spec: LandscapeSpec): Landscape {
  const preset = spec.preset === undefined ? undefined : findPreset(spec.preset)
  if (spec.preset !== undefined && !preset && spec.expr === undefined) {
    throw new LandscapeSpecError(`unknown preset '${spec.preset}'`)
  }
  const expr = spec.expr ?? preset?.expr
  if (expr === undefined) throw new LandscapeSpecError('give an "expr" or a "preset"')
  return landscapeFromExpression(expr, preset, spec.residuals)
}

export function landscapeFromExpression(expr: string, preset?: Preset, residuals?: readonly string[]): Landscape {
  const value = parseExpression(expr)
  const d = derivatives(value)
  let compiled: CompiledLandscape | undefined
  return {
    expr,
    preset,
    ...(residuals === undefined ? {} : { residuals: parseResiduals(residuals, value) }),
    derivatives: d,
    get compiled() {
      compiled ??= compileLandscape(d)
      return compiled
    },
  }
}

/** Top eigenvalue of the symmetric 2×2 matrix [[a, b], [b, c]] (closed form, stable). */
export function topEigenvalue2(a: number, b: number, c: number): number {
  const mean = 0.5 * (a + c)
  const half = 0.5 * (a - c)
  return mean + Math.sqrt(half * half + b * b)
}
