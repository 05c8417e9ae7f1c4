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

/**
 * The loss that sets a drawn point's height: for a network the slice's loss at the projection,
 * so that the path lies on the drawn surface (its true loss is usually far below or above it, and
 * a path drawn at the true loss disappears under the surface); the readout gives both. For a 2-D
 * landscape the loss itself. Indexed run-major like JobData.loss.
 */
export function drawnLoss(jobId: number, loss: Float32Array): Float32Array {
  // The job's loss buffer may be longer than runs × kept (it is reused); only those indices are read.
  return isNetworkJob(jobId) ? sliceData.sliceLoss : loss
}
