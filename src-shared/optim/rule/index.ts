/**
 * Each optimizer's rule, parsed and validated once (the registry does it as it loads), and the
 * lowered form every engine runs: boolean hyperparameters as `> 0.5` tests on their 0/1 values.
 */
import type { OptimizerDef } from '../types'
import { parseRule, parseRuleExpression } from './parse'
import { lowerBooleans, lowerBooleansInExpr } from './transforms'
import { assertValidRule, type ParsedRule } from './validate'
import { parseStages, ruleNeeds as needsOf, type RuleNeeds } from './stages'
import type { Stage } from './ast'

export type { ParsedRule, RuleProblem } from './validate'
export { ruleProblems } from './validate'
export { RuleError, parseRule, parseRuleExpression, type RuleSite } from './parse'
export { printBlock, printExpr, floatLiteral, KERNEL_NUMBERS, type PrintOptions } from './print'
export * from './transforms'
export type { Block, Expr, Stmt, Pos, Stage } from './ast'
export { DENSE2_NAMES, stageScopes, type RuleNeeds } from './stages'

/** The rule's parts as written, without validation (for checking a rule under construction). */
export function parseParts(def: OptimizerDef): ParsedRule {
  const site = (part: string) => ({ optimizer: def.name, part })
  return {
    stages: parseStages(def.stages ?? [], def.name),
    prelude: parseRule(def.prelude ?? '', site('prelude')),
    update: parseRule(def.update, site('update')),
    preconditioner: def.preconditioner ? parseRuleExpression(def.preconditioner, site('preconditioner')) : null,
  }
}

const validated = new WeakMap<OptimizerDef, ParsedRule>()
const lowered = new WeakMap<OptimizerDef, ParsedRule>()

/** The rule as written, parsed and validated (throws RuleError naming the optimizer, line and column). */
export function parsedRule(def: OptimizerDef): ParsedRule {
  let rule = validated.get(def)
  if (!rule) {
    rule = parseParts(def)
    assertValidRule(def, rule)
    validated.set(def, rule)
  }
  return rule
}

/** Boolean hyperparameters of `def` (0/1 numbers in engine code). */
export function booleanHparams(def: OptimizerDef): Set<string> {
  return new Set(
    Object.entries(def.hparams)
      .filter(([, s]) => s.kind === 'boolean')
      .map(([k]) => k),
  )
}

/** The rule as the engines run it: booleans lowered to `name > 0.5`. */
export function loweredRule(def: OptimizerDef): ParsedRule {
  let rule = lowered.get(def)
  if (!rule) {
    const written = parsedRule(def)
    const booleans = booleanHparams(def)
    const lowerStage = (s: Stage): Stage => {
      switch (s.kind) {
        case 'reduce':
          return { ...s, of: lowerBooleansInExpr(s.of, booleans) }
        case 'gradientAt':
          return { ...s, point: lowerBooleansInExpr(s.point, booleans) }
        default:
          return { ...s, block: lowerBooleans(s.block, booleans) }
      }
    }
    rule = {
      stages: written.stages.map(lowerStage),
      prelude: lowerBooleans(written.prelude, booleans),
      update: lowerBooleans(written.update, booleans),
      preconditioner: written.preconditioner && lowerBooleansInExpr(written.preconditioner, booleans),
    }
    lowered.set(def, rule)
  }
  return rule
}

/** What `def`'s rule needs from the landscape and the engine (read from its tree). */
export function ruleNeeds(def: OptimizerDef): RuleNeeds {
  return needsOf(parsedRule(def))
}
