/**
 * The main-process side of the engine: owns the worker, numbers jobs, forwards events, and
 * restarts the worker if it dies or stops answering (telling listeners, so the UI can say so and
 * re-run). A chunk is acknowledged to the worker only once every listener has let it go: a
 * listener that returns a promise (a socket still draining) holds the worker back.
 */
import type { Worker } from 'node:worker_threads'
import type {
  CentralFlowRequest,
  FlowData,
  InputProblem,
  JobEvent,
  JobStarted,
  ScenarioDoc,
  Surface,
  SurfaceRequest,
  Validation,
} from '../../src-shared/api'
import type { FromWorker, ToWorker } from './protocol'
import type { EstimateData, EstimateRequest } from '../../src-shared/estimator/request'

export type SpawnWorker = () => Worker

export interface EngineOptions {
  /**
   * A worker that has not answered a ping for this long is stopped and replaced, as if it had
   * died. Default 60 s: the longest synchronous step of the engine (expanding a 10⁷-run sweep,
   * sampling a 2048² surface) takes seconds.
   */
  readonly watchdogMs?: number
  /**
   * Give each chunk's position and loss buffers back to the worker once every listener has let
   * the chunk go, for its next chunks (chunk-buffers.ts: fresh memory is slow to touch). The
   * chunk's arrays are then detached (length 0), so this is for owners whose listeners copy a
   * chunk as they pass it on (the hosts: an IPC message, a WebSocket frame) and keep no reference
   * past the promise they return. Default off: the arrays stay the listeners'.
   */
  readonly returnChunkBuffers?: boolean
}

export const DEFAULT_WATCHDOG_MS = 60_000

export class EngineError extends Error {
  readonly problem: InputProblem
  constructor(problem: InputProblem) {
    super(problem.message)
    this.name = 'EngineError'
    this.problem = problem
  }
}

const MAX_FAILED_STARTS = 3

interface Pending<T> {
  resolve(v: T): void
  reject(e: Error): void
}

/** Answer request `id`: with the worker's result, or its problem (`failed` when it sent none). */
function settle<T>(
  waiters: Map<number, Pending<T>>,
  id: number,
  result: T | undefined,
  problem: InputProblem | undefined,
  failed: string,
): void {
  const w = waiters.get(id)
  waiters.delete(id)
  if (result) w?.resolve(result)
  else w?.reject(new EngineError(problem ?? { field: '', message: failed }))
}

/** The buffers of `arrays` that each hold one array whole, once each (what can be given back). */
function wholeBuffers(...arrays: Float32Array[]): ArrayBuffer[] {
  const buffers = arrays
    .filter(
      (a) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.byteLength > 0 && !(a.buffer instanceof SharedArrayBuffer),
    )
    .map((a) => a.buffer as ArrayBuffer)
  return [...new Set(buffers)]
}

export class EngineClient {
  private worker: Worker
  private nextJobId = 1
  private nextRequestId = 1
  private readonly listeners = new Set<(e: JobEvent) => void | Promise<void>>()
  private readonly startWaiters = new Map<number, Pending<JobStarted>>()
  private readonly surfaceWaiters = new Map<number, Pending<Surface>>()
  private readonly validateWaiters = new Map<number, Pending<Validation>>()
  private readonly flowWaiters = new Map<number, Pending<FlowData>>()
  private readonly expressionWaiters = new Map<number, Pending<Validation>>()
  private readonly estimateWaiters = new Map<number, Pending<EstimateData>>()
  private disposed = false
  /** Number of times the worker died and was replaced. */
  restarts = 0
  private readonly watchdogMs: number
  private readonly returnChunkBuffers: boolean
  private readonly watchdog: ReturnType<typeof setInterval>
  /** The ping awaiting its pong: its number and when it was sent. */
  private ping: { seq: number; at: number } | null = null
  private nextPing = 1

  constructor(
    private readonly spawn: SpawnWorker,
    options: EngineOptions = {},
  ) {
    this.worker = this.attach(spawn())
    this.watchdogMs = options.watchdogMs ?? DEFAULT_WATCHDOG_MS
    this.returnChunkBuffers = options.returnChunkBuffers ?? false
    // Look four times per period: a hung worker is replaced within 1¼ periods.
    this.watchdog = setInterval(() => this.checkAlive(), Math.max(10, this.watchdogMs / 4))
    this.watchdog.unref?.()
  }

  private checkAlive(): void {
    if (this.disposed) return
    const now = performance.now()
    if (this.ping && now - this.ping.at > this.watchdogMs) {
      const silentS = (now - this.ping.at) / 1000
      this.onDeath(`the engine stopped answering for ${silentS.toFixed(silentS < 10 ? 1 : 0)} s`)
      return
    }
    if (!this.ping) {
      this.ping = { seq: this.nextPing++, at: now }
      this.worker.postMessage({ type: 'ping', seq: this.ping.seq } satisfies ToWorker)
    }
  }

  private attach(worker: Worker): Worker {
    worker.on('message', (msg: FromWorker) => this.onMessage(msg))
    worker.on('error', (err) => this.onDeath(`engine error: ${err.message}`))
    worker.on('exit', (code) => {
      if (!this.disposed) this.onDeath(`engine exited with code ${code}`)
    })
    return worker
  }

  /** Deaths in a row without a single message in between: a worker that cannot start. */
  private deathsWithoutLife = 0

  private onDeath(reason: string): void {
    if (this.disposed) return
    const dead = this.worker
    this.restarts++
    this.deathsWithoutLife++
    const lost = new Error(`${reason}; the engine was restarted`)
    this.ping = null
    for (const waiters of [
      this.startWaiters,
      this.surfaceWaiters,
      this.validateWaiters,
      this.flowWaiters,
      this.expressionWaiters,
      this.estimateWaiters,
    ] as Map<number, Pending<unknown>>[]) {
      for (const w of waiters.values()) w.reject(lost)
      waiters.clear()
    }
    dead.removeAllListeners()
    void dead.terminate().catch(() => undefined)
    if (this.deathsWithoutLife > MAX_FAILED_STARTS) {
      // Restarting again would only loop; stay down and say why.
      this.disposed = true
      this.emit({
        type: 'engine-restarted',
        reason: `${reason}; the engine failed ${this.deathsWithoutLife} times in a row and was stopped`,
      })
      return
    }
    this.worker = this.attach(this.spawn())
    this.emit({ type: 'engine-restarted', reason })
  }

  /** Tells every listener; returns the promises of those that hold the event (backpressure). */
  private emit(e: JobEvent): Promise<void>[] {
    const held: Promise<void>[] = []
    for (const l of this.listeners) {
      const r = l(e)
      if (r && typeof (r as Promise<void>).then === 'function') held.push(r as Promise<void>)
    }
    return held
  }

  private post(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (this.disposed) throw new Error('the engine is stopped')
    this.worker.postMessage(msg, transfer)
  }

  private onMessage(msg: FromWorker): void {
    if (this.disposed) return
    this.deathsWithoutLife = 0
    switch (msg.type) {
      case 'started': {
        this.startWaiters.get(msg.started.jobId)?.resolve(msg.started)
        this.startWaiters.delete(msg.started.jobId)
        break
      }
      case 'error': {
        const w = this.startWaiters.get(msg.jobId)
        if (w) {
          w.reject(new EngineError(msg.problem))
          this.startWaiters.delete(msg.jobId)
        }
        this.emit({ type: 'error', jobId: msg.jobId, problem: msg.problem })
        break
      }
      case 'chunk': {
        const held = this.emit({ type: 'chunk', chunk: msg.chunk })
        // Let the worker continue once every listener has passed the chunk on (a socket that
        // drained, a renderer that acknowledged it); at once when none held it.
        const worker = this.worker
        const ack = () => {
          if (this.disposed || this.worker !== worker) return
          const buffers = this.returnChunkBuffers ? wholeBuffers(msg.chunk.xy, msg.chunk.loss) : []
          this.post({ type: 'ack', jobId: msg.chunk.jobId, ...(buffers.length > 0 ? { buffers } : {}) }, buffers)
        }
        if (held.length === 0) ack()
        else void Promise.allSettled(held).then(ack)
        break
      }
      case 'pong':
        if (this.ping?.seq === msg.seq) this.ping = null
        break
      case 'expression-checked':
        this.expressionWaiters.get(msg.requestId)?.resolve(msg.validation)
        this.expressionWaiters.delete(msg.requestId)
        break
      case 'flow':
        this.emit({ type: 'flow', flow: msg.flow })
        break
      case 'done':
        this.emit({ type: 'done', jobId: msg.jobId, divergedAt: msg.divergedAt, seconds: msg.seconds, backend: msg.backend })
        break
      case 'cancelled': {
        const w = this.startWaiters.get(msg.jobId)
        if (w) {
          w.reject(new Error('superseded'))
          this.startWaiters.delete(msg.jobId)
        }
        this.emit({ type: 'cancelled', jobId: msg.jobId })
        break
      }
      case 'surface':
        settle(this.surfaceWaiters, msg.requestId, msg.surface, msg.problem, 'surface failed')
        break
      case 'validated':
        this.validateWaiters.get(msg.requestId)?.resolve(msg.validation)
        this.validateWaiters.delete(msg.requestId)
        break
      case 'flow-result':
        settle(this.flowWaiters, msg.requestId, msg.flow, msg.problem, 'central flow failed')
        break
      case 'estimates-result':
        settle(this.estimateWaiters, msg.requestId, msg.data, msg.problem, 'gradient estimates failed')
        break
    }
  }

  /** Start a job (superseding the running one). Resolves when the worker accepted it. */
  start(doc: ScenarioDoc): Promise<JobStarted> {
    const jobId = this.nextJobId++
    return new Promise((resolve, reject) => {
      this.startWaiters.set(jobId, { resolve, reject })
      this.post({ type: 'start', jobId, doc })
    })
  }

  cancel(jobId: number): void {
    this.post({ type: 'cancel', jobId })
  }

  sampleSurface(request: SurfaceRequest): Promise<Surface> {
    const requestId = this.nextRequestId++
    return new Promise((resolve, reject) => {
      this.surfaceWaiters.set(requestId, { resolve, reject })
      this.post({ type: 'surface', requestId, request })
    })
  }

  validate(doc: ScenarioDoc): Promise<Validation> {
    const requestId = this.nextRequestId++
    return new Promise((resolve, reject) => {
      this.validateWaiters.set(requestId, { resolve, reject })
      this.post({ type: 'validate', requestId, doc })
    })
  }

  /** Check an expression in the worker (a long input costs the host's main thread nothing). */
  validateExpression(expr: string): Promise<Validation> {
    const requestId = this.nextRequestId++
    return new Promise((resolve, reject) => {
      this.expressionWaiters.set(requestId, { resolve, reject })
      this.post({ type: 'expression', requestId, expr })
    })
  }

  /** One central flow, integrated in the worker (it does not disturb the running job's stream). */
  centralFlow(request: CentralFlowRequest): Promise<FlowData> {
    const requestId = this.nextRequestId++
    return new Promise((resolve, reject) => {
      this.flowWaiters.set(requestId, { resolve, reject })
      this.post({ type: 'flow', requestId, request })
    })
  }

  /** ∇L and a gradient estimate at points, computed in the worker. */
  gradientEstimates(request: EstimateRequest): Promise<EstimateData> {
    const requestId = this.nextRequestId++
    return new Promise((resolve, reject) => {
      this.estimateWaiters.set(requestId, { resolve, reject })
      this.post({ type: 'estimates', requestId, request })
    })
  }

  onEvent(listener: (e: JobEvent) => void | Promise<void>): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** For tests of restart: kill the worker as a crash would. */
  crashForTest(): Promise<number> {
    return this.worker.terminate()
  }

  async dispose(): Promise<void> {
    this.disposed = true
    clearInterval(this.watchdog)
    this.listeners.clear()
    await this.worker.terminate()
  }
}
