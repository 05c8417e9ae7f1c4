/**
 * The engine worker (Node worker_threads). Owns all heavy compute so the Electron main event
 * loop never runs a kernel. One job at a time: a new 'start' supersedes the running job, which
 * stops within one block. Chunks are transferred (not copied) and throttled by acks.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { ExpressionError, landscapeFromSpec, parseExpression } from '../../src-shared/landscape'
import { parseScenario, ScenarioError } from '../../src-shared/scenario'
import type { CentralFlowRequest, FlowData, InputProblem } from '../../src-shared/api'
import { centralFlowSlices, flowRuleFor } from './central-flow'
import { flowData, Job } from './job'
import type { PlanOptions } from './plan'
import { FLOW_SLICE_STEPS, type FromWorker, JOB_FLOW_MAX_STEPS, MAX_CHUNKS_IN_FLIGHT, type ToWorker } from './protocol'
import { sampleSurface } from './surface'
import { answerEstimates } from '../../src-shared/estimator/answer'
import { optimiseWasmFromStart } from './wasm/v8-flags'
import { isNetworkScenario, parseNetworkScenario } from '../../src-shared/network/scenario'
import { NetworkJob } from './network/job'
import { EnsembleJob } from './network/ensemble/job'
import { isEnsembleScenario, parseEnsembleScenario } from '../../src-shared/network/ensemble'
import { sampleNetworkSurface } from './network/view-surface'
import { ChunkBuffers } from './chunk-buffers'

const port = parentPort
if (!port) throw new Error('engine worker must run in a worker thread')
optimiseWasmFromStart() // before any kernel is compiled (the flag applies to later compilations)

/** Options of the worker's jobs where its spawner gives them (node-worker.ts: benchmarks); the app gives none. */
const planOptions: PlanOptions = (workerData as { plan?: PlanOptions } | null)?.plan ?? {}

/** Chunk buffers the owner gave back with its acks, for the next chunks of the same size. */
const chunkBuffers = new ChunkBuffers()

let current: { job: Job | NetworkJob | EnsembleJob; cancelled: boolean; inFlight: number; wake: (() => void) | null } | null = null

const send = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer)

function problemOf(err: unknown): InputProblem {
  if (err instanceof ScenarioError) {
    const m = /at position (\d+)$/.exec(err.problem)
    return { field: err.field, message: err.message, ...(m ? { position: Number(m[1]) } : {}) }
  }
  if (err instanceof ExpressionError) return { field: 'landscape.expr', message: err.message, position: err.position }
  return { field: '', message: (err as Error)?.message ?? String(err) }
}

const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve))

async function runJob(jobId: number, doc: Record<string, unknown>): Promise<void> {
  let job: Job | NetworkJob | EnsembleJob
  try {
    // A network scenario in float32 is an ensemble (NETWORKS.md "Ensembles (float32)").
    job = !isNetworkScenario(doc)
      ? new Job(jobId, parseScenario(doc), planOptions, (length) => chunkBuffers.take(length))
      : isEnsembleScenario(doc)
        ? new EnsembleJob(jobId, parseEnsembleScenario(doc))
        : new NetworkJob(jobId, parseNetworkScenario(doc))
  } catch (err) {
    send({ type: 'error', jobId, problem: problemOf(err) })
    return
  }
  const me = { job, cancelled: false, inFlight: 0, wake: null as (() => void) | null }
  current = me
  send({ type: 'started', started: job.started })
  const t0 = performance.now()
  try {
    for (;;) {
      // Let 'cancel', 'ack' and superseding 'start' messages in between blocks.
      await yieldToMessages()
      while (!me.cancelled && me.inFlight >= MAX_CHUNKS_IN_FLIGHT)
        await new Promise<void>((r) => {
          me.wake = r
        })
      if (me.cancelled) {
        send({ type: 'cancelled', jobId })
        return
      }
      const chunk = await job.next()
      if (!chunk) break
      me.inFlight++
      const buffers = [chunk.xy, chunk.loss, chunk.sharpness, chunk.axis, chunk.preconditioned]
        .filter((a): a is Float32Array => a !== undefined)
        .map((a) => a.buffer as ArrayBuffer)
      send({ type: 'chunk', chunk }, buffers)
    }
    for await (const flow of jobFlows(job, () => me.cancelled)) {
      send(
        { type: 'flow', flow },
        [flow.xy, flow.loss, flow.predictedLoss, flow.sharpness, flow.sigma2, flow.axis].map((a) => a.buffer as ArrayBuffer),
      )
    }
    if (me.cancelled) {
      send({ type: 'cancelled', jobId })
      return
    }
    send({ type: 'done', jobId, divergedAt: job.divergedAt(), seconds: (performance.now() - t0) / 1000, backend: job.backend() })
  } catch (err) {
    send({ type: 'error', jobId, problem: problemOf(err) })
  } finally {
    if (current === me) current = null
  }
}

/**
 * The central flows of a job's eligible runs (at most Job.MAX_FLOWS), each integrated for at most
 * JOB_FLOW_MAX_STEPS steps in slices of FLOW_SLICE_STEPS, with the worker's messages answered
 * between slices; stops as soon as `cancelled()` says so.
 */
async function* jobFlows(job: Job | NetworkJob | EnsembleJob, cancelled: () => boolean): AsyncGenerator<FlowData> {
  if (job instanceof EnsembleJob) return // an ensemble has no central flows (refused by its scenario)
  if (job instanceof NetworkJob) {
    // One step of a network's flow takes milliseconds: answer messages between steps.
    for (const flow of job.flows()) {
      for (;;) {
        await yieldToMessages()
        if (cancelled()) return
        const r = flow.steps.next()
        if (!r.done) continue
        yield job.flowData(flow.run, r.value)
        break
      }
    }
    return
  }
  const s = job.scenario
  if (!s.centralFlow) return
  const starts = s.starts.x.length
  let run = 0
  let made = 0
  for (const entry of s.optimizers) {
    for (const h of entry.configs) {
      const rule = flowRuleFor(entry.def.name, h)
      for (let p = 0; p < starts; p++, run++) {
        if (!rule) continue
        if (made >= Job.MAX_FLOWS) return
        const slices = centralFlowSlices(s.landscape.compiled, rule, s.starts.x[p], s.starts.y[p], s.steps, s.record.every, {
          maxSteps: JOB_FLOW_MAX_STEPS,
          sliceSteps: FLOW_SLICE_STEPS,
        })
        for (;;) {
          await yieldToMessages()
          if (cancelled()) return
          const r = slices.next()
          if (!r.done) continue
          made++
          yield flowData(job.id, run, r.value)
          break
        }
      }
    }
  }
}

/**
 * One central flow on its own (GradscapeApi.centralFlow), integrated in slices so that the
 * running job, cancel and the watchdog's ping are answered meanwhile.
 */
async function answerFlow(requestId: number, r: CentralFlowRequest): Promise<void> {
  try {
    // The scenario parser validates the landscape, the optimizer's hyperparameters (torch's
    // ranges, defaults filled in), the start point and the step count, as for a job.
    const s = parseScenario({
      landscape: r.landscape,
      optimizer: r.optimizer,
      init: [r.init[0], r.init[1]],
      steps: r.steps,
      record: { every: r.every },
    })
    const config = s.optimizers[0]
    const rule = flowRuleFor(config.def.name, config.configs[0])
    if (!rule) {
      send({
        type: 'flow-result',
        requestId,
        problem: {
          field: 'optimizer',
          message: `optimizer: no central flow for ${config.def.name} with these settings (plain GD, Scalar RMSProp, or RMSprop without momentum or centering; no weight decay or maximize)`,
        },
      })
      return
    }
    const slices = centralFlowSlices(s.landscape.compiled, rule, s.starts.x[0], s.starts.y[0], s.steps, s.record.every, {
      sliceSteps: FLOW_SLICE_STEPS,
    })
    let r1 = slices.next()
    while (!r1.done) {
      await yieldToMessages()
      r1 = slices.next()
    }
    const flow = flowData(-1, -1, r1.value)
    send(
      { type: 'flow-result', requestId, flow },
      [flow.xy, flow.loss, flow.predictedLoss, flow.sharpness, flow.sigma2, flow.axis].map((a) => a.buffer as ArrayBuffer),
    )
  } catch (err) {
    send({ type: 'flow-result', requestId, problem: problemOf(err) })
  }
}

function cancelCurrent(): void {
  if (!current) return
  current.cancelled = true
  current.wake?.()
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start':
      cancelCurrent()
      void runJob(msg.jobId, msg.doc)
      break
    case 'cancel':
      if (current?.job.id === msg.jobId) cancelCurrent()
      break
    case 'ack':
      // Whichever job they came from (a superseded one's acks still arrive).
      if (msg.buffers) chunkBuffers.give(msg.buffers)
      if (current?.job.id === msg.jobId) {
        current.inFlight = Math.max(0, current.inFlight - 1)
        const wake = current.wake
        current.wake = null
        wake?.()
      }
      break
    case 'surface':
      try {
        const surface =
          'network' in msg.request.landscape
            ? sampleNetworkSurface(msg.request)
            : sampleSurface(landscapeFromSpec(msg.request.landscape), msg.request)
        send({ type: 'surface', requestId: msg.requestId, surface }, [surface.values.buffer as ArrayBuffer])
      } catch (err) {
        send({ type: 'surface', requestId: msg.requestId, problem: problemOf(err) })
      }
      break
    case 'flow':
      void answerFlow(msg.requestId, msg.request)
      break
    case 'expression':
      try {
        parseExpression(msg.expr)
        send({ type: 'expression-checked', requestId: msg.requestId, validation: { ok: true } })
      } catch (err) {
        // Anything else (a stack overflow of a pathological input) is a refusal of the same field.
        const problem =
          err instanceof ExpressionError ? problemOf(err) : { field: 'landscape.expr', message: (err as Error)?.message ?? String(err) }
        send({ type: 'expression-checked', requestId: msg.requestId, validation: { ok: false, problem } })
      }
      break
    case 'ping':
      send({ type: 'pong', seq: msg.seq })
      break
    case 'estimates':
      try {
        send({ type: 'estimates-result', requestId: msg.requestId, data: answerEstimates(msg.request) })
      } catch (err) {
        send({ type: 'estimates-result', requestId: msg.requestId, problem: problemOf(err) })
      }
      break
    case 'validate':
      try {
        if (isNetworkScenario(msg.doc)) parseNetworkScenario(msg.doc)
        else parseScenario(msg.doc)
        send({ type: 'validated', requestId: msg.requestId, validation: { ok: true } })
      } catch (err) {
        send({ type: 'validated', requestId: msg.requestId, validation: { ok: false, problem: problemOf(err) } })
      }
      break
  }
})
