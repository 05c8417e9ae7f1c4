/**
 * The `run` result as a NumPy archive (`np.load("result.npz")`), every array float64 unless said:
 *   trajectory [runs, points, 2], loss [runs, points], step [points] (int64), init [runs, 2],
 *   diverged_at [runs] (int64, -1 = never), optimizer [runs] (text), one array per hyperparameter
 *   ([runs], or [runs, 2] for pairs such as betas; NaN where a run's optimizer has no such
 *   hyperparameter; bool when every optimizer's is a flag), sharpness / stability_threshold /
 *   preconditioned_sharpness when recorded, extra trajectories (ASGD `averaged`), central flows
 *   as central_flow_* arrays, and `scenario`: the scenario file's JSON as a 0-d text array.
 * Large arrays stream from the engine's arrays in ~8 MB pieces; nothing is copied whole.
 */
import { bytesOf, type NpyArray, stringArray, typedArray } from '../../../src-shared/npy'
import type { HparamValue } from '../../../src-shared/optim'
import { stabilityThreshold } from '../../../src-shared/eos/thresholds'
import type { CentralFlowResult } from '../../engine/central-flow'
import { type ColumnarResult, eachRun, type PartResult } from './result'

/** Points per streamed piece of an interleaved [.., 2] array (8 MB of float64). */
const PAIR_PIECE = 1 << 19

/** A [runs, points] float64 array concatenated from each part's column (NaN where a part has none). */
function perPoint(name: string, r: ColumnarResult, pick: (part: PartResult) => Float64Array | null): NpyArray {
  return {
    name, descr: '<f8', shape: [r.runs, r.kept],
    *chunks() {
      for (const part of r.parts) {
        const a = pick(part)
        if (a) yield* typedArray(name, '<f8', [a.length], a).chunks()
        else yield bytesOf(new Float64Array(part.n * r.kept).fill(NaN))
      }
    },
  }
}

/** A [runs, points, 2] float64 array interleaved from each part's x and y columns. */
function perPointPair(name: string, r: ColumnarResult, pick: (part: PartResult) => readonly [Float64Array, Float64Array] | null): NpyArray {
  return {
    name, descr: '<f8', shape: [r.runs, r.kept, 2],
    *chunks() {
      for (const part of r.parts) {
        const xy = pick(part)
        const total = part.n * r.kept
        for (let from = 0; from < total; from += PAIR_PIECE) {
          const m = Math.min(PAIR_PIECE, total - from)
          const piece = new Float64Array(2 * m)
          if (!xy) piece.fill(NaN)
          else {
            const [xs, ys] = xy
            for (let k = 0; k < m; k++) { piece[2 * k] = xs[from + k]; piece[2 * k + 1] = ys[from + k] }
          }
          yield bytesOf(piece)
        }
      }
    },
  }
}

const RESERVED = new Set(['trajectory', 'loss', 'step', 'init', 'diverged_at', 'optimizer', 'sharpness', 'stability_threshold', 'preconditioned_sharpness', 'scenario'])

/** One array per hyperparameter over all runs. */
function hparamArrays(r: ColumnarResult): NpyArray[] {
  const values = new Map<string, Array<HparamValue | undefined>>()
  let i = 0
  for (const run of eachRun(r)) {
    for (const [k, v] of Object.entries(run.hparams)) {
      let column = values.get(k)
      if (!column) values.set(k, (column = new Array<HparamValue | undefined>(r.runs)))
      column[i] = v
    }
    i++
  }
  const arrays: NpyArray[] = []
  for (const [key, column] of values) {
    const name = RESERVED.has(key) || key.startsWith('central_flow_') ? `hparam_${key}` : key
    const present = column.filter((v) => v !== undefined)
    if (present.every((v) => typeof v === 'boolean') && present.length === r.runs) {
      arrays.push(typedArray(name, '|b1', [r.runs], Uint8Array.from(column, (v) => (v ? 1 : 0))))
    } else if (present.some((v) => Array.isArray(v))) {
      const a = new Float64Array(2 * r.runs).fill(NaN)
      column.forEach((v, j) => { if (Array.isArray(v)) { a[2 * j] = v[0]; a[2 * j + 1] = v[1] } })
      arrays.push(typedArray(name, '<f8', [r.runs, 2], a))
    } else {
      arrays.push(typedArray(name, '<f8', [r.runs], Float64Array.from(column, (v) => (v === undefined ? NaN : Number(v)))))
    }
  }
  return arrays
}

/** Central flows as central_flow_<field> arrays, NaN-padded for runs without a flow. */
function centralFlowArrays(r: ColumnarResult, flows: ReadonlyArray<CentralFlowResult | null>): NpyArray[] {
  const series = (field: 'loss' | 'predicted_loss' | 'sharpness' | 'sigma2' | 'effective_sharpness') => {
    const a = new Float64Array(r.runs * r.kept).fill(NaN)
    flows.forEach((f, i) => { const s = f?.[field]; if (s) for (let k = 0; k < Math.min(r.kept, s.length); k++) a[i * r.kept + k] = s[k] ?? NaN })
    return typedArray(`central_flow_${field}`, '<f8', [r.runs, r.kept], a)
  }
  const pairSeries = (field: 'trajectory' | 'axis') => {
    const a = new Float64Array(r.runs * r.kept * 2).fill(NaN)
    flows.forEach((f, i) => {
      const s = f?.[field]
      if (s) for (let k = 0; k < Math.min(r.kept, s.length); k++) { a[2 * (i * r.kept + k)] = s[k][0] ?? NaN; a[2 * (i * r.kept + k) + 1] = s[k][1] ?? NaN }
    })
    return typedArray(`central_flow_${field}`, '<f8', [r.runs, r.kept, 2], a)
  }
  const arrays = [pairSeries('trajectory'), series('loss'), series('predicted_loss'), series('sharpness'), series('sigma2'), pairSeries('axis')]
  if (flows.some((f) => f?.effective_sharpness)) arrays.push(series('effective_sharpness'))
  arrays.push(typedArray('central_flow_stopped_at', '<i8', [r.runs], BigInt64Array.from(flows, (f) => BigInt(f?.stopped_at ?? -1))))
  arrays.push(stringArray('central_flow_stop_reason', flows.map((f) => f?.stop_reason ?? '')))
  return arrays
}

/** The arrays of the archive, in the order above. `scenarioJson` is the scenario file's text. */
export function npzArrays(r: ColumnarResult, scenarioJson: string): NpyArray[] {
  const every = r.scenario.record.every
  const init = new Float64Array(2 * r.runs)
  const diverged = new BigInt64Array(r.runs)
  const names: string[] = new Array(r.runs)
  const threshold = new Float64Array(r.scenario.record.sharpness ? r.runs : 0)
  let i = 0
  for (const run of eachRun(r)) {
    init[2 * i] = run.x0
    init[2 * i + 1] = run.y0
    diverged[i] = BigInt(run.part.diverged[run.p])
    names[i] = run.name
    if (threshold.length) {
      const t = stabilityThreshold(run.name, run.hparams)
      threshold[i] = 'value' in t ? t.value : NaN
    }
    i++
  }
  const arrays: NpyArray[] = [
    perPointPair('trajectory', r, (part) => [part.out.x, part.out.y]),
    perPoint('loss', r, (part) => part.out.loss),
    typedArray('step', '<i8', [r.kept], BigInt64Array.from({ length: r.kept }, (_, k) => BigInt(k * every))),
    typedArray('init', '<f8', [r.runs, 2], init),
    typedArray('diverged_at', '<i8', [r.runs], diverged),
    stringArray('optimizer', names),
    ...hparamArrays(r),
  ]
  if (r.scenario.record.sharpness) {
    arrays.push(perPoint('sharpness', r, (part) => part.out.sharpness))
    arrays.push(typedArray('stability_threshold', '<f8', [r.runs], threshold))
  }
  if (r.parts.some((part) => part.out.preconditioned && part.carriesState)) {
    arrays.push(perPoint('preconditioned_sharpness', r, (part) => (part.carriesState ? part.out.preconditioned : null)))
  }
  const extraNames = new Set(r.parts.flatMap((part) => part.extraNames))
  for (const name of extraNames) {
    arrays.push(perPointPair(RESERVED.has(name) ? `extra_${name}` : name, r, (part) => {
      const j = part.extraNames.indexOf(name)
      return j < 0 ? null : [part.out.extra[2 * j], part.out.extra[2 * j + 1]] as const
    }))
  }
  if (r.centralFlows) arrays.push(...centralFlowArrays(r, r.centralFlows))
  arrays.push(stringArray('scenario', [scenarioJson], []))
  return arrays
}
