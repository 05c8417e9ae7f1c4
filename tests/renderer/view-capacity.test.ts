/**
 * Sessions the view cannot hold: the engine's limits accept 10⁶ runs × 10⁷ steps, the renderer
 * would need ~10¹³ points. Loading refuses such a file with the reason and the fix, and leaves the
 * session as it was; a job of that shape that reaches job-data anyway is refused before any
 * allocation (it threw "Invalid typed array length" and left the previous job looking current).
 */
import { describe, expect, it } from 'vitest'
import type { GradscapeApi, JobEvent, JobStarted, RunChunk } from '../../src-shared/api'
import { beginJob, handleJobEvent, job, onJobError } from '../../src-renderer/data/job-data'
import { MAX_VIEW_KEPT_POINTS, runsOfScenario, scenarioCapacityProblem } from '../../src-renderer/data/view-capacity'
import { fromDoc } from '../../src-renderer/store/scenario'
import { useUi } from '../../src-renderer/store/ui-store'
import { loadSessionText } from '../../src-renderer/ui/session'

/** An engine that accepts every document (as the real one accepts these: they are within its limits). */
const acceptingApi = { validateScenario: async () => ({ ok: true as const }) } as unknown as GradscapeApi

const huge = {
  landscape: { preset: 'himmelblau' },
  optimizer: { name: 'sgd', lr: 0.01 },
  init: { random: { x: [-1, 1], y: [-1, 1], count: 1_000_000, seed: 1 } },
  steps: 10_000_000,
  record: { every: 1 },
}

describe('loading a session the view cannot hold', () => {
  it('is refused with the reason and the record.every that would fit; the session is unchanged', async () => {
    const before = useUi.getState().scenario
    const r = await loadSessionText(acceptingApi, JSON.stringify(huge), 'huge.json')
    expect(r.ok).toBe(false)
    const reason = (r as { reason: string }).reason
    expect(reason).toMatch(/^record\.every: 1\.00e6 runs × 1\.00e7 kept points is 1\.00e13 points; the view holds at most 4\.00e6/)
    expect(reason).toMatch(/use fewer runs/) // 4 points per run is not a trajectory worth proposing an every for
    expect(useUi.getState().scenario).toBe(before)
    expect(useUi.getState().message?.text ?? '').toMatch(/Could not open huge\.json: record\.every/)
  })

  it('proposes an every that does fit, and a file that fits loads', async () => {
    const doc = { ...huge, init: { random: { x: [-1, 1], y: [-1, 1], count: 1000, seed: 1 } }, steps: 100_000, record: { every: 1 } }
    const problem = scenarioCapacityProblem(fromDoc(doc))!
    const every = Number(/set record\.every to at least (\d+)/.exec(problem)![1])
    const runs = 1000
    expect(runs * (Math.floor(doc.steps / every) + 1)).toBeLessThanOrEqual(MAX_VIEW_KEPT_POINTS)
    expect(runs * (Math.floor(doc.steps / (every - 1)) + 1)).toBeGreaterThan(MAX_VIEW_KEPT_POINTS) // the least such every
    const fits = { ...doc, record: { every } }
    expect(await loadSessionText(acceptingApi, JSON.stringify(fits), 'fits.json')).toEqual({ ok: true })
    expect(useUi.getState().scenario.steps).toBe(100_000)
  })

  it('counts sweep configurations as runs', () => {
    const doc = {
      ...huge,
      optimizers: [
        { name: 'sgd', lr: 0.01, sweep: { lr: { log: [1e-4, 1e-1], n: 100 }, momentum: { values: [0, 0.5, 0.9] } } },
        { name: 'adam', lr: 0.1 },
      ],
      init: [
        [0, 0],
        [1, 1],
      ],
      steps: 100,
    }
    delete (doc as Record<string, unknown>).optimizer
    expect(runsOfScenario(fromDoc(doc))).toBe((300 + 1) * 2)
  })
})

describe('a job the view cannot hold reaching job-data', () => {
  it('is refused with an error for that job, allocating nothing; the job on screen stays', () => {
    const small: JobStarted = {
      jobId: 501,
      optimizers: [{ base: { name: 'sgd', lr: 0.1 }, sweep: [] }],
      starts: Float64Array.of(0, 0),
      kept: 3,
      every: 1,
    }
    beginJob(small, 1)
    const chunk: RunChunk = { jobId: 501, start: 0, count: 3, xy: new Float32Array(6), loss: Float32Array.of(3, 2, 1) }
    handleJobEvent({ type: 'chunk', chunk })
    expect(job.jobId).toBe(501)
    const lossBuffer = job.loss

    const errors: Extract<JobEvent, { type: 'error' }>[] = []
    const off = onJobError((e) => errors.push(e))
    const starts = 1_000_000
    const big: JobStarted = {
      jobId: 502,
      optimizers: [{ base: { name: 'sgd', lr: 0.1 }, sweep: [] }],
      starts: new Float64Array(2 * starts),
      kept: 10_000_001,
      every: 1,
    }
    beginJob(big, starts)
    expect(() =>
      handleJobEvent({
        type: 'chunk',
        chunk: { jobId: 502, start: 0, count: 1, xy: new Float32Array(2 * starts), loss: new Float32Array(starts) },
      }),
    ).not.toThrow()
    off()
    expect(errors).toHaveLength(1)
    expect(errors[0].jobId).toBe(502)
    expect(errors[0].problem.message).toMatch(/the view holds at most/)
    expect(job.jobId).toBe(501)
    expect(job.loss).toBe(lossBuffer)
    expect([...job.loss.subarray(0, 3)]).toEqual([3, 2, 1])
  })
})

describe('a session file picked in the browser (web host)', () => {
  it('is refused with the byte offset when it is not UTF-8, and read without its byte-order mark', async () => {
    const { loadSessionFile } = await import('../../src-renderer/ui/session')
    const before = useUi.getState().scenario
    const latin1 = new File([new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x7d])], 'latin1.json')
    await loadSessionFile(acceptingApi, latin1)
    expect(useUi.getState().message?.text).toMatch(/Could not open latin1\.json: not valid UTF-8 text: byte 0xE9 at byte offset 2/)
    expect(useUi.getState().scenario).toBe(before)

    const doc = {
      landscape: { preset: 'rosenbrock' },
      optimizer: { name: 'adam', lr: 0.05 },
      init: [0, 0],
      steps: 77,
      record: { every: 1 },
    }
    const withMark = new File([new Uint8Array([0xef, 0xbb, 0xbf]), JSON.stringify(doc)], 'bom.json')
    await loadSessionFile(acceptingApi, withMark)
    expect(useUi.getState().message?.text).toBe('Opened bom.json')
    expect(useUi.getState().scenario.steps).toBe(77)
  })
})
