/** @vitest-environment node */
/**
 * The web host (src-main/web/server.ts) and the renderer's WebSocket client
 * (src-renderer/api/ws-client.ts), end to end over a real socket: static files with the app's
 * CSP, guards on every call, binary chunks, errors with their problem, and the real engine.
 */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import {
  type CentralFlowRequest,
  type GradscapeApi,
  type JobEvent,
  type JobStarted,
  type RunChunk,
  runsOf,
  type Surface,
} from '../../src-shared/api'
import { decodeHostMessage, encodeHostMessage } from '../../src-shared/wire'
import { spawnNodeWorker } from '../../src-main/engine/node-worker'
import { createHost } from '../../src-main/host/host'
import { CONTENT_SECURITY_POLICY } from '../../src-main/shell/security'
import { type DisposableApi, parseCall, startWebServer, type WebServer } from '../../src-main/web/server'
import { createWsClient, type WsClient } from '../../src-renderer/api/ws-client'

const root = mkdtempSync(join(tmpdir(), 'gradscape-web-'))
writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>')
mkdirSync(join(root, 'assets'))
writeFileSync(join(root, 'assets', 'a.js'), 'console.log(1)')
writeFileSync(join(tmpdir(), 'gradscape-secret.txt'), 'secret')

/** A tiny in-memory host: records calls, streams two chunks per job. */
function fakeHost(calls: string[]): DisposableApi {
  const listeners = new Set<(e: JobEvent) => void>()
  let jobId = 0
  const api: DisposableApi = {
    async info() {
      calls.push('info')
      return { version: '0', host: 'web', presets: [], optimizers: [], backend: 'fake' }
    },
    async validateExpression(expr) {
      calls.push(`validateExpression ${expr}`)
      return expr.includes('z')
        ? { ok: false, problem: { field: 'landscape.expr', message: 'unknown symbol', position: expr.indexOf('z') + 1 } }
        : { ok: true }
    },
    async validateScenario() {
      calls.push('validateScenario')
      return { ok: true }
    },
    async sampleSurface(r) {
      calls.push('sampleSurface')
      const values = new Float32Array(r.n[0] * r.n[1]).map((_, i) => i)
      values[0] = NaN
      return { x: r.x, y: r.y, n: r.n, values, min: NaN, max: values.length - 1, lo: 1, hi: 2 }
    },
    async startJob(doc) {
      calls.push('startJob')
      if (doc.fail) throw Object.assign(new Error('steps: must be a number'), { problem: { field: 'steps', message: 'must be a number' } })
      const id = ++jobId
      setTimeout(() => {
        for (const start of [0, 2]) {
          const chunk: RunChunk = {
            jobId: id,
            start,
            count: 2,
            xy: Float32Array.of(start, 1, start + 1, 1, 5, 5, 6, 6),
            loss: Float32Array.of(1, 2, 3, 4),
          }
          for (const l of listeners) l({ type: 'chunk', chunk })
        }
        for (const l of listeners) l({ type: 'done', jobId: id, divergedAt: Int32Array.of(-1, 3), seconds: 0.01 })
      }, 5)
      return { jobId: id, optimizers: [{ base: { name: 'sgd' }, sweep: [] }], starts: Float64Array.of(0, 1, 5, 5), kept: 4, every: 1 }
    },
    async cancelJob(id) {
      calls.push(`cancelJob ${id}`)
    },
    async gradientEstimates() {
      return { gradient: [1, 2], estimate: [3, 4] }
    },
    async centralFlow(r) {
      calls.push(`centralFlow ${r.optimizer.name}`)
      if (r.optimizer.name !== 'sgd')
        throw Object.assign(new Error('optimizer: no central flow for adam'), {
          problem: { field: 'optimizer', message: 'no central flow for adam' },
        })
      const n = Math.floor(r.steps / r.every) + 1
      return {
        jobId: -1,
        run: -1,
        xy: new Float32Array(2 * n).fill(r.init[0]),
        loss: new Float32Array(n).fill(1),
        predictedLoss: new Float32Array(n).fill(2),
        sharpness: new Float32Array(n).fill(5),
        sigma2: new Float32Array(n).fill(NaN),
        axis: new Float32Array(2 * n),
        stoppedAt: n > 3 ? 3 : null,
        stopReason: n > 3 ? 'GD diverges here' : null,
      }
    },
    onJobEvent(l) {
      listeners.add(l)
      return () => {
        listeners.delete(l)
      }
    },
    async dispose() {
      calls.push('dispose')
    },
  }
  return api
}

function until<T>(api: GradscapeApi, pick: (e: JobEvent) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const off = api.onJobEvent((e) => {
      const v = pick(e)
      if (v !== undefined) {
        off()
        resolve(v)
      }
    })
  })
}

describe('wire codec', () => {
  it('round-trips typed arrays (aligned) and non-finite numbers in one binary frame', () => {
    const chunk: RunChunk = {
      jobId: 3,
      start: 0,
      count: 3,
      xy: Float32Array.of(1, 2, 3, 4, 5, NaN),
      loss: Float32Array.of(0.5, Infinity, -1),
    }
    const frame = encodeHostMessage({ t: 'event', event: { type: 'chunk', chunk } })
    expect(frame).toBeInstanceOf(Uint8Array)
    const back = decodeHostMessage((frame as Uint8Array).slice().buffer)
    expect(back.t).toBe('event')
    const c = (back as { event: { chunk: RunChunk } }).event.chunk
    expect(c.xy).toBeInstanceOf(Float32Array)
    expect(Array.from(c.xy)).toEqual([1, 2, 3, 4, 5, NaN])
    expect(Array.from(c.loss)).toEqual([0.5, Infinity, -1])
    const text = encodeHostMessage({ t: 'result', id: 1, ok: true, value: { min: NaN, max: -Infinity } })
    expect(typeof text).toBe('string')
    expect(decodeHostMessage(text)).toEqual({ t: 'result', id: 1, ok: true, value: { min: NaN, max: -Infinity } })
  })

  it('refuses frames that are not its own', () => {
    expect(() => decodeHostMessage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a Gradscape/)
  })
})

const flowRequest: CentralFlowRequest = {
  landscape: { preset: 'cubic_valley' },
  optimizer: { name: 'sgd', lr: 0.4 },
  init: [4, 0.5],
  steps: 10,
  every: 2,
}

describe('parseCall (guards on every payload)', () => {
  const call = (op: string, args: unknown) => JSON.stringify({ t: 'call', id: 1, op, args })
  it('accepts well-formed calls', () => {
    expect(parseCall(call('info', []))).toMatchObject({ op: 'info' })
    expect(parseCall(call('centralFlow', [flowRequest]))).toMatchObject({ op: 'centralFlow' })
    expect(parseCall(call('sampleSurface', [{ landscape: { preset: 'booth' }, x: [0, 1], y: [0, 1], n: [8, 8] }]))).toMatchObject({
      op: 'sampleSurface',
    })
  })
  it.each(
    [
      ['{', 'not JSON'],
      [JSON.stringify({ t: 'call', id: -1, op: 'info', args: [] }), 'bad id'],
      [call('eval', []), 'unknown operation'],
      [call('info', {}), 'bad arguments'],
      [call('info', [1]), 'info: '],
      [call('validateExpression', ['x'.repeat(5000)]), 'validateExpression: '],
      [call('startJob', [[1, 2]]), 'startJob: '],
      [call('cancelJob', [1.5]), 'cancelJob: '],
      [call('centralFlow', []), 'centralFlow: '],
      [call('centralFlow', [{ ...flowRequest, steps: -1 }]), 'centralFlow: '],
      [call('centralFlow', [{ ...flowRequest, every: 0.5 }]), 'centralFlow: '],
      [call('centralFlow', [{ ...flowRequest, init: [0] }]), 'centralFlow: '],
      [call('centralFlow', [{ ...flowRequest, landscape: { preset: 7 } }]), 'centralFlow: '],
      [call('centralFlow', [{ ...flowRequest, optimizer: { name: 'sgd', lr: [1, 2, 3] } }]), 'centralFlow: '],
      [call('centralFlow', [flowRequest, flowRequest]), 'centralFlow: '],
      [call('sampleSurface', [{ landscape: {}, x: [0, 1], y: [0, 1], n: [1, 8] }]), 'sampleSurface: '],
    ].map(([raw, why]) => [why, raw]),
  )('refuses a frame: %s', (why, raw) => {
    // Refusals name the operation and, from the shared operation table, what was wrong.
    expect(parseCall(raw)).toEqual(expect.stringContaining(why))
  })
})

describe('web server with an in-memory host', () => {
  const calls: string[] = []
  let server: WebServer
  let client: WsClient
  beforeAll(async () => {
    server = await startWebServer({ rootDir: root, port: 0, createApi: () => fakeHost(calls) })
    client = createWsClient(`ws://127.0.0.1:${server.port}/api`, { WebSocket: WebSocket as never })
  })
  afterAll(async () => {
    client.close()
    await server.close()
  })

  it('serves the renderer with the app CSP and refuses paths outside it', async () => {
    const res = await fetch(server.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    const js = await fetch(`${server.url}assets/a.js`)
    expect(js.headers.get('content-type')).toMatch(/javascript/)
    for (const path of ['../gradscape-secret.txt', '%2e%2e/gradscape-secret.txt', 'assets/../../gradscape-secret.txt', 'nope.html']) {
      const r = await fetch(`${server.url}${path}`)
      expect(r.status, path).toBe(404)
    }
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405)
  })

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin on the socket', async () => {
    const http = await import('node:http')
    const status = await new Promise<number>((resolve) => {
      http.get({ host: '127.0.0.1', port: server.port, path: '/', headers: { Host: `evil.example:${server.port}` } }, (res) =>
        resolve(res.statusCode ?? 0),
      )
    })
    expect(status).toBe(421)
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { origin: 'http://evil.example' })
      ws.on('open', () => resolve('open'))
      ws.on('error', (e) => resolve(e.message))
    })
    expect(refused).toMatch(/403/)
    const ok = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { origin: `http://127.0.0.1:${server.port}` })
      ws.on('open', () => {
        ws.close()
        resolve('open')
      })
      ws.on('error', (e) => resolve(e.message))
    })
    expect(ok).toBe('open')
  })

  it('answers calls, with validation problems and positions intact', async () => {
    expect((await client.info()).backend).toBe('fake')
    expect(await client.validateExpression('x + z')).toEqual({
      ok: false,
      problem: { field: 'landscape.expr', message: 'unknown symbol', position: 5 },
    })
  })

  it('delivers surfaces as Float32Arrays with NaN preserved', async () => {
    const s: Surface = await client.sampleSurface({ landscape: { preset: 'booth' }, x: [0, 1], y: [0, 1], n: [4, 3] })
    expect(s.values).toBeInstanceOf(Float32Array)
    expect(s.values.length).toBe(12)
    expect(Number.isNaN(s.values[0])).toBe(true)
    expect(s.values[11]).toBe(11)
    expect(Number.isNaN(s.min)).toBe(true)
  })

  it('streams chunks and done events as typed arrays', async () => {
    const done = until(client, (e) => (e.type === 'done' ? e : undefined))
    const chunks: RunChunk[] = []
    const off = client.onJobEvent((e) => {
      if (e.type === 'chunk') chunks.push(e.chunk)
    })
    const started: JobStarted = await client.startJob({ landscape: { preset: 'booth' } })
    const d = await done
    off()
    expect(d.jobId).toBe(started.jobId)
    expect(d.divergedAt).toBeInstanceOf(Int32Array)
    expect(Array.from(d.divergedAt)).toEqual([-1, 3])
    expect(chunks.map((c) => c.start)).toEqual([0, 2])
    expect(chunks[1].xy).toBeInstanceOf(Float32Array)
    expect(Array.from(chunks[1].xy)).toEqual([2, 1, 3, 1, 5, 5, 6, 6])
  })

  it('delivers a central flow as typed arrays (checked by the client), its problem intact, and refuses a bad request', async () => {
    const f = await client.centralFlow(flowRequest)
    expect(f.xy).toBeInstanceOf(Float32Array)
    expect(f.loss).toHaveLength(6)
    expect(f.xy[0]).toBe(4)
    expect(Number.isNaN(f.sigma2[0])).toBe(true)
    expect(f.stoppedAt).toBe(3)
    expect(f.stopReason).toBe('GD diverges here')
    await expect(client.centralFlow({ ...flowRequest, optimizer: { name: 'adam' } })).rejects.toMatchObject({
      problem: { field: 'optimizer' },
    })
    const before = calls.length
    await expect(client.centralFlow({ ...flowRequest, steps: 1e9 })).rejects.toThrow(/refused: centralFlow: request must be/)
    expect(calls.length).toBe(before)
  })

  it('rejects with the host problem, and refuses bad payloads before they reach the host', async () => {
    await expect(client.startJob({ fail: true })).rejects.toMatchObject({ problem: { field: 'steps' } })
    const before = calls.length
    await expect(client.cancelJob(-3)).rejects.toThrow(/refused: cancelJob: jobId must be a non-negative integer/)
    await expect(client.startJob([] as never)).rejects.toThrow(/refused/)
    expect(calls.length).toBe(before)
  })

  it('disposes the host when the socket closes', async () => {
    const other = createWsClient(`ws://127.0.0.1:${server.port}/api`, { WebSocket: WebSocket as never })
    await other.info()
    const disposedBefore = calls.filter((c) => c === 'dispose').length
    other.close()
    await expect.poll(() => calls.filter((c) => c === 'dispose').length).toBe(disposedBefore + 1)
  })
})

describe('web server with the real host (engine worker under tsx)', () => {
  let server: WebServer
  let client: WsClient
  beforeAll(async () => {
    server = await startWebServer({
      rootDir: root,
      port: 0,
      createApi: () => createHost({ host: 'web', version: 'test', spawnWorker: spawnNodeWorker }),
    })
    client = createWsClient(`ws://127.0.0.1:${server.port}/api`, { WebSocket: WebSocket as never })
  })
  afterAll(async () => {
    client.close()
    await server.close()
  })

  it('runs a job and streams every kept point', async () => {
    const info = await client.info()
    expect(info.host).toBe('web')
    expect(info.presets.some((p) => p.id === 'himmelblau')).toBe(true)
    const doc = {
      landscape: { preset: 'himmelblau' },
      optimizers: [
        { name: 'sgd', lr: 0.01 },
        { name: 'adam', lr: 0.1 },
      ],
      init: { random: { x: [-2, 2], y: [-2, 2], count: 10, seed: 1 } },
      steps: 200,
      record: { every: 2 },
    }
    let points = 0
    const off = client.onJobEvent((e) => {
      if (e.type === 'chunk') points += e.chunk.count
    })
    const done = until(client, (e) => (e.type === 'done' ? e : undefined))
    const started = await client.startJob(doc)
    expect(runsOf(started)).toHaveLength(20)
    expect(started.starts).toBeInstanceOf(Float64Array)
    expect(started.kept).toBe(101)
    await done
    off()
    expect(points).toBe(101)
  })

  it('reports an expression problem with its position', async () => {
    const v = await client.validateExpression('x^2 + zz')
    expect(v.ok).toBe(false)
    if (!v.ok) expect(v.problem.position).toBe(7)
    const s = await client.validateScenario({ landscape: { expr: 'x +' }, optimizer: { name: 'sgd' }, init: [0, 0], steps: 1 })
    expect(s.ok).toBe(false)
  })
})
