/**
 * Per-point estimates on request (GradscapeApi.gradientEstimates): the renderer cannot compile a
 * landscape (its Content-Security-Policy forbids eval), so it asks the engine worker for ∇L and
 * the estimate ĝ at points of the runs on screen — the same counter-based draws the engine used
 * at those steps, so the arrows and the cosine chart show what the optimizer actually received.
 * Types and guards only (the renderer imports them); answer.ts computes in the worker.
 */
import { isObject } from '../problem'

/** Most points one request may ask for (the renderer asks for a run's kept points or the runs' heads). */
export const MAX_ESTIMATE_POINTS = 8192

export interface EstimateRequest {
  readonly landscape: { readonly expr?: string; readonly preset?: string }
  /** An optimizer entry's `gradient` field, as the scenario gives it (validated by the worker). */
  readonly gradient: unknown
  /** Quadruples (x, y, stream, t): the point after step t − 1 of the particle of that noise stream. */
  readonly points: readonly number[]
}

export interface EstimateData {
  /** (∂L/∂x, ∂L/∂y) per point, then ĝ per point, interleaved. */
  readonly gradient: number[]
  readonly estimate: number[]
}

const isCounter = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 24

export function isEstimateRequest(v: unknown): v is EstimateRequest {
  if (!isObject(v) || !isObject(v.landscape) || !Array.isArray(v.points)) return false
  const l = v.landscape
  if (l.expr !== undefined && !(typeof l.expr === 'string' && l.expr.length <= 4000)) return false
  if (l.preset !== undefined && typeof l.preset !== 'string') return false
  if (l.expr === undefined && l.preset === undefined) return false
  const p = v.points
  if (p.length % 4 !== 0 || p.length > 4 * MAX_ESTIMATE_POINTS) return false
  for (let i = 0; i < p.length; i += 4) {
    if (typeof p[i] !== 'number' || typeof p[i + 1] !== 'number' || !isCounter(p[i + 2]) || !isCounter(p[i + 3])) return false
  }
  return true
}

export function isEstimateData(v: unknown): v is EstimateData {
  return isObject(v) && Array.isArray(v.gradient) && Array.isArray(v.estimate) && v.gradient.length === v.estimate.length
}
