/**
 * The estimators' float64 formulas with the normal draw passed in, so code that may not load
 * random.ts (the renderer: its CSP forbids the eval random.ts runs on import) computes the same
 * estimate from random-plain.ts's mirror of the hash. draws.ts passes random.ts's `normal`; the
 * formulas, counters and their documentation are draws.ts's (the kernel code in code.ts computes
 * them in the same order, operation for operation).
 */
import type { GradientSpec } from './spec'

/** First counter of the estimator's draws (the gradient noise uses counters 0 and 1). */
export const DIRECTION_COUNTER = 1024

/** Counters one gradient estimate may use: two per direction (spec.ts MAX_DIRECTIONS = 1024). */
const COUNTERS_PER_ESTIMATE = 2 * 1024

/**
 * First counter of the draws at the j-th extra gradient of a step (j = 0: SAM's ∇L at θ + e,
 * FDGR's at θ + εg): DIRECTION_COUNTER + 2048·(j + 1), past every counter of the step's own
 * estimate (DIRECTION_COUNTER … DIRECTION_COUNTER + 2047), so the two estimates draw independent
 * directions at the same (seed, stream, t). Inside the hash's exact range for j < 4000.
 */
export function extraGradientCounter(j: number): number {
  return DIRECTION_COUNTER + COUNTERS_PER_ESTIMATE * (j + 1)
}

/** Dimension of the landscapes' parameter space (x, y). */
export const DIMENSION = 2

/** A standard normal from integers (seed, stream, t, counter); reduces the seed itself. */
export type NormalDraw = (seed: number, a: number, b: number, c: number) => number

/** Direction k of the draws at (seed, stream, t), into out[0], out[1]; `counter`: the estimate's first counter. */
export function directionWith(
  draw: NormalDraw,
  spec: Exclude<GradientSpec, { estimator: 'true' }>,
  stream: number,
  t: number,
  k: number,
  out: Float64Array | number[],
  counter = DIRECTION_COUNTER,
): void {
  let vx = draw(spec.seed, stream, t, counter + 2 * k)
  let vy = draw(spec.seed, stream, t, counter + 2 * k + 1)
  if (spec.estimator === 'zeroth_order' && spec.distribution === 'sphere') {
    const n = Math.sqrt(vx * vx + vy * vy)
    vx = vx / n
    vy = vy / n
  }
  out[0] = vx
  out[1] = vy
}

/**
 * The estimate at step t (1-based) for a particle of stream `stream` at (x, y), whose exact
 * gradient there is (gx, gy), into out[0], out[1]; (gx, gy) itself for "true". `value`: L.
 */
export function estimateFrom(
  draw: NormalDraw,
  spec: GradientSpec,
  value: (x: number, y: number) => number,
  x: number,
  y: number,
  gx: number,
  gy: number,
  stream: number,
  t: number,
  out: Float64Array | number[],
  counter = DIRECTION_COUNTER,
): void {
  if (spec.estimator === 'true') {
    out[0] = gx
    out[1] = gy
    return
  }
  const v = [0, 0]
  let ex = 0
  let ey = 0
  for (let k = 0; k < spec.directions; k++) {
    directionWith(draw, spec, stream, t, k, v, counter)
    let dd: number
    if (spec.estimator === 'forward') dd = gx * v[0] + gy * v[1]
    else {
      const mu = spec.mu
      const scale = spec.distribution === 'sphere' ? DIMENSION : 1
      dd = (scale * (value(x + mu * v[0], y + mu * v[1]) - value(x - mu * v[0], y - mu * v[1]))) / (2 * mu)
    }
    ex = ex + dd * v[0]
    ey = ey + dd * v[1]
  }
  out[0] = ex / spec.directions
  out[1] = ey / spec.directions
}
