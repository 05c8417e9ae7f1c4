/**
 * A network landscape in the renderer: the surface is its view slice, sampled by the engine
 * (src-main/engine/network/view-surface.ts; the seeded generators cannot run here), over the
 * region of plane coordinates; the region opens on the slice's extent.
 */
import { isObject } from '../../src-shared/problem'
import { type Region, type Scenario, toDoc } from '../store/scenario'

/** Samples per axis: each one is a full-batch forward pass in the engine. */
export const NETWORK_SURFACE_SAMPLES = 49

/** The region a network opens on: its slice's extent (default [−1, 1]) in both plane coordinates. */
export function networkRegion(s: Scenario): Region | null {
  if (!s.landscape.network) return null
  const slice = s.extra.slice
  const ext = isObject(slice) && Array.isArray(slice.extent) ? (slice.extent as number[]) : [-1, 1]
  return { x: [ext[0], ext[1]], y: [ext[0], ext[1]] }
}

/**
 * Whether the scenario's slice depends on the trajectory: PCA directions, or centred at the end
 * (a given slice's default centre, NETWORKS.md), as src-shared/network/view-slice.ts decides.
 */
export function sliceNeedsPath(s: Scenario): boolean {
  const slice = s.extra.slice
  if (!s.landscape.network || !isObject(slice)) return false
  return slice.directions === 'pca' || (slice.center ?? 'end') === 'end'
}

/**
 * What the surface request sends for a network: the network and its slice, and for a slice that
 * depends on the trajectory the session's optimizers, steps and record, which the engine trains
 * once to compute the same plane as the job (src-main/engine/network/view-path.ts).
 */
export function networkSurfaceLandscape(s: Scenario): Record<string, unknown> {
  const out: Record<string, unknown> = { network: s.landscape.network, ...(s.extra.slice !== undefined ? { slice: s.extra.slice } : {}) }
  if (sliceNeedsPath(s)) {
    const doc = toDoc(s) as Record<string, unknown>
    out.path = { optimizers: doc.optimizers, steps: doc.steps, record: { every: (doc.record as { every: number }).every } }
  }
  return out
}
