/** @vitest-environment node */
/**
 * One client or job must not hurt the others (issue 15): a session cap, backpressure to slow
 * readers, bounded and cancellable central flows, a watchdog, sweeps described by their axes,
 * run counts checked before expanding, expression checks off the host's main thread.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { type JobEvent, type JobStarted, runAt, runCountOf, runsOf } from '../../src-shared/api'
import { parseScenario } from '../../src-shared/scenario'
import { encodeHostMessage } from '../../src-shared/wire'
import { centralFlowSlices, flowCapReason, gdRule } from '../../src-main/engine/central-flow'
import { EngineClient } from '../../src-main/engine/client'
import { spawnNodeWorker } from '../../src-main/engine/node-worker'
import { MAX_CHUNKS_IN_FLIGHT } from '../../src-main/engine/protocol'
import { createHost } from '../../src-main/host/host'
import { type EventPortLike, registerIpc } from '../../src-main/ipc'
import { PORT_ACK } from '../../src-shared/ipc-channels'
import { MessageChannel } from 'node:worker_threads'
import { type DisposableApi, startWebServer } from '../../src-main/web/server'

const root = mkdtempSync(join(tmpdir(), 'gradscape-load-'))
writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A host that streams `chunks` chunks of `bytes` each on startJob, recording what its listeners return. */
function streamingHost(chunks: number, bytes: number, held: unknown[]): DisposableApi {
  const listeners = new Set<(e: JobEvent) => void | Promise<void>>()
  const fail = () => Promise.reject(new Error('not in this fake'))
  return {
    info: fail,
    validateExpression: fail,
    validateScenario: fail,
    sampleSurface: fail,
    centralFlow: fail,
    gradientEstimates: fail,
    async startJob() {
      setTimeout(() => {
        for (let i = 0; i < chunks; i++) {
          const n = bytes / 12
          const chunk = { jobId: 1, start: i, count: 1, xy: new Float32Array(2 * n), loss: new Float32Array(n) }
          for (const l of listeners) held.push(l({ type: 'chunk', chunk }))
        }
      }, 5)
      return { jobId: 1, optimizers: [{ base: { name: 'sgd' }, sweep: [] }], starts: Float64Array.of(0, 0), kept: chunks, every: 1 }
    },
    async cancelJob() {},
    onJobEvent(l) {
      listeners.add(l)
      return () => {
        listeners.delete(l)
      }
    },
    async dispose() {},
  }
}

function connect(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api`)
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )

describe('web host limits', () => {
  it('closes sessions beyond maxSessions with 1013 and a reason, and admits again once one closes', async () => {
    const server = await startWebServer({ rootDir: root, port: 0, maxSessions: 2, createApi: () => streamingHost(0, 0, []) })
    try {
      const a = await connect(server.port)
      const b = await connect(server.port)
      const c = await connect(server.port)
      const refused = await closed(c)
      expect(refused.code).toBe(1013)
      expect(refused.reason).toMatch(/limit of 2 sessions/)
      expect(server.sessions()).toBe(2)
      a.close()
      await closed(a)
      await sleep(50)
      const d = await connect(server.port)
      await sleep(50)
      expect(d.readyState).toBe(WebSocket.OPEN)
      expect(server.sessions()).toBe(2)
      b.close()
      d.close()
    } finally {
      await server.close()
    }
  })

  it('holds chunks until the socket drains and drops a client that stops reading', async () => {
    const held: unknown[] = []
    const logs: string[] = []
    const server = await startWebServer({
      rootDir: root,
      port: 0,
      maxBufferedBytes: 4 * 1024 * 1024,
      log: (l) => logs.push(l),
      createApi: () => streamingHost(64, 1024 * 1024, held),
    })
    try {
      const ws = await connect(server.port)
      // Stop reading: the kernel buffers fill, then ws's own queue grows.
      const socket = (ws as unknown as { _socket: { pause(): void; destroy(): void } })._socket
      socket.pause()
      ws.send(JSON.stringify({ t: 'call', id: 1, op: 'startJob', args: [{}] }))
      for (let i = 0; i < 100 && held.length < 64; i++) await sleep(20)
      // Chunk listeners hand back promises (the engine waits for them before making more) …
      expect(held).toHaveLength(64)
      expect(held.every((p) => p instanceof Promise)).toBe(true)
      // … and the client that let 64 MB pile up was dropped, not buffered without end.
      for (let i = 0; i < 100 && server.sessions() > 0; i++) await sleep(20)
      expect(logs.some((l) => /dropped a slow client/.test(l))).toBe(true)
      expect(server.sessions()).toBe(0)
      socket.destroy()
    } finally {
      await server.close()
    }
  })
})

describe('Electron event port', () => {
  it('releases a chunk to the engine only when the renderer acknowledges it (PORT_ACK) or its port closes', async () => {
    const held: unknown[] = []
    const host = streamingHost(3, 1200, held)
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>()
    let rendererPort: import('node:worker_threads').MessagePort | null = null
    const frame = {
      url: 'file:///app/index.html',
      parent: null,
      postMessage: (_c: string, _m: unknown, t?: unknown[]) => {
        rendererPort = t![0] as never
      },
    }
    registerIpc({
      ipcMain: { handle: (c, l) => void handlers.set(c, l as never), removeHandler: () => undefined },
      host,
      isTrustedSender: () => true,
      log: () => undefined,
      createChannel: () => {
        const { port1, port2 } = new MessageChannel()
        const main: EventPortLike = {
          postMessage: (m) => port1.postMessage(m),
          start: () => port1.start(),
          close: () => port1.close(),
          on: ((event: string, l: (e: unknown) => void) =>
            event === 'message' ? port1.on('message', (data) => l({ data })) : port1.on(event, l)) as EventPortLike['on'],
        }
        return { port1: main, port2 }
      },
    })
    await handlers.get('gradscape:events')!({ senderFrame: frame, sender: { id: 1 } })
    await host.startJob({})
    await sleep(50)
    expect(held).toHaveLength(3)
    const settled = held.map(() => false)
    held.forEach(
      (p, i) =>
        void (p as Promise<void>).then(() => {
          settled[i] = true
        }),
    )
    await sleep(50)
    expect(settled).toEqual([false, false, false])
    rendererPort!.postMessage(PORT_ACK)
    await sleep(50)
    expect(settled).toEqual([true, false, false])
    rendererPort!.close()
    await sleep(50)
    expect(settled).toEqual([true, true, true])
  })
})

describe('engine limits', () => {
  it('makes no more chunks while a listener holds them (backpressure from the socket to the worker)', async () => {
    const engine = new EngineClient(spawnNodeWorker)
    try {
      let chunks = 0
      engine.onEvent((e) => {
        if (e.type === 'chunk') {
          chunks++
          return new Promise<void>(() => undefined)
        }
      })
      await engine.start({
        landscape: { preset: 'himmelblau' },
        optimizer: { name: 'sgd', lr: 0.001 },
        init: { random: { x: [-4, 4], y: [-4, 4], count: 1000, seed: 1 } },
        steps: 100_000,
      })
      await sleep(1500)
      expect(chunks).toBe(MAX_CHUNKS_IN_FLIGHT)
    } finally {
      await engine.dispose()
    }
  }, 20_000)

  it('restarts a worker that stops answering (watchdog)', async () => {
    const hang = () => new Worker('for (;;) {}', { eval: true })
    const engine = new EngineClient(hang, { watchdogMs: 200 })
    try {
      const reason = await new Promise<string>((resolve) =>
        engine.onEvent((e) => {
          if (e.type === 'engine-restarted') resolve(e.reason)
        }),
      )
      expect(reason).toMatch(/stopped answering/)
      expect(engine.restarts).toBeGreaterThanOrEqual(1)
    } finally {
      await engine.dispose()
    }
  }, 10_000)

  it('answers cancel while a job integrates its central flows (they run in slices)', async () => {
    const engine = new EngineClient(spawnNodeWorker)
    try {
      const events: JobEvent[] = []
      let trajectoriesDone: () => void = () => undefined
      const lastChunk = new Promise<void>((r) => {
        trajectoriesDone = r
      })
      const kept = 1001
      engine.onEvent((e) => {
        events.push(e)
        if (e.type === 'chunk' && e.chunk.start + e.chunk.count === kept) trajectoriesDone()
      })
      // 10⁶ steps: seconds of trajectory, minutes of central flow before the cap and slices.
      const started = await engine.start({
        landscape: { expr: 'x^2 + 2*y^2' },
        optimizer: { name: 'sgd', lr: 0.1 },
        init: [1, 1],
        steps: 1_000_000,
        record: { every: 1000 },
        central_flow: true,
      })
      await lastChunk
      await sleep(200)
      const t0 = performance.now()
      engine.cancel(started.jobId)
      while (!events.some((e) => e.type === 'cancelled' && e.jobId === started.jobId) && performance.now() - t0 < 3000) await sleep(10)
      expect(events.some((e) => e.type === 'cancelled' && e.jobId === started.jobId)).toBe(true)
      expect(performance.now() - t0).toBeLessThan(1000)
    } finally {
      await engine.dispose()
    }
  }, 60_000)

  it('caps a central flow at maxSteps and says so', () => {
    const f = parseScenario({ landscape: { expr: 'x^2 + 2*y^2' }, optimizer: { name: 'sgd', lr: 0.1 }, init: [1, 1], steps: 1 }).landscape
      .compiled
    const slices = centralFlowSlices(f, gdRule(0.1), 1, 1, 10_000, 10, { maxSteps: 500, sliceSteps: 100 })
    let yields = 0
    let r = slices.next()
    while (!r.done) {
      yields++
      r = slices.next()
    }
    expect(yields).toBe(5)
    expect(r.value.loss).toHaveLength(51)
    expect(r.value.stopped_at).toBe(500)
    expect(r.value.stop_reason).toBe(flowCapReason(500))
  })

  it('checks expressions in the worker, not on the host main thread', async () => {
    const fake = () =>
      new Worker(
        `
      const { parentPort } = require('node:worker_threads')
      parentPort.on('message', (m) => {
        if (m.type === 'expression') parentPort.postMessage({ type: 'expression-checked', requestId: m.requestId, validation: { ok: false, problem: { field: 'landscape.expr', message: 'from the worker' } } })
      })`,
        { eval: true },
      )
    const host = createHost({ host: 'web', version: 't', spawnWorker: fake })
    try {
      expect(await host.validateExpression('x^2 + y^2')).toEqual({
        ok: false,
        problem: { field: 'landscape.expr', message: 'from the worker' },
      })
    } finally {
      await host.dispose()
    }
  })
})

describe('sweep and optimizer limits', () => {
  it('refuses too many runs before expanding any sweep', () => {
    const sweep = { lr: { log: [1e-4, 1e-1], n: 1000 }, momentum: { linear: [0, 0.9], n: 1000 } }
    const doc = {
      landscape: { preset: 'himmelblau' },
      optimizers: [
        { name: 'sgd', sweep },
        { name: 'sgd', sweep },
        { name: 'sgd', sweep },
      ],
      init: { grid: { x: [-1, 1], y: [-1, 1], n: [10, 10] } },
      steps: 1,
    }
    const t0 = performance.now()
    expect(() => parseScenario(doc)).toThrow(/300000000 runs .* more than 10000000/)
    expect(performance.now() - t0).toBeLessThan(200)
  })

  it('refuses more than 64 optimizers', () => {
    const doc = {
      landscape: { preset: 'himmelblau' },
      optimizers: Array.from({ length: 65 }, () => ({ name: 'sgd' })),
      init: [0, 0],
      steps: 1,
    }
    expect(() => parseScenario(doc)).toThrow(/65 optimizers is more than 64/)
    expect(() => parseScenario({ ...doc, optimizers: doc.optimizers.slice(0, 64) })).not.toThrow()
  })

  const engine = new EngineClient(spawnNodeWorker)
  afterAll(() => engine.dispose())

  it('describes a 10⁵-configuration sweep by its axes: a small JobStarted, runs expanded on demand', async () => {
    const doc = {
      landscape: { preset: 'himmelblau' },
      optimizers: [
        { name: 'adam', lr: 0.01 },
        { name: 'adam', sweep: { lr: { log: [1e-4, 1e-1], n: 1000 }, 'betas[1]': { linear: [0.9, 0.999], n: 100 } } },
      ],
      init: [
        [0, 0],
        [1, 1],
      ],
      steps: 0,
    }
    const started: JobStarted = await engine.start(doc)
    expect(runCountOf(started)).toBe((1 + 1e5) * 2)
    const frame = encodeHostMessage({ t: 'result', id: 1, ok: true, value: started })
    expect(typeof frame === 'string' ? frame.length : frame.byteLength).toBeLessThan(64 * 1024)
    // The lazy runs match the engine's own expansion, in order.
    const s = parseScenario(doc)
    const expanded = s.optimizers.flatMap((o) => o.configs.map((h) => ({ name: o.def.name, ...h })))
    const runs = runsOf(started)
    expect(runs).toHaveLength(2 * expanded.length)
    for (const r of [0, 1, 2, 3, 1234, 77_777, 2 * expanded.length - 1]) {
      expect(runs[r].optimizer).toEqual(expanded[Math.floor(r / 2)])
      expect(runAt(started, r).init).toEqual(r % 2 === 0 ? [0, 0] : [1, 1])
    }
    expect(runs.slice(0, 2).map((x) => x.init)).toEqual([
      [0, 0],
      [1, 1],
    ])
  }, 60_000)
})
