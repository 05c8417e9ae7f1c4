/**
 * `npm run gpu-check`: the one short script for a machine with a GPU. It
 *   1. makes WebGPU available to GPU.js in Node through Dawn (the `webgpu` package GPU.js
 *      depends on) and says why when it cannot;
 *   2. checks the WebGPU kernel path on every float64 reference case of tests/fixtures (torch.optim,
 *      the literature optimizers, the lr schedules): the first 50 steps within 1e-3·(1+|x|);
 *   3. measures particle-steps/s of Adam on Rosenbrock at N = 10⁶ and 10⁷ (1000 steps, final
 *      state) on WebGPU, with both WebAssembly backends (ours, GPU.js's) at 10⁶ on the same machine for scale;
 *   4. measures the recorded path users run when they keep every step: 10⁴ trajectories × 1000
 *      steps, every step kept, on each backend: recorded in the kernel (GPU.js: a launch per block
 *      of kept points, record-source.ts), one launch per kept point, and the backend's default;
 *      first chunk and whole job of the same job streamed through Job (as the app runs it);
 *   5. checks that GPU.js's recording launches give the points of one launch per kept point bit
 *      for bit on each GPU.js backend (a few scenarios: noise, a schedule, divergence).
 * Each backend runs in its own try/catch: one that fails prints why and the others still run.
 * `--check webasm` also runs step 2 on another backend (to try the script here); `--recorded`
 * runs steps 4–5 only (WebGPU included where available), `--quick` at N = 10³ × 200 steps.
 * Prints a table and, with --json, one JSON document. It asserts nothing and exits 0 unless the
 * script itself breaks; a correctness failure is printed as such (and exits 1).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseScenario } from '../src-shared/scenario'
import { blockOutput, keptRange } from '../src-main/engine/float64'
import type { BackendMode } from '../src-main/engine/float32'
import { Job } from '../src-main/engine/job'
import { type PlanOptions, planParts } from '../src-main/engine/plan'
import { runScenario, type ScenarioResult } from '../src-main/engine/run-scenario'

const json = process.argv.includes('--json')
/** Steps 4–5 on N = 10³ × 200 steps (a try on a machine without a GPU). */
const quick = process.argv.includes('--quick')
const log = (s = '') => {
  if (!json) process.stdout.write(s + '\n')
}
const report: Record<string, unknown> = {}

async function enableWebGpu(): Promise<string | null> {
  try {
    const dawn = (await import('webgpu')) as unknown as { create(flags: string[]): unknown; globals: Record<string, unknown> }
    Object.assign(globalThis, dawn.globals)
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.create([]) }, configurable: true })
    const { GPU } = await import('gpu.js')
    const ok = await (GPU as unknown as { isWebGPUAvailable(): Promise<boolean> }).isWebGPUAvailable()
    return ok ? null : 'navigator.gpu is present but requestAdapter() gave no adapter'
  } catch (err) {
    return (err as Error).message.split('\n')[0]
  }
}

/** The reference cases a float32 path must follow: torch.optim, the literature optimizers, the lr schedules. */
const FIXTURES = ['torch', 'literature', 'schedules'].flatMap((kind) => {
  const dir = join(import.meta.dirname, '../tests/fixtures', kind)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f))
})
const STEPS = 50

/** Every reference case on `mode`: within 1e-3·(1+|x|) of the float64 reference over the first 50 steps (the acceptance tolerance). */
async function correctness(mode: BackendMode): Promise<{ cases: number; worst: number; failures: string[] }> {
  let worst = 0
  const failures: string[] = []
  for (const file of FIXTURES) {
    const ref = JSON.parse(readFileSync(file, 'utf8')) as { trajectory: Array<[number, number]> }
    const got = await runScenario(parseScenario({ ...ref, steps: STEPS, precision: 'float32' }), { backend: mode })
    const run = got.runs[0]
    for (let k = 0; k <= STEPS; k++) {
      const e = Math.max(
        ...[0, 1].map((c) => Math.abs((run.trajectory[k][c] ?? NaN) - ref.trajectory[k][c]) / (1 + Math.abs(ref.trajectory[k][c]))),
      )
      if (!(e <= 1e-3)) {
        failures.push(`${basename(file)}, step ${k}: relative error ${e}`)
        break
      }
      worst = Math.max(worst, e)
    }
  }
  return { cases: FIXTURES.length, worst, failures }
}

/** Adam on Rosenbrock, N start points × `steps`, keeping every `every`-th step. */
const adamDoc = (count: number, steps: number, every: number) => ({
  landscape: { preset: 'rosenbrock' },
  optimizer: { name: 'adam', lr: 0.01 },
  init: { random: { x: [-2, 2], y: [-1, 3], count, seed: 1 } },
  steps,
  precision: 'float32',
  record: { every },
})

/**
 * Adam on Rosenbrock, N × `steps` on `mode`, keeping every `every`-th step (= steps: the final
 * state); `pointsPerLaunch` as PlanOptions (unset: the backend's default).
 */
async function throughput(
  mode: BackendMode,
  n: number,
  every = 1000,
  steps = 1000,
  pointsPerLaunch?: number,
): Promise<{ seconds: number; rate: number; path: string }> {
  const options = { backend: mode, pointsPerLaunch }
  // Warm-up: the same job's first kept points (its kernels compiled: the points it records per launch depend on the job).
  const warm = planParts(parseScenario(adamDoc(n, steps, every)), options)[0]
  const warmSteps = Math.min(steps, 10 * every)
  await warm.stepper.advance(warmSteps, blockOutput(warm.job, warm.n, 0, keptRange(0, warmSteps, every).count, 'float32'))
  const part = planParts(parseScenario(adamDoc(n, steps, every)), options)[0]
  const { start, count } = keptRange(0, steps, every)
  const out = blockOutput(part.job, part.n, start, count, 'float32')
  // Touched before the clock starts: fresh pages cost ≈ 3 ms per MiB to touch on some machines.
  out.x.fill(0)
  out.y.fill(0)
  out.loss.fill(0)
  const t0 = performance.now()
  await part.stepper.advance(steps, out)
  const seconds = (performance.now() - t0) / 1000
  const path = part.stepper.recordsInKernel
    ? `recorded in the kernel, ${part.stepper.backend()}`
    : `a launch per kept point, ${part.stepper.backend()}`
  return { seconds, rate: (n * steps) / seconds, path }
}

/** A job streamed as the app runs it (Job, every step kept): time to its first chunk and to its end (after a warm-up job). */
async function streamed(
  mode: BackendMode,
  n: number,
  steps: number,
  pointsPerLaunch?: number,
): Promise<{ firstChunkMs: number; wholeMs: number; chunks: number }> {
  let result = { firstChunkMs: NaN, wholeMs: NaN, chunks: 0 }
  for (let round = 0; round < 2; round++) {
    const t0 = performance.now()
    const job = new Job(round, parseScenario(adamDoc(n, steps, 1)), { backend: mode, pointsPerLaunch })
    let first = NaN
    let chunks = 0
    for (let c = await job.next(); c; c = await job.next()) {
      chunks++
      if (Number.isNaN(first)) first = performance.now() - t0
    }
    result = { firstChunkMs: first, wholeMs: performance.now() - t0, chunks }
  }
  return result
}

/** Scenarios for the recording agreement (step 5): β swept with noise, a schedule cycling β₁, runs that diverge. */
const AGREEMENT_CASES: Array<[string, Record<string, unknown>]> = [
  [
    'Adam, β swept, gradient noise, every 7th of 50 steps',
    {
      landscape: { preset: 'himmelblau' },
      optimizer: { name: 'adam', sweep: { 'betas[0]': { values: [0.5, 0.9] }, 'betas[1]': { values: [0.9, 0.999] } } },
      init: { grid: { x: [-3, 3], y: [-3, 3], n: [5, 5] } },
      steps: 50,
      record: { every: 7 },
      noise: { std: 0.5, seed: 4 },
    },
  ],
  [
    'Adam under OneCycleLR, every 4th of 40 steps',
    {
      landscape: { preset: 'beale' },
      optimizer: { name: 'adam', lr: 0.05, schedule: { name: 'OneCycleLR', max_lr: 0.05, total_steps: 40 } },
      init: { random: { x: [-2, 2], y: [-2, 2], count: 20, seed: 5 } },
      steps: 40,
      record: { every: 4 },
    },
  ],
  [
    'SGD, lr swept, some runs diverge, every step of 120',
    {
      landscape: { preset: 'ill_conditioned_quadratic' },
      optimizer: { name: 'sgd', sweep: { lr: { values: [0.0199, 0.5, 0.01, 0.6, 0.015] } } },
      init: [
        [1, 1],
        [2, -1],
      ],
      steps: 120,
      record: { every: 1 },
    },
  ],
]

const sameBits = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))

/** Points of `a` that differ from `b` (positions and death steps bit for bit; the loss too unless `lossTolerance`). */
function differences(a: ScenarioResult, b: ScenarioResult, lossTolerance?: number): string[] {
  const bad: string[] = []
  a.runs.forEach((run, r) => {
    const other = b.runs[r]
    if (run.diverged_at !== other.diverged_at) bad.push(`run ${r}: diverged at ${run.diverged_at} vs ${other.diverged_at}`)
    run.trajectory.forEach(([x, y], k) => {
      const [x2, y2] = other.trajectory[k]
      if (!sameBits(x, x2) || !sameBits(y, y2)) bad.push(`run ${r}, point ${k}: (${x}, ${y}) vs (${x2}, ${y2})`)
      const l = run.loss[k]
      const l2 = other.loss[k]
      if (!(sameBits(l, l2) || (lossTolerance !== undefined && Math.abs(l - l2) <= lossTolerance * (1 + Math.abs(l2)))))
        bad.push(`run ${r}, point ${k}: loss ${l} vs ${l2}`)
    })
  })
  return bad
}

/** Step 5 on `mode`: recorded blocks against one recorded point per launch (bit for bit) and against the host-read path (loss to 1e-5). */
async function recordingAgreement(mode: BackendMode): Promise<{ cases: number; backend: string; failures: string[] }> {
  const failures: string[] = []
  let backend = ''
  for (const [name, doc] of AGREEMENT_CASES) {
    const s = { ...doc, precision: 'float32' }
    const run = (options: PlanOptions) => runScenario(parseScenario(s), { backend: mode, ...options })
    const blocks = await run({ pointsPerLaunch: 1000 })
    backend = blocks.backends[0]
    const onePoint = await run({ pointsPerLaunch: 1 })
    const byHost = await run({ pointsPerLaunch: 0 })
    for (const d of differences(blocks, onePoint).slice(0, 3)) failures.push(`${name}, against one point per launch: ${d}`)
    for (const d of differences(blocks, byHost, 1e-5).slice(0, 3)) failures.push(`${name}, against the host-read path: ${d}`)
  }
  return { cases: AGREEMENT_CASES.length, backend, failures }
}

/** GPU.js's backends to try for steps 4–5: its WebAssembly and cpu backends always, WebGPU and headless GL where present. */
function gpujsModes(webgpu: boolean): BackendMode[] {
  return [...(webgpu ? (['webgpu'] as const) : []), 'headlessgl', 'webasm', 'cpu']
}

/** One backend's figures for step 4; a failure is printed, and the other backends still run. */
async function recordedFigures(mode: BackendMode): Promise<Record<string, unknown>> {
  // GPU.js's cpu backend runs the kernel as JavaScript (≈ 10⁷ particle-steps/s): a smaller job.
  const [n, steps] = mode === 'cpu' || quick ? [1e3, 200] : [1e4, 1000]
  const figures: Record<string, unknown> = { mode, particles: n, steps }
  const label = `${mode.padEnd(10)} N = ${n.toExponential(0)} × ${steps} steps, every step kept`
  const paths: Array<[string, number | undefined]> =
    mode === 'wasm'
      ? [['default', undefined]]
      : [
          ['recorded', 1e9],
          ['perPoint', 0],
          ['default', undefined],
        ]
  for (const [key, points] of paths) {
    try {
      const t = await throughput(mode, n, 1, steps, points)
      figures[key] = t
      log(`${label}: ${t.seconds.toFixed(2)} s, ${t.rate.toExponential(2)} particle-steps/s (${key}: ${t.path})`)
    } catch (err) {
      figures[key] = { error: (err as Error).message.split('\n')[0] }
      log(`${label} (${key}): FAILED: ${(err as Error).message.split('\n')[0]}`)
    }
  }
  try {
    const j = await streamed(mode, n, steps)
    figures.streamed = j
    log(
      `${label}: streamed through Job (default path): first chunk ${j.firstChunkMs.toFixed(1)} ms, whole job ${j.wholeMs.toFixed(0)} ms (${j.chunks} chunks)`,
    )
  } catch (err) {
    figures.streamed = { error: (err as Error).message.split('\n')[0] }
    log(`${label} streamed: FAILED: ${(err as Error).message.split('\n')[0]}`)
  }
  return figures
}

/** Whether GPU.js runs `mode` itself (not a fallback to its cpu backend), e.g. headless GL without the `gl` package. */
function runsItself(mode: BackendMode): string | null {
  if (mode === 'cpu' || mode === 'webasm') return null
  try {
    const part = planParts(parseScenario(adamDoc(4, 1, 1)), { backend: mode, pointsPerLaunch: 0 })[0]
    const name = part.stepper.backend()
    return /CPUKernel|WebAssemblyKernel/.test(name) ? `GPU.js fell back to ${name}` : null
  } catch (err) {
    return (err as Error).message.split('\n')[0]
  }
}

/** Steps 4 and 5 for every backend at hand. */
async function recordedSteps(webgpu: boolean): Promise<void> {
  const recorded: Array<Record<string, unknown>> = []
  const agreement: Record<string, unknown> = {}
  for (const mode of ['wasm', ...gpujsModes(webgpu)] as BackendMode[]) {
    const absent = runsItself(mode)
    if (absent) {
      log(`${mode}: not run (${absent})`)
      recorded.push({ mode, skipped: absent })
      continue
    }
    recorded.push(await recordedFigures(mode))
    if (mode === 'wasm') continue
    try {
      const a = await recordingAgreement(mode)
      agreement[mode] = a
      if (a.failures.length) failed = true
      log(
        `${mode}: recording launches against one launch per kept point, ${a.cases} scenarios: ${a.failures.length ? 'DIFFERENCES:' : 'bit for bit'} [${a.backend}]`,
      )
      for (const f of a.failures.slice(0, 10)) log(`  ${f}`)
    } catch (err) {
      agreement[mode] = { error: (err as Error).message.split('\n')[0] }
      log(`${mode}: recording agreement FAILED: ${(err as Error).message.split('\n')[0]}`)
    }
  }
  report.recorded = recorded
  report.recordingAgreement = agreement
}

// `--check MODE` runs the correctness check on another backend too (to try the script without a GPU).
const extra = process.argv.includes('--check') ? (process.argv[process.argv.indexOf('--check') + 1] as BackendMode) : null
if (extra) {
  const c = await correctness(extra)
  report[`correctness_${extra}`] = c
  log(
    `${extra}, ${c.cases} reference cases × ${STEPS} steps: worst ${c.worst.toExponential(2)} (tolerance 1e-3), ${c.failures.length} failures`,
  )
  for (const f of c.failures.slice(0, 20)) log(`  ${f}`)
}
const unavailable = await enableWebGpu()
report.webgpu = unavailable ? { available: false, reason: unavailable } : { available: true }
log(unavailable ? `WebGPU unavailable: ${unavailable}` : 'WebGPU adapter found')
let failed = false
if (process.argv.includes('--recorded')) {
  await recordedSteps(!unavailable)
  if (json) process.stdout.write(JSON.stringify(report) + '\n')
  process.exit(failed ? 1 : 0)
}
if (!unavailable) {
  try {
    const c = await correctness('webgpu')
    report.correctness = c
    failed = c.failures.length > 0
    log(
      `WebGPU, ${c.cases} reference cases (torch, literature, schedules) × ${STEPS} steps: worst ${c.worst.toExponential(2)} (tolerance 1e-3)${failed ? ', FAILURES:' : ', all within'}`,
    )
    for (const f of c.failures.slice(0, 20)) log(`  ${f}`)
  } catch (err) {
    failed = true
    report.correctness = { error: (err as Error).message.split('\n')[0] }
    log(`WebGPU reference cases FAILED to run: ${(err as Error).message.split('\n')[0]}`)
  }
}
const rows: Array<{ backend: string; particles: number; seconds?: number; rate?: number; error?: string }> = []
for (const [mode, n] of [
  ['wasm', 1e6],
  ['webasm', 1e6],
  ...(unavailable
    ? []
    : [
        ['webgpu', 1e6],
        ['webgpu', 1e7],
      ]),
] as Array<[BackendMode, number]>) {
  try {
    const t = await throughput(mode, n)
    rows.push({ backend: mode, particles: n, ...t })
    log(
      `Adam on Rosenbrock, ${mode.padEnd(7)} N = ${n.toExponential(0)} × 1000 steps: ${t.seconds.toFixed(2)} s, ${t.rate.toExponential(2)} particle-steps/s`,
    )
  } catch (err) {
    rows.push({ backend: mode, particles: n, error: (err as Error).message.split('\n')[0] })
    log(`Adam on Rosenbrock, ${mode.padEnd(7)} N = ${n.toExponential(0)}: FAILED: ${(err as Error).message.split('\n')[0]}`)
  }
}
report.throughput = rows
await recordedSteps(!unavailable)
if (json) process.stdout.write(JSON.stringify(report) + '\n')
process.exit(failed ? 1 : 0)
