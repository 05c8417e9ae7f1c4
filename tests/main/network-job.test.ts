/** @vitest-environment node */
/**
 * A network scenario as an engine job: through the real engine worker (what the app's EoS view
 * gets: loss, sharpness and its threshold 2/η per kept step, streamed in order) and driven
 * directly (every kept point equals the CLI's float64 run, as float32).
 */
import { describe, expect, it } from 'vitest'
import type { FlowData, JobEvent, RunChunk } from '../../src-shared/api'
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { EngineClient } from '../../src-main/engine/client'
import { spawnNodeWorker } from '../../src-main/engine/node-worker'
import { NetworkJob } from '../../src-main/engine/network/job'
import { runNetworkScenario } from '../../src-main/engine/network/run'

const doc = {
  landscape: {
    network: {
      layers: [2, 8, 1],
      activation: 'tanh',
      loss: 'mse',
      data: { dataset: 'gaussian', n: 32, seed: 1 },
      init: { seed: 2, gain: 2 },
    },
  },
  optimizers: [
    { name: 'sgd', lr: 0.2 },
    { name: 'adam', lr: 0.01 },
  ],
  steps: 120,
  record: { every: 3, sharpness: true },
}

function chunksOf(job: NetworkJob): Promise<RunChunk[]> {
  return (async () => {
    const out: RunChunk[] = []
    for (let c = await job.next(); c; c = await job.next()) out.push(c)
    return out
  })()
}

describe('network job', () => {
  it('streams every kept step of every run in order, equal to the float64 run (as float32)', async () => {
    const s = parseNetworkScenario(doc)
    const chunks = await chunksOf(new NetworkJob(1, s))
    const ref = runNetworkScenario(s)
    let next = 0
    for (const c of chunks) {
      expect(c.start).toBe(next)
      for (let r = 0; r < 2; r++) {
        for (let j = 0; j < c.count; j++) {
          expect(c.loss[r * c.count + j]).toBe(Math.fround(ref.runs[r].loss[c.start + j]!))
          expect(c.sharpness![r * c.count + j]).toBe(Math.fround(ref.runs[r].sharpness![c.start + j]!))
        }
      }
      next += c.count
    }
    expect(next).toBe(41)
    // Adam carries λ₁(P⁻¹H) (NaN at step 0), SGD none.
    const last = chunks[chunks.length - 1]
    expect(Number.isFinite(last.preconditioned![2 * last.count - 1])).toBe(true)
    expect(Number.isNaN(last.preconditioned![last.count - 1])).toBe(true)
  })

  it('steps that are not a multiple of record.every: the kept steps only, no empty chunk', async () => {
    const s = parseNetworkScenario({ ...doc, steps: 10, record: { every: 3, sharpness: false } })
    const chunks = await chunksOf(new NetworkJob(2, s))
    expect(chunks.every((c) => c.count > 0)).toBe(true)
    expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(4) // steps 0, 3, 6, 9
  })

  it('runs in the engine worker: started, chunks with loss and sharpness, done, the GD central flow when asked; a bad network is refused naming its field', async () => {
    const engine = new EngineClient(spawnNodeWorker)
    try {
      const events: JobEvent[] = []
      const ended = new Promise<void>((resolve) =>
        engine.onEvent((e) => {
          events.push(e)
          if (e.type === 'done' || e.type === 'error') resolve()
        }),
      )
      const info = await engine.start(doc)
      expect(info.kept).toBe(41)
      await ended
      const chunks = events.filter((e): e is { type: 'chunk'; chunk: RunChunk } => e.type === 'chunk').map((e) => e.chunk)
      expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(41)
      expect(chunks[0].sharpness![0]).toBeGreaterThan(0)
      expect(events.some((e) => e.type === 'done')).toBe(true)
      // With central_flow, the plain-GD run (run 0) also gets its flow; Adam none.
      const flows: FlowData[] = []
      const flowDone = new Promise<void>((resolve) =>
        engine.onEvent((e) => {
          if (e.type === 'flow') flows.push(e.flow)
          if (e.type === 'done') resolve()
        }),
      )
      await engine.start({ ...doc, steps: 30, central_flow: true })
      await flowDone
      expect(flows.map((f) => f.run)).toEqual([0])
      expect(flows[0].predictedLoss.length).toBe(11)
      expect(flows[0].loss[0]).toBe(chunks[0].loss[0]) // both start at the network's parameters
      const bad = { ...doc, landscape: { network: { ...doc.landscape.network, activation: 'sigmoid' } } }
      await expect(engine.start(bad)).rejects.toThrow(/landscape\.network\.activation/)
    } finally {
      engine.dispose()
    }
  })
})
