/**
 * Runs a network scenario (shared/NETWORKS.md) to completion and shapes each run as the
 * contract's output: optimizer (every hyperparameter), loss, sharpness / eigenvalues,
 * preconditioned_sharpness, params, diverged_at. Values not computed at a kept step are null.
 */
import type { Hparams } from '../../../src-shared/optim'
import { stabilityThreshold } from '../../../src-shared/eos/thresholds'
import { type NetworkFlowResult, runToEnd } from '../../../src-shared/network/central-flow'
import { Mlp } from '../../../src-shared/network/mlp'
import { computeSlice } from '../../../src-shared/network/slice'
import type { NetworkRecord, NetworkScenario } from '../../../src-shared/network/scenario'
import { type NetworkTrace, simulateNetwork } from './simulate'
import { networkFlowSteps } from './flows'

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
  if (trace.gfs) out.gfs_sharpness = Array.from(trace.gfs, finiteOrNull)
  if (trace.preconditioned) out.preconditioned_sharpness = Array.from(trace.preconditioned, finiteOrNull)
  if (trace.params) out.params = Array.from({ length: kept }, (_, i) => Array.from(trace.params!.subarray(i * size, (i + 1) * size)))
  out.params_final = Array.from(trace.final)
  out.diverged_at = trace.divergedAt < 0 ? null : trace.divergedAt
  return out as NetworkRunRecord
}

/**
 * The contract's `central_flow` for a run: plain GD and RMSprop (§3.4, with its effective
 * sharpness λ₁(P⁻¹H)); null for other optimizers (Scalar RMSProp's flow is 2-D only).
 */
function networkCentralFlow(s: NetworkScenario, name: string, hparams: Hparams): Record<string, unknown> | null {
  const steps = networkFlowSteps(s, name, hparams)
  if (!steps) return null
  const flow = runToEnd(steps)
  const fields = flowFields(flow)
  return 'effective_sharpness' in flow ? { ...fields, effective_sharpness: Array.from(flow.effective_sharpness, finiteOrNull) } : fields
}

function flowFields(r: NetworkFlowResult): Record<string, unknown> {
  return {
    loss: Array.from(r.loss, finiteOrNull),
    predicted_loss: Array.from(r.predicted_loss, finiteOrNull),
    sharpness: Array.from(r.sharpness, finiteOrNull),
    sigma2: Array.from(r.sigma2, finiteOrNull),
    stopped_at: r.stopped_at,
    stop_reason: r.stop_reason,
  }
}

/** `trajectory` (the kept points projected on the slice) and `slice` (its surface and how far each point is off it). */
function sliceFields(s: NetworkScenario, trace: NetworkTrace): Record<string, unknown> {
  const spec = s.slice!
  const net = s.network
  // Up to the divergence: later points are NaN.
  const count = trace.divergedAt < 0 ? trace.kept : Math.floor(trace.divergedAt / s.record.every)
  const r = computeSlice(spec, net.layers, new Mlp(net, net.data.x, net.data.y), trace.params!, Math.max(1, count))
  const trajectory = Array.from({ length: trace.kept }, (_, i) => (i < count ? [r.ab[2 * i], r.ab[2 * i + 1]] : [null, null]))
  return {
    trajectory,
    slice: {
      ...spec,
      off_plane: Array.from({ length: trace.kept }, (_, i) => (i < count ? r.offPlane[i] : null)),
      slice_loss: Array.from({ length: trace.kept }, (_, i) => (i < count ? finiteOrNull(r.sliceLoss[i]) : null)),
      surface: Array.from(r.surface, finiteOrNull),
      directions_values: [Array.from(r.d1), Array.from(r.d2)],
    },
  }
}

export function runNetworkScenario(s: NetworkScenario): NetworkScenarioResult {
  const runs: NetworkRunRecord[] = []
  for (const config of s.optimizers) {
    for (const hparams of config.configs) {
      // A slice projects every kept parameter vector: record them even when they are not reported.
      const trace = simulateNetwork(s.network, config.def, hparams, s.steps, s.slice ? { ...s.record, params: true } : s.record)
      let record = networkRunRecord(config.def.name, hparams, trace, s.record, s.network.size)
      if (s.slice) record = { ...record, ...sliceFields(s, trace) }
      if (!s.record.params) delete (record as { params?: unknown }).params
      const flow = s.centralFlow ? networkCentralFlow(s, config.def.name, hparams) : null
      runs.push(flow ? { ...record, central_flow: flow } : record)
    }
  }
  const net = s.network
  return { network: { layers: net.layers, n_params: net.size, examples: net.data.n, data: net.dataSource }, runs }
}
