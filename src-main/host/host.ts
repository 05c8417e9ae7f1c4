/**
 * The host: GradscapeApi implemented on top of the engine worker. Both the Electron main
 * process (through IPC) and the web host (through WebSocket) serve exactly this object, so the
 * renderer cannot tell them apart.
 */
import type {
  CentralFlowRequest,
  GradscapeApi,
  HparamInfo,
  HostInfo,
  JobEvent,
  ScenarioDoc,
  SurfaceRequest,
  Validation,
} from '../../src-shared/api'
import { PRESETS } from '../../src-shared/landscape'
import type { EstimateRequest } from '../../src-shared/estimator/request'
import { OPTIMIZERS, ruleNeeds, supportedBackends } from '../../src-shared/optim'
import { EngineClient, type EngineOptions, type SpawnWorker } from '../engine/client'

export interface HostOptions {
  readonly host: 'electron' | 'web'
  readonly version: string
  readonly spawnWorker: SpawnWorker
  /** The engine's watchdog and other settings (tests shorten them). */
  readonly engine?: EngineOptions
}

export type Host = GradscapeApi & {
  dispose(): Promise<void>
  readonly engine: EngineClient
}

export function hostInfo(host: 'electron' | 'web', version: string): HostInfo {
  return {
    version,
    host,
    // The float64 reference path by default; float32 scenarios run the kernels chosen in the engine
    // worker (engine/float32/index.ts resolveMode; the host does not load GPU.js to ask).
    backend: 'float64 JS; float32 kernels (GPU.js on a GPU, else WebAssembly SIMD)',
    presets: PRESETS.map(({ minima: _m, ...p }) => p),
    optimizers: OPTIMIZERS.map((o) => ({
      name: o.name,
      title: o.title,
      rule: o.rule,
      source: o.source,
      backends: supportedBackends(o),
      needs: { residuals: ruleNeeds(o).residuals, twoDimensional: ruleNeeds(o).twoDimensional },
      // A choice fixed by the reference (`mars_type`) needs no control; `None` shows as the value it runs as.
      hparams: Object.entries(o.hparams).flatMap(([name, spec]) =>
        spec.kind === 'choice'
          ? []
          : [
              {
                name,
                kind: spec.kind,
                default: (spec.default ?? (spec.kind === 'number' ? spec.none : 0)) as HparamInfo['default'],
                doc: spec.doc,
              },
            ],
      ),
    })),
  }
}

export function createHost(options: HostOptions): Host {
  // Both hosts copy a chunk as they send it (ipc.ts portEvent into a MessagePort message, the web
  // host into a frame) and let it go when it is sent, so its buffers go back to the worker.
  const engine = new EngineClient(options.spawnWorker, { returnChunkBuffers: true, ...options.engine })
  const info = hostInfo(options.host, options.version)
  let currentJob: number | null = null
  engine.onEvent((e) => {
    if ((e.type === 'done' || e.type === 'cancelled' || e.type === 'error') && e.jobId === currentJob) currentJob = null
  })
  return {
    engine,
    async info() {
      return info
    },
    // Parsed in the engine worker: a long expression (15–645 ms to parse) never blocks the
    // host's main thread, where other sessions' frames are encoded.
    validateExpression: (expr: string): Promise<Validation> => engine.validateExpression(expr),
    validateScenario: (doc: ScenarioDoc) => engine.validate(doc),
    sampleSurface: (request: SurfaceRequest) => engine.sampleSurface(request),
    async startJob(doc: ScenarioDoc) {
      const started = await engine.start(doc)
      currentJob = started.jobId
      return started
    },
    async cancelJob(jobId: number) {
      engine.cancel(jobId)
    },
    centralFlow: (request: CentralFlowRequest) => engine.centralFlow(request),
    gradientEstimates: (request: EstimateRequest) => engine.gradientEstimates(request),
    onJobEvent: (listener: (e: JobEvent) => void | Promise<void>) => engine.onEvent(listener),
    dispose: () => engine.dispose(),
  }
}
