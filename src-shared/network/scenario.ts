/**
 * A scenario whose landscape is a network (shared/NETWORKS.md): the network, the optimizers (the
 * same entries, names and checks as SCENARIO.md, sweeps included), steps, what to record, the
 * optional slice and central flow. Float64 only; no start points (the network's parameters are
 * the start) and no gradient noise (full-batch training).
 */
import { isObject } from '../problem'
import { integer, LIMITS, type OptimizerConfig, parseOptimizers, ScenarioError } from '../scenario/schema'
import { type NetworkSpec, parseNetwork } from './spec'
import { gfsBudgetProblem } from './gfs-budget'

export interface SliceSpec {
  readonly directions: 'pca' | 'random'
  readonly seed: number
  readonly normalization: 'filter' | 'none'
  readonly center: 'start' | 'end'
  readonly extent: readonly [number, number]
  readonly n: number
}

export interface NetworkRecord {
  readonly every: number
  /** λ₁ of the full-batch Hessian at kept steps. */
  readonly sharpness: boolean
  /** How many top eigenvalues (0: none beyond the sharpness). */
  readonly eigenvalues: number
  /** Eigenvalues at kept steps that are multiples of this many steps (Gradscape's extension; default every kept step). */
  readonly eigenEvery: number
  readonly params: boolean
  /**
   * The gradient-flow-solution sharpness (./gfs.ts) at the kept steps that get eigenvalues (Gradscape's extension,
   * `record.gfs_sharpness`); absent when off.
   */
  readonly gfsSharpness?: boolean
}

export interface NetworkScenario {
  readonly kind: 'network'
  readonly network: NetworkSpec
  readonly optimizers: readonly OptimizerConfig[]
  readonly steps: number
  readonly record: NetworkRecord
  readonly slice: SliceSpec | null
  readonly centralFlow: boolean
}

/** Whether a scenario document's landscape is a network (then `parseNetworkScenario` reads it). */
export function isNetworkScenario(doc: unknown): boolean {
  return isObject(doc) && isObject(doc.landscape) && doc.landscape.network !== undefined
}

/** Eigenvalues beyond this many need a bigger Krylov space than the per-step budget allows. */
export const MAX_EIGENVALUES = 10
/** Kept steps × parameters recorded with record.params (8 bytes each in memory, more as JSON). */
export const MAX_RECORDED_PARAMS = 50_000_000

function parseRecord(v: unknown, steps: number, size: number): NetworkRecord {
  if (v === undefined) return { every: 1, sharpness: false, eigenvalues: 0, eigenEvery: 1, params: false }
  if (!isObject(v)) throw new ScenarioError('record', 'must be {"every": k, "sharpness": bool, "eigenvalues": k, "params": bool}')
  const every = v.every === undefined ? 1 : integer(v.every, 'record.every', 1, LIMITS.maxSteps)
  const bool = (key: string): boolean => {
    if (v[key] === undefined) return false
    if (typeof v[key] !== 'boolean') throw new ScenarioError(`record.${key}`, 'must be true or false')
    return v[key] as boolean
  }
  const sharpness = bool('sharpness')
  const params = bool('params')
  const eigenvalues = v.eigenvalues === undefined ? 0 : integer(v.eigenvalues, 'record.eigenvalues', 0, Math.min(MAX_EIGENVALUES, size))
  const eigenEvery = v.eigen_every === undefined ? every : integer(v.eigen_every, 'record.eigen_every', 1, LIMITS.maxSteps)
  if (eigenEvery % every !== 0)
    throw new ScenarioError('record.eigen_every', `must be a multiple of record.every (${every}), got ${eigenEvery}`)
  if (params && (Math.floor(steps / every) + 1) * size > MAX_RECORDED_PARAMS)
    throw new ScenarioError(
      'record.params',
      `${Math.floor(steps / every) + 1} kept steps × ${size} parameters is more than ${MAX_RECORDED_PARAMS.toExponential(0)} values: raise record.every`,
    )
  const gfsSharpness = bool('gfs_sharpness')
  return { every, sharpness, eigenvalues, eigenEvery, params, ...(gfsSharpness ? { gfsSharpness } : {}) }
}

function parseSlice(v: unknown): SliceSpec | null {
  if (v === undefined) return null
  const f = 'slice'
  if (!isObject(v))
    throw new ScenarioError(
      f,
      'must be {"directions": "pca" | "random", "seed": 0, "normalization": "filter" | "none", "center": "start" | "end", "extent": [-1, 1], "n": 64}',
    )
  const choice = <T extends string>(key: string, options: readonly T[], dflt: T): T => {
    const x = v[key] ?? dflt
    if (typeof x !== 'string' || !(options as readonly string[]).includes(x))
      throw new ScenarioError(`${f}.${key}`, `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(x)}`)
    return x as T
  }
  const directions = choice('directions', ['pca', 'random'] as const, 'random')
  const normalization = choice('normalization', ['filter', 'none'] as const, 'filter')
  const center = choice('center', ['start', 'end'] as const, 'end')
  const seed = integer(v.seed ?? 0, `${f}.seed`, -(2 ** 53), 2 ** 53)
  const ext = v.extent ?? [-1, 1]
  if (
    !Array.isArray(ext) ||
    ext.length !== 2 ||
    typeof ext[0] !== 'number' ||
    typeof ext[1] !== 'number' ||
    !(ext[0] < ext[1]) ||
    !Number.isFinite(ext[0]) ||
    !Number.isFinite(ext[1])
  )
    throw new ScenarioError(`${f}.extent`, `must be [min, max] with min < max, got ${JSON.stringify(ext)}`)
  const n = integer(v.n ?? 64, `${f}.n`, 2, 512)
  return { directions, seed, normalization, center, extent: [ext[0], ext[1]], n }
}

/** Validate a scenario document with a network landscape. Throws ScenarioError naming the field. */
export function parseNetworkScenario(doc: unknown): NetworkScenario {
  if (!isObject(doc) || !isObject(doc.landscape)) throw new ScenarioError('landscape', 'must be an object with "network"')
  const network = parseNetwork(doc.landscape.network)
  const pending = parseOptimizers(doc)
  const runs = pending.reduce((n, o) => n + o.count, 0)
  if (runs > 10_000) throw new ScenarioError('optimizers', `${runs} runs is more than 10000 for a network landscape (sweep fewer values)`)
  const optimizers = pending.map((o) => o.expand())
  if (doc.init !== undefined) throw new ScenarioError('init', 'a network starts from landscape.network.params or .init, not "init"')
  if (doc.steps === undefined) throw new ScenarioError('steps', 'is required (the number of optimizer steps)')
  const steps = integer(doc.steps, 'steps', 0, LIMITS.maxSteps)
  if (doc.precision !== undefined && doc.precision !== 'float64')
    throw new ScenarioError('precision', `network landscapes run in float64 only, got ${JSON.stringify(doc.precision)}`)
  if (doc.noise !== undefined) {
    const std = isObject(doc.noise) ? doc.noise.std : undefined
    if (std !== undefined && std !== 0)
      throw new ScenarioError('noise', 'network landscapes train full-batch: gradient noise is not supported')
  }
  const record = parseRecord(doc.record, steps, network.size)
  let centralFlow = false
  if (doc.central_flow !== undefined) {
    if (typeof doc.central_flow !== 'boolean') throw new ScenarioError('central_flow', 'must be true or false')
    centralFlow = doc.central_flow
  }
  if (record.gfsSharpness) {
    const problem = gfsBudgetProblem({ runs, steps, eigenEvery: record.eigenEvery, examples: network.data.n, parameters: network.size })
    if (problem) throw new ScenarioError('record.gfs_sharpness', problem)
  }
  const slice = parseSlice(doc.slice)
  if (slice && (Math.floor(steps / record.every) + 1) * network.size > MAX_RECORDED_PARAMS)
    throw new ScenarioError(
      'slice',
      `projecting ${Math.floor(steps / record.every) + 1} kept steps × ${network.size} parameters is more than ${MAX_RECORDED_PARAMS.toExponential(0)} values: raise record.every`,
    )
  return { kind: 'network', network, optimizers, steps, record, slice, centralFlow }
}
