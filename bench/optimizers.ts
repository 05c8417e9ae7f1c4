/**
 * Throughput of every optimizer from the literature beside Adam's, on the float32 WebAssembly
 * kernel (the automatic backend without a GPU): Rosenbrock (with its residuals, for Gauss–Newton),
 * N particles × a few hundred steps, final state, all threads; each timed after a 10-step warm-up
 * (kernel compiled, pool started), best of 2. `npm run bench -- --optimizers` runs only this section.
 */
import { parseScenario } from '../src-shared/scenario'
import { blockOutput, keptRange } from '../src-main/engine/float64'
import { planParts } from '../src-main/engine/plan'
import { LITERATURE_OPTIMIZERS } from '../src-shared/optim/literature'

export interface OptimizerFigure {
  readonly optimizer: string
  readonly particles: number
  readonly steps: number
  readonly seconds: number
  readonly particleStepsPerSecond: number
  /** This optimizer's rate ÷ Adam's. */
  readonly vsAdam: number
}

const ROSENBROCK = { expr: '(1 - x)^2 + 100*(y - x^2)^2', residuals: ['1 - x', '10*(y - x^2)'] }

function doc(name: string, n: number, steps: number) {
  return {
    landscape: ROSENBROCK,
    optimizer: { name },
    init: { random: { x: [-2, 2], y: [-1, 3], count: n, seed: 1 } },
    steps,
    precision: 'float32',
    record: { every: steps },
  }
}

async function time(name: string, n: number, steps: number): Promise<number> {
  const run = async (s: number) => {
    const part = planParts(parseScenario(doc(name, n, s)), { backend: 'wasm' })[0]
    const out = blockOutput(part.job, part.n, 0, keptRange(0, s, s).count, 'float32')
    const t0 = performance.now()
    await part.stepper.advance(s, out)
    return (performance.now() - t0) / 1000
  }
  await run(10)
  return Math.min(await run(steps), await run(steps))
}

export async function benchOptimizers(n: number, steps: number, log: (s?: string) => void): Promise<OptimizerFigure[]> {
  log(`optimizers from the literature beside Adam: float32 wasm-simd, Rosenbrock, N = ${n} × ${steps} steps, final state (best of 2)`)
  log(`${'optimizer'.padEnd(18)} ${'seconds'.padStart(8)}  ${'particle-steps/s'.padStart(16)}  ÷ Adam`)
  const figures: OptimizerFigure[] = []
  let adam = 0
  for (const name of ['adam', ...LITERATURE_OPTIMIZERS.map((o) => o.name)]) {
    const seconds = await time(name, n, steps)
    const rate = (n * steps) / seconds
    if (name === 'adam') adam = rate
    figures.push({ optimizer: name, particles: n, steps, seconds, particleStepsPerSecond: rate, vsAdam: rate / adam })
    log(`${name.padEnd(18)} ${seconds.toFixed(3).padStart(8)}  ${rate.toExponential(2).padStart(16)}  ${(rate / adam).toFixed(2)}`)
  }
  return figures
}
