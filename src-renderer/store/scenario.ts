/**
 * The scenario being edited, as the renderer holds it: the SCENARIO.md document with the
 * optimizers always as a list. Pure functions only (no React, no store): building the document
 * the host runs, normalizing a loaded one, and describing start points.
 */
import type { HostInfo, OptimizerInfo, PresetInfo, ScenarioDoc } from '../../src-shared/api'
import { isObject } from '../../src-shared/problem'
import { gradientLabel, parseGradientSpec } from '../../src-shared/estimator/spec'

export type Pair = readonly [number, number]

/** One optimizer entry: `name` plus torch-named hyperparameters (missing ones take torch's defaults). */
export type OptimizerEntry = { readonly name: string } & Readonly<Record<string, unknown>>

export type InitDoc =
  | Pair
  | readonly Pair[]
  | { readonly grid: { readonly x: Pair; readonly y: Pair; readonly n: Pair } }
  | { readonly random: { readonly x: Pair; readonly y: Pair; readonly count: number; readonly seed: number } }

export type InitMode = 'point' | 'points' | 'grid' | 'random'

export interface Scenario {
  /** `network`: a network landscape (shared/NETWORKS.md), kept as its document; `init` is then unused. */
  readonly landscape: { readonly preset?: string; readonly expr?: string; readonly network?: Readonly<Record<string, unknown>> }
  readonly optimizers: readonly OptimizerEntry[]
  readonly init: InitDoc
  readonly steps: number
  /** `every` 'auto' keeps the drawn points within the renderer's budget. */
  /** gfs: also the gradient-flow-solution sharpness (record.gfs_sharpness; float64: 2-D landscapes and networks). */
  readonly record: { readonly every: number | 'auto'; readonly sharpness: boolean; readonly gfs?: boolean }
  readonly noise: { readonly std: number; readonly seed: number }
  /** Other scenario fields of a loaded file (precision, central_flow), passed through verbatim. */
  readonly extra: Readonly<Record<string, unknown>>
}

/** The region of the (x, y) plane that is drawn. */
export interface Region {
  readonly x: Pair
  readonly y: Pair
}

/** Most kept points the scene holds at once (all runs together), and per run. */
export const POINT_BUDGET = 1_500_000
export const MAX_KEPT_PER_RUN = 1000
export const MAX_OPTIMIZERS = 8
export const MAX_STARTS = 4096

export function initMode(init: InitDoc): InitMode {
  if (Array.isArray(init)) return init.length === 2 && !Array.isArray(init[0]) ? 'point' : 'points'
  return 'grid' in (init as object) ? 'grid' : 'random'
}

export function startCount(init: InitDoc): number {
  switch (initMode(init)) {
    case 'point':
      return 1
    case 'points':
      return (init as readonly Pair[]).length
    case 'grid': {
      const n = (init as { grid: { n: Pair } }).grid.n
      return n[0] * n[1]
    }
    case 'random':
      return (init as { random: { count: number } }).random.count
  }
}

/** The `every` that keeps runs × kept points within the budget. */
export function autoEvery(steps: number, runs: number): number {
  const perRun = Math.max(2, Math.min(MAX_KEPT_PER_RUN, Math.floor(POINT_BUDGET / Math.max(1, runs))))
  return Math.max(1, Math.ceil(steps / (perRun - 1)))
}

export function effectiveEvery(s: Scenario): number {
  return s.record.every === 'auto' ? autoEvery(s.steps, s.optimizers.length * startCount(s.init)) : s.record.every
}

/** The scenario document the host runs (and the core of a saved session). */
export function toDoc(s: Scenario): ScenarioDoc {
  const doc: Record<string, unknown> = {
    ...s.extra,
    landscape: { ...s.landscape },
    optimizers: s.optimizers.map((o) => ({ ...o })),
    // A network starts from its own parameters (landscape.network.params or .init).
    ...(s.landscape.network ? {} : { init: s.init }),
    steps: s.steps,
    record: {
      every: effectiveEvery(s),
      ...(s.record.sharpness ? { sharpness: true } : {}),
      // A network's EoS view draws λ₂ beside the sharpness.
      ...(s.record.sharpness && s.landscape.network ? { eigenvalues: 2 } : {}),
      ...(s.record.gfs ? { gfs_sharpness: true } : {}),
    },
  }
  if (s.noise.std > 0) doc.noise = { std: s.noise.std, seed: s.noise.seed }
  return doc
}

const KNOWN_FIELDS = new Set(['landscape', 'optimizer', 'optimizers', 'init', 'steps', 'record', 'noise', 'view'])
const PASSED_THROUGH = new Set(['precision', 'central_flow', 'slice'])

/**
 * A document the host has already validated, as an editable scenario. Unknown top-level fields
 * other than precision / central_flow are dropped (the scenario contract ignores them anyway).
 */
export function fromDoc(doc: Record<string, unknown>): Scenario {
  const landscape = isObject(doc.landscape) ? doc.landscape : {}
  const optimizers = (Array.isArray(doc.optimizers) ? doc.optimizers : [doc.optimizer]) as OptimizerEntry[]
  const record = isObject(doc.record) ? doc.record : {}
  const noise = isObject(doc.noise) ? doc.noise : {}
  const extra: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(doc)) if (!KNOWN_FIELDS.has(k) && PASSED_THROUGH.has(k)) extra[k] = v
  const steps = doc.steps as number
  const every = typeof record.every === 'number' ? record.every : 1
  const s: Scenario = {
    landscape: {
      ...(typeof landscape.preset === 'string' ? { preset: landscape.preset } : {}),
      ...(typeof landscape.expr === 'string' ? { expr: landscape.expr } : {}),
      ...(isObject(landscape.network) ? { network: landscape.network } : {}),
    },
    optimizers: optimizers.map((o) => ({ ...o })),
    init: (doc.init ?? [0, 0]) as InitDoc,
    steps,
    record: { every, sharpness: record.sharpness === true, ...(record.gfs_sharpness === true ? { gfs: true } : {}) },
    noise: { std: typeof noise.std === 'number' ? noise.std : 0, seed: typeof noise.seed === 'number' ? noise.seed : 0 },
    extra,
  }
  // A file saved with the automatic choice reads back as automatic.
  return every === autoEvery(steps, s.optimizers.length * startCount(s.init)) ? { ...s, record: { ...s.record, every: 'auto' } } : s
}

/** The preset's expression, or the custom one. */
export function landscapeExpr(s: Scenario, info: HostInfo | null): string {
  if (s.landscape.expr !== undefined) return s.landscape.expr
  return info?.presets.find((p) => p.id === s.landscape.preset)?.expr ?? ''
}

export function presetOf(s: Scenario, info: HostInfo | null): PresetInfo | undefined {
  return s.landscape.preset === undefined ? undefined : info?.presets.find((p) => p.id === s.landscape.preset)
}

/** Adaptive optimizers take the preset's Adam learning rate; the SGD family its GD one. */
const ADAPTIVE = new Set(['adagrad', 'rmsprop', 'scalar_rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam'])

export function suggestedLr(name: string, preset: PresetInfo | undefined, fallback: number): number {
  if (!preset) return fallback
  if (name === 'adadelta') return 1
  if (name === 'rprop') return Math.min(0.1, preset.suggested.adam_lr)
  return ADAPTIVE.has(name) ? preset.suggested.adam_lr : preset.suggested.sgd_lr
}

export function newOptimizer(def: OptimizerInfo, preset: PresetInfo | undefined): OptimizerEntry {
  const lrDefault = def.hparams.find((h) => h.name === 'lr')?.default
  const lr = suggestedLr(def.name, preset, typeof lrDefault === 'number' ? lrDefault : 1e-3)
  return { name: def.name, lr }
}

/** A short label: `SGD μ=0.9`, `Adam lr=0.1` — the non-default hyperparameters that matter most. */
export function optimizerLabel(o: OptimizerEntry, info: HostInfo | null): string {
  const def = info?.optimizers.find((d) => d.name === o.name)
  const title = def?.title ?? o.name
  const parts: string[] = []
  for (const [k, v] of Object.entries(o)) {
    if (k === 'name') continue
    const spec = def?.hparams.find((h) => h.name === k)
    if (k !== 'lr' && spec && JSON.stringify(spec.default) === JSON.stringify(v)) continue
    if (typeof v === 'number') parts.push(`${k === 'momentum' ? 'μ' : k}=${formatNumber(v)}`)
    else if (typeof v === 'boolean') {
      if (v) parts.push(k)
    } else if (Array.isArray(v)) parts.push(`${k}=(${v.map((x) => formatNumber(x as number)).join(', ')})`)
  }
  const estimator = estimatorLabel(o.gradient)
  if (estimator) parts.push(`· ${estimator}`)
  return parts.length ? `${title} ${parts.join(' ')}` : title
}

/** `forward K=4`, `ZO sphere μ=0.01 K=1`, or '' for the exact gradient (and for a spec the host will refuse). */
function estimatorLabel(gradient: unknown): string {
  if (gradient === undefined) return ''
  try {
    return gradientLabel(parseGradientSpec(gradient, 'gradient'))
  } catch {
    return ''
  }
}

/** Compact, readable numbers: 0.01, 1e-4, 0.999, 250. */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v)
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(digits)))
  const [m, e] = v.toExponential(digits - 1).split('e')
  return `${Number(m)}e${Number(e)}`
}

/** First launch: four optimizers racing on Himmelblau from a small random cloud. */
export const DEFAULT_SCENARIO: Scenario = {
  landscape: { preset: 'himmelblau' },
  optimizers: [
    { name: 'sgd', lr: 0.01 },
    { name: 'sgd', lr: 0.005, momentum: 0.9 },
    { name: 'adam', lr: 0.1 },
    { name: 'rmsprop', lr: 0.02 },
  ],
  init: { random: { x: [-1.5, 1.5], y: [-1.5, 1.5], count: 12, seed: 7 } },
  steps: 300,
  record: { every: 'auto', sharpness: false },
  noise: { std: 0, seed: 0 },
  extra: {},
}

export const DEFAULT_REGION: Region = { x: [-5, 5], y: [-5, 5] }
