/**
 * The sweep heatmap's colour scale: which values the ramp spans, where a value sits on it, and the
 * colour bar's ticks. Pure (no DOM), unit-tested in tests/renderer/sweep.test.ts.
 *
 * Lower is better for every metric (loss, steps, diverged fraction), and better cells are brighter.
 * Final loss uses a log scale whose floor is the smallest positive median, but never more than
 * `LOG_DECADES` below the largest: an exact zero (a run that converged to 0 in float64) or a value
 * below the floor is drawn at the floor's colour, so it cannot stretch the scale over 300 decades
 * and flatten every other cell into one colour.
 */
import type { SweepMetric } from './sweep'

export const LOG_DECADES = 16

export interface ColourScale {
  readonly log: boolean
  /** Value at the bright (best) end and at the dark (worst) end. */
  readonly lo: number
  readonly hi: number
  /** Some cells are below `lo` (zeros included) and drawn at its colour. */
  readonly floored: boolean
  readonly ticks: readonly number[]
}

/** Colour scale over the finite cell values; null when no cell has one. */
export function colourScale(values: ArrayLike<number>, metric: SweepMetric): ColourScale | null {
  if (metric === 'diverged') return { log: false, lo: 0, hi: 1, floored: false, ticks: [0, 0.25, 0.5, 0.75, 1] }
  let min = Infinity,
    max = -Infinity,
    minPositive = Infinity,
    finite = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) continue
    finite++
    if (v < min) min = v
    if (v > max) max = v
    if (v > 0 && v < minPositive) minPositive = v
  }
  if (finite === 0) return null
  if (metric === 'final') {
    if (!(max > 0)) return { log: true, lo: 1e-300, hi: 1e-300, floored: true, ticks: [] }
    const lo = Math.max(minPositive, max * 10 ** -LOG_DECADES)
    return { log: true, lo, hi: max, floored: min < lo, ticks: decadeTicks(lo, max) }
  }
  return { log: false, lo: min, hi: max, floored: false, ticks: linearTicks(min, max) }
}

/** Position of `v` on the ramp: 1 at the best (bright) end, 0 at the worst; NaN for a non-finite value. */
export function rampPosition(v: number, s: ColourScale): number {
  if (!Number.isFinite(v)) return NaN
  if (!(s.hi > s.lo)) return 1
  const t = s.log ? (Math.log10(Math.max(v, s.lo)) - Math.log10(s.lo)) / (Math.log10(s.hi) - Math.log10(s.lo)) : (v - s.lo) / (s.hi - s.lo)
  return 1 - Math.min(1, Math.max(0, t))
}

/** Position of a value on the colour bar, 0 at its best end, 1 at its worst (for placing tick labels). */
export const barPosition = (v: number, s: ColourScale): number => 1 - rampPosition(v, s)

/** Whole decades within [lo, hi], at most six (every other one or rarer when the span is wide). */
export function decadeTicks(lo: number, hi: number): number[] {
  const a = Math.ceil(Math.log10(lo) - 1e-9)
  const b = Math.floor(Math.log10(hi) + 1e-9)
  if (b < a) return []
  const every = Math.max(1, Math.ceil((b - a + 1) / 6))
  const out: number[] = []
  for (let e = b; e >= a; e -= every) out.unshift(Number(`1e${e}`)) // exact decades (10 ** -4 is not)
  return out
}

/** About four round ticks within [lo, hi]. */
export function linearTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / 4
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag
  const out: number[] = []
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)))
  return out
}

/** A perceptual dark-to-bright ramp (viridis stops) for t in [0, 1]. */
export const RAMP_STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
]

export function ramp(t: number): string {
  const x = Math.min(0.9999, Math.max(0, t)) * (RAMP_STOPS.length - 1)
  const i = Math.floor(x)
  const f = x - i
  const c = RAMP_STOPS[i].map((v, k) => Math.round(v + (RAMP_STOPS[i + 1][k] - v) * f))
  return `rgb(${c[0]},${c[1]},${c[2]})`
}
