/**
 * A network landscape in the renderer: the surface is its view slice, sampled by the engine
 * (src-main/engine/network/view-surface.ts; the seeded generators cannot run here), over the
 * region of plane coordinates; the region opens on the slice's extent.
 */
import { isObject } from '../../src-shared/problem'
import type { Region, Scenario } from '../store/scenario'

/** Samples per axis: each one is a full-batch forward pass in the engine. */
export const NETWORK_SURFACE_SAMPLES = 49

/** The region a network opens on: its slice's extent (default [−1, 1]) in both plane coordinates. */
export function networkRegion(s: Scenario): Region | null {
  if (!s.landscape.network) return null
  const slice = s.extra.slice
  const ext = isObject(slice) && Array.isArray(slice.extent) ? (slice.extent as number[]) : [-1, 1]
  return { x: [ext[0], ext[1]], y: [ext[0], ext[1]] }
}

/** What the surface request sends for a network: the network and its slice. */
export function networkSurfaceLandscape(s: Scenario): Record<string, unknown> {
  return { network: s.landscape.network, ...(s.extra.slice !== undefined ? { slice: s.extra.slice } : {}) }
}
