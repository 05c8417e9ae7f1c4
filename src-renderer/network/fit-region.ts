/**
 * The region a network's 3-D view draws, fitted to the projected path once its job is done: a
 * slice's extent is in plane coordinates whose scale depends on the directions (filter-normalized
 * random directions move little per unit; PCA directions are unit vectors), so a fixed [−1, 1]
 * can show the path as a dot or cut it off. The region is square (a and b share units, so the
 * surface is not stretched), centred on the path, with a margin. An explicit `slice.extent` in the
 * scenario is kept as given.
 */
import { isObject } from '../../src-shared/problem'
import { job, onJobChange, surfaceData } from '../data/job-data'
import { requestPathFrame } from '../eos/state'
import type { Region, Scenario } from '../store/scenario'
import { useUi } from '../store/ui-store'
import { isNetworkJob } from './eigen-series'

/** Margin on each side, as a fraction of the path's half-width. */
export const PATH_MARGIN = 0.3

/**
 * The square region around the points (a, b) of `xy` (interleaved), of runs stored run-major with
 * `kept` points each, their first `n` points (one run: runs = 1, kept = n); null without a finite point.
 */
export function pathRegion(xy: ArrayLike<number>, n: number, margin = PATH_MARGIN, runs = 1, kept = n): Region | null {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity
  for (let r = 0; r < runs; r++)
    for (let k = 0; k < n; k++) {
      const i = r * kept + k
      const a = xy[2 * i],
        b = xy[2 * i + 1]
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue
      x0 = Math.min(x0, a)
      x1 = Math.max(x1, a)
      y0 = Math.min(y0, b)
      y1 = Math.max(y1, b)
    }
  if (!(x0 <= x1)) return null
  const cx = (x0 + x1) / 2,
    cy = (y0 + y1) / 2
  // A path that does not move (a zero-step run) still gets a region of some size around it.
  const half = Math.max((x1 - x0) / 2, (y1 - y0) / 2, 1e-3 * Math.max(1, Math.abs(cx), Math.abs(cy))) * (1 + margin)
  return { x: [cx - half, cx + half], y: [cy - half, cy + half] }
}

/** Whether `region` already frames `fit`: it contains it and is at most twice as wide. */
export function regionFrames(region: Region, fit: Region): boolean {
  const inside = region.x[0] <= fit.x[0] && region.x[1] >= fit.x[1] && region.y[0] <= fit.y[0] && region.y[1] >= fit.y[1]
  const w = Math.max(region.x[1] - region.x[0], region.y[1] - region.y[0])
  const f = Math.max(fit.x[1] - fit.x[0], fit.y[1] - fit.y[0])
  return inside && w <= 2 * f
}

const hasExplicitExtent = (s: Scenario): boolean => isObject(s.extra.slice) && Array.isArray(s.extra.slice.extent)

/**
 * Fit the region to each finished network job's paths once (the user's zoom afterwards
 * stays), and frame the camera on the path again once the refitted surface is on screen (the
 * camera framed it in the old region's coordinates).
 */
export function installNetworkRegionFit(): () => void {
  let fitted = -1
  let reframe: Region | null = null
  return onJobChange(() => {
    const on = surfaceData.surface
    if (reframe && on && on.x[0] === reframe.x[0] && on.x[1] === reframe.x[1] && on.y[0] === reframe.y[0] && on.y[1] === reframe.y[1]) {
      reframe = null
      requestPathFrame()
    }
    if (!job.done || job.jobId === fitted || !isNetworkJob(job.jobId) || job.runs.length === 0) return
    fitted = job.jobId
    const { scenario, region } = useUi.getState()
    if (!scenario.landscape.network || hasExplicitExtent(scenario)) return
    // Every run's path (an ensemble's runs share the plane): the view shows them all.
    const n = Math.min(job.received, job.kept)
    const fit = pathRegion(job.xy, n, PATH_MARGIN, job.runs.length, job.kept)
    if (fit && !regionFrames(region, fit)) {
      reframe = fit
      useUi.setState({ region: fit })
    }
  })
}
