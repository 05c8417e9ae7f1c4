/**
 * A float32 network ensemble (docs/NETWORKS.md "Ensembles (float32)"): a network scenario with
 * `"precision": "float32"` trains E networks in lockstep — one per initial-parameter seed
 * (`landscape.network.init.seeds`) × optimizer configuration (sweeps included) — on the
 * WebAssembly SIMD ensemble kernel (src-main/engine/network/ensemble). It reports the loss per
 * kept step and the final parameters of each network, nothing else: whatever needs the float64
 * engine (Hessian eigenvalues, central flows, slices, recorded parameters, other optimizers,
 * schedules, gradient estimators) is refused up front, naming the field and pointing to float64.
 */
import { isObject } from '../problem'
import type { Hparams, OptimizerDef } from '../optim'
import { integer, ScenarioError } from '../scenario/schema'
import type { OptimizerConfig } from '../scenario/schema'
import { initialParams } from './init'
import { isNetworkScenario, parseNetworkScenario } from './scenario'
import type { NetworkSpec } from './spec'

/** The optimizers the ensemble kernel implements (torch semantics). */
export const ENSEMBLE_OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const
export type EnsembleOptimizer = (typeof ENSEMBLE_OPTIMIZERS)[number]

/** Networks in one scenario: E × P floats × 5 arrays (parameters, gradient, two slots, start) stay within a few hundred MB. */
export const MAX_ENSEMBLE = 16_384
/** Networks × parameters: each of the kernel's four per-network arrays then stays within 32 MiB. */
export const MAX_ENSEMBLE_PARAMS = 8_388_608
/** Seeds listed in init.seeds. */
export const MAX_SEEDS = 4096
/** Kept steps × networks reported (each a JSON number). */
export const MAX_REPORTED_LOSSES = 50_000_000

export interface EnsembleMember {
  /** Index of the configuration within its optimizer entry (sweep order). */
  readonly config: number
  readonly hparams: Hparams
  /** The init seed, or null for the scenario's explicit or single-seed parameters. */
  readonly seed: number | null
  readonly params: Float64Array
}

/** One optimizer entry's networks: they share a kernel (the optimizer is compiled in). */
export interface EnsembleGroup {
  readonly def: OptimizerDef & { readonly name: EnsembleOptimizer }
  readonly members: readonly EnsembleMember[]
}

export interface EnsembleScenario {
  readonly kind: 'ensemble'
  readonly network: NetworkSpec
  readonly optimizers: readonly OptimizerConfig[]
  readonly steps: number
  readonly every: number
  readonly seeds: readonly number[] | null
  readonly groups: readonly EnsembleGroup[]
  /** Networks in all groups. */
  readonly size: number
}

/** Whether a scenario document is a network scenario asking for the float32 ensemble path. */
export function isEnsembleScenario(doc: unknown): boolean {
  return isNetworkScenario(doc) && (doc as Record<string, unknown>).precision === 'float32'
}

const USE_FLOAT64 = 'float32 ensembles report the loss and final parameters only; use "precision": "float64" for'

/** Refusals read from the raw document, before anything is built. */
function refuse(doc: Record<string, unknown>): void {
  const record = isObject(doc.record) ? doc.record : {}
  const on = (v: unknown) => v !== undefined && v !== false && v !== 0
  if (on(record.sharpness)) throw new ScenarioError('record.sharpness', `${USE_FLOAT64} the Hessian's sharpness`)
  if (on(record.eigenvalues)) throw new ScenarioError('record.eigenvalues', `${USE_FLOAT64} Hessian eigenvalues`)
  if (record.eigen_every !== undefined) throw new ScenarioError('record.eigen_every', `${USE_FLOAT64} Hessian eigenvalues`)
  if (on(record.gfs_sharpness)) throw new ScenarioError('record.gfs_sharpness', `${USE_FLOAT64} the gradient-flow-solution sharpness`)
  if (on(record.params)) throw new ScenarioError('record.params', `${USE_FLOAT64} parameters at every kept step (params_final is reported)`)
  if (on(doc.central_flow)) throw new ScenarioError('central_flow', `${USE_FLOAT64} central flows`)
  if (doc.slice !== undefined) throw new ScenarioError('slice', `${USE_FLOAT64} slices`)
  const entries = doc.optimizers !== undefined ? doc.optimizers : doc.optimizer !== undefined ? [doc.optimizer] : []
  if (!Array.isArray(entries)) return // parseOptimizers says what is wrong
  entries.forEach((o, i) => {
    const field = doc.optimizers !== undefined ? `optimizers[${i}]` : 'optimizer'
    if (!isObject(o)) return
    if (typeof o.name === 'string' && !(ENSEMBLE_OPTIMIZERS as readonly string[]).includes(o.name))
      throw new ScenarioError(
        `${field}.name`,
        `float32 ensembles train ${ENSEMBLE_OPTIMIZERS.join(', ')} only, got '${o.name}': use "precision": "float64" for other optimizers`,
      )
    if (o.schedule !== undefined)
      throw new ScenarioError(`${field}.schedule`, 'float32 ensembles keep lr constant: use "precision": "float64" for schedules')
    if (o.gradient !== undefined)
      throw new ScenarioError(
        `${field}.gradient`,
        'float32 ensembles train on the exact full-batch gradient: use "precision": "float64" for gradient estimators',
      )
    if (o.amsgrad === true)
      throw new ScenarioError(`${field}.amsgrad`, 'float32 ensembles run Adam without amsgrad: use "precision": "float64"')
    const sweep = isObject(o.sweep) ? o.sweep : {}
    if (Array.isArray(sweep.amsgrad) && sweep.amsgrad.includes(true))
      throw new ScenarioError(`${field}.sweep.amsgrad`, 'float32 ensembles run Adam without amsgrad: use "precision": "float64"')
  })
  const net = isObject(doc.landscape) && isObject(doc.landscape.network) ? doc.landscape.network : {}
  if (net.loss !== undefined && net.loss !== 'mse')
    throw new ScenarioError(
      'landscape.network.loss',
      `float32 ensembles train the MSE loss only, got ${JSON.stringify(net.loss)}: use "precision": "float64"`,
    )
}

/** init.seeds, checked (null when absent). */
function parseSeeds(net: Record<string, unknown>): number[] | null {
  const init = net.init
  if (!isObject(init) || init.seeds === undefined) return null
  const f = 'landscape.network.init.seeds'
  if (net.params !== undefined) throw new ScenarioError(f, 'seeds draw initial parameters: give either "params" or "init.seeds", not both')
  if (init.seed !== undefined) throw new ScenarioError(f, 'give either "seed" or "seeds", not both')
  if (!Array.isArray(init.seeds) || init.seeds.length === 0) throw new ScenarioError(f, 'must be a non-empty list of integer seeds')
  if (init.seeds.length > MAX_SEEDS) throw new ScenarioError(f, `at most ${MAX_SEEDS} seeds, got ${init.seeds.length}`)
  const seeds = init.seeds.map((s, i) => integer(s, `${f}[${i}]`, -(2 ** 53), 2 ** 53))
  const dup = seeds.find((s, i) => seeds.indexOf(s) !== i)
  if (dup !== undefined) throw new ScenarioError(f, `seed ${dup} is listed twice (its networks would be identical)`)
  return seeds
}

/** Validate a float32 network scenario (an ensemble). Throws ScenarioError naming the field. */
export function parseEnsembleScenario(doc: unknown): EnsembleScenario {
  if (!isObject(doc) || !isObject(doc.landscape) || !isObject(doc.landscape.network))
    throw new ScenarioError('landscape', 'must be an object with "network"')
  refuse(doc)
  const rawNet = doc.landscape.network
  const seeds = parseSeeds(rawNet)
  // The rest is the float64 contract's: parse it there (without the precision and the seeds).
  const { seeds: _seeds, ...init } = isObject(rawNet.init) ? rawNet.init : {}
  const network = isObject(rawNet.init) ? { ...rawNet, init: { ...init, seed: seeds?.[0] ?? init.seed } } : rawNet
  const { precision: _precision, ...rest } = doc
  const base = parseNetworkScenario({ ...rest, landscape: { ...doc.landscape, network } })
  const net = base.network
  const configs = base.optimizers.reduce((n, o) => n + o.configs.length, 0)
  const size = configs * (seeds?.length ?? 1)
  if (size > MAX_ENSEMBLE)
    throw new ScenarioError(
      seeds ? 'landscape.network.init.seeds' : 'optimizers',
      `${configs} configuration${configs === 1 ? '' : 's'} × ${seeds?.length ?? 1} seed${seeds?.length === 1 ? '' : 's'} is ${size} networks, more than ${MAX_ENSEMBLE}`,
    )
  if (size * net.size > MAX_ENSEMBLE_PARAMS)
    throw new ScenarioError(
      seeds ? 'landscape.network.init.seeds' : 'optimizers',
      `${size} networks × ${net.size} parameters is more than ${MAX_ENSEMBLE_PARAMS} (the kernel's memory): train fewer or smaller networks`,
    )
  const kept = Math.floor(base.steps / base.record.every) + 1
  if (kept * size > MAX_REPORTED_LOSSES)
    throw new ScenarioError(
      'record.every',
      `${kept} kept steps × ${size} networks is more than ${MAX_REPORTED_LOSSES.toExponential(0)} losses: raise record.every`,
    )
  const starts = seeds
    ? seeds.map((seed) => initialParams(net.layers, { ...(net.init as Exclude<typeof net.init, 'explicit'>), seed }, net.size))
    : [net.params]
  const groups = base.optimizers.map((o) => ({
    def: o.def as EnsembleGroup['def'],
    members: o.configs.flatMap((hparams, config) =>
      starts.map((params, k) => ({ config, hparams, seed: seeds ? seeds[k] : null, params })),
    ),
  }))
  return { kind: 'ensemble', network: net, optimizers: base.optimizers, steps: base.steps, every: base.record.every, seeds, groups, size }
}
