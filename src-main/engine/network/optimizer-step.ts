/**
 * The network optimizer loop (src-shared/network/optimizer-loop.ts) compiled once per optimizer,
 * the optimizer's state for P coordinates, and one step of it.
 */
import { hparamCodeNames, hparamCodeValues } from '../../../src-shared/optim/hparams'
import type { Hparams, OptimizerDef } from '../../../src-shared/optim/types'
import {
  type GradientAt,
  NETWORK_STEP_PARAMS,
  networkRefusal,
  type NetworkStep,
  networkStepSource,
  stateSlots,
} from '../../../src-shared/network/optimizer-loop'
import { ruleNeeds } from '../../../src-shared/optim/rule'

const compiled = new WeakMap<OptimizerDef, NetworkStep>()

/** The compiled step for `def` (built once per optimizer). */
export function networkStep(def: OptimizerDef): NetworkStep {
  let step = compiled.get(def)
  if (!step) {
    // Our own rule text, parsed and printed from its tree (never user text).
    step = new Function(...NETWORK_STEP_PARAMS, networkStepSource(def)) as NetworkStep
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
  const refusal = networkRefusal(def)
  if (refusal) throw new Error(refusal)
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

/** What the network provides a step besides W and G, for rules that read it (`loss`, `gradientAt` stages). */
export interface StepOracles {
  /** L at W. */
  readonly loss: number
  /** ∇L at another point, on the same data as G; it may overwrite G (the network's gradient view): the step copies G first. */
  readonly gradientAt: GradientAt
}

/** One update of W in place with gradient G (t advances first, as torch's `step` does). */
export function optimizerStep(
  state: NetworkOptimizerState,
  W: Float64Array,
  G: Float64Array,
  precond: Float64Array | null = null,
  oracles: StepOracles | null = null,
): void {
  const needs = ruleNeeds(state.def)
  if (!oracles && (needs.loss || needs.gradientsElsewhere > 0))
    throw new Error(`${state.def.title} reads ${needs.loss ? 'the loss' : 'the gradient at another point'}: pass the step's oracles`)
  state.t++
  networkStep(state.def)(
    W.length,
    state.t,
    W,
    G,
    state.slots,
    state.particle,
    state.hparams,
    precond,
    oracles?.loss ?? NaN,
    oracles?.gradientAt ?? null,
  )
}
