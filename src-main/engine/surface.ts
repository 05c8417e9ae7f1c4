/**
 * Loss sampled on a grid for the renderer's surface and contour lines, with robust colour-scale
 * limits. Small grids are sampled exactly in float64; large ones (more than 512² samples) with a
 * GPU.js kernel whose source is the landscape's emitted value code, the same as the simulation's.
 */
import type { Surface, SurfaceRequest } from '../../src-shared/api'
import { emitAssignments, type Landscape } from '../../src-shared/landscape'
import { type BackendMode, gpuFor } from './float32'
import { kernelNumber } from './kernel-source'

export const KERNEL_SURFACE_THRESHOLD = 512 * 512

/** The q-quantile of sorted values (linear interpolation). */
function quantile(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return NaN
  const pos = q * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

function sampleFloat64(landscape: Landscape, request: SurfaceRequest): Float32Array {
  const [nx, ny] = request.n
  const [x0, x1] = request.x
  const [y0, y1] = request.y
  const values = new Float32Array(nx * ny)
  const f = landscape.compiled.value
  for (let j = 0; j < ny; j++) {
    const y = y0 + ((y1 - y0) * j) / (ny - 1)
    for (let i = 0; i < nx; i++) values[j * nx + i] = f(x0 + ((x1 - x0) * i) / (nx - 1), y)
  }
  return values
}

const surfaceKernels = new Map<string, (...a: number[]) => unknown>()

export function sampleKernel(landscape: Landscape, request: SurfaceRequest, mode: BackendMode = 'gpu'): Float32Array {
  const [nx, ny] = request.n
  const key = `${mode}|${nx}x${ny}|${landscape.expr}`
  let kernel = surfaceKernels.get(key)
  if (!kernel) {
    const body = emitAssignments([['loss', landscape.derivatives.value]], {
      vars: { x: 'px', y: 'py' },
      tempPrefix: '_v',
      declare: 'let',
      formatNumber: kernelNumber,
    })
    const source = `function (x0, x1, y0, y1) {
      const i = this.thread.x - ${nx}.0 * Math.floor(this.thread.x / ${nx}.0);
      const j = Math.floor(this.thread.x / ${nx}.0);
      let px = x0 + (x1 - x0) * i / ${nx - 1}.0;
      let py = y0 + (y1 - y0) * j / ${ny - 1}.0;
      let loss = 0.0;
      ${body}
      return loss;
    }`
    kernel = gpuFor(mode).createKernel(
      source as never,
      { output: [nx * ny], argumentTypes: { x0: 'Float', x1: 'Float', y0: 'Float', y1: 'Float' } } as never,
    ) as never
    if (surfaceKernels.size > 16) surfaceKernels.clear()
    surfaceKernels.set(key, kernel!)
  }
  const out = kernel!(request.x[0], request.x[1], request.y[0], request.y[1])
  return out instanceof Float32Array ? out : Float32Array.from(out as ArrayLike<number>)
}

export function sampleSurface(landscape: Landscape, request: SurfaceRequest): Surface {
  const [nx, ny] = request.n
  const values = nx * ny > KERNEL_SURFACE_THRESHOLD ? sampleKernel(landscape, request) : sampleFloat64(landscape, request)
  let min = Infinity
  let max = -Infinity
  let finiteCount = 0
  for (let k = 0; k < values.length; k++) {
    const v = values[k]
    if (Number.isFinite(v)) {
      finiteCount++
      if (v < min) min = v
      if (v > max) max = v
    } else values[k] = NaN
  }
  const sorted = new Float32Array(finiteCount)
  let w = 0
  for (let k = 0; k < values.length; k++) if (!Number.isNaN(values[k])) sorted[w++] = values[k]
  sorted.sort()
  return {
    x: [request.x[0], request.x[1]],
    y: [request.y[0], request.y[1]],
    n: [nx, ny],
    values,
    min: finiteCount ? min : NaN,
    max: finiteCount ? max : NaN,
    lo: quantile(sorted, 0.01),
    hi: quantile(sorted, 0.99),
  }
}
