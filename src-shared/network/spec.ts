/**
 * `landscape.network` of a scenario (shared/NETWORKS.md), parsed and validated: the layers, the
 * activation and loss, the data (explicit rows or a named generator) and the initial parameters
 * (explicit, or a seeded scheme). Every problem is a ScenarioError naming its field; sizes are
 * checked before anything is built.
 */
import { isObject } from '../problem'
import { finiteNumber, integer, ScenarioError, typeName } from '../scenario/schema'
import { ACTIVATIONS, type Activation } from './activations'
import { chebyshevData, classificationData, type Dataset, DATASETS, type DatasetName, gaussianData } from './datasets'
import { INIT_SCHEMES, type InitScheme, type InitSpec, initialParams } from './init'
import { type NetworkLoss, parameterCount } from './mlp'

export const NETWORK_LIMITS = {
  /** Parameters: exact Hessian-vector products and Lanczos every step stay interactive up to here. */
  maxParams: 2000,
  maxExamples: 10_000,
  maxLayers: 8,
  maxWidth: 1000,
  maxChebyshevDegree: 64,
} as const

export interface NetworkSpec {
  readonly layers: readonly number[]
  readonly activation: Activation
  readonly loss: NetworkLoss
  readonly data: Dataset
  /** Where the data came from (echoed in results). */
  readonly dataSource: 'explicit' | DatasetName
  readonly params: Float64Array
  readonly init: InitSpec | 'explicit'
  readonly size: number
}

const FIELD = 'landscape.network'
const LOSSES: Record<string, NetworkLoss> = { mse: 'mse', ce: 'ce', 'cross-entropy': 'ce', cross_entropy: 'ce' }

function parseLayers(v: unknown): number[] {
  const f = `${FIELD}.layers`
  if (!Array.isArray(v) || v.length < 2)
    throw new ScenarioError(f, `must list the input width, any hidden widths and the output width, e.g. [8, 16, 1]; got ${typeName(v)}`)
  if (v.length > NETWORK_LIMITS.maxLayers + 1) throw new ScenarioError(f, `at most ${NETWORK_LIMITS.maxLayers} layers, got ${v.length - 1}`)
  const layers = v.map((w, i) => integer(w, `${f}[${i}]`, 1, NETWORK_LIMITS.maxWidth))
  const size = parameterCount(layers)
  if (size > NETWORK_LIMITS.maxParams) {
    throw new ScenarioError(
      f,
      `[${layers.join(', ')}] has ${size} parameters, more than ${NETWORK_LIMITS.maxParams} (exact Hessian eigenvalues every step are for small networks: narrow the layers)`,
    )
  }
  return layers
}

function parseRows(v: unknown, field: string, width: number, rowsExpected: number | null): Float64Array {
  if (!Array.isArray(v) || v.length === 0) throw new ScenarioError(field, `must be a non-empty list of rows, got ${typeName(v)}`)
  if (v.length > NETWORK_LIMITS.maxExamples)
    throw new ScenarioError(field, `at most ${NETWORK_LIMITS.maxExamples} examples, got ${v.length}`)
  if (rowsExpected !== null && v.length !== rowsExpected)
    throw new ScenarioError(field, `must have one row per example of data.x (${rowsExpected}), got ${v.length}`)
  const out = new Float64Array(v.length * width)
  v.forEach((row, i) => {
    // A one-wide row may be written as a bare number.
    const cells = width === 1 && typeof row === 'number' ? [row] : row
    if (!Array.isArray(cells) || cells.length !== width)
      throw new ScenarioError(`${field}[${i}]`, `must be a row of ${width} numbers (the layer width), got ${typeName(row)}`)
    cells.forEach((c, j) => (out[i * width + j] = finiteNumber(c, `${field}[${i}][${j}]`)))
  })
  return out
}

function parseData(v: unknown, layers: readonly number[], loss: NetworkLoss): { data: Dataset; source: 'explicit' | DatasetName } {
  const f = `${FIELD}.data`
  const inW = layers[0]
  const outW = layers[layers.length - 1]
  if (!isObject(v))
    throw new ScenarioError(f, 'must be {"x": [[...]], "y": [[...]]} or a generator like {"dataset": "gaussian", "n": 128, "seed": 0}')
  if (v.dataset === undefined) {
    if (v.x === undefined || v.y === undefined) throw new ScenarioError(f, 'needs "x" and "y" (rows), or "dataset"')
    const x = parseRows(v.x, `${f}.x`, inW, null)
    const n = x.length / inW
    const y = parseRows(v.y, `${f}.y`, outW, n)
    return { data: { x, y, n }, source: 'explicit' }
  }
  if (typeof v.dataset !== 'string' || !(DATASETS as readonly string[]).includes(v.dataset))
    throw new ScenarioError(`${f}.dataset`, `unknown dataset ${JSON.stringify(v.dataset)} (known: ${DATASETS.join(', ')})`)
  const name = v.dataset as DatasetName
  const n = integer(v.n ?? 128, `${f}.n`, 1, NETWORK_LIMITS.maxExamples)
  const seed = integer(v.seed ?? 0, `${f}.seed`, -(2 ** 53), 2 ** 53)
  if (name === 'gaussian') return { data: gaussianData(n, inW, outW, seed), source: name }
  if (name === 'chebyshev') {
    if (inW !== 1 || outW !== 1)
      throw new ScenarioError(
        `${FIELD}.layers`,
        `the chebyshev dataset has one input and one output, so layers must be [1, ..., 1], got [${layers.join(', ')}]`,
      )
    const degree = integer(v.degree ?? 4, `${f}.degree`, 0, NETWORK_LIMITS.maxChebyshevDegree)
    return { data: chebyshevData(n, degree), source: name }
  }
  if (inW !== 2)
    throw new ScenarioError(`${FIELD}.layers`, `the ${name} dataset is 2-D, so layers must start with 2, got [${layers.join(', ')}]`)
  if (loss === 'ce' && outW !== 2)
    throw new ScenarioError(
      `${FIELD}.layers`,
      `the ${name} dataset has 2 classes: with cross-entropy, layers must end with 2, got [${layers.join(', ')}]`,
    )
  if (outW > 2)
    throw new ScenarioError(
      `${FIELD}.layers`,
      `the ${name} dataset has 2 classes: layers must end with 1 (±1 targets) or 2 (one-hot), got ${outW}`,
    )
  const noise = finiteNumber(v.noise ?? 0.1, `${f}.noise`)
  if (noise < 0) throw new ScenarioError(`${f}.noise`, `must be ≥ 0, got ${noise}`)
  return { data: classificationData(name, n, noise, seed, outW), source: name }
}

function parseInit(v: unknown, layers: readonly number[], size: number): { params: Float64Array; init: InitSpec } {
  const f = `${FIELD}.init`
  if (!isObject(v)) throw new ScenarioError(f, 'must be {"scheme": "lecun_normal" | "xavier_normal" | "he_normal", "seed": 0, "gain": 1}')
  const scheme = v.scheme ?? 'lecun_normal'
  if (typeof scheme !== 'string' || !(INIT_SCHEMES as readonly string[]).includes(scheme))
    throw new ScenarioError(`${f}.scheme`, `unknown scheme ${JSON.stringify(scheme)} (known: ${INIT_SCHEMES.join(', ')})`)
  const seed = integer(v.seed ?? 0, `${f}.seed`, -(2 ** 53), 2 ** 53)
  const gain = finiteNumber(v.gain ?? 1, `${f}.gain`)
  if (!(gain > 0)) throw new ScenarioError(`${f}.gain`, `must be > 0, got ${gain}`)
  const init = { scheme: scheme as InitScheme, seed, gain }
  return { params: initialParams(layers, init, size), init }
}

/** Parse and validate `landscape.network`. Throws ScenarioError naming the field. */
export function parseNetwork(v: unknown): NetworkSpec {
  if (!isObject(v))
    throw new ScenarioError(
      FIELD,
      `must be an object like {"layers": [8, 16, 1], "activation": "tanh", "loss": "mse", "data": ..., "params": ...}`,
    )
  const layers = parseLayers(v.layers)
  const size = parameterCount(layers)
  const act = v.activation ?? 'tanh'
  if (typeof act !== 'string' || !(ACTIVATIONS as readonly string[]).includes(act))
    throw new ScenarioError(`${FIELD}.activation`, `unknown activation ${JSON.stringify(act)} (known: ${ACTIVATIONS.join(', ')})`)
  const lossName = v.loss ?? 'mse'
  const loss = typeof lossName === 'string' ? LOSSES[lossName] : undefined
  if (!loss) throw new ScenarioError(`${FIELD}.loss`, `unknown loss ${JSON.stringify(lossName)} (known: mse, ce)`)
  if (loss === 'ce' && layers[layers.length - 1] < 2)
    throw new ScenarioError(`${FIELD}.layers`, 'cross-entropy needs at least 2 outputs (one per class)')
  if (v.data === undefined)
    throw new ScenarioError(`${FIELD}.data`, 'is required: {"x": [[...]], "y": [[...]]} or {"dataset": "gaussian", "n": 128, "seed": 0}')
  const { data, source } = parseData(v.data, layers, loss)
  if (v.params !== undefined && v.init !== undefined) throw new ScenarioError(`${FIELD}.params`, 'give either "params" or "init", not both')
  let params: Float64Array
  let init: InitSpec | 'explicit'
  if (v.params !== undefined) {
    const f = `${FIELD}.params`
    if (!Array.isArray(v.params))
      throw new ScenarioError(f, `must be a list of ${size} numbers (W_l row-major, then b_l, layer by layer), got ${typeName(v.params)}`)
    if (v.params.length !== size) throw new ScenarioError(f, `[${layers.join(', ')}] has ${size} parameters, got ${v.params.length} values`)
    params = Float64Array.from(v.params, (p, i) => finiteNumber(p, `${f}[${i}]`))
    init = 'explicit'
  } else {
    // Without either, the default scheme: lecun-normal, seed 0.
    ;({ params, init } = parseInit(v.init ?? {}, layers, size))
  }
  return { layers, activation: act as Activation, loss, data, dataSource: source, params, init, size }
}
