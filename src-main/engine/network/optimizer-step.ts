/**
 * The network optimizer loop (src-shared/network/optimizer-loop.ts) compiled once per optimizer,
 * the optimizer's state for P coordinates, and one step of it.
 */
import { hparamCodeNames, hparamCodeValues } from '../../../src-shared/optim/hparams'
import type { Hparams, OptimizerDef } from '../../../src-shared/optim/types'
import { type NetworkStep, networkStepSource, stateSlots } from '../../../src-shared/network/optimizer-loop'

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
