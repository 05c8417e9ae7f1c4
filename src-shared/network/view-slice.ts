/**
 * The slice the app's 3-D view draws for a network while it trains (shared/NETWORKS.md "Slices").
 * A streamed job cannot wait for the whole trajectory, so the view's plane is fixed before the
 * first step: centred on the initial parameters, with the slice's random (filter-normalized)
 * directions. `slice.directions: "pca"` and `center: "end"` need the finished trajectory: given
 * one (`SlicePath`: the engine trains the first run once more beforehand, without eigenvalues,
 * src-main/engine/network/view-path.ts) the view draws the asked-for slice; without one it
 * draws this plane and says so (`viewSliceNote`).
 *
 * Both the engine (projecting each kept step) and the renderer (sampling the surface) build the
 * same plane from the same spec, so they agree exactly.
 */
import { Mlp } from './mlp'
import type { SliceSpec } from './scenario'
import { computeSlice } from './slice'
import type { NetworkSpec } from './spec'

/** The slice the view uses when the scenario gives none. */
export const DEFAULT_VIEW_SLICE: SliceSpec = {
  directions: 'random',
  seed: 0,
  normalization: 'filter',
  center: 'start',
  extent: [-1, 1],
  n: 64,
}

/** The streamable version of a requested slice: random directions through the start. */
export function viewSliceSpec(requested: SliceSpec | null): SliceSpec {
  if (!requested) return DEFAULT_VIEW_SLICE
  return { ...requested, directions: 'random', center: 'start' }
}

/** Whether a requested slice depends on the trajectory (PCA directions, or centred at the end). */
export const sliceNeedsPath = (requested: SliceSpec | null): boolean =>
  requested !== null && (requested.directions === 'pca' || requested.center === 'end')

/** A run's recorded parameters (count × size, row-major), all finite: what a PCA slice is computed from. */
export interface SlicePath {
  readonly params: Float64Array
  readonly count: number
}

/** Why the drawn plane differs from the requested one, or null when it is the same. */
export function viewSliceNote(requested: SliceSpec | null): string | null {
  if (!requested || (requested.directions === 'random' && requested.center === 'start')) return null
  return `The view draws random directions through the start while the run streams; the requested ${requested.directions} slice centred at the ${requested.center} is computed by cli run.`
}

/** Where a parameter vector lies relative to the plane. */
export interface SlicePoint {
  /** Plane coordinates of the projection. */
  a: number
  b: number
  /** ‖w − proj(w)‖: how far the true point is off the drawn plane. */
  offPlane: number
}

export class ViewSlice {
  readonly spec: SliceSpec
  readonly d1: Float64Array
  readonly d2: Float64Array
  readonly center: Float64Array
  private readonly mlp: Mlp
  private readonly w: Float64Array
  private readonly g11: number
  private readonly g12: number
  private readonly g22: number

  /** With `path` (its first point the network's start), a slice that needs the trajectory is drawn as asked. */
  constructor(net: NetworkSpec, requested: SliceSpec | null, path: SlicePath | null = null) {
    const asked = path !== null && path.count > 0 && sliceNeedsPath(requested)
    this.spec = asked ? requested! : viewSliceSpec(requested)
    this.mlp = new Mlp(net, net.data.x, net.data.y)
    // computeSlice on a 2 × 2 grid: just the directions and the centre (the path's points are
    // projected again by `project`, so only the directions' cost matters here).
    const s = asked
      ? computeSlice({ ...this.spec, n: 2 }, net.layers, this.mlp, path.params, path.count)
      : computeSlice({ ...this.spec, n: 2 }, net.layers, this.mlp, net.params, 1)
    this.d1 = s.d1
    this.d2 = s.d2
    this.center = s.center
    this.w = new Float64Array(net.size)
    let g11 = 0
    let g12 = 0
    let g22 = 0
    for (let i = 0; i < net.size; i++) {
      g11 += s.d1[i] * s.d1[i]
      g12 += s.d1[i] * s.d2[i]
      g22 += s.d2[i] * s.d2[i]
    }
    this.g11 = g11
    this.g12 = g12
    this.g22 = g22
  }

  /** Least-squares projection onto the plane (d₁, d₂ need not be orthogonal) and the distance off it. */
  project(w: ArrayLike<number>, offset = 0): SlicePoint {
    const { d1, d2, center, g11, g12, g22 } = this
    let r1 = 0
    let r2 = 0
    for (let i = 0; i < center.length; i++) {
      const x = w[offset + i] - center[i]
      r1 += d1[i] * x
      r2 += d2[i] * x
    }
    const det = g11 * g22 - g12 * g12
    const a = det > 0 ? (g22 * r1 - g12 * r2) / det : 0
    const b = det > 0 ? (g11 * r2 - g12 * r1) / det : 0
    let off = 0
    for (let i = 0; i < center.length; i++) off += (w[offset + i] - center[i] - a * d1[i] - b * d2[i]) ** 2
    return { a, b, offPlane: Math.sqrt(off) }
  }

  /** The slice's loss L(c + a·d₁ + b·d₂), which is not the loss of a projected point's true parameters. */
  lossAt(a: number, b: number): number {
    const { w, center, d1, d2 } = this
    for (let i = 0; i < w.length; i++) w[i] = center[i] + a * d1[i] + b * d2[i]
    return this.mlp.lossAt(w)
  }

  /** nx × ny samples over [x0, x1] × [y0, y1], row-major with a fastest (a Surface's layout). */
  sample(x: readonly [number, number], y: readonly [number, number], nx: number, ny: number): Float32Array {
    const out = new Float32Array(nx * ny)
    for (let j = 0; j < ny; j++) {
      const b = y[0] + ((y[1] - y[0]) * j) / (ny - 1)
      for (let i = 0; i < nx; i++) out[j * nx + i] = this.lossAt(x[0] + ((x[1] - x[0]) * i) / (nx - 1), b)
    }
    return out
  }
}
