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
 * the numbers in `H`. The loop's own names start with `__`, which no rule may use.
 */
import { loweredRule, namesRead, printBlock, printExpr } from '../optim/rule'
import { hparamCodeNames, hparamCodeValues } from '../optim/hparams'
import type { Hparams, OptimizerDef } from '../optim/types'

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

const compiled = new WeakMap<OptimizerDef, NetworkStep>()

/** The compiled step for `def` (built once per optimizer). */
export function networkStep(def: OptimizerDef): NetworkStep {
  let step = compiled.get(def)
  if (!step) {
    // Our own rule text, parsed and printed from its tree (never user text).
    step = new Function('__P', 't', '__W', '__G', '__S', '__PS', '__H', '__PC', networkStepSource(def)) as NetworkStep
    compiled.set(def, step)
  }
  return step
}

/** An optimizer's state for P coordinates, with its hyperparameters' values. */
export interface NetworkOptimizerState {
  readonly def: OptimizerDef
  readonly hparams: Float64Array
  readonly slots: Float64Array[]
  readonly particle: Float64Array
  /** Steps taken (torch's `step` after the last update). */
  t: number
}

/** Fresh optimizer state: slots at their initialisers (our own rule text: '0', 'lr', ...). */
export function initialOptimizerState(def: OptimizerDef, h: Hparams, P: number): NetworkOptimizerState {
  const names = hparamCodeNames(def)
  const values = hparamCodeValues(def, h)
  const inits = [...Object.values(def.state), ...Object.values(def.particleState ?? {})]
  const init = new Function(...names, `"use strict"; return [${inits.join(', ')}];`) as (...v: number[]) => number[]
  const start = init(...values)
  const nState = stateSlots(def).length
  return {
    def,
    hparams: Float64Array.from(values),
    slots: start.slice(0, nState).map((v) => new Float64Array(P).fill(v)),
    particle: Float64Array.from(start.slice(nState)),
    t: 0,
  }
}

/** One update of W in place with gradient G (t advances first, as torch's `step` does). */
export function optimizerStep(state: NetworkOptimizerState, W: Float64Array, G: Float64Array, precond: Float64Array | null = null): void {
  state.t++
  networkStep(state.def)(W.length, state.t, W, G, state.slots, state.particle, state.hparams, precond)
}
