/**
 * Run one job to completion and keep what a race scores: every run's loss at each kept point and
 * its last iterate, plus the engine's divergence steps. The job supersedes whatever the host was
 * running (the view's job is re-run by the caller afterwards).
 */
import { type GradscapeApi, type JobEvent, type JobStarted, runCountOf, type ScenarioDoc } from '../../src-shared/api'

export interface CollectedJob {
  readonly started: JobStarted
  readonly runs: number
  readonly kept: number
  readonly every: number
  /** Run-major: run r, kept point k at r·kept + k. */
  readonly loss: Float32Array
  /** Run r's last iterate at 2r, 2r + 1. */
  readonly finalXY: Float64Array
  readonly divergedAt: Int32Array
  readonly seconds: number
}

export function collectJob(
  api: GradscapeApi,
  doc: ScenarioDoc,
  onProgress: (fraction: number) => void,
): { result: Promise<CollectedJob>; cancel(): void } {
  let jobId = -1
  let cancelled = false
  const pending: JobEvent[] = []
  let handle: (e: JobEvent) => void = (e) => void pending.push(e)
  const off = api.onJobEvent((e) => handle(e))
  const result = api.startJob(doc).then(
    (started) =>
      new Promise<CollectedJob>((resolve, reject) => {
        jobId = started.jobId
        if (cancelled) {
          void api.cancelJob(jobId)
          off()
          reject(new Error('cancelled'))
          return
        }
        const runs = runCountOf(started)
        const kept = started.kept
        const loss = new Float32Array(runs * kept)
        const finalXY = new Float64Array(runs * 2).fill(NaN)
        handle = (e) => {
          if (e.type === 'chunk' && e.chunk.jobId === jobId) {
            const c = e.chunk
            for (let r = 0; r < runs; r++) loss.set(c.loss.subarray(r * c.count, (r + 1) * c.count), r * kept + c.start)
            if (c.start + c.count === kept) {
              for (let r = 0; r < runs; r++) {
                finalXY[2 * r] = c.xy[2 * (r * c.count + c.count - 1)]
                finalXY[2 * r + 1] = c.xy[2 * (r * c.count + c.count - 1) + 1]
              }
            }
            onProgress((c.start + c.count) / kept)
          } else if (e.type === 'done' && e.jobId === jobId) {
            off()
            resolve({ started, runs, kept, every: started.every, loss, finalXY, divergedAt: e.divergedAt, seconds: e.seconds })
          } else if ((e.type === 'cancelled' || e.type === 'error') && e.jobId === jobId) {
            off()
            reject(new Error(e.type === 'error' ? e.problem.message : 'superseded'))
          } else if (e.type === 'engine-restarted') {
            off()
            reject(new Error(`the engine restarted (${e.reason})`))
          }
        }
        for (const e of pending.splice(0)) handle(e)
      }),
    (err) => {
      off()
      throw err
    },
  )
  return {
    result,
    cancel() {
      cancelled = true
      if (jobId >= 0) void api.cancelJob(jobId)
    },
  }
}
