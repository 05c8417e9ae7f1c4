/** @vitest-environment node */
/**
 * The app's GFS sharpness (record.gfs_sharpness on a 2-D landscape): every chunk carries, per kept
 * point, the gradient-flow-solution sharpness of the float64 iterate — on the scalar network
 * ½(xy − 1)² the closed form √((x² − y²)² + 4) (gradient flow keeps x² − y²) — and it survives
 * the Electron port's event rebuild and the WebSocket codec.
 */
import { describe, expect, it } from 'vitest'
import type { RunChunk } from '../../src-shared/api'
import { parseScenario } from '../../src-shared/scenario'
import { decodeHostMessage, encodeHostMessage } from '../../src-shared/wire'
import { Job } from '../../src-main/engine/job'
import { portEvent } from '../../src-main/ipc'

const doc = {
  landscape: { expr: '0.5*(x*y - 1)^2' },
  optimizers: [{ name: 'sgd', lr: 0.056 }],
  init: [0.2, 6],
  steps: 200,
  record: { every: 5, sharpness: true, gfs_sharpness: true },
}

async function chunks(d: Record<string, unknown>): Promise<RunChunk[]> {
  const job = new Job(1, parseScenario(d))
  const out: RunChunk[] = []
  for (let c = await job.next(); c; c = await job.next()) out.push(c)
  return out
}

describe('GFS sharpness in job chunks', () => {
  it('is the closed form √((x² − y²)² + 4) at each kept iterate, and decreases along GD at the edge', async () => {
    const cs = await chunks(doc)
    const xy = cs.flatMap((c) => Array.from(c.xy))
    const gfs = cs.flatMap((c) => Array.from(c.gfsSharpness!))
    expect(gfs).toHaveLength(41)
    gfs.forEach((s, k) => {
      const x = xy[2 * k],
        y = xy[2 * k + 1]
      // xy is float32 in the chunk, the GFS came from the float64 iterate: agree to float32 rounding.
      expect(s).toBeCloseTo(Math.sqrt((x * x - y * y) ** 2 + 4), 3)
      if (k > 0) expect(s).toBeLessThanOrEqual(gfs[k - 1] * (1 + 1e-6))
    })
    expect(gfs[40]).toBeLessThan(gfs[0])
  })

  it('is absent without record.gfs_sharpness', async () => {
    const cs = await chunks({ ...doc, record: { every: 5, sharpness: true } })
    expect(cs.every((c) => c.gfsSharpness === undefined)).toBe(true)
  })

  it('survives the Electron port and the WebSocket codec', async () => {
    const c = (await chunks(doc))[0]
    const ported = portEvent({ type: 'chunk', chunk: c })
    expect(ported.type === 'chunk' && Array.from(ported.chunk.gfsSharpness!)).toEqual(Array.from(c.gfsSharpness!))
    const back = decodeHostMessage(encodeHostMessage({ t: 'event', event: { type: 'chunk', chunk: c } }))
    const wired = back.t === 'event' && back.event.type === 'chunk' ? back.event.chunk : null
    expect(wired?.gfsSharpness).toBeInstanceOf(Float32Array)
    expect(Array.from(wired!.gfsSharpness!)).toEqual(Array.from(c.gfsSharpness!))
  })
})
