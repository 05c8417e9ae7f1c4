/**
 * The main-process side of the engine: owns the worker, numbers jobs, forwards events, and
 * restarts the worker if it dies (telling listeners, so the UI can say so and re-run).
 */
import type { Worker } from 'node:worker_threads'
import type { CentralFlowRequest, FlowData, InputProblem, JobEvent, JobStarted, ScenarioDoc, Surface, SurfaceRequest, Validation } from '../../src-shared/api'
import type { FromWorker, ToWorker } from './protocol'

export type SpawnWorker = () => Worker

export class EngineError extends Error {
  readonly problem: InputProblem
  constructor(problem: InputProblem) {
    super(problem.message)
    this.name = 'EngineError'
    this.problem = problem
  }
}

const MAX_FAILED_STARTS = 3

interface Pending<T> { resolve(v: T): void; reject(e: Error): void }

/** Answer request `id`: with the worker's result, or its problem (`failed` when it sent none). */
function settle<T>(waiters: Map<number, Pending<T>>, id: number, result: T | undefined, problem: InputProblem | undefined, failed: string): void {
  const w = waiters.get(id)
  waiters.delete(id)
  if (result) w?.resolve(result)
  else w?.reject(new EngineError(problem ?? { field: '', message: failed }))
}

export class EngineClient {
  private worker: Worker
  private nextJobId = 1
  private nextRequestId = 1
  private readonly listeners = new Set<(e: JobEvent) => void>()
  private readonly startWaiters = new Map<number, Pending<JobStarted>>()
  private readonly surfaceWaiters = new Map<number, Pending<Surface>>()
  private readonly validateWaiters = new Map<number, Pending<Validation>>()
  private readonly flowWaiters = new Map<number, Pending<FlowData>>()
  private disposed = false
  /** Number of times the worker died and was replaced. */
  restarts = 0

  constructor(private readonly spawn: SpawnWorker) {
    this.worker = this.attach(spawn())
  }

  private attach(worker: Worker): Worker {
    worker.on('message', (msg: FromWorker) => this.onMessage(msg))
    worker.on('error', (err) => this.onDeath(`engine error: ${err.message}`))
    worker.on('exit', (code) => { if (!this.disposed) this.onDeath(`engine exited with code ${code}`) })
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
    for (const waiters of [this.startWaiters, this.surfaceWaiters, this.validateWaiters, this.flowWaiters] as Map<number, Pending<unknown>>[]) {
      for (const w of waiters.values()) w.reject(lost)
      waiters.clear()
    }
    dead.removeAllListeners()
    void dead.terminate().catch(() => undefined)
    if (this.deathsWithoutLife > MAX_FAILED_STARTS) {
      // Restarting again would only loop; stay down and say why.
      this.disposed = true
      this.emit({ type: 'engine-restarted', reason: `${reason}; the engine failed ${this.deathsWithoutLife} times in a row and was stopped` })
      return
    }
    this.worker = this.attach(this.spawn())
    this.emit({ type: 'engine-restarted', reason })
  }

  private emit(e: JobEvent): void {
    for (const l of this.listeners) l(e)
  }

  private post(msg: ToWorker): void {
    if (this.disposed) throw new Error('the engine is stopped')
    this.worker.postMessage(msg)
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
        if (w) { w.reject(new EngineError(msg.problem)); this.startWaiters.delete(msg.jobId) }
        this.emit({ type: 'error', jobId: msg.jobId, problem: msg.problem })
        break
      }
      case 'chunk':
        this.emit({ type: 'chunk', chunk: msg.chunk })
        // The listeners have consumed (copied) the chunk synchronously: let the worker continue.
        this.post({ type: 'ack', jobId: msg.chunk.jobId })
        break
      case 'flow':
        this.emit({ type: 'flow', flow: msg.flow })
        break
      case 'done':
        this.emit({ type: 'done', jobId: msg.jobId, divergedAt: msg.divergedAt, seconds: msg.seconds, backend: msg.backend })
        break
      case 'cancelled': {
        const w = this.startWaiters.get(msg.jobId)
        if (w) { w.reject(new Error('superseded')); this.startWaiters.delete(msg.jobId) }
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

  /** One central flow, integrated in the worker (it does not disturb the running job's stream). */
  centralFlow(request: CentralFlowRequest): Promise<FlowData> {
    const requestId = this.nextRequestId++
    return new Promise((resolve, reject) => {
      this.flowWaiters.set(requestId, { resolve, reject })
      this.post({ type: 'flow', requestId, request })
    })
  }

  onEvent(listener: (e: JobEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** For tests of restart: kill the worker as a crash would. */
  crashForTest(): Promise<number> {
    return this.worker.terminate()
  }

  async dispose(): Promise<void> {
    this.disposed = true
    this.listeners.clear()
    await this.worker.terminate()
  }
}
