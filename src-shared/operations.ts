/**
 * The one operation table of GradscapeApi: per request/response operation, its arguments (name,
 * what is expected, the guard) and the call. The Electron IPC (src-main/ipc.ts) and the web host
 * (src-main/web/server.ts) both check arguments and call the host through it, so a new operation
 * or a tightened guard reaches both transports at once.
 */
import {
  type GradscapeApi,
  guards,
  MAX_EXPRESSION_PAYLOAD,
  MAX_FLOW_POINTS,
  MAX_FLOW_STEPS,
  MAX_SURFACE_SAMPLES,
  type Operation,
} from './api'
import { isEstimateRequest, MAX_ESTIMATE_POINTS } from './estimator/request'

export interface ArgSpec {
  readonly name: string
  /** Completes "<name> must be …". */
  readonly expect: string
  readonly check: (v: unknown) => boolean
  readonly optional?: boolean
}

/** One spec per parameter of `F`, in order (the tuple type keeps the count honest). */
export type ArgSpecs<F> = F extends (...args: infer P) => unknown ? { readonly [K in keyof P]-?: ArgSpec } : never

export interface OperationEntry<Api, K extends keyof Api> {
  readonly args: ArgSpecs<Api[K]>
  /** Calls the operation with arguments that passed `args` (hence the casts inside are safe). */
  readonly call: (api: Api, args: readonly unknown[]) => Promise<unknown>
}

/** Why `args` do not fit `specs`, or null when they do. */
export function argumentProblem(op: string, specs: readonly ArgSpec[], args: readonly unknown[]): string | null {
  if (args.length > specs.length) {
    return `${op}: expected at most ${specs.length} argument${specs.length === 1 ? '' : 's'}, got ${args.length}`
  }
  for (const [i, spec] of specs.entries()) {
    const v = args[i]
    if (v === undefined && spec.optional) continue
    if (!spec.check(v)) return `${op}: ${spec.name} must be ${spec.expect}`
  }
  return null
}

const SCENARIO_ARG: ArgSpec = { name: 'doc', expect: 'a scenario object', check: guards.scenario }

type Param<K extends Operation> = Parameters<GradscapeApi[K]>[0]

export const OPERATION_TABLE: { readonly [K in Operation]: OperationEntry<GradscapeApi, K> } = {
  info: { args: [], call: (api) => api.info() },
  validateExpression: {
    args: [{ name: 'expr', expect: `a string of at most ${MAX_EXPRESSION_PAYLOAD} characters`, check: guards.expression }],
    call: (api, a) => api.validateExpression(a[0] as string),
  },
  validateScenario: { args: [SCENARIO_ARG], call: (api, a) => api.validateScenario(a[0] as Param<'validateScenario'>) },
  sampleSurface: {
    args: [
      {
        name: 'request',
        expect:
          `{ landscape: { expr?, preset? }, x: [lo, hi], y: [lo, hi], n: [nx, ny] } with finite numbers, ` +
          `integer n in [2, ${MAX_SURFACE_SAMPLES}] and an expression of at most ${MAX_EXPRESSION_PAYLOAD} characters`,
        check: guards.surfaceRequest,
      },
    ],
    call: (api, a) => api.sampleSurface(a[0] as Param<'sampleSurface'>),
  },
  startJob: { args: [SCENARIO_ARG], call: (api, a) => api.startJob(a[0] as Param<'startJob'>) },
  cancelJob: {
    args: [{ name: 'jobId', expect: 'a non-negative integer', check: guards.jobId }],
    call: (api, a) => api.cancelJob(a[0] as number),
  },
  centralFlow: {
    args: [
      {
        name: 'request',
        expect:
          `{ landscape: { expr?, preset? }, optimizer: { name, …hyperparameters }, init: [x, y], steps, every } with finite numbers, ` +
          `integer steps in [0, ${MAX_FLOW_STEPS}], integer every ≥ 1 and at most ${MAX_FLOW_POINTS} points`,
        check: guards.flowRequest,
      },
    ],
    call: (api, a) => api.centralFlow(a[0] as Param<'centralFlow'>),
  },
  gradientEstimates: {
    args: [
      {
        name: 'request',
        expect: `{ landscape: { expr?, preset? }, gradient, points: [x, y, stream, t, …] } with at most ${MAX_ESTIMATE_POINTS} points`,
        check: isEstimateRequest,
      },
    ],
    call: (api, a) => api.gradientEstimates(a[0] as Param<'gradientEstimates'>),
  },
}
