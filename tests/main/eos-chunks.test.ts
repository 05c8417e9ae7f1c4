/** @vitest-environment node */
/**
 * Engine data for the edge-of-stability view: with `record.sharpness` every chunk carries the unit
 * top Hessian eigenvector per kept point (sign-fixed) and, for preconditioned optimizers on the
 * float64 path, λ₁(P⁻¹H); both survive the IPC event rebuild and the WebSocket codec.
 */
import { describe, expect, it } from 'vitest'
import type { RunChunk } from '../../src-shared/api'
import { eig2, topAxis } from '../../src-shared/eos/eig2'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { parseScenario } from '../../src-shared/scenario'
import { decodeHostMessage, encodeHostMessage } from '../../src-shared/wire'
import { Job } from '../../src-main/engine/job'
import { runScenario } from '../../src-main/engine/run-scenario'
import { portEvent } from '../../src-main/ipc'

async function chunksOf(doc: Record<string, unknown>, options = {}): Promise<{ job: Job; chunks: RunChunk[] }> {
  const job = new Job(1, parseScenario(doc), options)
  const chunks: RunChunk[] = []
  for (let c = await job.next(); c; c = await job.next()) chunks.push(c)
  return { job, chunks }
}

/** The chunks' per-run arrays joined into run-major [run][kept] (width values per point). */
function joined(chunks: RunChunk[], runs: number, pick: (c: RunChunk) => Float32Array | undefined, width = 1): number[][] {
  const out: number[][] = Array.from({ length: runs }, () => [])
  for (const c of chunks) {
    const a = pick(c)!
    for (let r = 0; r < runs; r++) out[r].push(...a.subarray(width * r * c.count, width * (r + 1) * c.count))
  }
  return out
}

describe('topAxis', () => {
  it('is a unit top eigenvector with its first nonzero component positive', () => {
    const out = [0, 0]
    for (const [p, q, r] of [
      [1, 0, 5],
      [5, 0, 1],
      [2, -3, 1],
      [2, 3, 1],
      [-1, 1e-9, -1],
      [4, 4, 4],
      [0, 0, 0],
    ]) {
      topAxis(p, q, r, out)
      const e = eig2(p, q, r)
      expect(Math.hypot(out[0], out[1])).toBeCloseTo(1, 14)
      expect(out[0] > 0 || (out[0] === 0 && out[1] > 0)).toBe(true)
      // H u = λ₁ u
      expect(p * out[0] + q * out[1]).toBeCloseTo(e.l1 * out[0], 10)
      expect(q * out[0] + r * out[1]).toBeCloseTo(e.l1 * out[1], 10)
    }
    topAxis(NaN, 0, 1, out)
    expect(out.every(Number.isNaN)).toBe(true)
  })
})

describe('chunks with record.sharpness', () => {
  const cubic = {
    landscape: { preset: 'cubic_valley' },
    optimizer: { name: 'sgd', lr: 0.4 },
    init: [
      [0, 0.1],
      [1, -0.5],
    ],
    steps: 300,
    record: { every: 3, sharpness: true },
  }

  it('carry the sign-fixed top eigenvector per kept point, equal to eig(H) at the positions (float64 path)', async () => {
    const { chunks } = await chunksOf(cubic)
    const f = landscapeFromSpec({ preset: 'cubic_valley' }).compiled
    const xy = joined(chunks, 2, (c) => c.xy, 2)
    const axis = joined(chunks, 2, (c) => c.axis, 2)
    const h = new Float64Array(3)
    const want = [0, 0]
    for (let r = 0; r < 2; r++) {
      expect(axis[r]).toHaveLength(2 * 101)
      for (let k = 0; k < 101; k++) {
        const [ux, uy] = [axis[r][2 * k], axis[r][2 * k + 1]]
        expect(Math.hypot(ux, uy)).toBeCloseTo(1, 6)
        expect(ux > 0 || (ux === 0 && uy > 0)).toBe(true)
        f.hessian(xy[r][2 * k], xy[r][2 * k + 1], h)
        topAxis(h[0], h[1], h[2], want)
        expect(ux).toBeCloseTo(want[0], 4)
        expect(uy).toBeCloseTo(want[1], 4)
      }
    }
    // At the edge GD oscillates across the floor y = 0 where H = diag(1, 1 + x): the axis is y.
    expect(Math.abs(axis[0][2 * 100 + 1])).toBeGreaterThan(0.9)
    expect(chunks.every((c) => c.preconditioned === undefined)).toBe(true) // GD has no preconditioner
  })

  it('carry λ₁(P⁻¹H) for Adam (NaN at step 0 and for GD runs), as the CLI reports it', async () => {
    const doc = {
      landscape: { preset: 'rosenbrock' },
      optimizers: [
        { name: 'sgd', lr: 1e-3 },
        { name: 'adam', lr: 0.02 },
      ],
      init: [-1.5, 2],
      steps: 60,
      record: { every: 2, sharpness: true },
    }
    const { chunks } = await chunksOf(doc)
    const pre = joined(chunks, 2, (c) => c.preconditioned)
    const reference = (await runScenario(parseScenario(doc))).runs[1] as unknown as { preconditioned_sharpness: number[] }
    expect(pre[0].every(Number.isNaN)).toBe(true)
    expect(Number.isNaN(pre[1][0])).toBe(true)
    for (let k = 1; k < pre[1].length; k++) expect(pre[1][k]).toBe(Math.fround(reference.preconditioned_sharpness[k]))
  })

  it('carry the axis on the float32 path too (evaluated in float64 at the float32 positions)', async () => {
    const { chunks } = await chunksOf({ ...cubic, steps: 30, precision: 'float32' }, { backend: 'cpu', threaded: false })
    const axis = joined(chunks, 2, (c) => c.axis, 2)
    expect(axis[0]).toHaveLength(2 * 11)
    for (const a of axis) for (let k = 0; k < 11; k++) expect(Math.hypot(a[2 * k], a[2 * k + 1])).toBeCloseTo(1, 6)
  })

  it('have no axis without record.sharpness', async () => {
    const { chunks } = await chunksOf({ ...cubic, record: { every: 3 } })
    expect(chunks.every((c) => c.axis === undefined && c.sharpness === undefined)).toBe(true)
  })

  it('keep axis and preconditioned through the IPC event rebuild and the WebSocket codec', () => {
    const chunk: RunChunk = {
      jobId: 2,
      start: 0,
      count: 2,
      xy: Float32Array.of(1, 2, 3, 4),
      loss: Float32Array.of(1, 2),
      sharpness: Float32Array.of(5, 6),
      axis: Float32Array.of(1, 0, 0.6, 0.8),
      preconditioned: Float32Array.of(NaN, 2),
    }
    const e = portEvent({ type: 'chunk', chunk })
    expect(e.type === 'chunk' && e.chunk.axis).toEqual(chunk.axis)
    expect(e.type === 'chunk' && e.chunk.preconditioned).toEqual(chunk.preconditioned)
    const back = decodeHostMessage(encodeHostMessage({ t: 'event', event: { type: 'chunk', chunk } }))
    const c = back.t === 'event' && back.event.type === 'chunk' ? back.event.chunk : null
    expect(c?.axis).toBeInstanceOf(Float32Array)
    expect(Array.from(c!.axis!)).toEqual(Array.from(chunk.axis!))
    expect(Number.isNaN(c!.preconditioned![0])).toBe(true)
    expect(c!.preconditioned![1]).toBe(2)
  })
})
