/**
 * `npm run gpu-check`: the one short script for a machine with a GPU. It
 *   1. makes WebGPU available to GPU.js in Node through Dawn (the `webgpu` package GPU.js
 *      depends on) and says why when it cannot;
 *   2. checks the WebGPU kernel path against the float64 reference path: every optimizer, two
 *      landscapes, 12 starts, 50 steps, within 1e-3·(1+|x|) (the kernel-path test's tolerance);
 *   3. measures particle-steps/s of Adam on Rosenbrock at N = 10⁶ and 10⁷ (1000 steps, final
 *      state) on WebGPU, with both WebAssembly backends (ours, GPU.js's) at 10⁶ on the same machine for scale;
 *   4. measures the recorded path users run when they keep every step: 10⁴ trajectories × 1000
 *      steps, every step kept (GPU.js: one launch per kept point; ours: recorded in the kernel).
 * `--check webasm` also runs step 2 on another backend (to try the script here).
 * Prints a table and, with --json, one JSON document. It asserts nothing and exits 0 unless the
 * script itself breaks; a correctness failure is printed as such (and exits 1).
 */
import { parseScenario } from '../src-shared/scenario'
import { OPTIMIZERS } from '../src-shared/optim'
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

/** Settings per optimizer, a cross-section of the kernel-path test's. */
const SETTINGS: Record<string, Record<string, unknown>> = {
  sgd: { lr: 1e-3, momentum: 0.9, nesterov: true },
  adagrad: { lr: 0.1 },
  adadelta: { lr: 1 },
  rmsprop: { lr: 0.01, momentum: 0.5, centered: true },
  adam: { lr: 0.05, amsgrad: true },
  adamw: { lr: 0.05 },
  adamax: { lr: 0.05 },
  nadam: { lr: 0.02 },
  radam: { lr: 0.05 },
  asgd: { lr: 1e-3 },
  rprop: { lr: 0.01 },
}

async function correctness(mode: BackendMode): Promise<{ worst: number; failures: string[] }> {
  let worst = 0
  const failures: string[] = []
  for (const def of OPTIMIZERS) {
    for (const preset of ['rosenbrock', 'himmelblau']) {
      const doc = {
        landscape: { preset },
        optimizer: { name: def.name, ...(SETTINGS[def.name] ?? {}) },
        init: { grid: { x: [-1.5, 1.5], y: [-1, 2], n: [4, 3] } },
        steps: 50,
      }
      const want = await runScenario(parseScenario(doc))
      // Chaotic runs amplify any rounding: compare only while a float64 run with tiny gradient
      // noise (1e-4) still agrees with the reference (as tests/main/kernel-path.test.ts does).
      const jittered = await runScenario(parseScenario({ ...doc, noise: { std: 1e-4, seed: 1 } }))
      const got = await runScenario(parseScenario({ ...doc, precision: 'float32' }), { backend: mode })
      const rel = (a: number | null, b: number | null) => Math.abs((a ?? NaN) - (b ?? NaN)) / (1 + Math.abs(b ?? NaN))
      want.runs.forEach((w, r) => {
        for (let k = 0; k < w.trajectory.length; k++) {
          const [wx, wy] = w.trajectory[k]
          // Beyond 1e6 Rosenbrock's loss nears float32's range: float32 overflows where float64 does not.
          const [jx, jy] = jittered.runs[r].trajectory[k]
          if (wx === null || wy === null || !(Math.abs(wx) < 1e6 && Math.abs(wy) < 1e6) || !(Math.max(rel(jx, wx), rel(jy, wy)) <= 1e-4))
            break
          const [gx, gy] = got.runs[r].trajectory[k]
          const e = Math.max(rel(gx, wx), rel(gy, wy))
          if (!(e <= 1e-3)) {
            failures.push(`${def.name} on ${preset}, run ${r}, step ${k}: relative error ${e}`)
            break
          }
          worst = Math.max(worst, e)
        }
      })
    }
  }
  return { worst, failures }
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
  log(`${extra} vs float64: worst ${c.worst.toExponential(2)} (tolerance 1e-3), ${c.failures.length} failures`)
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
    `WebGPU vs float64, every optimizer × 2 landscapes × 12 starts × 50 steps: worst ${c.worst.toExponential(2)} (tolerance 1e-3)${failed ? ', FAILURES:' : ', all within'}`,
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
