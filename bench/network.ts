/**
 * `npm run bench:network`: the cost of a network landscape in float64 — the reference run of
 * tests/fixtures/networks/cfjax__gd__lr0.1.json (8-16-16-1 swish MLP, 433 parameters, 128
 * examples, 1000 GD steps, top-2 Hessian eigenvalues by Lanczos at every step), timed end to end,
 * with the cost of one gradient and one Hessian-vector product. `--json` prints the figures as JSON.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseNetworkScenario } from '../src-shared/network/scenario'
import { Mlp } from '../src-shared/network/mlp'
import { simulateNetwork } from '../src-main/engine/network/simulate'

const file = join(import.meta.dirname, '..', 'tests', 'fixtures', 'networks', 'cfjax__gd__lr0.1.json')
const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
const s = parseNetworkScenario(doc)
const net = s.network
const config = s.optimizers[0]

function perCall(f: () => void, n: number): number {
  for (let i = 0; i < Math.min(200, n); i++) f() // warm up
  const t0 = performance.now()
  for (let i = 0; i < n; i++) f()
  return ((performance.now() - t0) / n) * 1000
}

const mlp = new Mlp(net, net.data.x, net.data.y)
const v = Float64Array.from({ length: net.size }, (_, i) => Math.sin(i))
const out = new Float64Array(net.size)
const gradientUs = perCall(() => mlp.prepare(net.params), 2000)
mlp.prepare(net.params)
const hvpUs = perCall(() => mlp.hvp(v, out), 2000)

// Wall time, and this process's CPU time (the figure to quote on a loaded machine).
const runs: Array<{ seconds: number; cpu: number; hvps: number }> = []
for (let r = 0; r < 3; r++) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const trace = simulateNetwork(net, config.def, config.configs[0], s.steps, { ...s.record, eigenvalues: 2, eigenEvery: 1 })
  const c = process.cpuUsage(c0)
  runs.push({ seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, hvps: trace.hvps })
}
const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a))
const figures = {
  network: `[${net.layers.join(', ')}] ${net.activation}, ${net.size} parameters, ${net.data.n} examples`,
  steps: s.steps,
  eigenvalues_per_step: 2,
  seconds_best_of_3: Number(best.seconds.toFixed(3)),
  seconds_all: runs.map((r) => Number(r.seconds.toFixed(3))),
  cpu_seconds_best: Number(Math.min(...runs.map((r) => r.cpu)).toFixed(3)),
  hvps: best.hvps,
  hvps_per_step: Number((best.hvps / (s.steps + 1)).toFixed(1)),
  gradient_us: Number(gradientUs.toFixed(1)),
  hvp_us: Number(hvpUs.toFixed(1)),
}
if (process.argv.includes('--json')) console.log(JSON.stringify(figures, null, 2))
else {
  console.log(`network landscape, float64: ${figures.network}`)
  console.log(
    `  ${figures.steps} GD steps with top-2 Hessian eigenvalues every step: ${figures.seconds_best_of_3} s wall (best of 3; ${figures.seconds_all.join(', ')} s), ${figures.cpu_seconds_best} s CPU`,
  )
  console.log(`  ${figures.hvps} Hessian-vector products (${figures.hvps_per_step} per step, warm-started Lanczos)`)
  console.log(`  one loss + gradient: ${figures.gradient_us} µs; one exact HVP: ${figures.hvp_us} µs`)
}
