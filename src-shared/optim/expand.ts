/**
 * Expands an optimizer's rule for concrete coordinates. Both the float64 engine and the kernel
 * builder call this, so they run the same rule: the parsed tree (rule/), renamed per coordinate
 * and printed by the one printer.
 */
import type { OptimizerDef } from './types'
import { declaredInCode } from './rule/rename-code'
import { type Block, declaredNames, type Expr, loweredRule, namesRead, printBlock, printExpr, renameInExpr, renameNames } from './rule'

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

/** Identifiers that are per coordinate in `def.update`. */
export function perCoordinateNames(def: OptimizerDef): Set<string> {
  return new Set(['p', 'g', ...Object.keys(def.state), ...updateLocals(def)])
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
