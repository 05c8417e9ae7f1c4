/**
 * Which central flow a network run has (docs/central-flows.md §2, §3.4): plain GD (torch SGD
 * without momentum) and RMSprop (no momentum, not centered), both without weight decay or
 * maximize; heavy ball, Nesterov and Adam have none in the sources. Scalar RMSProp's flow is
 * 2-D only. Each flow is a generator that yields after every step, so the worker stays responsive.
 */
import type { Hparams } from '../../../src-shared/optim'
import { hasCentralFlow } from '../../../src-shared/eos/eligibility'
import { centralFlowSteps, type NetworkFlowResult } from '../../../src-shared/network/central-flow'
import { Mlp } from '../../../src-shared/network/mlp'
import { rmspropCentralFlowSteps, type RmspropFlowResult } from '../../../src-shared/network/rmsprop-flow'
import type { NetworkScenario } from '../../../src-shared/network/scenario'

export type NetworkFlow = NetworkFlowResult | RmspropFlowResult

/** The flow of run (name, hparams) of `s`, or null when its optimizer has none on a network. */
export function networkFlowSteps(s: NetworkScenario, name: string, h: Hparams): Generator<number, NetworkFlow> | null {
  if (!hasCentralFlow({ name, ...h })) return null
  const net = s.network
  if (name === 'sgd') return centralFlowSteps(net, h.lr as number, s.steps, s.record.every)
  if (name === 'rmsprop') {
    const model = () => new Mlp(net, net.data.x, net.data.y)
    return rmspropCentralFlowSteps(
      model,
      Float64Array.from(net.params),
      h.lr as number,
      h.alpha as number,
      h.eps as number,
      s.steps,
      s.record.every,
    )
  }
  return null
}
