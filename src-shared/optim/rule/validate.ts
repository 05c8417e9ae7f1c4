/**
 * What a rule may say: the names it reads and writes, per part. The parser (parse.ts) already
 * keeps the grammar to the subset; this checks the vocabulary — every name declared, constants
 * never written, per-coordinate locals never shadowing shared names, booleans used as conditions.
 */
import type { OptimizerDef } from '../types'
import { hparamCodeNames } from '../hparams'
import type { Block, Expr, Pos } from './ast'
import { RuleError, type RuleSite } from './parse'
import { declaredNames, eachExpr, eachStmt, stmtExprs } from './transforms'

export interface RuleProblem {
  readonly part: string
  readonly pos: Pos | null
  readonly message: string
}

/** The parsed parts of one optimizer's rule. */
export interface ParsedRule {
  readonly prelude: Block
  readonly update: Block
  readonly preconditioner: Expr | null
}

const ARITY: Record<string, number> = { sqrt: 1, pow: 2, abs: 1, min: 2, max: 2, sign: 1 }
const NO_POS = null

/** Every way `def`'s parsed rule leaves the vocabulary; empty when it is fine. */
export function ruleProblems(def: OptimizerDef, rule: ParsedRule): RuleProblem[] {
  const problems: RuleProblem[] = []
  const hp = hparamCodeNames(def)
  const booleans = new Set(
    Object.entries(def.hparams)
      .filter(([, s]) => s.kind === 'boolean')
      .map(([k]) => k),
  )
  const state = Object.keys(def.state)
  const particle = Object.keys(def.particleState ?? {})
  const preludeLets = declaredNames(rule.prelude)
  const updateLets = declaredNames(rule.update)

  /** Reads outside `allowed`, Math arity, and booleans outside conditions, in one expression. */
  const checkExpr = (part: string, e: Expr, allowed: ReadonlySet<string>, asCondition: boolean) => {
    const conditions = new Set<Expr>()
    if (asCondition) conditions.add(e)
    eachExpr(e, (x) => {
      if (x.kind === 'cond') conditions.add(x.test)
      if (x.kind === 'unary' && x.op === '!' && conditions.has(x)) conditions.add(x.arg)
      if (x.kind === 'binary' && (x.op === '&&' || x.op === '||') && conditions.has(x)) {
        conditions.add(x.left)
        conditions.add(x.right)
      }
      if (x.kind === 'call' && x.args.length !== ARITY[x.fn])
        problems.push({ part, pos: x.pos ?? NO_POS, message: `Math.${x.fn} takes ${ARITY[x.fn]} argument(s)` })
      if (x.kind !== 'name') return
      if (!allowed.has(x.name)) problems.push({ part, pos: x.pos ?? NO_POS, message: `${part} uses '${x.name}'` })
      else if (booleans.has(x.name) && !conditions.has(x))
        problems.push({ part, pos: x.pos ?? NO_POS, message: `'${x.name}' is a boolean: use it as a condition` })
    })
  }
  const checkBlock = (part: string, block: Block, readable: ReadonlySet<string>, writable: ReadonlySet<string>) => {
    eachStmt(block, (s) => {
      for (const e of stmtExprs(s)) checkExpr(part, e, readable, s.kind === 'if')
      if (s.kind === 'assign' && !writable.has(s.name))
        problems.push({ part, pos: s.pos ?? NO_POS, message: `${part} assigns '${s.name}'` })
    })
  }
  const redeclares = (part: string, block: Block, shared: ReadonlySet<string>) => {
    const seen = new Set<string>()
    eachStmt(block, (s) => {
      if (s.kind !== 'let') return
      if (shared.has(s.name)) problems.push({ part, pos: s.pos ?? NO_POS, message: `${part} redeclares '${s.name}'` })
      else if (seen.has(s.name)) problems.push({ part, pos: s.pos ?? NO_POS, message: `${part} declares '${s.name}' twice` })
      seen.add(s.name)
    })
  }

  // The prelude runs once per particle: hyperparameters, t, ‖g‖², particle state and its own lets.
  checkBlock('prelude', rule.prelude, new Set([...hp, 't', 'g_norm2', ...particle, ...preludeLets]), new Set([...particle, ...preludeLets]))
  redeclares('prelude', rule.prelude, new Set([...hp, 't', 'g_norm2', ...particle]))
  // The update runs per coordinate: also p, g and the state. It never writes the particle state
  // (both coordinates share it), and its locals are renamed per coordinate, so they must not
  // shadow shared names.
  checkBlock(
    'update',
    rule.update,
    new Set([...hp, 't', 'p', 'g', ...state, ...particle, ...preludeLets, ...updateLets]),
    new Set(['p', 'g', ...state, ...updateLets]),
  )
  redeclares('update', rule.update, new Set([...hp, 't', 'p', 'g', ...state, ...particle, ...preludeLets]))
  let moves = false
  eachStmt(rule.update, (s) => {
    if (s.kind === 'assign' && s.name === 'p') moves = true
  })
  if (!moves) problems.push({ part: 'update', pos: NO_POS, message: 'update never moves p' })
  if (rule.preconditioner) {
    checkExpr('preconditioner', rule.preconditioner, new Set([...hp, 't', 'p', ...state, ...particle, ...preludeLets]), false)
  }

  // State initialisers are numbers or hyperparameter names; the slots named elsewhere exist.
  for (const init of [...Object.values(def.state), ...Object.values(def.particleState ?? {})]) {
    if (!/^-?\d+(\.\d+)?$/.test(init) && !hp.includes(init)) problems.push({ part: 'state', pos: NO_POS, message: `initialiser ${init}` })
  }
  for (const out of Object.values(def.outputs ?? {})) {
    if (!state.includes(out)) problems.push({ part: 'outputs', pos: NO_POS, message: `output ${out} is not a state slot` })
  }
  for (const [slot, h] of Object.entries(def.slotUsedIf ?? {})) {
    if (!state.includes(slot)) problems.push({ part: 'slotUsedIf', pos: NO_POS, message: `${slot} is not a state slot` })
    if (!hp.includes(h)) problems.push({ part: 'slotUsedIf', pos: NO_POS, message: `${h} is not a hyperparameter` })
  }
  return problems
}

/** Throws a RuleError for the first problem (the registry calls this as it loads). */
export function assertValidRule(def: OptimizerDef, rule: ParsedRule): void {
  const [first, ...rest] = ruleProblems(def, rule)
  if (!first) return
  const site: RuleSite = { optimizer: def.name, part: first.part }
  const more = rest.length ? ` (and ${rest.length} more)` : ''
  throw new RuleError(site, first.pos ?? { line: 1, column: 0 }, first.message + more)
}
