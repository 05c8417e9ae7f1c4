/**
 * Expands an optimizer's rule for concrete coordinates. Both the float64 engine and the kernel
 * builder call this, so they run the same rule: the parsed tree (rule/), renamed per coordinate
 * and printed by the one printer.
 */
import type { OptimizerDef } from './types'
import { declaredInCode } from './rule/rename-code'
import { binary, call } from './rule/ast'
import {
  type Block,
  declaredNames,
  type Expr,
  loweredRule,
  namesRead,
  printBlock,
  printExpr,
  renameInExpr,
  renameNames,
  stageScopes,
} from './rule'

/** Locals the rule's update declares with `let` (every declarator, nested blocks included). */
export function updateLocals(def: OptimizerDef): string[] {
  return declaredNames(loweredRule(def).update)
}

/** Locals the rule's prelude declares with `let`. */
export function preludeLocals(def: OptimizerDef): string[] {
  return declaredNames(loweredRule(def).prelude)
}

/** Names a piece of kernel code declares (read from its syntax tree; for code other than rules). */
export function declaredLocals(code: string): string[] {
  return declaredInCode(code)
}

/** Identifiers that are per coordinate in `def.update` (and in the coordinate stages before it). */
export function perCoordinateNames(def: OptimizerDef): Set<string> {
  const stages = loweredRule(def).stages
  const scope = stageScopes(stages)[stages.length]
  return new Set(['p', 'g', 'h_diag', ...Object.keys(def.state), ...scope.coordinate, ...updateLocals(def)])
}

/**
 * One piece of a particle's step, in order: code (every per-coordinate name already suffixed
 * with its coordinate), or ∇L at another point, which the engine emits from the landscape:
 * `names[k]` = ∂L/∂(coordinate k) at the point whose coordinates are `points`.
 */
export type StepPiece =
  | { readonly kind: 'code'; readonly block: Block }
  | { readonly kind: 'gradientAt'; readonly names: readonly string[]; readonly points: readonly Expr[] }

/**
 * The whole step of `def` for the coordinates `coords` (['x', 'y']): the stages, the prelude and
 * the update, expanded per coordinate. Every engine prints these pieces in order; names the
 * engine provides before them: p_c, g_c (noise included), loss, g_norm2 (when read), t, the
 * hyperparameters, the slots, and when the rule needs them h_diag_c, h_xx/h_xy/h_yy, jtj_*, jtr_*.
 */
export function stepProgram(def: OptimizerDef, coords: readonly string[]): StepPiece[] {
  const rule = loweredRule(def)
  const perCoordinate = perCoordinateNames(def)
  const forCoord = (b: Block, c: string) => renameNames(b, perCoordinate, (n) => coordName(n, c))
  const exprFor = (e: Expr, c: string) => renameInExpr(e, perCoordinate, (n) => coordName(n, c))
  const pieces: StepPiece[] = []
  const code = (block: Block) => {
    if (block.length) pieces.push({ kind: 'code', block })
  }
  for (const stage of rule.stages) {
    switch (stage.kind) {
      case 'coordinates':
        code(coords.flatMap((c) => forCoord(stage.block, c)))
        break
      case 'particle':
        code(stage.block)
        break
      case 'reduce': {
        const terms = coords.map((c) => exprFor(stage.of, c))
        const total = terms.reduce((a, b) => (stage.op === 'sum' ? binary('+', a, b) : call('max', a, b)))
        code([{ kind: 'let', name: stage.name, init: total }])
        break
      }
      case 'gradientAt':
        pieces.push({
          kind: 'gradientAt',
          names: coords.map((c) => coordName(stage.name, c)),
          points: coords.map((c) => exprFor(stage.point, c)),
        })
        break
      case 'dense2':
        if (coords.length !== 2) throw new Error(`${def.name} needs a 2-D problem (a dense stage), not ${coords.length} coordinates`)
        code([
          ...stage.defines.flatMap((d) =>
            coords.map((c) => ({ kind: 'let' as const, name: coordName(d, c), init: { kind: 'num' as const, value: 0 } })),
          ),
          ...stage.block,
        ])
        break
    }
  }
  code(rule.prelude)
  code(coords.flatMap((c) => forCoord(rule.update, c)))
  return pieces
}

/** Name of a per-coordinate identifier for coordinate `c` (e.g. `exp_avg` → `exp_avg_x`). */
export const coordName = (name: string, c: string) => `${name}_${c}`

/** The update's tree with its per-coordinate names suffixed for coordinate `c`. */
export function updateTreeForCoordinate(def: OptimizerDef, c: string): Block {
  return renameNames(loweredRule(def).update, perCoordinateNames(def), (n) => coordName(n, c))
}

/** `def.update` with its per-coordinate names suffixed for coordinate `c`. */
export function updateForCoordinate(def: OptimizerDef, c: string): string {
  return printBlock(updateTreeForCoordinate(def, c))
}

/** The preconditioner's tree for coordinate `c`, renamed like the update; null when absent. */
export function preconditionerTreeForCoordinate(def: OptimizerDef, c: string): Expr | null {
  const p = loweredRule(def).preconditioner
  return p && renameInExpr(p, perCoordinateNames(def), (n) => coordName(n, c))
}

/** `def.preconditioner` for coordinate `c`, renamed like the update; null when absent. */
export function preconditionerForCoordinate(def: OptimizerDef, c: string): string | null {
  const p = preconditionerTreeForCoordinate(def, c)
  return p && printExpr(p)
}

/** Whether the prelude reads `g_norm2`, the squared norm of the whole gradient (set before it runs). */
export function usesGradNorm(def: OptimizerDef): boolean {
  return namesRead(loweredRule(def).prelude).includes('g_norm2')
}

/** The prelude's tree (shared by coordinates). */
export function preludeTree(def: OptimizerDef): Block {
  return loweredRule(def).prelude
}

/** `def.prelude` (shared by coordinates) as code, or the empty string. */
export function preludeCode(def: OptimizerDef): string {
  return printBlock(preludeTree(def))
}
