/**
 * The edge-of-stability view's computations, pure (no DOM, no store): smoothing, the oscillation
 * along the top eigenvector, the EoS onset, and axis ticks. Unit-tested in tests/renderer/eos-series.test.ts.
 */

/** Half-width m of the smoothing window (kept points): the 21-point trapezoid (docs/central-flows.md, "Reading the view"). */
export const SMOOTH_HALF_WIDTH = 10

/**
 * Centred trapezoid moving average: at point k, weights (½, 1, …, 1, ½)/(2h) over [k − h, k + h]
 * with h = min(m, k, n − 1 − k), so the window stays centred and shrinks at the ends (h = 0 at the
 * first and last point: the raw value). With h = m it removes any period-2 component exactly (§2.3).
 * A non-finite value inside a window makes that point NaN.
 */
export function smooth(values: ArrayLike<number>, n: number, m = SMOOTH_HALF_WIDTH, stride = 1, offset = 0): Float64Array {
  const out = new Float64Array(n)
  for (let k = 0; k < n; k++) {
    const h = Math.min(m, k, n - 1 - k)
    if (h === 0) {
      out[k] = values[offset + stride * k]
      continue
    }
    let sum = 0.5 * (values[offset + stride * (k - h)] + values[offset + stride * (k + h)])
    for (let i = k - h + 1; i <= k + h - 1; i++) sum += values[offset + stride * i]
    out[k] = sum / (2 * h)
  }
  return out
}

/**
 * The oscillation along the top eigenvector: o_k = ⟨x_k − x̄_k, u_k⟩ with x̄ the smoothed path
 * (`smooth` of each coordinate) and u_k the unit top Hessian eigenvector at x_k. `xy` and `axis`
 * are interleaved (x, y per point).
 *
 * An eigenvector has no sign of its own, and the engine's convention (first component positive)
 * can flip between the two sides of an oscillation (at (4, ±1) in the cubic valley u ∝ (±0.24, 0.97)
 * becomes (0.24, ±0.97)), which would fold the oscillation onto one side. So u_k is oriented by
 * continuity: flipped when ⟨u_k, u_{k−1}⟩ < 0. The two end points (no centred window) are NaN.
 */
export function oscillation(xy: ArrayLike<number>, axis: ArrayLike<number>, n: number, m = SMOOTH_HALF_WIDTH): Float64Array {
  const xs = smooth(xy, n, m, 2, 0)
  const ys = smooth(xy, n, m, 2, 1)
  const out = new Float64Array(n)
  let px = NaN
  let py = NaN
  for (let k = 0; k < n; k++) {
    let ux = axis[2 * k],
      uy = axis[2 * k + 1]
    if (ux * px + uy * py < 0) {
      ux = -ux
      uy = -uy
    }
    if (Number.isFinite(ux) && Number.isFinite(uy)) {
      px = ux
      py = uy
    }
    out[k] = k === 0 || k === n - 1 ? NaN : (xy[2 * k] - xs[k]) * ux + (xy[2 * k + 1] - ys[k]) * uy
  }
  return out
}

/**
 * The edge-of-stability onset: the first kept point k with S_k ≥ threshold (non-finite values are
 * skipped), or null when the sharpness never reaches it.
 */
export function eosOnset(sharpness: ArrayLike<number>, n: number, threshold: number): number | null {
  if (!Number.isFinite(threshold)) return null
  for (let k = 0; k < n; k++) if (sharpness[k] >= threshold) return k
  return null
}

/** Finite [min, max] of `values[0..n)` (several arrays together), or null when none is finite. */
export function extent(
  arrays: ReadonlyArray<ArrayLike<number> | null | undefined>,
  n: number,
  positiveOnly = false,
): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const a of arrays) {
    if (!a) continue
    const len = Math.min(n, a.length)
    for (let k = 0; k < len; k++) {
      const v = a[k]
      if (!Number.isFinite(v) || (positiveOnly && !(v > 0))) continue
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
  }
  return lo <= hi ? [lo, hi] : null
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count)
  const mag = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag
}

/** About `count` round ticks covering [lo, hi], and the domain widened to whole ticks. */
export function linearTicks(lo: number, hi: number, count = 4): { domain: [number, number]; ticks: number[] } {
  if (!(hi > lo)) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1
    lo -= d
    hi += d
  }
  const step = niceStep(hi - lo, count)
  const a = Math.floor(lo / step) * step
  const b = Math.ceil(hi / step) * step
  const ticks: number[] = []
  for (let t = a; t <= b + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)))
  return { domain: [a, b], ticks }
}

/** Decade ticks for a log axis over [lo, hi] (both > 0), domain widened to whole decades. */
export function logTicks(lo: number, hi: number): { domain: [number, number]; ticks: number[] } {
  let a = Math.floor(Math.log10(lo))
  let b = Math.ceil(Math.log10(hi))
  if (a === b) {
    a -= 1
    b += 1
  }
  const every = Math.max(1, Math.ceil((b - a) / 5))
  const ticks: number[] = []
  for (let e = a; e <= b; e += every) ticks.push(10 ** e)
  return { domain: [10 ** a, 10 ** b], ticks }
}

/** Short tick labels: 0.001 → 1e-3, 12500 → 1.25e4, 0.25 → 0.25. */
export function tickLabel(v: number): string {
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a >= 1e-2 && a < 1e4) return String(Number(v.toPrecision(3)))
  const [m, e] = v.toExponential(2).split('e')
  return `${Number(m)}e${Number(e)}`
}
