/** @vitest-environment node */
/** The engine worker as the hosts use it: streaming, supersede/cancel, restart, bounded chunks. */
import { afterAll, describe, expect, it } from 'vitest'
import { type JobEvent, type RunChunk, runCountOf, runsOf } from '../../src-shared/api'
import { parseScenario } from '../../src-shared/scenario'
import { resolveMode } from '../../src-main/engine/float32'
import { EngineClient } from '../../src-main/engine/client'
import { BLOCK_WORK } from '../../src-main/engine/job'
import { spawnNodeWorker } from '../../src-main/engine/node-worker'
import { runScenario } from '../../src-main/engine/run-scenario'

const engine = new EngineClient(spawnNodeWorker)
afterAll(() => engine.dispose())

/** Collect events of one job until it ends. */
function collect(jobIdPromise: Promise<{ jobId: number }>): Promise<JobEvent[]> {
  const events: JobEvent[] = []
  return new Promise((resolve, reject) => {
    const off = engine.onEvent((e) => {
      events.push(e.type === 'chunk' ? { type: 'chunk', chunk: { ...e.chunk, xy: e.chunk.xy.slice(), loss: e.chunk.loss.slice() } } : e)
      void jobIdPromise.then(({ jobId }) => {
        const ended = events.some((x) => (x.type === 'done' || x.type === 'cancelled' || x.type === 'error') && x.jobId === jobId)
        const mine = (x: JobEvent) => (x.type === 'chunk' ? x.chunk.jobId === jobId : !('jobId' in x) || x.jobId === jobId)
        if (ended) {
          off()
          resolve(events.filter(mine))
        }
      })
    })
    jobIdPromise.catch(reject)
  })
}

const scenario = {
  landscape: { preset: 'himmelblau' },
  optimizers: [
    { name: 'sgd', lr: 0.01, momentum: 0.9 },
    { name: 'adam', lr: 0.05 },
  ],
  init: { random: { x: [-4, 4], y: [-4, 4], count: 300, seed: 1 } },
  steps: 400,
  record: { every: 2, sharpness: true },
}

describe('engine worker', () => {
  it('streams every kept point of every run, in order, equal to the float64 CLI path (as float32)', async () => {
    const started = engine.start(scenario)
    const events = await collect(started)
    const info = await started
    expect(runCountOf(info)).toBe(600)
    expect(runsOf(info)[599].init).toEqual([info.starts[info.starts.length - 2], info.starts[info.starts.length - 1]])
    expect(info.kept).toBe(201)
    const chunks = events.filter((e): e is { type: 'chunk'; chunk: RunChunk } => e.type === 'chunk').map((e) => e.chunk)
    expect(chunks.length).toBeGreaterThan(1)
    // Contiguous, in order, complete.
    let next = 0
    for (const c of chunks) {
      expect(c.start).toBe(next)
      next += c.count
    }
    expect(next).toBe(201)
    // The first chunk is small (fast first frame).
    expect(chunks[0].count * 600).toBeLessThanOrEqual(20_000 + 600)
    const reference = (await runScenario(parseScenario(scenario))).runs
    for (const c of chunks) {
      for (const r of [0, 299, 300, 599]) {
        for (let j = 0; j < c.count; j++) {
          const [x, y] = reference[r].trajectory[c.start + j]
          expect(c.xy[2 * (r * c.count + j)]).toBe(Math.fround(x))
          expect(c.xy[2 * (r * c.count + j) + 1]).toBe(Math.fround(y))
          expect(c.loss[r * c.count + j]).toBe(Math.fround(reference[r].loss[c.start + j]))
          expect(c.sharpness![r * c.count + j]).toBe(Math.fround(reference[r].sharpness![c.start + j]))
        }
      }
    }
    const done = events.find((e) => e.type === 'done')
    expect(done && done.type === 'done' && done.divergedAt.length).toBe(600)
    expect(done && done.type === 'done' && done.backend).toBe('float64 JS')
  })

  it('streams a float32 job completely and in order, close to the float64 path', async () => {
    const doc = { ...scenario, precision: 'float32', record: { every: 5, sharpness: false } }
    const started = engine.start(doc)
    const events = await collect(started)
    const done = events.at(-1)!
    // The path and backend that ran it are reported: the automatic choice is GPU.js where it
    // finds a GPU backend, else our WebAssembly SIMD kernel.
    expect(done.type === 'done' && done.backend).toMatch(
      resolveMode('gpu') === 'wasm' ? /^float32 wasm-simd/ : /^float32 gpu\.js \w+Kernel/,
    )
    const chunks = events.filter((e): e is { type: 'chunk'; chunk: RunChunk } => e.type === 'chunk').map((e) => e.chunk)
    let next = 0
    for (const c of chunks) {
      expect(c.start).toBe(next)
      next += c.count
    }
    expect(next).toBe(81)
    const reference = (await runScenario(parseScenario({ ...doc, precision: 'float64' }))).runs
    const last = chunks.at(-1)!
    let compared = 0
    for (let r = 0; r < 600; r += 37) {
      const [x, y] = reference[r].trajectory[80]
      if (reference[r].diverged_at !== null) continue
      compared++
      expect(Math.abs(last.xy[2 * (r * last.count + last.count - 1)] - x)).toBeLessThan(0.05 * (1 + Math.abs(x)))
      expect(Math.abs(last.xy[2 * (r * last.count + last.count - 1) + 1] - y)).toBeLessThan(0.05 * (1 + Math.abs(y)))
    }
    expect(compared).toBeGreaterThan(10)
  })

  it('a new job supersedes the running one within a block', async () => {
    const long = { ...scenario, init: { random: { x: [-4, 4], y: [-4, 4], count: 20_000, seed: 2 } }, steps: 5000 }
    const first = engine.start(long)
    const firstEvents = collect(first)
    await first
    const second = engine.start({ ...scenario, steps: 10 })
    const [a, b] = await Promise.all([firstEvents, collect(second)])
    expect(a.at(-1)!.type).toBe('cancelled')
    const firstChunks = a.filter((e) => e.type === 'chunk').length
    expect(firstChunks).toBeLessThan(10) // stopped long before its 5000 steps
    expect(b.at(-1)!.type).toBe('done')
  })

  it('cancel stops a job', async () => {
    const started = engine.start({ ...scenario, init: { random: { x: [-4, 4], y: [-4, 4], count: 20_000, seed: 3 } }, steps: 5000 })
    const events = collect(started)
    engine.cancel((await started).jobId)
    expect((await events).at(-1)!.type).toBe('cancelled')
  })

  it('an invalid scenario is an error naming the field, not a crash', async () => {
    await expect(engine.start({ ...scenario, landscape: { expr: 'x +* y' } })).rejects.toMatchObject({
      problem: { field: 'landscape.expr', position: expect.any(Number) },
    })
    const ok = engine.start({ ...scenario, steps: 4 })
    expect((await collect(ok)).at(-1)!.type).toBe('done')
  })

  it('chunks stay bounded for 10⁶ particles (memory does not grow with the job)', async () => {
    const huge = {
      landscape: { preset: 'rosenbrock' },
      optimizer: { name: 'adam', lr: 0.01 },
      init: { random: { x: [-2, 2], y: [-1, 3], count: 1_000_000, seed: 4 } },
      steps: 1000,
    }
    const started = engine.start(huge)
    const sizes: number[] = []
    const off = engine.onEvent((e) => {
      if (e.type === 'chunk') {
        sizes.push(e.chunk.xy.byteLength + e.chunk.loss.byteLength)
        if (sizes.length === 3) void started.then((s) => engine.cancel(s.jobId))
      }
    })
    const events = await collect(started)
    off()
    expect(events.at(-1)!.type).toBe('cancelled')
    expect(sizes.length).toBeGreaterThanOrEqual(3)
    // Each chunk carries at most ⌈BLOCK_WORK / N⌉ + 1 points per run: ≤ 2 here.
    for (const s of sizes) expect(s).toBeLessThanOrEqual(1_000_000 * 2 * 12)
    expect(Math.max(1, Math.floor(BLOCK_WORK / 1_000_000))).toBe(1)
  })

  it('surfaces are sampled in the worker with robust colour limits', async () => {
    const s = await engine.sampleSurface({ landscape: { preset: 'rosenbrock' }, x: [-2, 2], y: [-1, 3], n: [65, 65] })
    expect(s.values).toHaveLength(65 * 65)
    expect(s.values[32 * 65 + 48]).toBeCloseTo(0, 5) // x = 1, y = 1
    expect(s.min).toBeLessThanOrEqual(s.lo)
    expect(s.lo).toBeLessThan(s.hi)
    expect(s.hi).toBeLessThanOrEqual(s.max)
  })

  it('restarts a crashed worker, tells listeners, and keeps working', async () => {
    const restarted = new Promise<JobEvent>((resolve) => {
      const off = engine.onEvent((e) => {
        if (e.type === 'engine-restarted') {
          off()
          resolve(e)
        }
      })
    })
    await engine.crashForTest()
    expect((await restarted).type).toBe('engine-restarted')
    expect(engine.restarts).toBe(1)
    const again = engine.start({ ...scenario, steps: 4 })
    expect((await collect(again)).at(-1)!.type).toBe('done')
  })
})

describe('central flows in jobs', () => {
  it('streams the flow of each eligible run after its trajectories, matching the CLI', async () => {
    const doc = {
      landscape: { preset: 'zhu_eos' },
      optimizers: [
        { name: 'sgd', lr: 0.15 },
        { name: 'adam', lr: 0.05 },
      ],
      init: [
        [3, 1 / 6],
        [2.8, 0.3],
      ],
      steps: 200,
      record: { every: 4 },
      central_flow: true,
    }
    const started = engine.start(doc)
    const events = await collect(started)
    const flows = events.filter((e): e is Extract<JobEvent, { type: 'flow' }> => e.type === 'flow').map((e) => e.flow)
    expect(flows.map((f) => f.run)).toEqual([0, 1]) // the two GD runs; Adam has no central flow
    const doneIndex = events.findIndex((e) => e.type === 'done')
    expect(events.findIndex((e) => e.type === 'flow')).toBeLessThan(doneIndex)
    const cli = (await runScenario(parseScenario(doc))).runs[1] as unknown as {
      central_flow: { trajectory: number[][]; predicted_loss: number[] }
    }
    expect(flows[1].xy).toHaveLength(2 * 51)
    for (let k = 0; k <= 50; k++) {
      expect(flows[1].xy[2 * k]).toBe(Math.fround(cli.central_flow.trajectory[k][0]))
      expect(flows[1].predictedLoss[k]).toBe(Math.fround(cli.central_flow.predicted_loss[k]))
    }
  })
})
