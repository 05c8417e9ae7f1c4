/**
 * The surface request of a network landscape (the 3-D view's slice, ../../../src-shared/network/view-slice.ts):
 * the slice's loss on the requested grid of plane coordinates, plus the dataset for the network
 * panel's plot. Runs in the engine worker: the seeded generators (datasets, initial parameters,
 * directions) cannot run in the renderer, whose content security policy forbids generated code.
 */
import type { Surface, SurfaceRequest } from '../../../src-shared/api'
import { parseNetworkScenario } from '../../../src-shared/network/scenario'
import { isObject } from '../../../src-shared/problem'
import { ViewSlice } from '../../../src-shared/network/view-slice'
import { viewSlicePath } from './view-path'

/** Most examples sent back for the panel's plot. */
const MAX_PLOTTED = 2000

function quantile(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return NaN
  const at = q * (sorted.length - 1)
  const i = Math.floor(at)
  return i + 1 < sorted.length ? sorted[i] + (sorted[i + 1] - sorted[i]) * (at - i) : sorted[i]
}

export function sampleNetworkSurface(request: SurfaceRequest): Surface {
  const landscape = request.landscape as { network: unknown; slice?: unknown; path?: unknown }
  // Validated as a scenario so that every problem names its field. The optimizer is a placeholder
  // unless the slice needs the trajectory: then `path` carries the session's optimizers, steps and
  // record (the renderer's networkSurfaceLandscape), trained as the job trains them (./view-path.ts).
  const path = isObject(landscape.path) ? landscape.path : {}
  const trained = path.optimizer !== undefined || path.optimizers !== undefined
  const parsed = parseNetworkScenario({
    ...(trained ? path : { optimizer: { name: 'sgd', lr: 0.1 }, steps: 0 }),
    landscape: { network: landscape.network },
    slice: landscape.slice,
  })
  const slice = new ViewSlice(parsed.network, parsed.slice, viewSlicePath(parsed))
  const [nx, ny] = request.n
  const values = slice.sample(request.x, request.y, nx, ny)
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) values[k] = NaN
  const sorted = values.filter((v) => !Number.isNaN(v)).sort()
  const net = parsed.network
  const n = Math.min(net.data.n, MAX_PLOTTED)
  const inW = net.layers[0]
  const outW = net.layers[net.layers.length - 1]
  return {
    x: [request.x[0], request.x[1]],
    y: [request.y[0], request.y[1]],
    n: [nx, ny],
    values,
    min: sorted.length ? sorted[0] : NaN,
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    lo: quantile(sorted, 0.01),
    hi: quantile(sorted, 0.99),
    network: {
      dataX: Float32Array.from(net.data.x.subarray(0, n * inW)),
      dataY: Float32Array.from(net.data.y.subarray(0, n * outW)),
      examples: net.data.n,
      source: net.dataSource,
      size: net.size,
      init:
        net.init === 'explicit'
          ? 'explicit parameters (from the file)'
          : `${net.init.scheme}, seed ${net.init.seed}, gain ${net.init.gain}`,
    },
  }
}
