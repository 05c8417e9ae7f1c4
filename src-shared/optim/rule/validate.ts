/**
 * What a rule may say: the names it reads and writes, per part. The parser (parse.ts) already
 * keeps the grammar to the subset; this checks the vocabulary — every name declared, constants
 * never written, per-coordinate locals never shadowing shared names, booleans used as conditions.
 */
import type { OptimizerDef } from '../types'
import { hparamCodeNames } from '../hparams'
import type { Block, Expr, Pos, Stage } from './ast'
import { DENSE2_NAMES, stageScopes } from './stages'
import { RuleError, type RuleSite } from './parse'
import { declaredNames, eachExpr, eachStmt, stmtExprs } from './transforms'

export interface RuleProblem {
  readonly part: string
  readonly pos: Pos | null
  readonly message: string
}

/** The parsed parts of one optimizer's rule. */
export interface ParsedRule {
  /** OptimizerDef.stages, in order (run before the prelude). */
  readonly stages: readonly Stage[]
  readonly prelude: Block
  readonly update: Block
  readonly preconditioner: Expr | null
}

const ARITY: Record<string, number> = { sqrt: 1, pow: 2, abs: 1, min: 2, max: 2, sign: 1, exp: 1, log: 1 }
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

  // Stages run in order; each sees what the earlier ones made (stages.ts keeps the scopes).
  const always = [...hp, 't', 'g_norm2', 'loss']
  const scopes = stageScopes(rule.stages)
  rule.stages.forEach((stage, k) => {
    const part = `stage ${k + 1} (${stage.kind})`
    const before = scopes[k]
    const particleNames = [...always, ...particle, ...before.particle]
    const coordinateNames = ['p', 'g', 'h_diag', ...state, ...before.coordinate]
    switch (stage.kind) {
      case 'particle': {
        const lets = declaredNames(stage.block)
        checkBlock(part, stage.block, new Set([...particleNames, ...lets]), new Set([...particle, ...lets]))
        redeclares(part, stage.block, new Set([...particleNames, ...coordinateNames]))
        break
      }
      case 'coordinates': {
        const lets = declaredNames(stage.block)
        checkBlock(part, stage.block, new Set([...particleNames, ...coordinateNames, ...lets]), new Set(['g', ...state, ...lets]))
        redeclares(part, stage.block, new Set([...particleNames, ...coordinateNames]))
        break
      }
      case 'reduce':
      case 'gradientAt': {
        checkExpr(part, stage.kind === 'reduce' ? stage.of : stage.point, new Set([...particleNames, ...coordinateNames]), false)
        if ([...particleNames, ...coordinateNames].includes(stage.name))
          problems.push({ part, pos: NO_POS, message: `${stage.kind} redefines '${stage.name}'` })
        break
      }
      case 'dense2': {
        const lets = declaredNames(stage.block)
        const outputs = stage.defines.flatMap((d) => [`${d}_x`, `${d}_y`])
        checkBlock(
          part,
          stage.block,
          new Set([...particleNames, ...DENSE2_NAMES, ...outputs, ...lets]),
          new Set([...particle, ...outputs, ...lets]),
        )
        redeclares(part, stage.block, new Set([...particleNames, ...DENSE2_NAMES, ...outputs]))
        for (const d of stage.defines)
          if ([...particleNames, ...coordinateNames].includes(d)) problems.push({ part, pos: NO_POS, message: `dense2 redefines '${d}'` })
        break
      }
    }
  })
  const after = scopes[rule.stages.length]

  // The prelude runs once per particle: hyperparameters, t, ‖g‖², the loss, particle state, the
  // stages' particle values and its own lets.
  const shared = [...always, ...particle, ...after.particle]
  checkBlock('prelude', rule.prelude, new Set([...shared, ...preludeLets]), new Set([...particle, ...preludeLets]))
  redeclares('prelude', rule.prelude, new Set(shared))
  // The update runs per coordinate: also p, g and the state. It never writes the particle state
  // (both coordinates share it), and its locals are renamed per coordinate, so they must not
  // shadow shared names.
  const perCoordinate = ['p', 'g', 'h_diag', ...state, ...after.coordinate]
  checkBlock(
    'update',
    rule.update,
    new Set([...shared, ...perCoordinate, ...preludeLets, ...updateLets]),
    new Set(['p', 'g', ...state, ...updateLets]),
  )
  redeclares('update', rule.update, new Set([...shared, ...perCoordinate, ...preludeLets]))
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
