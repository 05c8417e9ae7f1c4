/**
 * Expands an optimizer's rule text for concrete coordinates. Both the float64 engine and the
 * GPU.js kernel builder call this, so they run the same rule.
 */
import type { OptimizerDef } from './types'

const IDENTIFIER = /(?<![.\w$])[A-Za-z_$][\w$]*/g
const LET = /\blet\s+([A-Za-z_$][\w$]*)/g

/** Locals the rule text declares with `let`. */
export function declaredLocals(code: string): string[] {
  return [...code.matchAll(LET)].map((m) => m[1])
}

/** Identifiers that are per coordinate in `def.update`. */
export function perCoordinateNames(def: OptimizerDef): Set<string> {
  return new Set(['p', 'g', ...Object.keys(def.state), ...declaredLocals(def.update)])
}

/** Name of a per-coordinate identifier for coordinate `c` (e.g. `exp_avg` → `exp_avg_x`). */
export const coordName = (name: string, c: string) => `${name}_${c}`

/** `def.update` with its per-coordinate names suffixed for coordinate `c`. */
export function updateForCoordinate(def: OptimizerDef, c: string): string {
  const names = perCoordinateNames(def)
  return def.update.replace(IDENTIFIER, (id) => (names.has(id) ? coordName(id, c) : id))
}

/** `def.preconditioner` for coordinate `c`, renamed like the update; null when absent. */
export function preconditionerForCoordinate(def: OptimizerDef, c: string): string | null {
  if (!def.preconditioner) return null
  const names = perCoordinateNames(def)
  return def.preconditioner.replace(IDENTIFIER, (id) => (names.has(id) ? coordName(id, c) : id))
}

/** Whether the prelude reads `g_norm2`, the squared norm of the whole gradient (set before it runs). */
export function usesGradNorm(def: OptimizerDef): boolean {
  return /(?<![\w$])g_norm2(?![\w$])/.test(def.prelude ?? '')
}

/** `def.prelude` (shared by coordinates), or the empty string. */
export function preludeCode(def: OptimizerDef): string {
  return def.prelude ?? ''
}
