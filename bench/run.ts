/**
 * `npm run bench`: engine throughput in particle-steps/s, and peers for comparison.
 *   npm run bench              table
 *   npm run bench -- --json    the same figures as JSON
 *   npm run bench -- --quick   smaller N (a smoke run)
 *   npm run bench -- --optimizers   only the literature optimizers beside Adam (bench/optimizers.ts)
 *   npm run bench -- --networks     only the float32 network ensembles beside NumPy / PyTorch (bench/ensemble.ts)
 *   npm run bench -- --streamed     only the streamed job (first chunk, whole job: worker and in process)
 *   npm run bench -- --ui / --no-ui   the UI figures (bench/ui-latency.ts: input → first new frame,
 *                              per-frame JS with 10⁴ trajectories, headless Chromium against the web
 *                              host); by default they run when /usr/bin/chromium exists
 * Workload: Adam (lr 0.01) on Rosenbrock (also Rastrigin and Ackley for the float32 backends), N start points × 1000 steps. Each figure is timed after
 * a 10-step warm-up at the same N (kernel compiled, worker pool started), best of 3 runs up to
 * N = 10⁵ (the peers likewise), kept points written into an output allocated before the timed
 * runs (as the recording peer's preallocated arrays). A benchmark prints figures; it asserts nothing.
 * Recorded paths: "every step recorded in the kernel" (the WebAssembly kernel writes each kept
 * point into its memory as it runs) against "one launch per step" (a launch per kept point, read
 * by the host: the GPU.js backends' path, and the WebAssembly kernel's before), and the streamed
 * job (first chunk, whole job) through the engine worker.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { JobEvent } from '../src-shared/api'
import { parseScenario } from '../src-shared/scenario'
import { EngineClient } from '../src-main/engine/client'
import { type BlockOutput, blockOutput, keptRange } from '../src-main/engine/float64'
import { Job } from '../src-main/engine/job'
import { float32Launcher, initialState32, resolveMode } from '../src-main/engine/float32'
import { initialState } from '../src-main/engine/float64'
import type { BackendMode } from '../src-main/engine/float32'
import { spawnNodeWorker } from '../src-main/engine/node-worker'
import { type PlanOptions, planParts } from '../src-main/engine/plan'
import { CHROMIUM, printUi, runUiBench, type UiFigures } from './ui-latency'
import { optimiseWasmFromStart } from '../src-main/engine/wasm/v8-flags'
import { benchOptimizers } from './optimizers'
import { benchEnsembles } from './ensemble'

optimiseWasmFromStart() // as the engine worker does: the figures are the app's

interface Figure {
  readonly path: string
  readonly particles: number
  readonly steps: number
  readonly record: string
  readonly seconds?: number
  readonly particleStepsPerSecond?: number
  readonly skipped?: string
}

const args = process.argv.slice(2)
const json = args.includes('--json')
const quick = args.includes('--quick')
const ui = args.includes('--no-ui') ? false : args.includes('--ui') ? true : existsSync(CHROMIUM)
const STEPS = 1000
/** Timed runs per figure where a run is short (N ≤ 10⁵), ours and the peers': the best is reported. */
const REPEATS = 3
const SIZES = quick ? [1e3, 1e4] : [1e3, 1e4, 1e5, 1e6]
const log = (s = '') => {
  if (!json) process.stdout.write(s + '\n')
}
/** The literature optimizers beside Adam on the WebAssembly kernel (N = 10⁵, or 10⁴ with --quick). */
const OPTIMIZER_N = quick ? 1e4 : 1e5
const OPTIMIZER_STEPS = 200
if (args.includes('--networks')) {
  const networks = benchEnsembles(log)
  if (json)
    process.stdout.write(
      JSON.stringify({ workload: 'float32 network ensembles, [8, 16, 16, 1] tanh mse, 128 examples', ...networks }, null, 2) + '\n',
    )
  process.exit(0)
}
if (args.includes('--optimizers')) {
  const optimizers = await benchOptimizers(OPTIMIZER_N, OPTIMIZER_STEPS, log)
  if (json) process.stdout.write(JSON.stringify({ workload: 'literature optimizers on rosenbrock', optimizers }, null, 2) + '\n')
  process.exit(0)
}

function scenarioDoc(n: number, precision: 'float64' | 'float32', every: number, steps = STEPS, preset = 'rosenbrock') {
  return {
    landscape: { preset },
    optimizer: { name: 'adam', lr: 0.01 },
    init: { random: { x: [-2, 2], y: [-1, 3], count: n, seed: 1 } },
    steps,
    precision,
    record: { every },
  }
}

/** Time `steps` steps of N particles on one path; `every` = kept-point spacing. */
async function measure(
  path: string,
  n: number,
  precision: 'float64' | 'float32',
  every: number,
  backend?: BackendMode,
  threaded = true,
  steps = STEPS,
  preset = 'rosenbrock',
  pointsPerLaunch?: number,
): Promise<Figure> {
  const s = parseScenario(scenarioDoc(n, precision, every, steps, preset))
  // Warm up (kernel compile for this N, JIT, worker pool) on 10 steps, then time the real run.
  const warmSteps = Math.min(10, steps)
  const options = { backend, threaded, pointsPerLaunch }
  const warm = planParts(parseScenario(scenarioDoc(n, precision, Math.min(every, warmSteps), warmSteps, preset)), options)[0]
  // Into an output of the timed run's precision: the copy out is then compiled for the arrays it is timed with.
  await warm.stepper.advance(
    warmSteps,
    blockOutput(warm.job, warm.n, 0, keptRange(0, warmSteps, Math.min(every, warmSteps)).count, precision),
  )
  let seconds = Infinity
  let part: ReturnType<typeof planParts>[number] | undefined
  let out: BlockOutput | undefined
  // Repeats only where a run is short: the float64 path at 10⁵ alone takes ~17 s.
  for (let r = 0; r < (n <= 1e5 ? REPEATS : 1) && (r === 0 || seconds < 2); r++) {
    part = planParts(s, options)[0]
    const { start, count } = keptRange(0, steps, every)
    // Allocated and touched before the timed run: fresh pages cost ≈ 3 ms per MiB to touch here.
    out ??= blockOutput(part.job, part.n, start, count, precision)
    out.x.fill(0)
    out.y.fill(0)
    out.loss.fill(0)
    const t0 = performance.now()
    await part.stepper.advance(steps, out)
    seconds = Math.min(seconds, (performance.now() - t0) / 1000)
  }
  const name = `${path}${precision === 'float32' ? ` [${part!.stepper.backend().replace(/float32 (gpu\.js )?/, '')}]` : ''}`
  return {
    path: name,
    particles: n,
    steps,
    record: every === 1 ? 'every step' : `every ${every}`,
    seconds,
    particleStepsPerSecond: (n * steps) / seconds,
  }
}

/**
 * The WebAssembly kernel alone recording every step: launches of as many kept points as its rows
 * hold, the points left in its memory (no copy into a particle-major output). Best of 3 after a
 * warm-up job (the kernel compiled, its memory reused as a job's would be).
 */
async function measureKernelRecording(n: number, steps = STEPS): Promise<Figure> {
  const s = parseScenario(scenarioDoc(n, 'float32', 1, steps))
  let seconds = Infinity
  for (let r = 0; r < 1 + REPEATS; r++) {
    const part = planParts(s, { backend: 'wasm' })[0]
    const state = initialState32(initialState(part.job), part.job)
    const launcher = float32Launcher(part.job, state, 'wasm')
    const most = launcher.maxPoints!()
    const t0 = performance.now()
    for (let k = 0; k <= steps;) {
      const count = Math.min(most, steps + 1 - k)
      await launcher.record!(k, k + count - 1, 1)
      k += count
    }
    if (r > 0) seconds = Math.min(seconds, (performance.now() - t0) / 1000)
    launcher.finish!()
  }
  return {
    path: 'float32 wasm-simd, every step recorded, kernel only',
    particles: n,
    steps,
    record: 'every step',
    seconds,
    particleStepsPerSecond: (n * steps) / seconds,
  }
}

/**
 * A streamed job of N trajectories × STEPS steps, every step kept, as the app runs it: through
 * the engine worker (first chunk and whole job from start(), worker warm, best of 3; `plan`: the
 * worker's plan options, `pointsPerLaunch` 0 being one launch per kept point, the path before
 * recording in the kernel), or in this process through Job.
 */
async function streamedJob(
  n: number,
  precision: 'float64' | 'float32',
  plan?: PlanOptions,
  returnChunkBuffers = true,
): Promise<{ firstChunk: number; whole: number }> {
  // Chunk buffers go back to the worker, as the app's hosts give them back (host.ts).
  const engine = new EngineClient(() => spawnNodeWorker(plan), { returnChunkBuffers })
  try {
    let best = { firstChunk: Infinity, whole: Infinity }
    for (let round = 0; round < 4; round++) {
      let first = NaN
      let jobId = -1
      let resolveDone: () => void = () => {}
      const done = new Promise<void>((r) => {
        resolveDone = r
      })
      const off = engine.onEvent((e: JobEvent) => {
        if (e.type === 'chunk' && e.chunk.jobId === jobId && Number.isNaN(first)) first = performance.now()
        if ((e.type === 'done' || e.type === 'error') && e.jobId === jobId) resolveDone()
      })
      const t0 = performance.now()
      jobId = (await engine.start(scenarioDoc(n, precision, 1))).jobId
      await done
      const whole = performance.now() - t0
      off()
      // Each figure its own best: on a busy machine one round's first chunk may be slow and its whole job fast.
      if (round > 0) best = { firstChunk: Math.min(best.firstChunk, first - t0), whole: Math.min(best.whole, whole) }
    }
    return best
  } finally {
    await engine.dispose()
  }
}

async function jobInProcess(n: number, pointsPerLaunch?: number): Promise<{ firstChunk: number; whole: number; chunks: number }> {
  let best = { firstChunk: Infinity, whole: Infinity, chunks: 0 }
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now()
    const job = new Job(round, parseScenario(scenarioDoc(n, 'float32', 1)), { backend: 'wasm', pointsPerLaunch })
    let first = NaN
    let chunks = 0
    for (let c = await job.next(); c; c = await job.next()) {
      chunks++
      if (Number.isNaN(first)) first = performance.now() - t0
    }
    const whole = performance.now() - t0
    if (round > 0) best = { firstChunk: Math.min(best.firstChunk, first), whole: Math.min(best.whole, whole), chunks }
  }
  return best
}

async function timeToFirstChunk(n: number, precision: 'float64' | 'float32'): Promise<{ started: number; firstChunk: number }> {
  const engine = new EngineClient(spawnNodeWorker)
  try {
    let result = { started: NaN, firstChunk: NaN }
    // Round 0 warms the worker (module load, JIT, kernel compile); rounds 1-3 are measured.
    for (let round = 0; round < 4; round++) {
      const chunkTimes = new Map<number, number>()
      const off = engine.onEvent((e: JobEvent) => {
        if (e.type === 'chunk' && !chunkTimes.has(e.chunk.jobId)) chunkTimes.set(e.chunk.jobId, performance.now())
      })
      const t0 = performance.now()
      const started = await engine.start(scenarioDoc(n, precision, 1))
      const tStarted = performance.now() - t0
      while (!chunkTimes.has(started.jobId)) await new Promise((r) => setTimeout(r, 1))
      const first = chunkTimes.get(started.jobId)! - t0
      off()
      engine.cancel(started.jobId)
      await new Promise((r) => setTimeout(r, 50))
      if (round > 0 && !(first >= result.firstChunk)) result = { started: tStarted, firstChunk: first }
    }
    return result
  } finally {
    await engine.dispose()
  }
}

/** bench/peers.py: final-state peers, or (`record`) the recording peer. */
function peers(sizes: number[], record = false): Figure[] {
  const python = ['/usr/bin/python3', 'python3'].find((p) => (p.startsWith('/') ? existsSync(p) : true))!
  const r = spawnSync(
    python,
    [join(import.meta.dirname, 'peers.py'), ...(record ? ['--record'] : []), sizes.join(','), String(STEPS), String(REPEATS)],
    { encoding: 'utf8', timeout: 900_000 },
  )
  if (r.error || r.status !== 0)
    return [
      {
        path: 'numpy / pytorch',
        particles: 0,
        steps: STEPS,
        record: '-',
        skipped: `python3 failed: ${r.error?.message ?? r.stderr.trim().split('\n').at(-1)}`,
      },
    ]
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const p = JSON.parse(line)
      if (p.note) log(`  (${p.peer}: ${p.note})`)
      return {
        path: p.peer,
        particles: p.particles,
        steps: STEPS,
        record: record ? 'every step' : 'final state',
        seconds: p.seconds,
        particleStepsPerSecond: p.particleStepsPerSecond,
        skipped: p.skipped,
      }
    })
}

/**
 * The streamed job of issue 14: 10⁴ trajectories × STEPS steps, every step kept, float32, through
 * the engine worker (as the app) recorded in the kernel and one launch per kept point, and the
 * same in this process through Job.
 */
async function streamingFigures() {
  // In process first: measured after the engine rounds (whose transferred chunks, over 10⁹ bytes,
  // land in this process) the same jobs took 1.5–2× as long.
  const inKernel = await jobInProcess(1e4)
  const perPoint = await jobInProcess(1e4, 0)
  const engine = await streamedJob(1e4, 'float32')
  const engineFresh = await streamedJob(1e4, 'float32', undefined, false)
  const enginePerPoint = await streamedJob(1e4, 'float32', { pointsPerLaunch: 0 })
  const ms = (v: number, digits = 0) => `${v.toFixed(digits)} ms`
  const backendNote = `backend 'gpu', here ${resolveMode('gpu')}`
  log(
    `streamed job, 10⁴ trajectories × ${STEPS} steps, every step kept, float32 (each figure the best of 3 rounds after a warm-up; ${backendNote}):`,
  )
  log(
    `  engine worker, recorded in the kernel:   first chunk ${ms(engine.firstChunk, 1)}, whole job ${ms(engine.whole)} ` +
      `(chunk buffers given back to the worker, as the hosts do; fresh arrays for every chunk: ${ms(engineFresh.whole)})\n` +
      `  engine worker, one launch per kept point: first chunk ${ms(enginePerPoint.firstChunk, 1)}, whole job ${ms(enginePerPoint.whole)}` +
      ` (recorded: first chunk ${(enginePerPoint.firstChunk / engine.firstChunk).toFixed(1)}× sooner, whole job ${(enginePerPoint.whole / engine.whole).toFixed(1)}× sooner)`,
  )
  log(
    `  in process (Job): recorded in the kernel: first chunk ${ms(inKernel.firstChunk, 1)}, whole job ${ms(inKernel.whole)} (${inKernel.chunks} chunks); ` +
      `one launch per kept point: first chunk ${ms(perPoint.firstChunk, 1)}, whole job ${ms(perPoint.whole)} (${perPoint.chunks} chunks): ${(perPoint.whole / inKernel.whole).toFixed(1)}× sooner`,
  )
  return { engine, engineFresh, enginePerPoint, inKernel, perPoint }
}

function row(f: Figure): void {
  const rate = f.particleStepsPerSecond ? f.particleStepsPerSecond.toExponential(2) : (f.skipped ?? '')
  log(
    `${f.path.padEnd(44)} ${String(f.particles).padStart(8)} ${String(f.steps).padStart(6)}  ${f.record.padEnd(11)} ${f.seconds !== undefined ? f.seconds.toFixed(3).padStart(8) : ''.padStart(8)}  ${rate}`,
  )
}

// `--streamed`: the streamed-job figures only.
if (args.includes('--streamed')) {
  const streaming = await streamingFigures()
  if (json) process.stdout.write(JSON.stringify({ workload: 'adam lr=0.01 on rosenbrock', streamedJobMs: streaming }, null, 2) + '\n')
  process.exit(0)
}

const figures: Figure[] = []
const add = (f: Figure) => {
  figures.push(f)
  row(f)
}

log(
  `Adam (lr 0.01) on Rosenbrock unless named, N particles × ${STEPS} steps, this machine (${(await import('node:os')).cpus().length} cores)`,
)
log(`${'path'.padEnd(44)} ${'N'.padStart(8)} ${'steps'.padStart(6)}  ${'recorded'.padEnd(11)} ${'seconds'.padStart(8)}  particle-steps/s`)
const budgetOk = (rate: number, n: number) => (n * STEPS) / rate < 90 // skip runs that would take more than 90 s

for (const n of SIZES) {
  add(await measure('float32 wasm-simd, all steps in one launch', n, 'float32', STEPS, 'wasm', true))
}
for (const n of SIZES) {
  if (n >= 1e6) {
    add({ path: 'float32 wasm-simd, 1 thread', particles: n, steps: STEPS, record: '-', skipped: 'skipped (> 3 s)' })
    continue
  }
  add(await measure('float32 wasm-simd, 1 thread', n, 'float32', STEPS, 'wasm', false))
}
// Every step kept: 10⁵ × 1000 points would be 2.4 GB of float64 output, so 100 steps there.
const RECORDED_SIZES = SIZES.filter((n) => n <= 1e5)
const recordedSteps = (n: number) => (n >= 1e5 ? 100 : STEPS)
for (const n of RECORDED_SIZES) add(await measureKernelRecording(n, recordedSteps(n)))
for (const n of RECORDED_SIZES)
  add(await measure('float32 wasm-simd, every step recorded in the kernel', n, 'float32', 1, 'wasm', true, recordedSteps(n)))
for (const n of RECORDED_SIZES)
  add(await measure('float32 wasm-simd, one launch per step', n, 'float32', 1, 'wasm', true, recordedSteps(n), 'rosenbrock', 0))
for (const n of SIZES) {
  add(await measure('float32 GPU.js, all steps in one launch', n, 'float32', STEPS, 'webasm', true))
}
for (const n of SIZES) {
  if (n >= 1e6) {
    add({ path: 'float32 GPU.js webasm, 1 thread', particles: n, steps: STEPS, record: '-', skipped: 'skipped (> 30 s)' })
    continue
  }
  add(await measure('float32 GPU.js, 1 thread', n, 'float32', STEPS, 'webasm', false))
}
// Landscapes with transcendental functions (Rastrigin: cos and sin; Ackley: exp, sqrt, cos).
for (const preset of ['rastrigin', 'ackley']) {
  const n = quick ? 1e4 : 1e5
  add(await measure(`float32 wasm-simd, ${preset}`, n, 'float32', STEPS, 'wasm', true, STEPS, preset))
  add(await measure(`float32 GPU.js, ${preset}`, n, 'float32', STEPS, 'webasm', true, STEPS, preset))
}
for (const n of SIZES.filter((n) => n <= 1e4)) add(await measure('float32 GPU.js cpu backend', n, 'float32', STEPS, 'cpu', false))
for (const n of SIZES.filter((n) => n <= 1e5))
  add(await measure('float32 GPU.js, one launch per step', n, 'float32', 1, 'webasm', true, n >= 1e5 ? 100 : STEPS))
for (const n of SIZES) {
  if (!budgetOk(7e6, n)) {
    add(await measure('float64 reference (JS, 1 thread)', n, 'float64', STEPS, undefined, true, 100))
    continue
  }
  add(await measure('float64 reference (JS, 1 thread)', n, 'float64', 1))
}

log()
const optimizerFigures = await benchOptimizers(OPTIMIZER_N, OPTIMIZER_STEPS, log)

log()
const streaming = await streamingFigures()

log()
const firstChunk64 = await timeToFirstChunk(1e4, 'float64')
const firstChunk32 = await timeToFirstChunk(1e4, 'float32')
log(
  `time to first streamed chunk, N = 10⁴ (worker warm, best of 3), from start(): float64 ${firstChunk64.firstChunk.toFixed(1)} ms (job accepted after ${firstChunk64.started.toFixed(1)} ms), float32 ${firstChunk32.firstChunk.toFixed(1)} ms (accepted after ${firstChunk32.started.toFixed(1)} ms)`,
)

log()
const peerFigures = peers(SIZES)
for (const f of peerFigures) add(f)
const recordingPeers = peers(
  RECORDED_SIZES.filter((n) => n <= 1e4),
  true,
)
for (const f of recordingPeers) add(f)

log()
const rateOf = (path: string, n: number) => figures.find((f) => f.path.startsWith(path) && f.particles === n)?.particleStepsPerSecond
const ratios: Record<string, number> = {}
const ours = [
  ['wasm-simd', 'float32 wasm-simd, all steps'],
  ['GPU.js', 'float32 GPU.js, all steps'],
] as const
for (const [label, path] of ours) {
  for (const n of SIZES) {
    for (const peer of ['torch float32', 'numpy float32', 'torch float64', 'numpy float64']) {
      const p = peerFigures.find((f) => f.path === peer && f.particles === n)?.particleStepsPerSecond
      const r = rateOf(path, n)
      if (p && r) ratios[`${label} ÷ ${peer} N=${n}`] = r / p
    }
  }
}
for (const n of RECORDED_SIZES.filter((n) => n <= 1e4)) {
  const recorded = rateOf('float32 wasm-simd, every step recorded in the kernel', n)
  const final = rateOf('float32 wasm-simd, all steps in one launch', n)
  const perStep = rateOf('float32 wasm-simd, one launch per step', n)
  const peer = recordingPeers.find((f) => f.particles === n)
  const kernelOnly = rateOf('float32 wasm-simd, every step recorded, kernel only', n)
  if (kernelOnly && final) ratios[`wasm-simd every step recorded, kernel only ÷ final state N=${n}`] = kernelOnly / final
  if (recorded && final) ratios[`wasm-simd every step recorded ÷ final state N=${n}`] = recorded / final
  if (perStep && final) ratios[`wasm-simd one launch per step ÷ final state N=${n}`] = perStep / final
  if (recorded && peer?.particleStepsPerSecond)
    ratios[`wasm-simd every step recorded ÷ ${peer.path.replace(', every step recorded', '')} recording N=${n}`] =
      recorded / peer.particleStepsPerSecond
}
if (Object.keys(ratios).length) {
  log('float32 path (threaded) ÷ final state or peer; wasm-simd is the automatic backend without a GPU:')
  for (const [k, v] of Object.entries(ratios)) log(`  ${k.padEnd(64)} ${v.toFixed(2)}×`)
}
// Where every-step recording into the job's run-major arrays falls short of the kernel's own
// recording, the difference is the copy of the kept points out of the kernel's point-major rows:
// measured here per float, beside a native copy of the same bytes (the floor for any copy).
const recordingGap = (() => {
  const n = 1e4
  const recorded = figures.find((f) => f.path.startsWith('float32 wasm-simd, every step recorded in the kernel') && f.particles === n)
  const kernelOnly = figures.find((f) => f.path.startsWith('float32 wasm-simd, every step recorded, kernel only') && f.particles === n)
  if (!recorded?.seconds || !kernelOnly?.seconds) return undefined
  const floats = 3 * n * (recorded.steps + 1)
  const copyNsPerFloat = ((recorded.seconds - kernelOnly.seconds) * 1e9) / floats
  const a = new Float32Array(floats)
  const b = new Float32Array(floats)
  a.fill(1)
  b.fill(0)
  let native = Infinity
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now()
    b.set(a)
    native = Math.min(native, (performance.now() - t0) * 1e6)
  }
  return { copyNsPerFloat, nativeCopyNsPerFloat: native / floats }
})()
if (recordingGap)
  log(
    `  every step recorded at N = 10⁴, into run-major arrays: the copy out of the kernel's rows costs ${recordingGap.copyNsPerFloat.toFixed(2)} ns per float ` +
      `(a native copy of the same bytes: ${recordingGap.nativeCopyNsPerFloat.toFixed(2)} ns); the kernel's own recording is the "kernel only" ratio. ` +
      `The app's chunks take the kernel threads' run-major copy instead (interleave-rows.ts; streamed job above).`,
  )

log()
let uiFigures: UiFigures
if (!ui)
  uiFigures = {
    skipped: args.includes('--no-ui')
      ? '--no-ui'
      : `${CHROMIUM} not found: the UI figures need Debian's chromium (--no-ui to skip them quietly)`,
  }
else {
  try {
    uiFigures = await runUiBench({ quick, log })
  } catch (err) {
    uiFigures = { skipped: `failed: ${(err as Error).message.split('\n')[0]}` }
  }
}
printUi(uiFigures, log)
if (json)
  process.stdout.write(
    JSON.stringify(
      {
        workload: 'adam lr=0.01 on rosenbrock',
        figures,
        firstChunkMs: { float64: firstChunk64, float32: firstChunk32 },
        streamedJobMs: streaming,
        ratios,
        recordingGap,
        optimizers: optimizerFigures,
        ui: uiFigures,
      },
      null,
      2,
    ) + '\n',
  )
process.exit(0)
