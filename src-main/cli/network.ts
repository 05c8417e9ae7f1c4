/**
 * `cli run` for a network landscape (shared/NETWORKS.md): float64, written as JSON — the
 * scenario's runs with loss, sharpness / eigenvalues, preconditioned sharpness and parameters.
 * The other formats hold 2-D trajectories and are refused up front, before anything runs.
 */
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { ScenarioError } from '../../src-shared/scenario'
import { runNetworkScenario } from '../engine/network/run'
import { isEnsembleScenario, parseEnsembleScenario } from '../../src-shared/network/ensemble'
import { runEnsembleScenario } from '../engine/network/ensemble/run'
import type { OutputFormat, Sink } from './output'

/** Checks the format and the scenario (throws before the run); returns the run to do. */
export function prepareNetworkRun(doc: unknown, format: OutputFormat): (sink: Sink) => string {
  if (format !== 'json') throw new ScenarioError('landscape.network', `a network run is written as JSON (--out RESULT.json), not ${format}`)
  if (isEnsembleScenario(doc)) return prepareEnsembleRun(doc)
  const scenario = parseNetworkScenario(doc)
  return (sink) => {
    const t0 = performance.now()
    const result = runNetworkScenario(scenario)
    sink.write(JSON.stringify(result))
    const runs = result.runs.length
    const diverged = result.runs.filter((r) => r.diverged_at !== null).length
    return (
      `${runs} run${runs === 1 ? '' : 's'} × ${scenario.steps} steps (network, ${scenario.network.size} parameters, float64, ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s)` +
      (diverged ? ` (${diverged} diverged; see diverged_at)` : '')
    )
  }
}

/** `"precision": "float32"`: the ensemble kernel (src-shared/network/ensemble.ts), loss and final parameters per network. */
function prepareEnsembleRun(doc: unknown): (sink: Sink) => string {
  const scenario = parseEnsembleScenario(doc)
  return (sink) => {
    const t0 = performance.now()
    const result = runEnsembleScenario(scenario)
    sink.write(JSON.stringify(result))
    const runs = result.runs.length
    const diverged = result.runs.filter((r) => r.diverged_at !== null).length
    return (
      `${runs} network${runs === 1 ? '' : 's'} × ${scenario.steps} steps (float32 ensemble, ${scenario.network.size} parameters each, ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s)` +
      (diverged ? ` (${diverged} diverged; see diverged_at)` : '')
    )
  }
}
