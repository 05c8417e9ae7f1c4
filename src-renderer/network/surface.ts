/**
 * The surface the 3-D view draws for a network landscape: the view slice's loss on the region's
 * grid, computed in the renderer from the same seeded plane the engine projects onto
 * (src-shared/network/view-slice.ts), so the drawn path lies on the drawn plane's coordinates.
 */
import type { Surface } from '../../src-shared/api'
import { type NetworkScenario, parseNetworkScenario } from '../../src-shared/network/scenario'
import { ViewSlice } from '../../src-shared/network/view-slice'
import type { Region, Scenario } from '../store/scenario'
import { toDoc } from '../store/scenario'

/** Samples per axis: a loss evaluation is a full-batch forward pass, so fewer than a formula's. */
export const NETWORK_SURFACE_SAMPLES = 49

let cached: { doc: unknown; slice: unknown; parsed: NetworkScenario; view: ViewSlice } | null = null

/** The parsed network scenario and its view slice (cached per landscape document). */
export function networkOf(s: Scenario): { parsed: NetworkScenario; view: ViewSlice } | null {
  if (!s.landscape.network) return null
  if (cached && cached.doc === s.landscape.network && cached.slice === s.extra.slice) return cached
  const parsed = parseNetworkScenario(toDoc(s))
  cached = { doc: s.landscape.network, slice: s.extra.slice, parsed, view: new ViewSlice(parsed.network, parsed.slice) }
  return cached
}

/** The region a network opens on: its slice's extent in both plane coordinates. */
export function networkRegion(s: Scenario): Region | null {
  const net = networkOf(s)
  if (!net) return null
  const [lo, hi] = net.view.spec.extent
  return { x: [lo, hi], y: [lo, hi] }
}

function quantile(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return NaN
  const at = q * (sorted.length - 1)
  const i = Math.floor(at)
  return i + 1 < sorted.length ? sorted[i] + (sorted[i + 1] - sorted[i]) * (at - i) : sorted[i]
}

export function sampleNetworkSurface(s: Scenario, region: Region): Surface {
  const net = networkOf(s)
  if (!net) throw new Error('not a network landscape')
  const n = NETWORK_SURFACE_SAMPLES
  const values = net.view.sample(region.x, region.y, n, n)
  const finite = values.filter((v) => Number.isFinite(v))
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) values[k] = NaN
  const sorted = Float32Array.from(finite).sort()
  return {
    x: [region.x[0], region.x[1]],
    y: [region.y[0], region.y[1]],
    n: [n, n],
    values,
    min: sorted.length ? sorted[0] : NaN,
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    lo: quantile(sorted, 0.01),
    hi: quantile(sorted, 0.99),
  }
}
