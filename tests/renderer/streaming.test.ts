/**
 * Streaming a job to the screen: the previous job stays until the new one's first chunk, chunks
 * land run-major in job-data, the scene copies points step-major within a time budget, and chunks
 * behind a paused playhead request no frame.
 */
import { describe, expect, it } from 'vitest'
import { beginJob, handleJobEvent, job, onJobError, waitingJobId } from '../../src-renderer/data/job-data'
import { clock, onPlayhead } from '../../src-renderer/data/playback'
import { FLOOR_Y, heightMap, toWorldX, toWorldZ } from '../../src-renderer/scene/height'
import { writeSteps } from '../../src-renderer/scene/Trajectories'
import type { JobStarted, RunChunk } from '../../src-shared/api'

const started = (jobId: number, starts: number, kept: number, configs = 1): JobStarted => ({
  jobId,
  optimizers: Array.from({ length: configs }, () => ({ base: { name: 'sgd', lr: 0.1 }, sweep: [] })),
  starts: Float64Array.from({ length: 2 * starts }, (_, i) => i),
  kept,
  every: 1,
})

/** A chunk whose point j of run r is (100r + j, −(100r + j)) with loss 100r + j. */
function chunk(jobId: number, runs: number, start: number, count: number): RunChunk {
  const xy = new Float32Array(2 * runs * count)
  const loss = new Float32Array(runs * count)
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < count; k++) {
      const v = 100 * r + start + k
      loss[r * count + k] = v
      xy[2 * (r * count + k)] = v
      xy[2 * (r * count + k) + 1] = -v
    }
  }
  return { jobId, start, count, xy, loss }
}

describe('job data while jobs supersede each other', () => {
  it('keeps the job on screen until the new job has its first chunk, then swaps', () => {
    beginJob(started(101, 3, 80), 3)
    expect(waitingJobId()).toBe(101)
    expect(job.jobId).not.toBe(101)
    handleJobEvent({ type: 'chunk', chunk: chunk(101, 3, 0, 70) }) // ≥ 64 points per run: subarray copies
    expect(waitingJobId()).toBe(-1)
    expect(job.jobId).toBe(101)
    expect(job.received).toBe(70)
    handleJobEvent({ type: 'done', jobId: 101, divergedAt: new Int32Array(3).fill(-1), seconds: 0 })

    let shown = 0
    beginJob(started(102, 3, 80), 3, () => {
      shown++
    })
    expect(job.jobId).toBe(101) // still the old job, whole
    expect(job.received).toBe(70)
    expect(job.loss[2 * 80 + 69]).toBe(269)
    handleJobEvent({ type: 'chunk', chunk: chunk(102, 3, 0, 5) }) // few points per run: plain loops
    expect(shown).toBe(1)
    expect(job.jobId).toBe(102)
    expect(job.received).toBe(5)
    expect(job.done).toBe(false)
    handleJobEvent({ type: 'chunk', chunk: chunk(102, 3, 5, 7) })
    expect(job.received).toBe(12)
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < 12; j++) {
        const i = r * 80 + j
        expect([job.loss[i], job.xy[2 * i], job.xy[2 * i + 1]]).toEqual([100 * r + j, 100 * r + j, -(100 * r + j)])
      }
    }
  })

  it('shows a job at once when its chunk raced the reply, and on its end when it has no chunk', () => {
    handleJobEvent({ type: 'chunk', chunk: chunk(103, 2, 0, 4) })
    expect(job.jobId).toBe(102)
    beginJob(started(103, 2, 10), 2)
    expect(job.jobId).toBe(103)
    expect(job.received).toBe(4)

    beginJob(started(104, 2, 10), 2)
    beginJob(started(105, 1, 10), 1) // replaces 104, which never shows
    handleJobEvent({ type: 'chunk', chunk: chunk(104, 2, 0, 4) })
    expect(job.jobId).toBe(103)
    handleJobEvent({ type: 'done', jobId: 105, divergedAt: new Int32Array(1), seconds: 0 })
    expect(job.jobId).toBe(105)
    expect(job.done).toBe(true)
    expect(job.received).toBe(0)
  })
})

describe('playhead redraws', () => {
  it('asks for no frame for chunks that land past a paused playhead', () => {
    let frames = 0
    const off = onPlayhead(() => {
      frames++
    })
    beginJob(started(201, 2, 100), 2)
    handleJobEvent({ type: 'chunk', chunk: chunk(201, 2, 0, 10) })
    expect(frames).toBeGreaterThan(0) // a new job on screen
    clock.followEnd = false
    clock.t = 3
    frames = 0
    handleJobEvent({ type: 'chunk', chunk: chunk(201, 2, 10, 10) })
    handleJobEvent({ type: 'chunk', chunk: chunk(201, 2, 20, 10) })
    expect(frames).toBe(0)
    handleJobEvent({ type: 'done', jobId: 201, divergedAt: new Int32Array(2).fill(-1), seconds: 0 })
    expect(frames).toBe(1) // done: the legend, the readout
    clock.followEnd = true
    beginJob(started(202, 2, 100), 2)
    handleJobEvent({ type: 'chunk', chunk: chunk(202, 2, 0, 10) })
    frames = 0
    handleJobEvent({ type: 'chunk', chunk: chunk(202, 2, 10, 10) }) // following the end: every chunk shows
    expect(frames).toBe(1)
    expect(clock.t).toBe(19)
    off()
  })
})

describe('writeSteps', () => {
  const surface = {
    x: [-10, 10],
    y: [-10, 10],
    n: [2, 2],
    values: new Float32Array([0, 1, 2, 300]),
    min: 0,
    max: 300,
    lo: 0,
    hi: 300,
  } as const
  const hm = heightMap({ ...surface, n: [2, 2] }, 'linear')
  const frame = { x: [-300, 300], y: [-300, 300] } as const

  it('copies run-major points into the step-major buffer, holding the last drawn point where one is not drawn', () => {
    beginJob(started(301, 3, 20), 3)
    handleJobEvent({ type: 'chunk', chunk: chunk(301, 3, 0, 6) })
    job.loss[1 * 20 + 4] = NaN // run 1, point 4: not drawn
    job.xy[2 * (2 * 20 + 0)] = 1e6 // run 2, point 0: outside
    const P = new Float32Array(4 * 3 * 20)
    expect(writeSteps(P, job, hm, frame, 0, 6)).toBe(6)
    const at = (r: number, j: number) => Array.from(P.subarray(4 * (j * 3 + r), 4 * (j * 3 + r) + 4))
    expect(at(0, 2)[0]).toBeCloseTo(toWorldX(frame, 2), 6)
    expect(at(0, 2)[2]).toBeCloseTo(toWorldZ(frame, -2), 6)
    expect(at(0, 2)[3]).toBe(1)
    expect(at(1, 4)).toEqual([...at(1, 3).slice(0, 3), 0])
    const [x0, y0] = job.runs[2].init
    expect(at(2, 0)).toEqual([Math.fround(toWorldX(frame, x0)), Math.fround(FLOOR_Y), Math.fround(toWorldZ(frame, y0)), 0])
    expect(at(2, 1)[3]).toBe(1)
  })

  it('stops at the deadline after at least one step', () => {
    const P = new Float32Array(4 * 3 * 20)
    expect(writeSteps(P, job, hm, frame, 0, 6, -Infinity)).toBe(1)
    expect(writeSteps(P, job, hm, frame, 1, 6, -Infinity)).toBe(2)
    expect(writeSteps(P, job, hm, frame, 2, 6, Infinity)).toBe(6)
  })
})

describe('job ends that beat the startJob reply', () => {
  it('a job whose end (done or error) beats its startJob reply still ends on screen', () => {
    handleJobEvent({ type: 'done', jobId: 9901, divergedAt: new Int32Array(2).fill(-1), seconds: 0.01, backend: 'float64 JS' })
    beginJob(started(9901, 2, 5), 2)
    expect(job.jobId).toBe(9901)
    expect(job.done).toBe(true)
    expect(job.backend).toBe('float64 JS')

    const errors: string[] = []
    const off = onJobError((e) => errors.push(e.problem.message))
    handleJobEvent({ type: 'error', jobId: 9902, problem: { field: 'landscape.expr', message: 'boom' } })
    expect(errors).toEqual([]) // not on screen yet
    beginJob(started(9902, 2, 5), 2)
    expect(job.jobId).toBe(9902)
    expect(errors).toEqual(['boom'])
    off()
  })
})
