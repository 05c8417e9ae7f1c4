/**
 * The web host: serves the built renderer (out/renderer) and adapts GradscapeApi over a
 * WebSocket at /api, so the renderer runs in any browser exactly as it runs in Electron.
 *
 * Like the Electron shell, this is a thin adapter over `createHost()` (src-main/host): each
 * WebSocket connection gets its own host (its own engine worker, its own jobs), every incoming
 * payload is checked with the `guards` of src-shared/api.ts before it reaches the host, and
 * every response carries the app's Content-Security-Policy (src-main/shell/security.ts).
 *
 * It binds to loopback by default and refuses requests whose Host is not the address it serves
 * (DNS rebinding) and WebSocket upgrades from any other Origin (cross-site WebSocket hijacking).
 */
import { createReadStream, type Stats } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, isAbsolute, join, normalize, relative, resolve } from 'node:path'
import { type RawData, WebSocket, WebSocketServer } from 'ws'
import { type GradscapeApi, guards, OPERATIONS, type Operation } from '../../src-shared/api'
import { type CallMessage, encodeHostMessage, type HostMessage, MAX_CALL_BYTES } from '../../src-shared/wire'
import { argumentProblem, OPERATION_TABLE, type OperationEntry } from '../../src-shared/operations'
import { errorEnvelope, isObject } from '../../src-shared/problem'
import { CONTENT_SECURITY_POLICY } from '../shell/security'

/** A host as the web server needs it: the API plus a way to release its engine. */
export type DisposableApi = GradscapeApi & { dispose(): Promise<void> }

export interface WebServerOptions {
  /** Folder of the built renderer (holds index.html). */
  readonly rootDir: string
  /** Makes one host per WebSocket connection. */
  readonly createApi: () => DisposableApi
  /** 0 picks a free port. Default 5178. */
  readonly port?: number
  /** Interface to bind. Default 127.0.0.1. */
  readonly host?: string
  /** One line per notable event (connections, refused requests). Default: silent. */
  readonly log?: (line: string) => void
  /** Open sessions at most (each runs its own ~130 MB engine worker); more are closed with 1013. Default 8. */
  readonly maxSessions?: number
  /** A client whose unsent frames exceed this many bytes is dropped. Default 64 MB. */
  readonly maxBufferedBytes?: number
  /** A client that has not taken a chunk for this long is dropped. Default 30 s. */
  readonly slowClientMs?: number
}

export const DEFAULT_MAX_SESSIONS = 8
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024
export const DEFAULT_SLOW_CLIENT_MS = 30_000

export interface WebServer {
  /** http://host:port/ */
  readonly url: string
  readonly port: number
  /** Open WebSocket sessions (for tests). */
  readonly sessions: () => number
  close(): Promise<void>
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
}

/** Parse and check one client frame; a string says why it was refused. */
export function parseCall(raw: string): CallMessage | string {
  let msg: unknown
  try {
    msg = JSON.parse(raw)
  } catch {
    return 'not JSON'
  }
  if (!isObject(msg) || msg.t !== 'call') return 'not a call'
  if (!guards.jobId(msg.id)) return 'bad id'
  if (typeof msg.op !== 'string' || !(OPERATIONS as readonly string[]).includes(msg.op)) return 'unknown operation'
  if (!Array.isArray(msg.args)) return 'bad arguments'
  const op = msg.op as Operation
  const problem = argumentProblem(op, OPERATION_TABLE[op].args, msg.args)
  if (problem !== null) return problem
  return { t: 'call', id: msg.id, op, args: msg.args }
}

function invoke(api: GradscapeApi, call: CallMessage): Promise<unknown> {
  return (OPERATION_TABLE[call.op] as OperationEntry<GradscapeApi, typeof call.op>).call(api, call.args)
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/**
 * Host names (without port) this server answers to; null (any) when bound to every interface,
 * which the user asked for explicitly.
 */
function allowedHostNames(bound: string): Set<string> | null {
  if (bound === '0.0.0.0' || bound === '::') return null
  const names = new Set(LOOPBACK_NAMES)
  names.add(bound.includes(':') ? `[${bound}]` : bound)
  return names
}

function hostHeaderOk(req: IncomingMessage, names: Set<string> | null, port: number): boolean {
  const h = req.headers.host
  if (typeof h !== 'string') return false
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(h.toLowerCase())
  if (!m) return false
  if (names !== null && !names.has(m[1])) return false
  return m[2] === undefined ? port === 80 : Number(m[2]) === port
}

function originOk(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  // Non-browser clients (tests, scripts) send no Origin and cannot be driven by a foreign page.
  if (origin === undefined) return true
  return origin === `http://${req.headers.host}`
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('method not allowed\n')
    return
  }
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  } catch {
    res.writeHead(400, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('bad request\n')
    return
  }
  if (pathname.endsWith('/')) pathname += 'index.html'
  const file = resolve(root, '.' + normalize('/' + pathname))
  const rel = relative(root, file)
  let info: Stats | null = null
  if (!pathname.includes('\0') && rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
    info = await stat(file).catch(() => null)
  }
  if (!info?.isFile()) {
    res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('not found\n')
    return
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}

interface SessionLimits {
  readonly maxBufferedBytes: number
  readonly slowClientMs: number
}

/**
 * One WebSocket connection: its own host, calls answered in any order, events forwarded.
 *
 * Backpressure: a chunk's listener returns a promise that settles when `ws` has handed the frame
 * to the OS (its send callback), so the engine makes the next chunks only as fast as the client
 * reads (at most MAX_CHUNKS_IN_FLIGHT waiting). A client that lets more than `maxBufferedBytes`
 * pile up, or takes no chunk for `slowClientMs`, is dropped: the host's memory stays bounded and
 * other sessions keep their share of the main thread.
 */
function serveSession(ws: WebSocket, api: DisposableApi, log: (line: string) => void, limits: SessionLimits): () => Promise<void> {
  const drop = (why: string) => {
    if (ws.readyState === WebSocket.CLOSED) return
    log(`dropped a slow client: ${why}`)
    ws.terminate()
  }
  /** Sends `msg`; resolves when the frame has left for the OS (or can no longer be sent). */
  const send = (msg: HostMessage): Promise<void> => {
    if (ws.readyState !== WebSocket.OPEN) return Promise.resolve()
    const frame = encodeHostMessage(msg)
    return new Promise<void>((resolveSent) => {
      ws.send(frame, { binary: typeof frame !== 'string' }, () => resolveSent())
      if (ws.bufferedAmount > limits.maxBufferedBytes) {
        drop(`${ws.bufferedAmount} bytes unsent (the limit is ${limits.maxBufferedBytes})`)
        resolveSent()
      }
    })
  }
  const sendChunk = (msg: HostMessage): Promise<void> => {
    const sent = send(msg)
    const timer = setTimeout(() => drop(`no chunk taken for ${limits.slowClientMs} ms`), limits.slowClientMs)
    return sent.finally(() => clearTimeout(timer))
  }
  const unsubscribe = api.onJobEvent((event) =>
    event.type === 'chunk' ? sendChunk({ t: 'event', event }) : void send({ t: 'event', event }),
  )
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      log('refused a binary frame')
      ws.close(1003, 'text frames only')
      return
    }
    const call = parseCall(data.toString())
    if (typeof call === 'string') {
      log(`refused a call: ${call}`)
      // Answer a call we can attribute; drop the rest.
      const id = (() => {
        try {
          return (JSON.parse(data.toString()) as { id?: unknown }).id
        } catch {
          return undefined
        }
      })()
      if (guards.jobId(id)) void send({ t: 'result', id, ok: false, error: { message: `refused: ${call}` } })
      return
    }
    invoke(api, call).then(
      (value) => void send({ t: 'result', id: call.id, ok: true, value: value ?? null }),
      (err: unknown) => void send({ t: 'result', id: call.id, ok: false, error: errorEnvelope(err) }),
    )
  })
  let disposed: Promise<void> | null = null
  return () => {
    disposed ??= (async () => {
      unsubscribe()
      await api.dispose().catch(() => undefined)
    })()
    return disposed
  }
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const root = resolve(options.rootDir)
  const bind = options.host ?? '127.0.0.1'
  const log = options.log ?? (() => undefined)
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS
  const limits: SessionLimits = {
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    slowClientMs: options.slowClientMs ?? DEFAULT_SLOW_CLIENT_MS,
  }
  const names = allowedHostNames(bind)
  let port = options.port ?? 5178

  const server: Server = createServer((req, res) => {
    if (!hostHeaderOk(req, names, port)) {
      res.writeHead(421, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('misdirected request\n')
      return
    }
    void serveStatic(root, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CALL_BYTES, perMessageDeflate: false })
  const closers = new Set<() => Promise<void>>()

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path !== '/api' || !hostHeaderOk(req, names, port) || !originOk(req)) {
      log(`refused a WebSocket upgrade (path ${path}, host ${req.headers.host ?? '-'}, origin ${req.headers.origin ?? '-'})`)
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (closers.size >= maxSessions) {
        // 1013 "try again later": the browser client reconnects with backoff.
        log(`refused a session: ${closers.size} open (the limit is ${maxSessions})`)
        ws.close(1013, `the host is at its limit of ${maxSessions} sessions; try again later`)
        return
      }
      let api: DisposableApi
      try {
        api = options.createApi()
      } catch (err) {
        log(`could not start a host: ${(err as Error).message}`)
        ws.close(1011, 'host failed to start')
        return
      }
      const close = serveSession(ws, api, log, limits)
      closers.add(close)
      log(`session opened (${closers.size} open)`)
      ws.on('close', () => {
        closers.delete(close)
        void close()
        log(`session closed (${closers.size} open)`)
      })
      ws.on('error', () => ws.terminate())
    })
  })

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(port, bind, () => {
      server.off('error', reject)
      resolvePromise()
    })
  })
  port = (server.address() as AddressInfo).port
  const shownHost = bind.includes(':') ? `[${bind}]` : bind === '0.0.0.0' ? '127.0.0.1' : bind

  return {
    url: `http://${shownHost}:${port}/`,
    port,
    sessions: () => closers.size,
    async close() {
      for (const ws of wss.clients) ws.terminate()
      await Promise.all([...closers].map((c) => c()))
      closers.clear()
      await new Promise<void>((r) => wss.close(() => r()))
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

/** The default folder of the built renderer, relative to the repository root. */
export const RENDERER_DIR = join('out', 'renderer')
