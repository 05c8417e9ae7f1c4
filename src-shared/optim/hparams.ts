/** Resolving user-given hyperparameters: torch names, defaults, types and ranges. */
import type { HparamSpec, Hparams, HparamValue, OptimizerDef } from './types'

export class HparamError extends Error {
  /** The offending hyperparameter, or null for a cross-field problem. */
  readonly field: string | null
  constructor(field: string | null, message: string) {
    super(message)
    this.name = 'HparamError'
    this.field = field
  }
}

function coerce(name: string, spec: HparamSpec, value: unknown): HparamValue {
  switch (spec.kind) {
    case 'number':
      if (value === null && spec.none !== undefined) return null
      if (typeof value !== 'number') throw new HparamError(name, `must be a number, got ${describe(value)}`)
      if (!Number.isFinite(value)) throw new HparamError(name, `must be finite, got ${value}`)
      return value
    case 'boolean':
      if (typeof value !== 'boolean') throw new HparamError(name, `must be true or false, got ${describe(value)}`)
      return value
    case 'pair': {
      const n = spec.default.length
      const count = n === 2 ? 'two' : 'three'
      if (!Array.isArray(value) || value.length !== n) {
        throw new HparamError(name, `must be a list of ${count} numbers, got ${describe(value)}`)
      }
      for (const v of value) {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new HparamError(name, `must be a list of ${count} finite numbers, got ${describe(value)}`)
        }
      }
      return n === 2 ? ([value[0], value[1]] as const) : ([value[0], value[1], value[2]] as const)
    }
    case 'choice':
      if (typeof value !== 'string' || !spec.options.includes(value)) {
        throw new HparamError(name, `must be one of ${spec.options.map((o) => JSON.stringify(o)).join(', ')}, got ${describe(value)}`)
      }
      return value
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `a list of ${value.length}`
  if (typeof value === 'string') return `text ${JSON.stringify(value.length > 20 ? value.slice(0, 20) + '…' : value)}`
  return typeof value === 'number' ? String(value) : typeof value
}

/**
 * Fill torch's defaults and validate. `given` may hold `name` (ignored here); any other key
 * must be a hyperparameter of `def`.
 */
export function resolveHparams(def: OptimizerDef, given: Readonly<Record<string, unknown>>): Hparams {
  for (const key of Object.keys(given)) {
    if (key !== 'name' && !Object.hasOwn(def.hparams, key)) {
      throw new HparamError(key, `unknown hyperparameter for ${def.name} (known: ${Object.keys(def.hparams).join(', ')})`)
    }
  }
  const out: Record<string, HparamValue> = {}
  for (const [key, spec] of Object.entries(def.hparams)) {
    const value = Object.hasOwn(given, key) && given[key] !== undefined ? coerce(key, spec, given[key]) : spec.default
    const problem =
      spec.kind === 'number'
        ? value === null
          ? null
          : spec.check?.(value as number)
        : spec.kind === 'pair'
          ? spec.check?.(value as readonly number[])
          : null
    if (problem) throw new HparamError(key, problem)
    out[key] = value
  }
  const cross = def.crossCheck?.(out)
  if (cross) throw new HparamError(null, cross)
  return out
}

/** The names rule code uses for the hyperparameters, in a fixed order. */
export function hparamCodeNames(def: OptimizerDef): string[] {
  return Object.entries(def.hparams).flatMap(([key, spec]) => (spec.kind === 'pair' ? [...spec.codeNames] : [key]))
}

/** Numeric values in the order of `hparamCodeNames` (booleans as 0/1). */
export function hparamCodeValues(def: OptimizerDef, h: Hparams): number[] {
  return Object.entries(def.hparams).flatMap(([key, spec]) => {
    const v = h[key]
    if (spec.kind === 'pair') return [...(v as readonly number[])]
    if (spec.kind === 'boolean') return [v ? 1 : 0]
    if (spec.kind === 'choice') return [spec.options.indexOf(v as string)]
    if (v === null) return [spec.none!]
    return [v as number]
  })
}
