/**
 * Slider scales of the hyperparameters. Every numeric hyperparameter gets a logarithmic slider:
 * over the value itself (lr, eps), over the value with an exact 0 at the left end (weight_decay),
 * or over 1 − value for averaging coefficients close to 1 (momentum, betas, alpha, rho), where
 * the interesting range is 0.9 … 0.9999. The numeric field next to the slider takes any value.
 */

export interface Scale {
  readonly kind: 'log' | 'log0' | 'oneMinus' | 'linear'
  readonly min: number
  readonly max: number
}

/** Slider positions are integers 0 … STEPS. */
export const STEPS = 1000

const log = (min: number, max: number): Scale => ({ kind: 'log', min, max })
const log0 = (min: number, max: number): Scale => ({ kind: 'log0', min, max })
/** 1 − v on a log scale from 1 (v = 0) down to `closest` (v = 1 − closest). */
const oneMinus = (closest: number): Scale => ({ kind: 'oneMinus', min: closest, max: 1 })
const linear = (min: number, max: number): Scale => ({ kind: 'linear', min, max })

/** Keyed by `optimizer.name` first, then by `name` alone; `[i]` for a component of a pair. */
const TABLE: Readonly<Record<string, Scale>> = {
  lr: log(1e-5, 10),
  eps: log(1e-12, 1),
  weight_decay: log0(1e-6, 1),
  lr_decay: log0(1e-6, 1),
  initial_accumulator_value: log0(1e-6, 10),
  lambd: log0(1e-8, 1),
  t0: log(1, 1e7),
  momentum_decay: log0(1e-5, 1),
  momentum: oneMinus(1e-4),
  dampening: oneMinus(1e-3),
  rho: oneMinus(1e-4),
  alpha: oneMinus(1e-4),
  'asgd.alpha': linear(0, 2),
  'betas[0]': oneMinus(1e-4),
  'betas[1]': oneMinus(1e-6),
  'etas[0]': linear(0.05, 0.95),
  'etas[1]': linear(1.05, 3),
  'step_sizes[0]': log0(1e-9, 1),
  'step_sizes[1]': log(1e-3, 1e3),
}

export function scaleFor(optimizer: string, name: string, fallback: number): Scale {
  const s = TABLE[`${optimizer}.${name}`] ?? TABLE[name]
  if (s) return s
  if (fallback > 0) return log(fallback / 1e3, fallback * 1e3)
  return log0(1e-6, 1)
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))

/** Slider position (0 … STEPS) of a value. */
export function toPosition(scale: Scale, value: number): number {
  const { min, max } = scale
  let f: number
  switch (scale.kind) {
    case 'log':
      f = (Math.log10(clamp(value, min, max)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
      break
    case 'log0':
      if (value <= 0) return 0
      f = 1 / STEPS + ((1 - 1 / STEPS) * (Math.log10(clamp(value, min, max)) - Math.log10(min))) / (Math.log10(max) - Math.log10(min))
      break
    case 'oneMinus': {
      const r = clamp(1 - value, min, 1)
      f = Math.log10(r) / Math.log10(min)
      break
    }
    case 'linear':
      f = (clamp(value, min, max) - min) / (max - min)
      break
  }
  return Math.round(clamp(f, 0, 1) * STEPS)
}

/** Value at a slider position, rounded to 3 significant digits so numbers stay readable. */
export function fromPosition(scale: Scale, position: number): number {
  const f = clamp(position / STEPS, 0, 1)
  const { min, max } = scale
  let v: number
  switch (scale.kind) {
    case 'log':
      v = 10 ** (Math.log10(min) + f * (Math.log10(max) - Math.log10(min)))
      break
    case 'log0':
      if (position <= 0) return 0
      v = 10 ** (Math.log10(min) + ((f - 1 / STEPS) / (1 - 1 / STEPS)) * (Math.log10(max) - Math.log10(min)))
      break
    case 'oneMinus': {
      const r = 10 ** (f * Math.log10(min))
      return Number((1 - Number(r.toPrecision(2))).toPrecision(8))
    }
    case 'linear':
      v = min + f * (max - min)
      break
  }
  return Number(v.toPrecision(3))
}
