/**
 * What the EoS view shows for one run, computed from the job on screen (./series.ts does the
 * arithmetic): the three panels' series, the threshold, the onset and the flow's limits.
 */
import { isNetworkJob, lowerEigenvalues } from '../network/eigen-series'
import type { FlowData } from '../../src-shared/api'
import { stabilityThreshold, type Threshold } from '../../src-shared/eos/thresholds'
import type { Hparams } from '../../src-shared/optim'
import type { JobData } from '../data/job-data'
import { runLabel } from './labels'
import { eosOnset, extent, oscillation, smooth } from './series'
import type { RestartedFlow } from './state'

export interface EosModel {
  readonly run: number
  /** Points of the run received so far, and the job's kept points per run. */
  readonly n: number
  readonly kept: number
  readonly every: number
  readonly optimizer: string
  /** The run's optimizer in the charts' legends: GD, heavy ball, Nesterov, Adam, RMSprop, … (never "GD" for another optimizer). */
  readonly runLabel: string
  readonly threshold: Threshold
  readonly loss: Float32Array
  readonly smoothedLoss: Float64Array
  /** What panel (b) plots against the threshold: S, or λ₁(P⁻¹H) for a preconditioned threshold. */
  readonly sharpness: Float32Array | null
  readonly sharpnessLabel: string
  /** Why the preconditioned sharpness is missing (float32 path), when it is. */
  readonly sharpnessNote: string | null
  /** ⟨x_k − x̄_k, u_k⟩, when the job carries the axis. */
  readonly oscillation: Float64Array | null
  /** Kept-point index of the EoS onset (first S_k ≥ threshold), or null. */
  readonly onset: number | null
  /**
   * Kept-point index where the central flow reaches the edge (first σ² > 0), or null. It can
   * precede GD's onset (the flow becomes critical while GD's instability still grows, §2.3).
   */
  readonly flowEdge: number | null
  readonly flow: FlowData | null
  readonly restarted: readonly RestartedFlow[]
  /**
   * Whether the run is at the edge of stability: `at-edge` once the sharpness (or the flow) reaches
   * the threshold, `below` when it never does, `unknown` when there is nothing to compare.
   */
  readonly edge: 'at-edge' | 'below' | 'unknown'
  /** Largest finite sharpness of the run so far (for "stays below" sentences), or null. */
  readonly maxSharpness: number | null
  /** The run's iterates, interleaved. */
  readonly xy: Float32Array
  /** λ₂ … λ_k of the Hessian (network jobs with record.eigenvalues ≥ 2), drawn beside S. */
  readonly lowerEigenvalues: readonly Float32Array[]
  /** The gradient-flow-solution sharpness per kept point (record.gfs_sharpness), drawn beside S; null without it. */
  readonly gfs: Float32Array | null
  /** Why panel (c) is empty for this run, when it is for a reason worth saying (a network). */
  readonly oscillationNote: string | null
}

export function eosModel(job: JobData, run: number, restarted: readonly RestartedFlow[]): EosModel | null {
  const runs = job.runs.length
  if (runs === 0 || job.kept === 0) return null
  const r = Math.max(0, Math.min(runs - 1, run))
  const info = job.runs[r]
  const kept = job.kept
  const n = Math.min(job.received, kept)
  const base = r * kept
  const threshold = stabilityThreshold(info.optimizer.name, info.optimizer as unknown as Hparams)
  const loss = job.loss.subarray(base, base + n)
  const xy = job.xy.subarray(2 * base, 2 * (base + n))
  let sharpness: Float32Array | null = null
  let sharpnessLabel = 'S = λ₁(H)'
  let sharpnessNote: string | null = null
  if (job.hasSharpness) {
    if (threshold.kind === 'preconditioned' && job.hasPreconditioned) {
      sharpness = job.preconditioned.subarray(base, base + n)
      sharpnessLabel = 'λ₁(P⁻¹H)'
    } else {
      sharpness = job.sharpness.subarray(base, base + n)
      if (threshold.kind === 'preconditioned')
        sharpnessNote = 'λ₁(P⁻¹H) is computed on the float64 path only; the Hessian sharpness S is shown instead.'
    }
  }
  const comparable = threshold.kind !== 'none' && sharpness !== null && (threshold.kind === 'hessian' || sharpnessLabel !== 'S = λ₁(H)')
  const onset = comparable ? eosOnset(sharpness!, n, threshold.value) : null
  const flow = job.flows.find((f) => f.run === r) ?? null
  const edge = flow ? flow.sigma2.findIndex((s) => s > 0) : -1
  const range = comparable ? extent([sharpness], n) : null
  return {
    run: r,
    n,
    kept,
    every: Math.max(1, job.every),
    optimizer: info.optimizer.name,
    runLabel: runLabel(info.optimizer),
    threshold,
    edge: onset !== null || edge >= 0 ? 'at-edge' : comparable && n > 0 ? 'below' : 'unknown',
    maxSharpness: range ? range[1] : null,
    loss,
    smoothedLoss: smooth(loss, n),
    sharpness,
    sharpnessLabel,
    sharpnessNote,
    oscillation: job.hasSharpness ? oscillation(xy, job.axis.subarray(2 * base, 2 * (base + n)), n) : null,
    onset,
    flowEdge: edge >= 0 ? edge : null,
    flow,
    restarted,
    xy,
    lowerEigenvalues: lowerEigenvalues(job.jobId, r, n),
    gfs: job.hasGfs ? job.gfsSharpness.subarray(base, base + n) : null,
    oscillationNote: isNetworkJob(job.jobId)
      ? 'a network’s top eigenvector lives in parameter space; the 3-D view shows the path on a slice instead'
      : null,
  }
}
