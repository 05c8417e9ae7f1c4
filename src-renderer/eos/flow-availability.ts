/**
 * What the EoS view offers about central flows for a run (pure, tested in
 * tests/renderer/eos-flow-availability.test.ts): whether "Restart flow here" applies and why not,
 * and the note shown when a finished run has no flow.
 */
import { hasCentralFlow } from '../../src-shared/eos/eligibility'

export interface FlowOptimizer {
  readonly name: string
  readonly [key: string]: unknown
}

export interface RestartAvailability {
  readonly ok: boolean
  /** The button's tooltip: what it does, or why it is disabled. */
  readonly reason: string
}

/**
 * A restart integrates the flow from one GD iterate. On a 2-D landscape the iterate is the point
 * the job streams; on a network the job streams only the iterate's projection onto the drawn
 * slice (two of hundreds of coordinates), from which the flow cannot start.
 */
export function restartAvailability(optimizer: FlowOptimizer | undefined, network: boolean): RestartAvailability {
  const flowOk = optimizer ? hasCentralFlow(optimizer) : false
  if (network)
    return {
      ok: false,
      reason:
        'Not for networks: a restart needs GD’s full parameter vector at that step, and the app receives only its projection onto the slice',
    }
  if (!flowOk) return { ok: false, reason: 'Only plain GD, RMSprop (no momentum, not centered) and Scalar RMSProp have a central flow' }
  // RMSprop's flow would also need GD's ν at that step, which the engine does not stream.
  if (optimizer?.name !== 'sgd')
    return { ok: false, reason: 'Restarting needs the optimizer’s state (ν) at that step as well as the iterate: plain GD only' }
  return { ok: true, reason: 'Integrate the central flow again from GD’s iterate at the highlighted step (or the playhead)' }
}

/** The note for a finished run without a flow: how to get one, or why there is none. */
export function noFlowNote(optimizer: FlowOptimizer | undefined, centralFlowOn: boolean, network: boolean): string {
  const flowOk = optimizer ? hasCentralFlow(optimizer) : false
  // src-main/engine/network/flows.ts: Scalar RMSProp's flow is written for 2-D landscapes only.
  if (network && optimizer?.name === 'scalar_rmsprop')
    return 'No central flow for Scalar RMSProp on a network: its flow is computed on 2-D landscapes only.'
  if (!flowOk)
    return 'No central flow for this optimizer: the flow is defined for plain GD, RMSprop without momentum or centering, and Scalar RMSProp.'
  if (centralFlowOn) return 'No central flow for this run.'
  return 'Turn on “central flow” (Run panel) to compare GD with its central flow.'
}
