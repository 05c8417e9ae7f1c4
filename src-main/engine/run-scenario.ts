/**
 * Runs a validated scenario to completion and shapes the result as SCENARIO.md's `runs`
 * (optimizer-major; within an optimizer, sweep configuration, then start point).
 */
import type { Hparams } from '../../src-shared/optim'
import { checkWholeResultFits, type Scenario } from '../../src-shared/scenario'
import { stabilityThreshold } from '../../src-shared/eos/thresholds'
import { gfsSharpnessOrNull } from '../../src-shared/eos/gradient-flow-solution'
import { centralFlowFor } from './central-flow'
import { blockOutput, type BlockOutput, keptRange } from './float64'
import { type PlanOptions, planParts } from './plan'

export interface RunRecord {
  readonly optimizer: { readonly name: string } & Hparams
  readonly init: readonly [number, number]
  /** Kept points; a diverged run holds NaN after `diverged_at`. */
  readonly trajectory: Array<[number, number]>
  readonly loss: number[]
  readonly sharpness?: number[]
  readonly diverged_at: number | null
  /** Extra trajectories an optimizer reports (ASGD: `averaged`). */
  readonly [extra: string]: unknown
}

export interface ScenarioResult {
  readonly runs: RunRecord[]
  /** The compute path of each optimizer entry. */
  readonly backends: string[]
}

export async function runScenario(s: Scenario, options: PlanOptions = {}): Promise<ScenarioResult> {
  checkWholeResultFits(s)
  const runs: RunRecord[] = []
  const backends: string[] = []
  const starts = s.starts.x.length
  const { start, count } = keptRange(0, s.steps, s.record.every)
  for (const part of planParts(s, options)) {
    const out = blockOutput(part.job, part.n, start, count)
    await part.stepper.advance(s.steps, out)
    const diverged = part.stepper.divergedAt()
    backends.push(part.stepper.backend())
    const extraNames = part.stepper.carriesExtra ? Object.keys(part.config.def.outputs ?? {}) : []
    for (let p = 0; p < part.n; p++) {
      const hparams = part.config.configs[Math.floor(p / starts)]
      const record = runRecord(
        part.config.def.name,
        hparams,
        s.starts.x[p % starts],
        s.starts.y[p % starts],
        out,
        p,
        diverged[p],
        extraNames,
        part.stepper.carriesExtra,
      )
      const flow = s.centralFlow
        ? centralFlowFor(
            s.landscape.compiled,
            part.config.def.name,
            hparams,
            s.starts.x[p % starts],
            s.starts.y[p % starts],
            s.steps,
            s.record.every,
          )
        : null
      // The estimator travels with the optimizer's fields, as the scenario gave it (defaults filled in).
      const withGradient = part.config.gradient
        ? ({ ...record, optimizer: { ...record.optimizer, gradient: part.config.gradient } } as unknown as RunRecord)
        : record
      const withGfs = s.record.gfsSharpness ? { ...withGradient, gfs_sharpness: gfsAlong(s, withGradient.trajectory) } : withGradient
      runs.push(flow ? { ...withGfs, central_flow: flow } : withGfs)
    }
  }
  return { runs, backends }
}

/** The GFS sharpness at each kept point; null where the flow did not converge or the point is not finite (after divergence). */
function gfsAlong(s: Scenario, trajectory: ReadonlyArray<readonly [number, number]>): Array<number | null> {
  return trajectory.map(([x, y]) => (Number.isFinite(x) && Number.isFinite(y) ? gfsSharpnessOrNull(s.landscape.compiled, x, y) : null))
}

function runRecord(
  name: string,
  hparams: Hparams,
  x0: number,
  y0: number,
  out: BlockOutput,
  i: number,
  divergedAt: number,
  extraNames: string[],
  /** Whether the path computed the optimizer-state outputs (float64: yes; float32 kernels: no). */
  carriesState: boolean,
): RunRecord {
  const base = i * out.count
  const trajectory: Array<[number, number]> = new Array(out.count)
  const loss: number[] = new Array(out.count)
  for (let k = 0; k < out.count; k++) {
    trajectory[k] = [out.x[base + k], out.y[base + k]]
    loss[k] = out.loss[base + k]
  }
  const record: Record<string, unknown> = { optimizer: { name, ...hparams }, init: [x0, y0], trajectory, loss }
  if (out.sharpness) {
    record.sharpness = Array.from(out.sharpness.subarray(base, base + out.count))
    // What the sharpness is measured against at the edge of stability (docs/central-flows.md, "Thresholds for other optimizers").
    record.stability_threshold = stabilityThreshold(name, hparams)
  }
  if (out.preconditioned && carriesState) record.preconditioned_sharpness = Array.from(out.preconditioned.subarray(base, base + out.count))
  record.diverged_at = divergedAt < 0 ? null : divergedAt
  extraNames.forEach((extraName, j) => {
    const xs = out.extra[2 * j]
    const ys = out.extra[2 * j + 1]
    const pts: Array<[number, number]> = new Array(out.count)
    for (let k = 0; k < out.count; k++) pts[k] = [xs[base + k], ys[base + k]]
    record[extraName] = pts
  })
  return record as RunRecord
}
