/**
 * The 2-D slice through a network's parameter space that the 3-D view draws (shared/NETWORKS.md
 * "Slices"): two directions d₁, d₂ through a centre c, the surface L(c + a·d₁ + b·d₂) on an n × n
 * grid of (a, b) ∈ extent², and each recorded parameter vector projected onto the plane with its
 * distance off it and the slice's loss at the projection (which differs from the true loss).
 *
 * - `random`: Gaussian directions from the project's seeded generator; with `filter`
 *   normalization each filter (the incoming weights of one output unit of a layer) is rescaled to
 *   the norm of the centre's filter and the bias entries are 0 (Li et al. 2018, "Visualizing the
 *   Loss Landscape of Neural Nets"); with `none` they are the raw draws.
 * - `pca`: the top two principal directions (unit vectors) of the centred recorded trajectory, by
 *   Lanczos on the covariance applied as Xᵀ(Xv).
 */
import { normal } from '../random'
import { STREAM } from './datasets'
import { Lanczos } from './lanczos'
import type { Mlp } from './mlp'
import type { SliceSpec } from './scenario'

export interface SliceResult {
  readonly d1: Float64Array
  readonly d2: Float64Array
  readonly center: Float64Array
  /** Per recorded point: plane coordinates (a, b) interleaved, distance off the plane, slice loss at the projection. */
  readonly ab: Float64Array
  readonly offPlane: Float64Array
  readonly sliceLoss: Float64Array
  /** n × n, row-major with a fastest: L(c + a_i d₁ + b_j d₂) at [j·n + i]. */
  readonly surface: Float64Array
}

const SLICE_STREAM = STREAM.params + 64

function randomDirection(layers: readonly number[], center: Float64Array, seed: number, which: number, filter: boolean): Float64Array {
  const d = new Float64Array(center.length)
  for (let i = 0; i < d.length; i++) d[i] = normal(seed, i, SLICE_STREAM + which, 0)
  if (!filter) return d
  let off = 0
  for (let l = 0; l + 1 < layers.length; l++) {
    const fanIn = layers[l]
    const fanOut = layers[l + 1]
    for (let j = 0; j < fanOut; j++) {
      let dn = 0
      let cn = 0
      for (let i = 0; i < fanIn; i++) {
        dn += d[off + i * fanOut + j] ** 2
        cn += center[off + i * fanOut + j] ** 2
      }
      const scale = dn > 0 ? Math.sqrt(cn / dn) : 0
      for (let i = 0; i < fanIn; i++) d[off + i * fanOut + j] *= scale
    }
    off += fanIn * fanOut
    d.fill(0, off, off + fanOut) // biases: not perturbed
    off += fanOut
  }
  return d
}

/** The top two principal directions of `points` (count × size, row-major), centred on their mean. */
function pcaDirections(points: Float64Array, count: number, size: number): [Float64Array, Float64Array] {
  const mean = new Float64Array(size)
  for (let r = 0; r < count; r++) for (let i = 0; i < size; i++) mean[i] += points[r * size + i] / count
  const proj = new Float64Array(count)
  const lz = new Lanczos(size, Math.min(2, size), { maxDim: Math.min(size, count + 2, 120) })
  lz.run((v, out) => {
    for (let r = 0; r < count; r++) {
      let s = 0
      for (let i = 0; i < size; i++) s += (points[r * size + i] - mean[i]) * v[i]
      proj[r] = s
    }
    out.fill(0)
    for (let r = 0; r < count; r++) for (let i = 0; i < size; i++) out[i] += (points[r * size + i] - mean[i]) * proj[r]
  })
  return [Float64Array.from(lz.vectors[0]), Float64Array.from(lz.vectors[lz.vectors.length > 1 ? 1 : 0])]
}

/**
 * The slice for a run: `points` are its recorded parameters (count × size), `loss` the true losses
 * there; `mlp` evaluates the loss on the plane.
 */
export function computeSlice(spec: SliceSpec, layers: readonly number[], mlp: Mlp, points: Float64Array, count: number): SliceResult {
  const size = mlp.size
  const center = Float64Array.from(
    points.subarray(spec.center === 'start' ? 0 : (count - 1) * size, spec.center === 'start' ? size : count * size),
  )
  const [d1, d2] =
    spec.directions === 'pca'
      ? pcaDirections(points, count, size)
      : [
          randomDirection(layers, center, spec.seed, 0, spec.normalization === 'filter'),
          randomDirection(layers, center, spec.seed, 1, spec.normalization === 'filter'),
        ]
  const w = new Float64Array(size)
  const at = (a: number, b: number) => {
    for (let i = 0; i < size; i++) w[i] = center[i] + a * d1[i] + b * d2[i]
    return mlp.lossAt(w)
  }
  // Projection: least squares in the (generally non-orthogonal) basis d₁, d₂.
  let g11 = 0
  let g12 = 0
  let g22 = 0
  for (let i = 0; i < size; i++) {
    g11 += d1[i] * d1[i]
    g12 += d1[i] * d2[i]
    g22 += d2[i] * d2[i]
  }
  const det = g11 * g22 - g12 * g12
  const ab = new Float64Array(2 * count)
  const offPlane = new Float64Array(count)
  const sliceLoss = new Float64Array(count)
  for (let r = 0; r < count; r++) {
    let r1 = 0
    let r2 = 0
    for (let i = 0; i < size; i++) {
      const x = points[r * size + i] - center[i]
      r1 += d1[i] * x
      r2 += d2[i] * x
    }
    const a = det > 0 ? (g22 * r1 - g12 * r2) / det : 0
    const b = det > 0 ? (g11 * r2 - g12 * r1) / det : 0
    let off = 0
    for (let i = 0; i < size; i++) off += (points[r * size + i] - center[i] - a * d1[i] - b * d2[i]) ** 2
    ab[2 * r] = a
    ab[2 * r + 1] = b
    offPlane[r] = Math.sqrt(off)
    sliceLoss[r] = at(a, b)
  }
  const [lo, hi] = spec.extent
  const n = spec.n
  const surface = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) surface[j * n + i] = at(lo + ((hi - lo) * i) / (n - 1), lo + ((hi - lo) * j) / (n - 1))
  }
  return { d1, d2, center, ab, offPlane, sliceLoss, surface }
}
