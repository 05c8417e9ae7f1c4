/**
 * `npm run bench:load`: the web host on 127.0.0.1 under the three loads of issue 15, each with a
 * well-behaved probe client beside it that calls `validateExpression` every 50 ms. Prints the
 * host's memory (peak RSS over the case) and the probe's latency, plus what each case is about:
 *
 * - slow-reader: a client starts a 10⁴-run job and stops reading its socket;
 * - long-flow:   a client runs a 10⁶-step job with central flows, then cancels during the flows;
 * - big-sweep:   a client starts a 10⁶-configuration sweep (JobStarted by axes), then sends a
 *                300-byte request for 3·10⁸ runs (refused before any expansion).
 *
 * Seconds per case: GRADSCAPE_LOAD_SECONDS (default 8).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import type { JobEvent } from '../src-shared/api'
import { decodeHostMessage, type HostMessage } from '../src-shared/wire'
import { spawnNodeWorker } from '../src-main/engine/node-worker'
import { createHost } from '../src-main/host/host'
import { startWebServer, type WebServer } from '../src-main/web/server'

const SECONDS = Number(process.env.GRADSCAPE_LOAD_SECONDS ?? 8)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`

/** A raw client: calls by id, events to a callback, and its socket for pausing. */
class Client {
  private nextId = 1
  private readonly waiting = new Map<number, (m: HostMessage) => void>()
  onEvent: (e: JobEvent) => void = () => undefined
  readonly closed: Promise<number>
  private constructor(readonly ws: WebSocket) {
    ws.binaryType = 'arraybuffer'
    ws.on('message', (data: ArrayBuffer | Buffer, binary: boolean) => {
      const msg = decodeHostMessage(binary ? (data as ArrayBuffer) : data.toString())
      if (msg.t === 'event') this.onEvent(msg.event)
      else {
        this.waiting.get(msg.id)?.(msg)
        this.waiting.delete(msg.id)
      }
    })
    this.closed = new Promise((r) => ws.once('close', (code) => r(code)))
  }
  static open(port: number): Promise<Client> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`)
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Client(ws)))
      ws.once('error', reject)
    })
  }
  call(op: string, ...args: unknown[]): Promise<HostMessage> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      this.ws.send(JSON.stringify({ t: 'call', id, op, args }))
    })
  }
  pause(): void {
    ;(this.ws as unknown as { _socket: { pause(): void } })._socket.pause()
  }
  close(): void {
    this.ws.terminate()
  }
}

/** Calls validateExpression every 50 ms until stopped; latencies in ms. */
function probe(client: Client): { stop(): Promise<number[]> } {
  const times: number[] = []
  let running = true
  const loop = (async () => {
    while (running) {
      const t0 = performance.now()
      await client.call('validateExpression', 'sin(x) * cos(y) + 0.1 * (x^2 + y^2)')
      times.push(performance.now() - t0)
      await sleep(50)
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      return times
    },
  }
}

/**
 * Samples memory every 100 ms; returns the peaks of the process's RSS (which includes every
 * session's engine worker thread) and of the main thread's heap plus array buffers (where
 * frames queued for a slow socket would pile up).
 */
function memory(): { stop(): { rss: number; main: number } } {
  const main = () => {
    const m = process.memoryUsage()
    return m.heapUsed + m.arrayBuffers
  }
  let rss = process.memoryUsage().rss
  let mainPeak = main()
  const timer = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage().rss)
    mainPeak = Math.max(mainPeak, main())
  }, 100)
  return {
    stop() {
      clearInterval(timer)
      return { rss, main: mainPeak }
    },
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN
}

async function runCase(server: WebServer, name: string, load: (client: Client, notes: string[]) => Promise<void>): Promise<void> {
  // Both sessions' engine workers are up before the clock starts (a worker boots in seconds).
  const prober = await Client.open(server.port)
  await prober.call('validateExpression', 'x')
  const loader = await Client.open(server.port)
  await loader.call('validateExpression', 'x')
  const rssBefore = process.memoryUsage().rss
  const mainBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers
  const mem = memory()
  const p = probe(prober)
  const notes: string[] = []
  const t0 = performance.now()
  await load(loader, notes)
  const rest = SECONDS * 1000 - (performance.now() - t0)
  if (rest > 0) await sleep(rest)
  const lat = await p.stop()
  const peak = mem.stop()
  loader.close()
  prober.close()
  await sleep(300)
  console.log(
    `${name.padEnd(12)} host RSS ${mb(rssBefore)} → peak ${mb(peak.rss)}; main thread heap+buffers ${mb(mainBefore)} → peak ${mb(peak.main)}; probe latency p50 ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms over ${lat.length} calls`,
  )
  for (const n of notes) console.log(`${''.padEnd(12)} ${n}`)
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'gradscape-load-'))
  writeFileSync(join(root, 'index.html'), '<!doctype html>')
  const server = await startWebServer({
    rootDir: root,
    port: 0,
    createApi: () => createHost({ host: 'web', version: 'bench', spawnWorker: spawnNodeWorker }),
  })
  console.log(`web host at ${server.url}; ${SECONDS} s per case; a probe client calls validateExpression every 50 ms\n`)
  try {
    await runCase(server, 'slow-reader', async (client, notes) => {
      let chunks = 0
      client.onEvent = (e) => {
        if (e.type === 'chunk') chunks++
      }
      await client.call('startJob', {
        landscape: { preset: 'himmelblau' },
        optimizer: { name: 'adam', lr: 0.01 },
        init: { random: { x: [-4, 4], y: [-4, 4], count: 10_000, seed: 1 } },
        steps: 1_000_000,
      })
      while (chunks < 8) await sleep(10)
      client.pause()
      const at = chunks
      await sleep(SECONDS * 1000 - 1000)
      notes.push(
        `the reader stopped after ${at} chunks of ${mb(10_000 * 12 * 40)}-ish; ${server.sessions()} sessions still open at the end (the engine waits for the socket to drain; the client is dropped after 30 s without taking a chunk)`,
      )
    })
    await runCase(server, 'long-flow', async (client, notes) => {
      let lastChunk = () => undefined as void
      const trajectories = new Promise<void>((r) => {
        lastChunk = r
      })
      let flows = 0
      let cancelledAt = 0
      client.onEvent = (e) => {
        if (e.type === 'chunk' && e.chunk.start + e.chunk.count === 1001) lastChunk()
        if (e.type === 'flow') flows++
        if (e.type === 'cancelled') cancelledAt = performance.now()
      }
      const optimizers = [0.05, 0.1, 0.2, 0.3].map((lr) => ({ name: 'sgd', lr }))
      const started = await client.call('startJob', {
        landscape: { preset: 'himmelblau' },
        optimizers,
        init: [
          [1, 1],
          [-2, 3],
        ],
        steps: 1_000_000,
        record: { every: 1000 },
        central_flow: true,
      })
      const jobId = started.t === 'result' && started.ok ? (started.value as { jobId: number }).jobId : -1
      await trajectories
      await sleep(2000)
      const t0 = performance.now()
      await client.call('cancelJob', jobId)
      while (!cancelledAt && performance.now() - t0 < 5000) await sleep(5)
      notes.push(
        `8 flows of 10⁶ steps (each capped at 2·10⁵); cancel answered in ${cancelledAt ? (cancelledAt - t0).toFixed(0) : '>5000'} ms, ${flows} flows sent before it`,
      )
    })
    await runCase(server, 'big-sweep', async (client, notes) => {
      const sweep = { lr: { log: [1e-4, 1e-1], n: 1000 }, momentum: { linear: [0, 0.9], n: 1000 } }
      let t0 = performance.now()
      let bytes = 0
      const raw = (data: ArrayBuffer | Buffer) => {
        bytes = Math.max(bytes, (data as ArrayBuffer).byteLength ?? 0)
      }
      client.ws.on('message', raw)
      const started = await client.call('startJob', {
        landscape: { preset: 'himmelblau' },
        optimizer: { name: 'sgd', sweep },
        init: [0.5, 0.5],
        steps: 10,
      })
      const ok = started.t === 'result' && started.ok
      notes.push(
        `10⁶-configuration sweep: startJob answered in ${(performance.now() - t0).toFixed(0)} ms (${ok ? 'accepted' : 'refused'}); largest frame ${(bytes / 1024).toFixed(0)} KB`,
      )
      client.ws.off('message', raw)
      t0 = performance.now()
      const refused = await client.call('startJob', {
        landscape: { preset: 'himmelblau' },
        optimizers: [
          { name: 'sgd', sweep },
          { name: 'sgd', sweep },
          { name: 'sgd', sweep },
        ],
        init: { grid: { x: [-1, 1], y: [-1, 1], n: [10, 10] } },
        steps: 1,
      })
      const message = refused.t === 'result' && !refused.ok ? refused.error.message : 'accepted?'
      notes.push(`3·10⁸-run request refused in ${(performance.now() - t0).toFixed(0)} ms: ${message}`)
    })
  } finally {
    await server.close()
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
