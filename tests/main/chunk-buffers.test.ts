/**
 * Chunk buffers given back to the engine worker (engine/chunk-buffers.ts, EngineOptions
 * .returnChunkBuffers): a job whose chunk arrays come back with another chunk's points in them
 * streams exactly the points of one given fresh arrays, on every path that writes chunks in place;
 * through the worker, the hosts' setting changes no value, a listener that holds a chunk keeps
 * its arrays until it lets go, and only then are they given back (detached here).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import type { JobEvent, RunChunk } from '../../src-shared/api'
import { ChunkBuffers } from '../../src-main/engine/chunk-buffers'
import { type ChunkArrays, Job } from '../../src-main/engine/job'
import type { PlanOptions } from '../../src-main/engine/plan'
import { EngineClient } from '../../src-main/engine/client'
import { spawnNodeWorker } from '../../src-main/engine/node-worker'

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))

describe('ChunkBuffers', () => {
  it('hands a returned buffer out again for an array of its size, a fresh one otherwise', () => {
    const pool = new ChunkBuffers()
    const a = pool.take(100)
    a.fill(7)
    expect(pool.take(100)).not.toBe(a)
    pool.give([a.buffer as ArrayBuffer])
    expect(pool.size).toBe(1)
    expect(pool.take(50).length).toBe(50) // no buffer of that size: fresh, the spare stays
    expect(pool.size).toBe(1)
    const again = pool.take(100)
    expect(again.buffer).toBe(a.buffer)
    expect(again[99]).toBe(7) // old contents: the caller writes every element
    expect(pool.size).toBe(0)
  })

  it('keeps at most its limits, dropping the oldest, and skips detached buffers', () => {
    const pool = new ChunkBuffers(3, 1000)
    const buffers = [1, 2, 3, 4].map((k) => new ArrayBuffer(40 * k))
    pool.give(buffers)
    expect(pool.size).toBe(3)
    expect(pool.take(10).length).toBe(10)
    expect(pool.size).toBe(3) // the 40-byte one was the oldest: dropped
    pool.give([new ArrayBuffer(800)])
    expect(pool.bytes).toBeLessThanOrEqual(1000)
    expect(pool.take(200).buffer.byteLength).toBe(800)
    const detached = new ArrayBuffer(16)
    structuredClone(detached, { transfer: [detached] })
    const before = pool.size
    pool.give([detached])
    expect(pool.size).toBe(before)
  })
})

/** Arrays as a worker's reused buffers give them: full of another chunk's values (here 1234.5). */
const staleArrays: ChunkArrays = (length) => new Float32Array(length).fill(1234.5)

async function chunksOf(doc: Record<string, unknown>, options: PlanOptions, arrays?: ChunkArrays): Promise<RunChunk[]> {
  const job = new Job(1, parseScenario(doc), options, arrays)
  const chunks: RunChunk[] = []
  for (let c = await job.next(); c; c = await job.next()) chunks.push(c)
  return chunks
}

function chunkMismatches(a: RunChunk[], b: RunChunk[]): string[] {
  const bad: string[] = []
  if (a.length !== b.length) return [`${a.length} chunks vs ${b.length}`]
  a.forEach((c, k) => {
    if (c.start !== b[k].start || c.count !== b[k].count)
      bad.push(`chunk ${k}: [${c.start}, +${c.count}) vs [${b[k].start}, +${b[k].count})`)
    c.xy.forEach((v, i) => {
      if (!same(v, b[k].xy[i])) bad.push(`chunk ${k}, xy[${i}]: ${v} vs ${b[k].xy[i]}`)
    })
    c.loss.forEach((v, i) => {
      if (!same(v, b[k].loss[i])) bad.push(`chunk ${k}, loss[${i}]: ${v} vs ${b[k].loss[i]}`)
    })
  })
  return bad.slice(0, 5)
}

const CASES: Array<[string, Record<string, unknown>, PlanOptions]> = [
  // Each case takes more than one chunk (job.ts FIRST_BLOCK_WORK: the first chunk is 10⁴ particle-steps).
  [
    'the WebAssembly kernel recording (runs that diverge: NaN from their death step)',
    {
      landscape: { preset: 'ill_conditioned_quadratic' },
      optimizer: { name: 'sgd', sweep: { lr: { values: [0.0199, 0.5, 0.01, 0.6, 0.015] } } },
      init: { random: { x: [-2, 2], y: [-1, 3], count: 30, seed: 2 } },
      steps: 120,
      record: { every: 1 },
    },
    { backend: 'wasm' },
  ],
  [
    'the WebAssembly kernel, one launch per kept point, every 3rd step',
    {
      landscape: { preset: 'rosenbrock' },
      optimizer: { name: 'adam', lr: 0.05 },
      init: { random: { x: [-2, 2], y: [-1, 3], count: 100, seed: 3 } },
      steps: 300,
      record: { every: 3 },
    },
    { backend: 'wasm', pointsPerLaunch: 0 },
  ],
  [
    "GPU.js's cpu backend with gradient noise",
    {
      landscape: { preset: 'himmelblau' },
      optimizer: { name: 'adam', lr: 0.05 },
      init: { grid: { x: [-3, 3], y: [-3, 3], n: [4, 4] } },
      steps: 1000,
      record: { every: 2 },
      noise: { std: 0.5, seed: 4 },
    },
    { backend: 'cpu' },
  ],
  [
    'a sweep of a schedule argument (one launch group per schedule)',
    {
      landscape: { preset: 'rosenbrock' },
      optimizer: {
        name: 'sgd',
        lr: 0.001,
        schedule: { name: 'StepLR', step_size: 10, gamma: 0.5 },
        sweep: { 'schedule.gamma': { values: [0.5, 0.9] } },
      },
      init: { random: { x: [-2, 2], y: [-1, 3], count: 20, seed: 5 } },
      steps: 400,
      record: { every: 1 },
    },
    { backend: 'wasm' },
  ],
]

describe('a job on reused chunk arrays', () => {
  for (const [name, doc, options] of CASES) {
    it(`${name}: the same chunks as on fresh arrays`, async () => {
      const f32 = { ...doc, precision: 'float32' }
      const fresh = await chunksOf(f32, options)
      const reused = await chunksOf(f32, options, staleArrays)
      expect(fresh.length).toBeGreaterThan(1)
      expect(chunkMismatches(reused, fresh)).toEqual([])
      // The check can fail: an array left unwritten keeps the stale value, which no run reaches.
      expect(fresh.every((c) => !c.xy.includes(1234.5))).toBe(true)
    })
  }

  it('float64 chunks and chunks with sharpness take fresh arrays (their parts write through block outputs)', async () => {
    const asked: number[] = []
    const counting: ChunkArrays = (length) => {
      asked.push(length)
      return staleArrays(length)
    }
    const doc = { ...CASES[1][1], record: { every: 3, sharpness: true } }
    await chunksOf({ ...doc, precision: 'float64' }, {}, counting)
    await chunksOf({ ...doc, precision: 'float32' }, { backend: 'wasm' }, counting)
    expect(asked).toEqual([])
  })
})

describe('chunk buffers given back through the engine worker', () => {
  const doc = {
    landscape: { preset: 'rosenbrock' },
    optimizer: { name: 'adam', lr: 0.01 },
    init: { random: { x: [-2, 2], y: [-1, 3], count: 2000, seed: 1 } },
    steps: 400,
    precision: 'float32',
    record: { every: 1 },
  }
  const clients: EngineClient[] = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()))
  })

  /** Two jobs in a row (the second on the first's returned buffers), each chunk copied as it comes. */
  async function streamed(returnChunkBuffers: boolean, hold?: (chunk: RunChunk) => Promise<void> | undefined) {
    const engine = new EngineClient(spawnNodeWorker, { returnChunkBuffers })
    clients.push(engine)
    const jobs: Array<Array<{ start: number; xy: Float32Array; loss: Float32Array }>> = []
    const seen: RunChunk[] = []
    for (let round = 0; round < 2; round++) {
      const copies: Array<{ start: number; xy: Float32Array; loss: Float32Array }> = []
      let jobId = -1
      let finished: () => void = () => {}
      const done = new Promise<void>((r) => (finished = r))
      const off = engine.onEvent((e: JobEvent) => {
        if (e.type === 'chunk' && e.chunk.jobId === jobId) {
          seen.push(e.chunk)
          copies.push({ start: e.chunk.start, xy: e.chunk.xy.slice(), loss: e.chunk.loss.slice() })
          return hold?.(e.chunk)
        }
        if ((e.type === 'done' || e.type === 'error') && e.jobId === jobId) finished()
      })
      jobId = (await engine.start(doc)).jobId
      await done
      off()
      jobs.push(copies)
    }
    return { jobs, seen }
  }

  it('streams the same points as fresh arrays, and detaches each chunk once its listeners let it go', async () => {
    const kept = await streamed(false)
    const given = await streamed(true)
    for (const round of [0, 1]) {
      const a = given.jobs[round]
      const b = kept.jobs[round]
      expect(a.map((c) => c.start)).toEqual(b.map((c) => c.start))
      a.forEach((c, k) => {
        expect(c.xy.every((v, i) => same(v, b[k].xy[i]))).toBe(true)
        expect(c.loss.every((v, i) => same(v, b[k].loss[i]))).toBe(true)
      })
    }
    expect(given.jobs[0].length).toBeGreaterThan(4)
    // Given back: the listeners' arrays are detached; kept: they still hold the points.
    expect(given.seen.every((c) => c.xy.length === 0 && c.loss.length === 0)).toBe(true)
    expect(kept.seen.every((c) => c.xy.length > 0 && c.loss.length > 0)).toBe(true)
  })

  it('leaves a chunk whole while a listener holds it', async () => {
    const lengthsOnRelease: number[] = []
    await streamed(true, (chunk) => {
      const length = chunk.xy.length
      return new Promise<void>((release) =>
        setTimeout(() => {
          lengthsOnRelease.push(chunk.xy.length === length ? length : -1)
          release()
        }, 1),
      )
    })
    expect(lengthsOnRelease.length).toBeGreaterThan(4)
    expect(lengthsOnRelease.every((n) => n > 0)).toBe(true)
  })
})
