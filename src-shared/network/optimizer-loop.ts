/**
 * An optimizer's rule (src-shared/optim: prelude once per step, update per coordinate) emitted
 * as one loop over the P coordinates of a parameter vector held in typed arrays, for network
 * landscapes. The float64 point engine expands the rule per named coordinate (x, y); a network
 * has hundreds of coordinates, so here the per-coordinate names become loop locals instead:
 *
 *   prelude (the particle slots loaded into locals, written back after);
 *   for (i < P) { load p, g and each state slot at i; the update, printed from its tree; store }
 *
 * The code comes only from our own rule trees (parsed, validated and lowered once by
 * src-shared/optim/rule) and the printer the other engines use; user input reaches it only as
 * the numbers in `H`. The loop's own names start with `__`, which no rule may use. The source is
 * compiled on the engine side (src-main/engine/network/optimizer-step.ts), never in the renderer.
 */
import { loweredRule, namesRead, printBlock, printExpr } from '../optim/rule'
import { hparamCodeNames } from '../optim/hparams'
import type { OptimizerDef } from '../optim/types'

/**
 * One optimizer step over P coordinates, in place: `W` the parameters, `G` the gradient at W
 * (read only), `S` one array per state slot (`stateSlots(def)` order), `PS` the particle slots
 * (`particleSlots(def)` order), `H` the hyperparameter code values (`hparamCodeNames` order),
 * `PC` (may be null) receives the diagonal preconditioner after the update.
 */
export type NetworkStep = (
  P: number,
  t: number,
  W: Float64Array,
  G: Float64Array,
  S: readonly Float64Array[],
  PS: Float64Array,
  H: Float64Array,
  PC: Float64Array | null,
) => void

export const stateSlots = (def: OptimizerDef): string[] => Object.keys(def.state)
export const particleSlots = (def: OptimizerDef): string[] => Object.keys(def.particleState ?? {})

/** Source of the step function's body (exported for inspection and tests). */
export function networkStepSource(def: OptimizerDef): string {
  const rule = loweredRule(def)
  const hparams = hparamCodeNames(def)
  const slots = stateSlots(def)
  const particle = particleSlots(def)
  const usesNorm = namesRead(rule.prelude).includes('g_norm2')
  const body = printBlock(rule.update, { indent: '  ' })
  const precond = rule.preconditioner ? printExpr(rule.preconditioner) : null
  // Prelude locals, read by the update, live outside the loop; the update's locals are
  // declared inside the loop body, a fresh binding per coordinate.
  return `"use strict";
${hparams.map((h, j) => `const ${h} = __H[${j}];`).join('\n')}
${particle.map((s, j) => `let ${s} = __PS[${j}];`).join('\n')}
${slots.map((s, j) => `const __S_${s} = __S[${j}];`).join('\n')}
${usesNorm ? 'let g_norm2 = 0;\nfor (let __i = 0; __i < __P; __i++) g_norm2 += __G[__i] * __G[__i];' : ''}
${printBlock(rule.prelude)}
for (let __i = 0; __i < __P; __i++) {
  let p = __W[__i];
  let g = __G[__i];
  ${slots.map((s) => `let ${s} = __S_${s}[__i];`).join('\n  ')}
${body}
  __W[__i] = p;
  ${slots.map((s) => `__S_${s}[__i] = ${s};`).join('\n  ')}
  ${precond ? `if (__PC !== null) __PC[__i] = ${precond};` : ''}
}
${particle.map((s, j) => `__PS[${j}] = ${s};`).join('\n')}`
}
