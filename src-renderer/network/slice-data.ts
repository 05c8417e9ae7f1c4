/**
 * Per kept point of a network job: the distance of the true parameters off the view's plane and
 * the slice's loss at the projection (RunChunk.offPlane / sliceLoss). Kept apart from ../data/job-data,
 * which calls `writeSliceChunk` for every chunk and `resetSliceData` for every new job.
 */
import type { RunChunk } from '../../src-shared/api'

export const sliceData = {
  jobId: -1,
  kept: 0,
  offPlane: new Float32Array(0),
  sliceLoss: new Float32Array(0),
  /** Whether the current job carries them (a network job). */
  present: false,
  /** Top-k Hessian eigenvalues per point (k = eigenCount; 0 when the job has none). */
  eigenCount: 0,
  eigenvalues: new Float32Array(0),
  runs: 0,
  /** Parameters per point (paramCount each; 0 when the job sends none). */
  paramCount: 0,
  params: new Float32Array(0),
}

export function resetSliceData(jobId: number, runs: number, kept: number): void {
  sliceData.jobId = jobId
  sliceData.kept = kept
  sliceData.present = false
  sliceData.eigenCount = 0
  sliceData.paramCount = 0
  sliceData.runs = runs
  if (sliceData.offPlane.length < runs * kept) {
    sliceData.offPlane = new Float32Array(runs * kept)
    sliceData.sliceLoss = new Float32Array(runs * kept)
  }
  sliceData.offPlane.fill(NaN, 0, runs * kept)
  sliceData.sliceLoss.fill(NaN, 0, runs * kept)
}

export function writeSliceChunk(c: RunChunk, runs: number): void {
  if (!c.offPlane || !c.sliceLoss || c.jobId !== sliceData.jobId) return
  const P = c.paramCount ?? 0
  if (c.params && P > 0) {
    if (sliceData.paramCount !== P) {
      sliceData.paramCount = P
      sliceData.params = new Float32Array(runs * sliceData.kept * P).fill(NaN)
    }
    for (let r = 0; r < runs; r++)
      sliceData.params.set(c.params.subarray(r * c.count * P, (r + 1) * c.count * P), (r * sliceData.kept + c.start) * P)
  }
  const k = c.eigenCount ?? 0
  if (c.eigenvalues && k > 1) {
    if (sliceData.eigenCount !== k) {
      sliceData.eigenCount = k
      sliceData.eigenvalues = new Float32Array(runs * sliceData.kept * k).fill(NaN)
    }
    for (let r = 0; r < runs; r++)
      sliceData.eigenvalues.set(c.eigenvalues.subarray(r * c.count * k, (r + 1) * c.count * k), (r * sliceData.kept + c.start) * k)
  }
  sliceData.present = true
  for (let r = 0; r < runs; r++) {
    const src = r * c.count
    const dst = r * sliceData.kept + c.start
    sliceData.offPlane.set(c.offPlane.subarray(src, src + c.count), dst)
    sliceData.sliceLoss.set(c.sliceLoss.subarray(src, src + c.count), dst)
  }
}
