/**
 * Runs a validated scenario and shapes the result as SCENARIO.md's `runs` (optimizer-major:
 * for each optimizer, for each start point).
 */
import { hparamCodeNames, hparamCodeValues, type Hparams } from '../../src-shared/optim'
import { checkWholeResultFits, type Scenario, ScenarioError } from '../../src-shared/scenario'
import { type Float64Result, runFloat64 } from './float64'

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
}

/** The same hyperparameters for every particle of one optimizer. */
export function uniformHparams(def: Parameters<typeof hparamCodeValues>[0], h: Hparams, n: number): Float64Array {
  const values = hparamCodeValues(def, h)
  const out = new Float64Array(values.length * n)
  for (let i = 0; i < n; i++) out.set(values, i * values.length)
  if (hparamCodeNames(def).length !== values.length) throw new Error('hyperparameter layout mismatch')
  return out
}

export function runScenario(s: Scenario): ScenarioResult {
  if (s.precision === 'float32') {
    throw new ScenarioError('precision', '"float32" (the GPU.js kernel path) is not available in this build yet; use "float64"')
  }
  if (s.centralFlow) {
    throw new ScenarioError('central_flow', 'central flows are not available in this build yet; set it to false')
  }
  checkWholeResultFits(s)
  const runs: RunRecord[] = []
  const n = s.starts.x.length
  for (const opt of s.optimizers) {
    const result = runFloat64({
      landscape: s.landscape,
      optimizer: opt.def,
      hparams: uniformHparams(opt.def, opt.hparams, n),
      x0: s.starts.x,
      y0: s.starts.y,
      steps: s.steps,
      every: s.record.every,
      sharpness: s.record.sharpness,
      noise: s.noise,
    })
    for (let i = 0; i < n; i++) runs.push(runRecord(opt.def.name, opt.hparams, s.starts.x[i], s.starts.y[i], result, i))
  }
  return { runs }
}

function runRecord(name: string, hparams: Hparams, x0: number, y0: number, r: Float64Result, i: number): RunRecord {
  const base = i * r.kept
  const trajectory: Array<[number, number]> = new Array(r.kept)
  const loss: number[] = new Array(r.kept)
  for (let k = 0; k < r.kept; k++) {
    trajectory[k] = [r.x[base + k], r.y[base + k]]
    loss[k] = r.loss[base + k]
  }
  const record: Record<string, unknown> = {
    optimizer: { name, ...hparams },
    init: [x0, y0],
    trajectory,
    loss,
  }
  if (r.sharpness) record.sharpness = Array.from(r.sharpness.subarray(base, base + r.kept))
  record.diverged_at = r.divergedAt[i] < 0 ? null : r.divergedAt[i]
  for (const [extraName, xy] of Object.entries(r.extra)) {
    const pts: Array<[number, number]> = new Array(r.kept)
    for (let k = 0; k < r.kept; k++) pts[k] = [xy.x[base + k], xy.y[base + k]]
    record[extraName] = pts
  }
  return record as RunRecord
}
