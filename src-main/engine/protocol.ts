/** Messages between the engine worker and its owner (EngineClient). */
import type { CentralFlowRequest, FlowData, InputProblem, JobStarted, RunChunk, ScenarioDoc, Surface, SurfaceRequest, Validation } from '../../src-shared/api'

export type ToWorker =
  | { readonly type: 'start'; readonly jobId: number; readonly doc: ScenarioDoc }
  | { readonly type: 'cancel'; readonly jobId: number }
  /** The owner consumed a chunk: the worker may send more (backpressure). */
  | { readonly type: 'ack'; readonly jobId: number }
  | { readonly type: 'surface'; readonly requestId: number; readonly request: SurfaceRequest }
  | { readonly type: 'validate'; readonly requestId: number; readonly doc: ScenarioDoc }
  /** One central flow on its own (GradscapeApi.centralFlow). */
  | { readonly type: 'flow'; readonly requestId: number; readonly request: CentralFlowRequest }

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

/** At most this many chunks in flight before the worker waits for acks. */
export const MAX_CHUNKS_IN_FLIGHT = 4
