/**
 * A schedule's per-step rates (and momenta): what both precision paths consume, computed once by
 * the torch port (torch.ts).
 *
 *  - `scheduleSequence`: the values for one base rate and momentum, in plain float64 as torch
 *    computes them (lr_history / momentum_history of the reference files).
 *  - `affineSchedule`: the same schedule as affine forms in the optimizer's base values,
 *    lr_k = A_k·lr + B_k and momentum_k = C_k·momentum + D_k, so one table row serves every
 *    particle of a sweep over the rate or the momentum (factors scale with the base rate; eta_min,
 *    OneCycleLR's max_lr and its momenta are absolute: they land in B and D).
 */
import type { ScheduleSpec } from './spec'
import { type Algebra, simulate } from './torch'

const numbers: Algebra<number> = {
  constant: (x) => x,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, s) => a * s,
  div: (a, s) => a / s,
}

/** a·base + b. */
interface Affine {
  readonly a: number
  readonly b: number
}

const affine: Algebra<Affine> = {
  constant: (x) => ({ a: 0, b: x }),
  add: (p, q) => ({ a: p.a + q.a, b: p.b + q.b }),
  sub: (p, q) => ({ a: p.a - q.a, b: p.b - q.b }),
  mul: (p, s) => ({ a: p.a * s, b: p.b * s }),
  div: (p, s) => ({ a: p.a / s, b: p.b / s }),
}

export interface ScheduleSequence {
  /** lr[k]: the rate step k + 1 uses. */
  readonly lr: Float64Array
  /** momentum[k]: the momentum (or betas[0]) step k + 1 uses. */
  readonly momentum: Float64Array
}

/** Rates and momenta of `steps` steps for an optimizer built with `lr` and `momentum`. Throws ScheduleError. */
export function scheduleSequence(s: ScheduleSpec, lr: number, momentum: number, steps: number): ScheduleSequence {
  const out = { lr: new Float64Array(steps), momentum: new Float64Array(steps) }
  simulate(numbers, s, lr, momentum, steps, (k, l, m) => {
    out.lr[k] = l
    out.momentum[k] = m
  })
  return out
}

/** Values per step in a schedule table row: lr = A·lr₀ + B, momentum = C·m₀ + D. */
export const ROW_VALUES = 4

/**
 * The schedule as one table row: for step k (0-based), [A, B, C, D] at k·ROW_VALUES. Throws ScheduleError.
 * `into` (offset `at`) receives the row when given.
 */
export function affineSchedule(s: ScheduleSpec, steps: number, into = new Float64Array(steps * ROW_VALUES), at = 0): Float64Array {
  simulate(affine, s, { a: 1, b: 0 }, { a: 1, b: 0 }, steps, (k, l, m) => {
    const o = at + k * ROW_VALUES
    into[o] = l.a
    into[o + 1] = l.b
    into[o + 2] = m.a
    into[o + 3] = m.b
  })
  return into
}

/** Write the exact values for one base rate and momentum as a row (A = C = 0). */
export function exactRow(s: ScheduleSpec, lr: number, momentum: number, steps: number, into: Float64Array, at: number): void {
  simulate(numbers, s, lr, momentum, steps, (k, l, m) => {
    const o = at + k * ROW_VALUES
    into[o] = 0
    into[o + 1] = l
    into[o + 2] = 0
    into[o + 3] = m
  })
}
