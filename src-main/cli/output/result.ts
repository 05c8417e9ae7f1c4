/**
 * A finished `run` held column-wise: the engine's own per-part output arrays (run-major within a
 * part), not one object per run. Every writer reads from here, so a result costs its arrays
 * (24 B per kept point on the float64 path, 12 B on the float32 path, more with sharpness) and
 * nothing per point on the JS heap.
 */
import type { Hparams } from '../../../src-shared/optim'
import type { OptimizerConfig, Scenario } from '../../../src-shared/scenario'
import { type CentralFlowResult, centralFlowFor } from '../../engine/central-flow'
import { blockOutput, type BlockOutput, keptRange } from '../../engine/float64'
import { type Part, type PlanOptions, planParts } from '../../engine/plan'

/**
 * Positions and loss as the path computed them: float64, or float32 on the float32 path (the same
 * numbers in half the memory; writers widen them to float64 as they write).
 */
export type PointColumn = Float64Array | Float32Array

/** A part's output as collectResult allocates it (partOutput). */
export type ResultOutput = BlockOutput & {
  readonly x: PointColumn
  readonly y: PointColumn
  readonly loss: PointColumn
  readonly sharpness: Float64Array | null
  readonly preconditioned: Float64Array | null
  readonly axis: Float64Array | null
}

export interface PartResult {
  readonly config: OptimizerConfig
  /** Runs in this part: configurations × start points, configuration-major. */
  readonly n: number
  readonly out: ResultOutput
  /** First non-finite step per run, or -1. */
  readonly diverged: Int32Array
  /** Whether the path computed the optimizer's extra outputs and preconditioned sharpness (float64: yes). */
  readonly carriesState: boolean
  /** Names of the optimizer's extra trajectories (ASGD: `averaged`), in `out.extra` order. */
  readonly extraNames: readonly string[]
  readonly backend: string
}

export interface ColumnarResult {
  readonly scenario: Scenario
  readonly runs: number
  /** Kept points per run. */
  readonly kept: number
  readonly parts: readonly PartResult[]
  /** Per run when the scenario asks for central flows (null where the optimizer has none). */
  readonly centralFlows: ReadonlyArray<CentralFlowResult | null> | null
}

/** One run's identity, as SCENARIO.md's `runs[i]` describes it. */
export interface RunInfo {
  readonly part: PartResult
  /** Index of the run inside its part (row of the part's arrays). */
  readonly p: number
  /** Index of the run's configuration in its part (`part.config.configs[c]`). */
  readonly c: number
  readonly name: string
  readonly hparams: Hparams
  readonly x0: number
  readonly y0: number
}

/** Runs in output order (optimizer-major; then configuration, then start point). */
export function* eachRun(r: ColumnarResult): Generator<RunInfo> {
  const starts = r.scenario.starts.x.length
  for (const part of r.parts) {
    for (let p = 0; p < part.n; p++) {
      yield {
        part,
        p,
        c: Math.floor(p / starts),
        name: part.config.def.name,
        hparams: part.config.configs[Math.floor(p / starts)],
        x0: r.scenario.starts.x[p % starts],
        y0: r.scenario.starts.y[p % starts],
      }
    }
  }
}

/**
 * A part's arrays: blockOutput's float64 ones, or on the float32 path float32 positions and loss
 * (every value is a float32 there; fresh pages cost ≈ 3 ms per MiB to touch here, so half the
 * bytes is ≈ 0.4 s less for 10⁷ kept points) beside the float64 sharpness the host computes.
 */
function partOutput(part: Part, precision: Scenario['precision'], start: number, count: number): ResultOutput {
  if (precision !== 'float32') return blockOutput(part.job, part.n, start, count) as ResultOutput
  const out = blockOutput({ ...part.job, sharpness: false }, part.n, start, count, 'float32') as ResultOutput
  if (!part.job.sharpness) return out
  const wide = blockOutput(part.job, part.n, start, 0)
  const size = part.n * count
  return {
    ...out,
    sharpness: new Float64Array(size),
    preconditioned: wide.preconditioned && new Float64Array(size).fill(NaN),
    axis: new Float64Array(2 * size),
  }
}

/** Run the scenario to completion, keeping the engine's arrays as they are. */
export async function collectResult(s: Scenario, options: PlanOptions = {}): Promise<ColumnarResult> {
  const { start, count } = keptRange(0, s.steps, s.record.every)
  const parts: PartResult[] = []
  for (const part of planParts(s, options)) {
    const out = partOutput(part, s.precision, start, count)
    await part.stepper.advance(s.steps, out)
    const carriesState = part.stepper.carriesExtra
    parts.push({
      config: part.config,
      n: part.n,
      out,
      diverged: part.stepper.divergedAt(),
      carriesState,
      extraNames: carriesState ? Object.keys(part.config.def.outputs ?? {}) : [],
      backend: part.stepper.backend(),
    })
  }
  const result: ColumnarResult = { scenario: s, runs: parts.reduce((a, p) => a + p.n, 0), kept: count, parts, centralFlows: null }
  if (!s.centralFlow) return result
  const flows: Array<CentralFlowResult | null> = []
  for (const run of eachRun(result)) {
    flows.push(centralFlowFor(s.landscape.compiled, run.name, run.hparams, run.x0, run.y0, s.steps, s.record.every))
  }
  return { ...result, centralFlows: flows }
}
