/**
 * Gradient estimators (issue 12): what an optimizer entry's `"gradient"` field may say, checked
 * with a specific message per problem. The estimate replaces the exact gradient before the
 * optimizer's rule, so every optimizer composes with every estimator.
 *
 *   {"estimator": "true"}                                   the exact (symbolic) gradient; the default
 *   {"estimator": "forward", "directions": K, "seed": s}     forward gradient (Baydin et al. 2022)
 *   {"estimator": "zeroth_order", "mu": μ, "directions": K,  two-point random differences
 *    "distribution": "gaussian" | "sphere", "seed": s}        (Fang et al. 2022, FedZO)
 *
 * The formulas and the draws are in draws.ts.
 */
import { ScenarioError } from '../scenario/errors'
import { isObject } from '../problem'

export type EstimatorName = 'true' | 'forward' | 'zeroth_order'
export type DirectionDistribution = 'gaussian' | 'sphere'

export type GradientSpec =
  | { readonly estimator: 'true' }
  | { readonly estimator: 'forward'; readonly directions: number; readonly seed: number }
  | {
      readonly estimator: 'zeroth_order'
      readonly mu: number
      readonly directions: number
      readonly distribution: DirectionDistribution
      readonly seed: number
    }

/** What a kernel is compiled for: the estimator with its direction distribution (K, μ and the seed are launch scalars). */
export type EstimatorKind = 'forward' | 'zeroth_order_gaussian' | 'zeroth_order_sphere'

export const TRUE_GRADIENT: GradientSpec = { estimator: 'true' }

/**
 * Most directions per step: each costs two draws (and two loss evaluations for zeroth_order)
 * per particle-step, and the counter space of a step's draws is sized for it (draws.ts).
 */
export const MAX_DIRECTIONS = 1024

export const ESTIMATOR_DEFAULTS = { directions: 1, seed: 0, mu: 1e-3, distribution: 'gaussian' } as const

const FIELDS: Readonly<Record<EstimatorName, readonly string[]>> = {
  true: ['estimator'],
  forward: ['estimator', 'directions', 'seed'],
  zeroth_order: ['estimator', 'mu', 'directions', 'distribution', 'seed'],
}

const isEstimatorName = (v: unknown): v is EstimatorName => typeof v === 'string' && Object.hasOwn(FIELDS, v)

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'string') return JSON.stringify(v)
  return typeof v === 'number' ? String(v) : typeof v
}

function directionsOf(v: unknown, field: string): number {
  if (v === undefined) return ESTIMATOR_DEFAULTS.directions
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new ScenarioError(field, `must be a whole number of directions, got ${describe(v)}`)
  if (v < 1) throw new ScenarioError(field, `must be at least 1, got ${v}`)
  if (v > MAX_DIRECTIONS) throw new ScenarioError(field, `must be at most ${MAX_DIRECTIONS}, got ${v}`)
  return v
}

function seedOf(v: unknown, field: string): number {
  if (v === undefined) return ESTIMATOR_DEFAULTS.seed
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ScenarioError(field, `must be a whole number, got ${describe(v)}`)
  if (Math.abs(v) > 2 ** 53) throw new ScenarioError(field, `must be between ${-(2 ** 53)} and ${2 ** 53}, got ${v}`)
  return v
}

function muOf(v: unknown, field: string): number {
  if (v === undefined) return ESTIMATOR_DEFAULTS.mu
  if (typeof v !== 'number') throw new ScenarioError(field, `must be a number, got ${describe(v)}`)
  if (!Number.isFinite(v)) throw new ScenarioError(field, `must be finite, got ${v}`)
  if (v <= 0) throw new ScenarioError(field, `must be > 0 (the finite-difference step), got ${v}`)
  return v
}

/** Validate an optimizer entry's `gradient` field (`field` names it in messages); absent means the exact gradient. */
export function parseGradientSpec(v: unknown, field: string): GradientSpec {
  if (v === undefined) return TRUE_GRADIENT
  if (!isObject(v)) throw new ScenarioError(field, 'must be an object like {"estimator": "forward", "directions": 4, "seed": 0}')
  const name = v.estimator
  if (name === undefined) throw new ScenarioError(`${field}.estimator`, 'is required ("true", "forward" or "zeroth_order")')
  if (!isEstimatorName(name))
    throw new ScenarioError(`${field}.estimator`, `unknown estimator ${describe(name)} (known: "true", "forward", "zeroth_order")`)
  for (const key of Object.keys(v)) {
    if (!FIELDS[name].includes(key)) {
      const known = FIELDS[name].filter((k) => k !== 'estimator')
      throw new ScenarioError(
        `${field}.${key}`,
        `is not a field of the ${name} estimator (${known.length ? `its fields: ${known.join(', ')}` : 'it has no fields'})`,
      )
    }
  }
  if (name === 'true') return TRUE_GRADIENT
  const directions = directionsOf(v.directions, `${field}.directions`)
  const seed = seedOf(v.seed, `${field}.seed`)
  if (name === 'forward') return { estimator: 'forward', directions, seed }
  const distribution = v.distribution === undefined ? ESTIMATOR_DEFAULTS.distribution : v.distribution
  if (distribution !== 'gaussian' && distribution !== 'sphere')
    throw new ScenarioError(`${field}.distribution`, `must be "gaussian" or "sphere", got ${describe(distribution)}`)
  return { estimator: 'zeroth_order', mu: muOf(v.mu, `${field}.mu`), directions, distribution, seed }
}

/** The kernel variant a spec needs, or null for the exact gradient. */
export function estimatorKind(spec: GradientSpec | undefined): EstimatorKind | null {
  if (!spec || spec.estimator === 'true') return null
  if (spec.estimator === 'forward') return 'forward'
  return spec.distribution === 'sphere' ? 'zeroth_order_sphere' : 'zeroth_order_gaussian'
}

/** The spec as the scenario writes it, every field filled in (how a run reports it). */
export function gradientSpecJson(spec: GradientSpec): Record<string, unknown> {
  return { ...spec }
}

/** A short label for legends: `forward K=4`, `ZO sphere μ=0.001 K=1`; empty for the exact gradient. */
export function gradientLabel(spec: GradientSpec): string {
  if (spec.estimator === 'true') return ''
  if (spec.estimator === 'forward') return `forward K=${spec.directions}`
  return `ZO ${spec.distribution} μ=${spec.mu} K=${spec.directions}`
}
