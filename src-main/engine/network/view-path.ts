/**
 * The trajectory a trajectory-dependent view slice (PCA directions, or centred at the end:
 * shared/NETWORKS.md "Slices") is computed from in the app: the scenario's first run, trained
 * once beforehand with its parameters recorded and no eigenvalues (the cheap part of a step).
 * Float64 training is deterministic, so the job (which projects each kept step on the plane) and
 * the surface request (which samples the plane) build the same slice from the same scenario.
 */
import type { NetworkScenario } from '../../../src-shared/network/scenario'
import { type SlicePath, sliceNeedsPath } from '../../../src-shared/network/view-slice'
import { simulateNetwork } from './simulate'

/** The first run's finite kept parameters, or null when the slice does not need them (or the run diverges at once). */
export function viewSlicePath(s: NetworkScenario): SlicePath | null {
  if (!sliceNeedsPath(s.slice)) return null
  const first = s.optimizers[0]
  const h = first?.configs[0]
  if (!first || !h) return null
  const every = s.record.every
  const trace = simulateNetwork(s.network, first.def, h, s.steps, {
    every,
    sharpness: false,
    eigenvalues: 0,
    eigenEvery: every,
    params: true,
  })
  // Kept points before a divergence are the finite ones (the diverging step records no parameters).
  const count = trace.divergedAt >= 0 ? (trace.divergedAt === 0 ? 0 : Math.floor((trace.divergedAt - 1) / every) + 1) : trace.kept
  if (count === 0 || !trace.params) return null
  return { params: trace.params.subarray(0, count * s.network.size), count }
}
