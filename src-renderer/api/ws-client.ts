/**
 * GradscapeApi over a WebSocket to the web host (src-main/web/server.ts): requests as JSON
 * text frames, results and job events back as JSON or binary frames (src-shared/wire.ts), so
 * trajectory chunks and surfaces arrive as Float32Arrays without a JSON detour.
 *
 * The socket connects lazily and reconnects with backoff. Calls made while it is down wait for
 * it; calls in flight when it drops fail. After a reconnect, listeners get an
 * `engine-restarted` event: the new connection has a fresh engine, so the UI re-runs.
 */
import { type CentralFlowRequest, guards } from '../../src-shared/api'
import { type EstimateRequest, isEstimateData } from '../../src-shared/estimator/request'
import type {
  GradscapeApi,
  HostInfo,
  InputProblem,
  JobEvent,
  JobStarted,
  Operation,
  ScenarioDoc,
  Surface,
  SurfaceRequest,
  Validation,
} from '../../src-shared/api'
import { type CallMessage, decodeHostMessage, type HostMessage } from '../../src-shared/wire'

/** An error of a call; `problem` is set when the host refused the input. */
export class ApiError extends Error {
  readonly problem?: InputProblem
  constructor(message: string, problem?: InputProblem) {
    super(message)
    this.name = 'ApiError'
    this.problem = problem
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed'

/** The WebSocket members the client uses (browser WebSocket, or the `ws` package in Node tests). */
interface SocketLike {
  binaryType: string
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void
}

export interface WsClientOptions {
  /** Defaults to the global WebSocket. */
  readonly WebSocket?: new (url: string) => SocketLike
  /** Longest wait between reconnection attempts, ms. Default 4000. */
  readonly maxBackoffMs?: number
}

export type WsClient = GradscapeApi & {
  readonly state: () => ConnectionState
  onStateChange(listener: (state: ConnectionState) => void): () => void
  /** Close for good (no reconnect). */
  close(): void
}

interface Pending {
  resolve(v: unknown): void
  reject(e: Error): void
}

const OPEN = 1

/** `ws(s)://<this page's host>/api` */
export function defaultApiUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api`
}

export function createWsClient(url: string, options: WsClientOptions = {}): WsClient {
  const Socket = options.WebSocket ?? (globalThis.WebSocket as unknown as new (url: string) => SocketLike)
  const maxBackoff = options.maxBackoffMs ?? 4000
  const listeners = new Set<(e: JobEvent) => void>()
  const stateListeners = new Set<(s: ConnectionState) => void>()
  const pending = new Map<number, Pending>()
  const queue: CallMessage[] = []
  let nextId = 1
  let socket: SocketLike | null = null
  let state: ConnectionState = 'closed'
  let closedForGood = false
  let everOpened = false
  let backoff = 250
  let retryTimer: ReturnType<typeof setTimeout> | null = null

  const setState = (s: ConnectionState) => {
    if (s === state) return
    state = s
    for (const l of stateListeners) l(s)
  }
  const emit = (e: JobEvent) => {
    for (const l of listeners) l(e)
  }

  function connect(): void {
    if (closedForGood || socket) return
    setState('connecting')
    const ws = new Socket(url)
    ws.binaryType = 'arraybuffer'
    socket = ws
    ws.addEventListener('open', () => {
      backoff = 250
      setState('open')
      for (const call of queue.splice(0)) ws.send(JSON.stringify(call))
      if (everOpened) emit({ type: 'engine-restarted', reason: 'reconnected to the web host' })
      everOpened = true
    })
    ws.addEventListener('message', (e) => {
      let msg: HostMessage
      try {
        msg = decodeHostMessage(e.data as string | ArrayBuffer)
      } catch (err) {
        console.error('gradscape: undecodable frame from the web host', err)
        return
      }
      if (msg.t === 'event') {
        emit(msg.event)
        return
      }
      const p = pending.get(msg.id)
      if (!p) return
      pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.value)
      else p.reject(new ApiError(msg.error.message, msg.error.problem))
    })
    ws.addEventListener('error', () => {
      /* 'close' follows */
    })
    ws.addEventListener('close', () => {
      if (socket !== ws) return
      socket = null
      setState('closed')
      const lost = new ApiError('the connection to the web host was lost')
      for (const p of pending.values()) p.reject(lost)
      pending.clear()
      if (closedForGood) return
      retryTimer = setTimeout(() => {
        retryTimer = null
        connect()
      }, backoff)
      backoff = Math.min(maxBackoff, backoff * 2)
    })
  }

  function call<T>(op: Operation, ...args: unknown[]): Promise<T> {
    if (closedForGood) return Promise.reject(new ApiError('the client is closed'))
    const id = nextId++
    const msg: CallMessage = { t: 'call', id, op, args }
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      if (socket && socket.readyState === OPEN) socket.send(JSON.stringify(msg))
      else {
        queue.push(msg)
        connect()
      }
    })
  }

  connect()

  return {
    info: () => call<HostInfo>('info'),
    validateExpression: (expr: string) => call<Validation>('validateExpression', expr),
    validateScenario: (doc: ScenarioDoc) => call<Validation>('validateScenario', doc),
    sampleSurface: (request: SurfaceRequest) => call<Surface>('sampleSurface', request),
    startJob: (doc: ScenarioDoc) => call<JobStarted>('startJob', doc),
    cancelJob: async (jobId: number) => {
      await call<null>('cancelJob', jobId)
    },
    async centralFlow(request: CentralFlowRequest) {
      const flow = await call<unknown>('centralFlow', request)
      if (!guards.flowData(flow)) throw new ApiError('centralFlow: the web host answered with something that is not a central flow')
      return flow
    },
    async gradientEstimates(request: EstimateRequest) {
      const data = await call<unknown>('gradientEstimates', request)
      if (!isEstimateData(data)) throw new ApiError('gradientEstimates: the web host answered with something that is not estimates')
      return data
    },
    onJobEvent(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    state: () => state,
    onStateChange(listener) {
      stateListeners.add(listener)
      return () => {
        stateListeners.delete(listener)
      }
    },
    close() {
      closedForGood = true
      if (retryTimer) clearTimeout(retryTimer)
      queue.length = 0
      for (const p of pending.values()) p.reject(new ApiError('the client is closed'))
      pending.clear()
      socket?.close(1000, 'bye')
      socket = null
      setState('closed')
    },
  }
}
