/**
 * Runs a network scenario (shared/NETWORKS.md) to completion and shapes each run as the
 * contract's output: optimizer (every hyperparameter), loss, sharpness / eigenvalues,
 * preconditioned_sharpness, params, diverged_at. Values not computed at a kept step are null.
 */
import type { Hparams } from '../../../src-shared/optim'
import { stabilityThreshold } from '../../../src-shared/eos/thresholds'
import type { NetworkRecord, NetworkScenario } from '../../../src-shared/network/scenario'
import { type NetworkTrace, simulateNetwork } from './simulate'

export interface NetworkRunRecord {
  readonly optimizer: { readonly name: string } & Hparams
  /** The kept steps (0, every, …). */
  readonly step: number[]
  readonly loss: Array<number | null>
  readonly sharpness?: Array<number | null>
  readonly eigenvalues?: Array<number[] | null>
  readonly stability_threshold?: unknown
  readonly preconditioned_sharpness?: Array<number | null>
  readonly params?: number[][]
  readonly params_final: number[]
  readonly diverged_at: number | null
  readonly [extra: string]: unknown
}

export interface NetworkScenarioResult {
  readonly network: { readonly layers: readonly number[]; readonly n_params: number; readonly examples: number; readonly data: string }
  readonly runs: NetworkRunRecord[]
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null)

export function networkRunRecord(
  name: string,
  hparams: Hparams,
  trace: NetworkTrace,
  record: NetworkRecord,
  size: number,
): NetworkRunRecord {
  const every = record.every
  const { kept, eigenCount: k } = trace
  const out: Record<string, unknown> = {
    optimizer: { name, ...hparams },
    step: Array.from({ length: kept }, (_, i) => i * every),
    loss: Array.from(trace.loss, finiteOrNull),
  }
  if (trace.eigenvalues) {
    const e = trace.eigenvalues
    const rows = Array.from({ length: kept }, (_, i) =>
      Number.isNaN(e[i * k]) ? null : Array.from(e.subarray(i * k, (i + 1) * k), (v) => v),
    )
    if (record.sharpness) out.sharpness = rows.map((r) => (r === null ? null : r[0]))
    if (record.eigenvalues > 0) out.eigenvalues = rows
    out.stability_threshold = stabilityThreshold(name, hparams)
  }
  if (trace.preconditioned) out.preconditioned_sharpness = Array.from(trace.preconditioned, finiteOrNull)
  if (trace.params) out.params = Array.from({ length: kept }, (_, i) => Array.from(trace.params!.subarray(i * size, (i + 1) * size)))
  out.params_final = Array.from(trace.final)
  out.diverged_at = trace.divergedAt < 0 ? null : trace.divergedAt
  return out as NetworkRunRecord
}

export function runNetworkScenario(s: NetworkScenario): NetworkScenarioResult {
  const runs: NetworkRunRecord[] = []
  for (const config of s.optimizers) {
    for (const hparams of config.configs) {
      const trace = simulateNetwork(s.network, config.def, hparams, s.steps, s.record)
      runs.push(networkRunRecord(config.def.name, hparams, trace, s.record, s.network.size))
    }
  }
  const net = s.network
  return { network: { layers: net.layers, n_params: net.size, examples: net.data.n, data: net.dataSource }, runs }
}
