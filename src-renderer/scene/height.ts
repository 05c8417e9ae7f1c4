/**
 * How loss becomes height and colour, shared by the surface, its contours and the trajectories
 * (so a trajectory lies exactly on the surface it descends). Linear or log, normalized so that
 * the surface's minimum sits at 0 and its 99th percentile at 1; higher values are compressed
 * smoothly into a thin band above 1 instead of towering over the scene.
 */
import type { Surface } from '../../src-shared/api'
import type { HeightScale } from '../store/ui-store'

/** World-space height of u = 1. */
export const HEIGHT = 0.95
/** Floor (contour map) below the surface. */
export const FLOOR_Y = -0.38
/** Head-room above u = 1 for values beyond the 99th percentile. */
const OVERSHOOT = 0.12

export interface HeightMap {
  readonly log: boolean
  readonly min: number
  readonly hi: number
  /** Log offset: T(v) = log10(v − min + delta). */
  readonly delta: number
  /** Normalized height u in [0, 1 + OVERSHOOT]; NaN for non-finite v. */
  u(v: number): number
  /** Loss at normalized height u in [0, 1] (for axis labels). */
  inverse(u: number): number
}

/** Whether 'auto' should pick the log scale: the landscape spans orders of magnitude. */
export function prefersLog(s: Surface): boolean {
  const finite: number[] = []
  const step = Math.max(1, Math.floor(s.values.length / 4096))
  for (let i = 0; i < s.values.length; i += step) if (Number.isFinite(s.values[i])) finite.push(s.values[i])
  if (finite.length < 4 || !(s.hi > s.min)) return false
  finite.sort((a, b) => a - b)
  const q10 = finite[Math.floor(0.1 * (finite.length - 1))]
  return (s.hi - s.min) / Math.max(q10 - s.min, 1e-300) > 100
}

export function heightMap(s: Surface, scale: HeightScale): HeightMap {
  const log = scale === 'log' || (scale === 'auto' && prefersLog(s))
  const min = Number.isFinite(s.min) ? s.min : 0
  let hi = Number.isFinite(s.hi) ? s.hi : min + 1
  if (!(hi > min)) hi = min + 1
  const delta = (hi - min) * 1e-4
  const T = log ? (v: number) => Math.log10(Math.max(v - min, 0) + delta) : (v: number) => v - min
  const t0 = T(min)
  const span = T(hi) - t0
  return {
    log,
    min,
    hi,
    delta,
    u(v: number) {
      if (!Number.isFinite(v)) return NaN
      const x = (T(v) - t0) / span
      return x <= 1 ? Math.max(0, x) : 1 + OVERSHOOT * Math.tanh((x - 1) / OVERSHOOT)
    },
    inverse(u: number) {
      const t = t0 + u * span
      return log ? 10 ** t - delta + min : t + min
    },
  }
}

/** Colour stops of the landscape: deep navy valleys to pale peaks (leaves warm hues to the optimizers). */
const STOPS: ReadonlyArray<readonly [number, number, number, number]> = [
  [0.0, 0x0b, 0x16, 0x2c],
  [0.18, 0x14, 0x2f, 0x55],
  [0.38, 0x1f, 0x58, 0x86],
  [0.58, 0x2f, 0x8c, 0xa8],
  [0.78, 0x7d, 0xc2, 0xc4],
  [1.0, 0xd4, 0xe6, 0xdf],
]

/** Linear RGB-ish sRGB components in [0, 1] for normalized height u, written into out[o..o+2]. */
export function colormap(u: number, out: Float32Array | number[], o = 0): void {
  const x = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0))
  let i = 1
  while (i < STOPS.length - 1 && STOPS[i][0] < x) i++
  const a = STOPS[i - 1]
  const b = STOPS[i]
  const f = (x - a[0]) / (b[0] - a[0])
  out[o] = (a[1] + (b[1] - a[1]) * f) / 255
  out[o + 1] = (a[2] + (b[2] - a[2]) * f) / 255
  out[o + 2] = (a[3] + (b[3] - a[3]) * f) / 255
}

/** CSS gradient of the colormap (for the legend's scale bar). */
export function colormapCss(): string {
  return `linear-gradient(to top, ${STOPS.map(([p, r, g, b]) => `rgb(${r}, ${g}, ${b}) ${p * 100}%`).join(', ')})`
}

/** Landscape (x, y) ↔ world (X, Z): the region maps to the square [−1, 1]², y growing away from the viewer. */
export interface Frame {
  readonly x: readonly [number, number]
  readonly y: readonly [number, number]
}

export const toWorldX = (f: Frame, x: number) => ((x - f.x[0]) / (f.x[1] - f.x[0])) * 2 - 1
export const toWorldZ = (f: Frame, y: number) => 1 - ((y - f.y[0]) / (f.y[1] - f.y[0])) * 2
export const fromWorldX = (f: Frame, X: number) => f.x[0] + ((X + 1) / 2) * (f.x[1] - f.x[0])
export const fromWorldZ = (f: Frame, Z: number) => f.y[0] + ((1 - Z) / 2) * (f.y[1] - f.y[0])

/** "Nice" tick values (1, 2, 5 × 10^k) covering [a, b], about `count` of them. */
export function niceTicks(a: number, b: number, count = 5): number[] {
  if (!(b > a)) return [a]
  const raw = (b - a) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const out: number[] = []
  for (let v = Math.ceil(a / step - 1e-9) * step; v <= b + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v)
  return out
}

/** Bilinear loss at (x, y) from the sampled surface (NaN outside). */
export function sampleAt(s: Surface, x: number, y: number): number {
  const [nx, ny] = s.n
  const fx = ((x - s.x[0]) / (s.x[1] - s.x[0])) * (nx - 1)
  const fy = ((y - s.y[0]) / (s.y[1] - s.y[0])) * (ny - 1)
  if (!(fx >= 0 && fy >= 0 && fx <= nx - 1 && fy <= ny - 1)) return NaN
  const i = Math.min(nx - 2, Math.floor(fx))
  const j = Math.min(ny - 2, Math.floor(fy))
  const tx = fx - i
  const ty = fy - j
  const v = (ii: number, jj: number) => s.values[jj * nx + ii]
  return (v(i, j) * (1 - tx) + v(i + 1, j) * tx) * (1 - ty) + (v(i, j + 1) * (1 - tx) + v(i + 1, j + 1) * tx) * ty
}
