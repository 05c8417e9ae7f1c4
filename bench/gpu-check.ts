/**
 * `npm run gpu-check`: the one short script for a machine with a GPU. It
 *   1. makes WebGPU available to GPU.js in Node through Dawn (the `webgpu` package GPU.js
 *      depends on) and says why when it cannot;
 *   2. checks the WebGPU kernel path on every float64 reference case of tests/fixtures (torch.optim,
 *      the literature optimizers, the lr schedules): the first 50 steps within 1e-3·(1+|x|);
 *   3. measures particle-steps/s of Adam on Rosenbrock at N = 10⁶ and 10⁷ (1000 steps, final
 *      state) on WebGPU, with both WebAssembly backends (ours, GPU.js's) at 10⁶ on the same machine for scale;
 *   4. measures the recorded path users run when they keep every step: 10⁴ trajectories × 1000
 *      steps, every step kept (GPU.js: one launch per kept point; ours: recorded in the kernel).
 * `--check webasm` also runs step 2 on another backend (to try the script here).
 * Prints a table and, with --json, one JSON document. It asserts nothing and exits 0 unless the
 * script itself breaks; a correctness failure is printed as such (and exits 1).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseScenario } from '../src-shared/scenario'
import { blockOutput, keptRange } from '../src-main/engine/float64'
import type { BackendMode } from '../src-main/engine/float32'
import { planParts } from '../src-main/engine/plan'
import { runScenario } from '../src-main/engine/run-scenario'

const json = process.argv.includes('--json')
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

/** Adam on Rosenbrock, N × 1000 steps on `mode`, keeping every `every`-th step (1000: the final state). */
async function throughput(mode: BackendMode, n: number, every = 1000): Promise<{ seconds: number; rate: number }> {
  const doc = (count: number, steps: number, e: number) => ({
    landscape: { preset: 'rosenbrock' },
    optimizer: { name: 'adam', lr: 0.01 },
    init: { random: { x: [-2, 2], y: [-1, 3], count, seed: 1 } },
    steps,
    precision: 'float32',
    record: { every: e },
  })
  // Warm-up: the same job's first 10 steps (its kernel compiled: the points it records per launch depend on the job).
  const warm = planParts(parseScenario(doc(n, 1000, every)), { backend: mode })[0]
  await warm.stepper.advance(10, blockOutput(warm.job, warm.n, 0, keptRange(0, 10, every).count, 'float32'))
  const part = planParts(parseScenario(doc(n, 1000, every)), { backend: mode })[0]
  const { start, count } = keptRange(0, 1000, every)
  const out = blockOutput(part.job, part.n, start, count, 'float32')
  // Touched before the clock starts: fresh pages cost ≈ 3 ms per MiB to touch on some machines.
  out.x.fill(0)
  out.y.fill(0)
  out.loss.fill(0)
  const t0 = performance.now()
  await part.stepper.advance(1000, out)
  const seconds = (performance.now() - t0) / 1000
  return { seconds, rate: (n * 1000) / seconds }
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
if (!unavailable) {
  const c = await correctness('webgpu')
  report.correctness = c
  failed = c.failures.length > 0
  log(
    `WebGPU, ${c.cases} reference cases (torch, literature, schedules) × ${STEPS} steps: worst ${c.worst.toExponential(2)} (tolerance 1e-3)${failed ? ', FAILURES:' : ', all within'}`,
  )
  for (const f of c.failures.slice(0, 20)) log(`  ${f}`)
}
const rows: Array<{ backend: string; particles: number; seconds: number; rate: number }> = []
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
  const t = await throughput(mode, n)
  rows.push({ backend: mode, particles: n, ...t })
  log(
    `Adam on Rosenbrock, ${mode.padEnd(7)} N = ${n.toExponential(0)} × 1000 steps: ${t.seconds.toFixed(2)} s, ${t.rate.toExponential(2)} particle-steps/s`,
  )
}
report.throughput = rows
const recorded: typeof rows = []
for (const mode of ['wasm', 'webasm', ...(unavailable ? [] : ['webgpu'])] as BackendMode[]) {
  const t = await throughput(mode, 1e4, 1)
  recorded.push({ backend: mode, particles: 1e4, ...t })
  log(
    `Adam on Rosenbrock, ${mode.padEnd(7)} N = 1e4 × 1000 steps, every step kept: ${t.seconds.toFixed(2)} s, ${t.rate.toExponential(2)} particle-steps/s`,
  )
}
report.recorded = recorded
if (json) process.stdout.write(JSON.stringify(report) + '\n')
process.exit(failed ? 1 : 0)
