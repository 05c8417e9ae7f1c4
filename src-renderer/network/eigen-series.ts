/**
 * The EoS view's extra eigenvalue series for a network run: λ₂ … λ_k of the Hessian per kept
 * point (from ./slice-data), each as its own series beside the sharpness λ₁.
 */
import { sliceData } from './slice-data'

/** λ_i for i = 2 … k of run r over its first n points, or [] when the job carries none. */
export function lowerEigenvalues(jobId: number, r: number, n: number): Float32Array[] {
  const k = sliceData.eigenCount
  if (sliceData.jobId !== jobId || k < 2) return []
  const out: Float32Array[] = []
  for (let i = 1; i < k; i++) {
    const v = new Float32Array(n)
    for (let j = 0; j < n; j++) v[j] = sliceData.eigenvalues[(r * sliceData.kept + j) * k + i]
    out.push(v)
  }
  return out
}

/** Whether the job's chunks carry slice data, i.e. it trains a network. */
export const isNetworkJob = (jobId: number): boolean => sliceData.jobId === jobId && sliceData.present
