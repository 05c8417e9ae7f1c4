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
}

export function resetSliceData(jobId: number, runs: number, kept: number): void {
  sliceData.jobId = jobId
  sliceData.kept = kept
  sliceData.present = false
  if (sliceData.offPlane.length < runs * kept) {
    sliceData.offPlane = new Float32Array(runs * kept)
    sliceData.sliceLoss = new Float32Array(runs * kept)
  }
  sliceData.offPlane.fill(NaN, 0, runs * kept)
  sliceData.sliceLoss.fill(NaN, 0, runs * kept)
}

export function writeSliceChunk(c: RunChunk, runs: number): void {
  if (!c.offPlane || !c.sliceLoss || c.jobId !== sliceData.jobId) return
  sliceData.present = true
  for (let r = 0; r < runs; r++) {
    const src = r * c.count
    const dst = r * sliceData.kept + c.start
    sliceData.offPlane.set(c.offPlane.subarray(src, src + c.count), dst)
    sliceData.sliceLoss.set(c.sliceLoss.subarray(src, src + c.count), dst)
  }
}
