/** Loss sampled on a grid, for the renderer's surface and contours, with robust colour limits. */
import type { Surface, SurfaceRequest } from '../../src-shared/api'
import type { Landscape } from '../../src-shared/landscape'

/** The q-quantile of the finite values (sorted copy; q in [0, 1]). */
function quantile(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return NaN
  const pos = q * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

export function sampleSurface(landscape: Landscape, request: SurfaceRequest): Surface {
  const [nx, ny] = request.n
  const [x0, x1] = request.x
  const [y0, y1] = request.y
  const values = new Float32Array(nx * ny)
  const f = landscape.compiled.value
  const finite: number[] = []
  let min = Infinity
  let max = -Infinity
  for (let j = 0; j < ny; j++) {
    const y = y0 + ((y1 - y0) * j) / (ny - 1)
    for (let i = 0; i < nx; i++) {
      const v = f(x0 + ((x1 - x0) * i) / (nx - 1), y)
      if (Number.isFinite(v)) {
        values[j * nx + i] = v
        finite.push(v)
        if (v < min) min = v
        if (v > max) max = v
      } else {
        values[j * nx + i] = NaN
      }
    }
  }
  const sorted = Float32Array.from(finite).sort()
  return {
    x: [x0, x1], y: [y0, y1], n: [nx, ny], values,
    min: finite.length ? min : NaN, max: finite.length ? max : NaN,
    lo: quantile(sorted, 0.01), hi: quantile(sorted, 0.99),
  }
}
