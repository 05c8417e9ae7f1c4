/**
 * `npm run bench`: throughput figures (particle-steps/s) for the engine paths.
 * `npm run bench -- --json` prints the same figures as JSON. A benchmark prints; it asserts nothing.
 */
import { landscapeFromSpec } from '../src-shared/landscape'
import { findOptimizer, resolveHparams } from '../src-shared/optim'
import { runFloat64 } from '../src-main/engine/float64'
import { uniformHparams } from '../src-main/engine/run-scenario'

interface Figure { name: string; particles: number; steps: number; seconds: number; particleStepsPerSecond: number }

const json = process.argv.includes('--json')
const log = (s: string) => { if (!json) process.stdout.write(s + '\n') }

function startCloud(n: number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) { x[i] = -2 + (4 * ((i * 0.6180339887) % 1)); y[i] = -1 + (4 * ((i * 0.7548776662) % 1)) }
  return { x, y }
}

function benchFloat64(n: number, steps: number): Figure {
  const landscape = landscapeFromSpec({ preset: 'rosenbrock' })
  const def = findOptimizer('adam')!
  const hparams = uniformHparams(def, resolveHparams(def, { lr: 0.01 }), n)
  const { x, y } = startCloud(n)
  const job = { landscape, optimizer: def, hparams, x0: x, y0: y, steps, every: 1, sharpness: false, noise: { std: 0, seed: 0 } }
  runFloat64({ ...job, x0: x.subarray(0, 100), y0: y.subarray(0, 100), hparams: hparams.subarray(0, 100 * 8) }) // compile + warm up
  const t0 = performance.now()
  runFloat64(job)
  const seconds = (performance.now() - t0) / 1000
  return { name: 'float64 reference (JS, 1 thread)', particles: n, steps, seconds, particleStepsPerSecond: (n * steps) / seconds }
}

const figures: Figure[] = []
log('Adam on Rosenbrock, every step recorded')
log('path                                  N        steps   seconds   particle-steps/s')
for (const n of [1e3, 1e4]) {
  const f = benchFloat64(n, 1000)
  figures.push(f)
  log(`${f.name.padEnd(36)}  ${String(f.particles).padEnd(8)} ${String(f.steps).padEnd(7)} ${f.seconds.toFixed(3).padStart(7)}   ${f.particleStepsPerSecond.toExponential(2)}`)
}
if (json) process.stdout.write(JSON.stringify({ figures }, null, 2) + '\n')
