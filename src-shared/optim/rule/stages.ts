/**
 * The stages of a rule (OptimizerDef.stages; the language is described in ../types.ts): their
 * parsing, the names each one adds to the scope of those after it, and what a rule needs from
 * the landscape and the engine.
 */
import type { RuleStage } from '../types'
import type { Block, Expr, Stage } from './ast'
import { parseRule, parseRuleExpression, RuleError, type RuleSite } from './parse'
import { declaredNames, namesRead } from './transforms'

/** What a dense (2-D) stage reads besides hyperparameters and particle values. */
export const DENSE2_NAMES = ['p_x', 'p_y', 'g_x', 'g_y', 'h_xx', 'h_xy', 'h_yy', 'jtj_xx', 'jtj_xy', 'jtj_yy', 'jtr_x', 'jtr_y'] as const

const HESSIAN_NAMES = new Set(['h_xx', 'h_xy', 'h_yy'])
const GAUSS_NEWTON_NAMES = new Set(['jtj_xx', 'jtj_xy', 'jtj_yy', 'jtr_x', 'jtr_y'])
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export function parseStages(stages: readonly RuleStage[], optimizer: string): Stage[] {
  return stages.map((s, k): Stage => {
    const site: RuleSite = { optimizer, part: `stage ${k + 1} (${s.kind})` }
    const named = (n: string) => {
      if (!NAME.test(n)) throw new RuleError(site, { line: 1, column: 0 }, `'${n}' is not a name`)
      return n
    }
    switch (s.kind) {
      case 'coordinates':
      case 'particle':
        return { kind: s.kind, block: parseRule(s.code, site) }
      case 'reduce':
        return { kind: 'reduce', name: named(s.name), op: s.op, of: parseRuleExpression(s.of, site) }
      case 'gradientAt':
        return { kind: 'gradientAt', name: named(s.name), point: parseRuleExpression(s.point, site) }
      case 'dense2':
        return { kind: 'dense2', block: parseRule(s.code, site), defines: s.defines.map(named) }
    }
  })
}

/** Names in scope before stage k (index k) and after the last (index stages.length): particle values and per-coordinate values. */
export interface StageScope {
  readonly particle: readonly string[]
  readonly coordinate: readonly string[]
}

export function stageScopes(stages: readonly Stage[]): StageScope[] {
  const scopes: StageScope[] = [{ particle: [], coordinate: [] }]
  for (const s of stages) {
    const { particle, coordinate } = scopes[scopes.length - 1]
    switch (s.kind) {
      case 'particle':
        scopes.push({ particle: [...particle, ...declaredNames(s.block)], coordinate })
        break
      case 'coordinates':
        scopes.push({ particle, coordinate: [...coordinate, ...declaredNames(s.block)] })
        break
      case 'reduce':
        scopes.push({ particle: [...particle, s.name], coordinate })
        break
      case 'gradientAt':
        scopes.push({ particle, coordinate: [...coordinate, s.name] })
        break
      case 'dense2':
        scopes.push({ particle: [...particle, ...declaredNames(s.block)], coordinate: [...coordinate, ...s.defines] })
        break
    }
  }
  return scopes
}

/** What a rule needs beyond the gradient at the current point. */
export interface RuleNeeds {
  /** L at the current point (`loss`). */
  readonly loss: boolean
  /** Hessian entries (`h_diag`, or `h_xx`… in a dense stage). */
  readonly hessian: boolean
  /** JᵀJ and Jᵀr of the landscape's residuals (the landscape must declare `residuals`). */
  readonly residuals: boolean
  /** ∇L at other points, one per stage. */
  readonly gradientsElsewhere: number
  /** Only for 2-D problems (a dense stage). */
  readonly twoDimensional: boolean
  /** Sums or maxima over the coordinates. */
  readonly reductions: number
}

export function ruleNeeds(rule: { readonly stages: readonly Stage[]; readonly prelude: Block; readonly update: Block }): RuleNeeds {
  const read = new Set<string>()
  const add = (code: Block | Expr) => namesRead(code).forEach((n) => read.add(n))
  for (const s of rule.stages) {
    if (s.kind === 'reduce') add(s.of)
    else if (s.kind === 'gradientAt') add(s.point)
    else add(s.block)
  }
  add(rule.prelude)
  add(rule.update)
  const any = (names: ReadonlySet<string>) => [...names].some((n) => read.has(n))
  return {
    loss: read.has('loss'),
    hessian: read.has('h_diag') || any(HESSIAN_NAMES),
    residuals: any(GAUSS_NEWTON_NAMES),
    gradientsElsewhere: rule.stages.filter((s) => s.kind === 'gradientAt').length,
    twoDimensional: rule.stages.some((s) => s.kind === 'dense2'),
    reductions: rule.stages.filter((s) => s.kind === 'reduce').length,
  }
}
