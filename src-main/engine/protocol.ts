/** Messages between the engine worker and its owner (EngineClient). */
import type {
  CentralFlowRequest,
  FlowData,
  InputProblem,
  JobStarted,
  RunChunk,
  ScenarioDoc,
  Surface,
  SurfaceRequest,
  Validation,
} from '../../src-shared/api'
import type { EstimateData, EstimateRequest } from '../../src-shared/estimator/request'

export type ToWorker =
  | { readonly type: 'start'; readonly jobId: number; readonly doc: ScenarioDoc }
  | { readonly type: 'cancel'; readonly jobId: number }
  /**
   * The owner consumed a chunk: the worker may send more (backpressure). `buffers`: the chunk's
   * position and loss buffers given back for reuse (EngineOptions.returnChunkBuffers).
   */
  | { readonly type: 'ack'; readonly jobId: number; readonly buffers?: readonly ArrayBuffer[] }
  | { readonly type: 'surface'; readonly requestId: number; readonly request: SurfaceRequest }
  | { readonly type: 'validate'; readonly requestId: number; readonly doc: ScenarioDoc }
  /** One central flow on its own (GradscapeApi.centralFlow). */
  | { readonly type: 'flow'; readonly requestId: number; readonly request: CentralFlowRequest }
  /** Check an expression (GradscapeApi.validateExpression): parsing is off the host's main thread. */
  | { readonly type: 'expression'; readonly requestId: number; readonly expr: string }
  /** The watchdog's question: answered with 'pong' as soon as the worker's event loop is free. */
  | { readonly type: 'ping'; readonly seq: number }
  /** ∇L and a gradient estimate at points (GradscapeApi.gradientEstimates). */
  | { readonly type: 'estimates'; readonly requestId: number; readonly request: EstimateRequest }

export type FromWorker =
  | { readonly type: 'started'; readonly started: JobStarted }
  | { readonly type: 'chunk'; readonly chunk: RunChunk }
  | { readonly type: 'flow'; readonly flow: FlowData }
  | { readonly type: 'done'; readonly jobId: number; readonly divergedAt: Int32Array; readonly seconds: number; readonly backend: string }
  | { readonly type: 'cancelled'; readonly jobId: number }
  | { readonly type: 'error'; readonly jobId: number; readonly problem: InputProblem }
  | { readonly type: 'surface'; readonly requestId: number; readonly surface?: Surface; readonly problem?: InputProblem }
  | { readonly type: 'validated'; readonly requestId: number; readonly validation: Validation }
  | { readonly type: 'flow-result'; readonly requestId: number; readonly flow?: FlowData; readonly problem?: InputProblem }
  | { readonly type: 'expression-checked'; readonly requestId: number; readonly validation: Validation }
  | { readonly type: 'pong'; readonly seq: number }
  | { readonly type: 'estimates-result'; readonly requestId: number; readonly data?: EstimateData; readonly problem?: InputProblem }

/** At most this many chunks in flight before the worker waits for acks. */
export const MAX_CHUNKS_IN_FLIGHT = 4

/**
 * Steps of a job's central flow (like GradscapeApi.centralFlow's MAX_FLOW_STEPS): a 10⁷-step job
 * would otherwise integrate each of its up to 64 flows for ~30 minutes.
 */
export const JOB_FLOW_MAX_STEPS = 200_000
/** Flow steps integrated between two looks at the worker's messages (cancel, ping, requests). */
export const FLOW_SLICE_STEPS = 100
