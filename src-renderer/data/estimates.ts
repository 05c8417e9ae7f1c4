/**
 * Gradient estimates of the runs on screen, for the arrows at the runs' heads and the cosine
 * chart: the renderer cannot compile the landscape (CSP), so it asks the engine worker
 * (GradscapeApi.gradientEstimates) for ∇L and ĝ at kept points, from the same counter-based draws
 * the engine used: kept point k of run r is the point after step k·every, and the estimate there
 * is the one step k·every + 1 used (stream: the run's start point, as the engine's noise streams).
 */
import type { EstimateData } from '../../src-shared/estimator/request'
import { type GradientSpec, parseGradientSpec } from '../../src-shared/estimator/spec'
import { getApi } from '../api'
import type { JobData } from './job-data'
import { shown } from './runner'

/** The estimator of run r of `data` (null: the exact gradient), from the scenario on screen. */
export function runEstimator(data: JobData, r: number): { spec: GradientSpec; doc: unknown } | null {
  const entry = shown.scenario?.optimizers[Math.floor(r / Math.max(1, data.starts))]
  if (!entry || entry.gradient === undefined) return null
  try {
    const spec = parseGradientSpec(entry.gradient, 'gradient')
    return spec.estimator === 'true' ? null : { spec, doc: entry.gradient }
  } catch {
    return null
  }
}

/** Whether any optimizer of the scenario on screen takes an estimate. */
export function anyEstimator(): boolean {
  return (shown.scenario?.optimizers ?? []).some(
    (o) => o.gradient !== undefined && (o.gradient as { estimator?: unknown }).estimator !== 'true',
  )
}

/** (x, y, stream, t) of kept point k of run r, or null where the run has no finite point there. */
export function pointQuad(data: JobData, r: number, k: number): [number, number, number, number] | null {
  const i = r * data.kept + k
  const x = data.xy[2 * i]
  const y = data.xy[2 * i + 1]
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null
  return [x, y, r % Math.max(1, data.starts), k * data.every + 1]
}

/** Asks the worker for ∇L and ĝ at `quads` (all of one estimator); null when there is no landscape or it fails. */
export async function fetchEstimates(gradient: unknown, quads: ReadonlyArray<readonly number[]>): Promise<EstimateData | null> {
  const landscape = shown.scenario?.landscape
  if (!landscape || quads.length === 0) return null
  try {
    return await getApi().gradientEstimates({ landscape, gradient, points: quads.flat() })
  } catch {
    return null
  }
}

/** cos∠(ĝ, ∇L) of point i of an answer (NaN where either is zero or not finite). */
export function cosineAt(d: EstimateData, i: number): number {
  const gx = d.gradient[2 * i],
    gy = d.gradient[2 * i + 1],
    ex = d.estimate[2 * i],
    ey = d.estimate[2 * i + 1]
  const c = (gx * ex + gy * ey) / (Math.hypot(gx, gy) * Math.hypot(ex, ey))
  return Number.isFinite(c) ? c : NaN
}
