/**
 * The `run` result as a NumPy archive (`np.load("result.npz")`), every array float64 unless said:
 *   trajectory [runs, points, 2], loss [runs, points], step [points] (int64), init [runs, 2],
 *   diverged_at [runs] (int64, -1 = never), optimizer [runs] (text), one array per hyperparameter
 *   ([runs], or [runs, 2] for pairs such as betas; NaN where a run's optimizer has no such
 *   hyperparameter; bool when every optimizer's is a flag), sharpness / stability_threshold /
 *   preconditioned_sharpness when recorded, extra trajectories (ASGD `averaged`), central flows
 *   as central_flow_* arrays, and `scenario`: the scenario file's JSON as a 0-d text array.
 *   Per run also (./run-extras.ts): `schedule` (text: the schedule's JSON, every argument; '' without
 *   one), `lr_final` (the rate the last step used; the run's lr without a schedule) and `gradient`
 *   (text: the estimator's JSON; '' for the exact gradient).
 * Large arrays stream from the engine's arrays in ~8 MB pieces; nothing is copied whole.
 * The pieces may reuse one buffer: a consumer writes or copies each before asking for the next.
 */
import { bytesOf, type NpyArray, repeatRow, stringArray, typedArray } from '../../../src-shared/npy'
import type { HparamValue } from '../../../src-shared/optim'
import { stabilityThreshold } from '../../../src-shared/eos/thresholds'
import type { CentralFlowResult } from '../../engine/central-flow'
import { type ColumnarResult, type PartResult, type PointColumn } from './result'
import { runExtras } from './run-extras'

/** Float64 numbers per streamed piece (8 MB). */
const PIECE = 1 << 20

/**
 * A [runs, points] float64 array concatenated from each part's column (NaN where a part has none).
 * Float64 columns stream as they are; float32 ones are widened piece by piece into one reused
 * buffer (each piece is written or copied before the next is made: Sink.write), as fresh pieces
 * cost ≈ 3 ms per MiB to touch here.
 */
function perPoint(name: string, r: ColumnarResult, pick: (part: PartResult) => PointColumn | null): NpyArray {
  return {
    name,
    descr: '<f8',
    shape: [r.runs, r.kept],
    *chunks() {
      let piece: Float64Array | undefined
      for (const part of r.parts) {
        const a = pick(part)
        if (a instanceof Float64Array) {
          yield* typedArray(name, '<f8', [a.length], a).chunks()
          continue
        }
        const total = part.n * r.kept
        for (let from = 0; from < total; from += PIECE) {
          const m = Math.min(PIECE, total - from)
          piece ??= new Float64Array(Math.min(PIECE, total))
          if (piece.length < m) piece = new Float64Array(m)
          const view = piece.subarray(0, m)
          if (a) view.set(a.subarray(from, from + m))
          else view.fill(NaN)
          yield bytesOf(view)
        }
      }
    },
  }
}

/** A [runs, points, 2] float64 array interleaved from each part's x and y columns (one reused piece, as perPoint). */
function perPointPair(name: string, r: ColumnarResult, pick: (part: PartResult) => readonly [PointColumn, PointColumn] | null): NpyArray {
  return {
    name,
    descr: '<f8',
    shape: [r.runs, r.kept, 2],
    *chunks() {
      let piece: Float64Array | undefined
      for (const part of r.parts) {
        const xy = pick(part)
        const total = part.n * r.kept
        for (let from = 0; from < total; from += PIECE / 2) {
          const m = Math.min(PIECE / 2, total - from)
          if (!piece || piece.length < 2 * m) piece = new Float64Array(Math.max(2 * m, Math.min(PIECE, 2 * total)))
          const view = piece.subarray(0, 2 * m)
          if (!xy) view.fill(NaN)
          else {
            const [xs, ys] = xy
            for (let k = 0; k < m; k++) {
              view[2 * k] = xs[from + k]
              view[2 * k + 1] = ys[from + k]
            }
          }
          yield bytesOf(view)
        }
      }
    },
  }
}

const RESERVED = new Set([
  'trajectory',
  'loss',
  'step',
  'init',
  'diverged_at',
  'optimizer',
  'sharpness',
  'stability_threshold',
  'preconditioned_sharpness',
  'scenario',
  'schedule',
  'lr_final',
  'gradient',
])

/** Each configuration's hyperparameters with the run range it covers (starts runs each). */
function* configRanges(r: ColumnarResult): Generator<{ hparams: Readonly<Record<string, HparamValue>>; from: number; to: number }> {
  const starts = r.scenario.starts.x.length
  let from = 0
  for (const part of r.parts) {
    for (const hparams of part.config.configs) {
      yield { hparams, from, to: from + starts }
      from += starts
    }
  }
}

/** One array per hyperparameter over all runs (filled per configuration, not per run). */
function hparamArrays(r: ColumnarResult): NpyArray[] {
  const kinds = new Map<string, Set<string>>()
  const covered = new Map<string, number>()
  for (const { hparams, from, to } of configRanges(r)) {
    for (const [k, v] of Object.entries(hparams)) {
      if (!kinds.has(k)) kinds.set(k, new Set())
      kinds.get(k)!.add(Array.isArray(v) ? 'pair' : v === null ? 'number' : typeof v)
      covered.set(k, (covered.get(k) ?? 0) + (to - from))
    }
  }
  const arrays: NpyArray[] = []
  for (const [key, kind] of kinds) {
    const name = RESERVED.has(key) || key.startsWith('central_flow_') ? `hparam_${key}` : key
    if (kind.size === 1 && kind.has('boolean') && covered.get(key) === r.runs) {
      const a = new Uint8Array(r.runs)
      for (const { hparams, from, to } of configRanges(r)) a.fill(hparams[key] ? 1 : 0, from, to)
      arrays.push(typedArray(name, '|b1', [r.runs], a))
    } else if (kind.has('pair')) {
      // Pairs, or AdEMAMix's three betas: as wide as the widest.
      let width = 2
      for (const { hparams } of configRanges(r)) if (Array.isArray(hparams[key])) width = Math.max(width, (hparams[key] as number[]).length)
      const a = new Float64Array(width * r.runs).fill(NaN)
      for (const { hparams, from, to } of configRanges(r)) {
        const v = hparams[key]
        if (!Array.isArray(v) || to <= from) continue
        v.forEach((x: number, j: number) => (a[width * from + j] = x))
        repeatRow(a, width, from, to)
      }
      arrays.push(typedArray(name, '<f8', [r.runs, width], a))
    } else if (kind.size === 1 && kind.has('string')) {
      // A named variant (`mars_type`): text, empty where a run's optimizer has none.
      const texts = new Array<string>(r.runs).fill('')
      for (const { hparams, from, to } of configRanges(r))
        if (typeof hparams[key] === 'string') texts.fill(hparams[key] as string, from, to)
      arrays.push(stringArray(name, texts))
    } else {
      // NaN where a run's optimizer has no such hyperparameter, or has it as None (null).
      const a = new Float64Array(r.runs).fill(NaN)
      for (const { hparams, from, to } of configRanges(r))
        if (hparams[key] !== undefined && hparams[key] !== null) a.fill(Number(hparams[key]), from, to)
      arrays.push(typedArray(name, '<f8', [r.runs], a))
    }
  }
  return arrays
}

/** Central flows as central_flow_<field> arrays, NaN-padded for runs without a flow. */
function centralFlowArrays(r: ColumnarResult, flows: ReadonlyArray<CentralFlowResult | null>): NpyArray[] {
  const series = (field: 'loss' | 'predicted_loss' | 'sharpness' | 'sigma2' | 'effective_sharpness') => {
    const a = new Float64Array(r.runs * r.kept).fill(NaN)
    flows.forEach((f, i) => {
      const s = f?.[field]
      if (s) for (let k = 0; k < Math.min(r.kept, s.length); k++) a[i * r.kept + k] = s[k] ?? NaN
    })
    return typedArray(`central_flow_${field}`, '<f8', [r.runs, r.kept], a)
  }
  const pairSeries = (field: 'trajectory' | 'axis') => {
    const a = new Float64Array(r.runs * r.kept * 2).fill(NaN)
    flows.forEach((f, i) => {
      const s = f?.[field]
      if (s)
        for (let k = 0; k < Math.min(r.kept, s.length); k++) {
          a[2 * (i * r.kept + k)] = s[k][0] ?? NaN
          a[2 * (i * r.kept + k) + 1] = s[k][1] ?? NaN
        }
    })
    return typedArray(`central_flow_${field}`, '<f8', [r.runs, r.kept, 2], a)
  }
  const arrays = [
    pairSeries('trajectory'),
    series('loss'),
    series('predicted_loss'),
    series('sharpness'),
    series('sigma2'),
    pairSeries('axis'),
  ]
  if (flows.some((f) => f?.effective_sharpness)) arrays.push(series('effective_sharpness'))
  arrays.push(
    typedArray(
      'central_flow_stopped_at',
      '<i8',
      [r.runs],
      BigInt64Array.from(flows, (f) => BigInt(f?.stopped_at ?? -1)),
    ),
  )
  arrays.push(
    stringArray(
      'central_flow_stop_reason',
      flows.map((f) => f?.stop_reason ?? ''),
    ),
  )
  return arrays
}

/** The arrays of the archive, in the order above. `scenarioJson` is the scenario file's text. */
export function npzArrays(r: ColumnarResult, scenarioJson: string): NpyArray[] {
  const every = r.scenario.record.every
  const init = new Float64Array(2 * r.runs)
  const diverged = new Int32Array(2 * r.runs)
  const names: string[] = new Array(r.runs)
  const threshold = new Float64Array(r.scenario.record.sharpness ? r.runs : 0)
  const extras = runExtras(r)
  const schedules: string[] = new Array(r.runs)
  const gradients: string[] = new Array(r.runs)
  const lrFinal = new Float64Array(r.runs)
  // By part and configuration (a run's optimizer, hyperparameters and extras are its
  // configuration's): a per-run pass over 10⁵–10⁶ runs was most of the archive's cost.
  const starts = r.scenario.starts
  const nStarts = starts.x.length
  let from = 0
  for (const part of r.parts) {
    const partExtras = extras.get(part)!
    for (let p = 0; p < part.n; p++) {
      init[2 * (from + p)] = starts.x[p % nStarts]
      init[2 * (from + p) + 1] = starts.y[p % nStarts]
      diverged[2 * (from + p)] = part.diverged[p]
      diverged[2 * (from + p) + 1] = part.diverged[p] < 0 ? -1 : 0 // int64 as two little-endian words
    }
    part.config.configs.forEach((hparams, c) => {
      const [a, b] = [from + c * nStarts, from + (c + 1) * nStarts]
      names.fill(part.config.def.name, a, b)
      schedules.fill(partExtras[c].schedule, a, b)
      gradients.fill(partExtras[c].gradient, a, b)
      lrFinal.fill(partExtras[c].lrFinal, a, b)
      if (threshold.length) {
        const t = stabilityThreshold(part.config.def.name, hparams)
        threshold.fill('value' in t ? t.value : NaN, a, b)
      }
    })
    from += part.n
  }
  const arrays: NpyArray[] = [
    perPointPair('trajectory', r, (part) => [part.out.x, part.out.y]),
    perPoint('loss', r, (part) => part.out.loss),
    typedArray(
      'step',
      '<i8',
      [r.kept],
      BigInt64Array.from({ length: r.kept }, (_, k) => BigInt(k * every)),
    ),
    typedArray('init', '<f8', [r.runs, 2], init),
    typedArray('diverged_at', '<i8', [r.runs], diverged),
    stringArray('optimizer', names),
    ...hparamArrays(r),
    stringArray('schedule', schedules),
    typedArray('lr_final', '<f8', [r.runs], lrFinal),
    stringArray('gradient', gradients),
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
    arrays.push(
      perPointPair(RESERVED.has(name) ? `extra_${name}` : name, r, (part) => {
        const j = part.extraNames.indexOf(name)
        return j < 0 ? null : ([part.out.extra[2 * j], part.out.extra[2 * j + 1]] as const)
      }),
    )
  }
  if (r.centralFlows) arrays.push(...centralFlowArrays(r, r.centralFlows))
  arrays.push(stringArray('scenario', [scenarioJson], []))
  return arrays
}
