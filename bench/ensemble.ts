/**
 * `npm run bench -- --networks`: float32 network ensembles (src-main/engine/network/ensemble) in
 * network-steps/s — E networks [8, 16, 16, 1], tanh, MSE on 128 examples (gaussian, shared),
 * full-batch GD (lr 0.05) and Adam (lr 0.01), at E = 1, 64 and 1024 — beside the batched peers of
 * bench/peers.py (`--networks`): NumPy float32 and, where torch is installed, PyTorch CPU float32
 * (bmm). Ours: one thread, every step's loss kept, best of 3 after a warm-up run (the module
 * compiled); the peers: one thread, best of 3. A benchmark prints figures; it asserts nothing.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import { parseEnsembleScenario } from '../src-shared/network/ensemble'
import { EnsembleTrainer } from '../src-main/engine/network/ensemble/trainer'

export interface EnsembleFigure {
  readonly path: string
  readonly optimizer: 'gd' | 'adam'
  readonly ensemble: number
  readonly steps?: number
  readonly seconds?: number
  readonly networkStepsPerSecond?: number
  /** This process's CPU time (the figure to compare on a loaded machine), best of the runs. */
  readonly cpuSeconds?: number
  readonly networkStepsPerCpuSecond?: number
  readonly skipped?: string
}

export const ENSEMBLE_SIZES = [1, 64, 1024]
/** Steps per size: each timed run takes about a second here. */
const stepsFor = (E: number) => (E === 1 ? 2000 : E <= 64 ? 300 : 30)
const REPEATS = 3

function scenario(E: number, optimizer: 'gd' | 'adam', steps: number) {
  return parseEnsembleScenario({
    landscape: {
      network: {
        layers: [8, 16, 16, 1],
        activation: 'tanh',
        loss: 'mse',
        data: { dataset: 'gaussian', n: 128, seed: 0 },
        init: { scheme: 'lecun_normal', seeds: Array.from({ length: E }, (_, i) => i) },
      },
    },
    optimizer: optimizer === 'gd' ? { name: 'sgd', lr: 0.05 } : { name: 'adam', lr: 0.01 },
    steps,
    precision: 'float32',
  })
}

function ours(E: number, optimizer: 'gd' | 'adam'): EnsembleFigure {
  const steps = stepsFor(E)
  const s = scenario(E, optimizer, steps)
  new EnsembleTrainer(s.network, s.groups[0], 5, 1).advance(5) // compile and warm up
  let seconds = Infinity
  let cpuSeconds = Infinity
  for (let r = 0; r < REPEATS; r++) {
    const trainer = new EnsembleTrainer(s.network, s.groups[0], steps, 1)
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    trainer.advance(steps)
    const c = process.cpuUsage(c0)
    seconds = Math.min(seconds, (performance.now() - t0) / 1000)
    cpuSeconds = Math.min(cpuSeconds, (c.user + c.system) / 1e6)
  }
  return {
    path: 'gradscape float32 wasm-simd ensemble, 1 thread',
    optimizer,
    ensemble: E,
    steps,
    seconds,
    networkStepsPerSecond: (E * steps) / seconds,
    cpuSeconds,
    networkStepsPerCpuSecond: (E * steps) / cpuSeconds,
  }
}

function peers(): EnsembleFigure[] {
  const python = ['/usr/bin/python3', 'python3'].find((p) => (p.startsWith('/') ? existsSync(p) : true))!
  const r = spawnSync(
    python,
    [
      join(import.meta.dirname, 'peers.py'),
      '--networks',
      ENSEMBLE_SIZES.join(','),
      ENSEMBLE_SIZES.map(stepsFor).join(','),
      String(REPEATS),
    ],
    // One thread, as ours.
    { encoding: 'utf8', timeout: 900_000, env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } },
  )
  if (r.error || r.status !== 0)
    return [
      {
        path: 'numpy / pytorch',
        optimizer: 'gd',
        ensemble: 0,
        skipped: `python3 failed: ${r.error?.message ?? r.stderr.trim().split('\n').at(-1)}`,
      },
    ]
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const p = JSON.parse(line)
      return {
        path: p.peer,
        optimizer: p.optimizer,
        ensemble: p.ensemble,
        steps: p.steps,
        seconds: p.seconds,
        networkStepsPerSecond: p.networkStepsPerSecond,
        cpuSeconds: p.cpuSeconds,
        networkStepsPerCpuSecond: p.networkStepsPerCpuSecond,
        skipped: p.skipped,
      }
    })
}

export function benchEnsembles(log: (s?: string) => void): {
  figures: EnsembleFigure[]
  ratios: Record<string, number>
  loadBefore: number[]
  loadAfter: number[]
} {
  const loadBefore = loadavg()
  log(`network ensembles: [8, 16, 16, 1] tanh, MSE, 128 examples, float32 (load average ${loadBefore.map((v) => v.toFixed(2)).join(', ')})`)
  log(
    `${'path'.padEnd(52)} ${'opt'.padEnd(5)} ${'E'.padStart(5)} ${'steps'.padStart(6)} ${'seconds'.padStart(8)}  network-steps/s (wall, CPU)`,
  )
  const figures: EnsembleFigure[] = []
  const row = (f: EnsembleFigure) => {
    figures.push(f)
    const rate = f.networkStepsPerSecond
      ? `${f.networkStepsPerSecond.toFixed(0).padStart(7)} ${f.networkStepsPerCpuSecond?.toFixed(0).padStart(7) ?? ''}`
      : (f.skipped ?? '')
    log(
      `${f.path.padEnd(52)} ${f.optimizer.padEnd(5)} ${String(f.ensemble).padStart(5)} ${String(f.steps ?? '').padStart(6)} ${f.seconds !== undefined ? f.seconds.toFixed(3).padStart(8) : ''.padStart(8)}  ${rate}`,
    )
  }
  for (const optimizer of ['gd', 'adam'] as const) for (const E of ENSEMBLE_SIZES) row(ours(E, optimizer))
  const peerFigures = peers()
  for (const f of peerFigures) {
    if (f.skipped?.startsWith('torch')) log(`${f.path}: ${f.optimizer}, E = ${f.ensemble}: torch not installed`)
    else row(f)
  }
  const ratios: Record<string, number> = {}
  for (const f of figures) {
    if (f.path.startsWith('gradscape') || !f.networkStepsPerSecond) continue
    const mine = figures.find((g) => g.path.startsWith('gradscape') && g.optimizer === f.optimizer && g.ensemble === f.ensemble)
    if (mine?.networkStepsPerSecond)
      ratios[`ours ÷ ${f.path}, ${f.optimizer}, E=${f.ensemble}, wall`] = mine.networkStepsPerSecond / f.networkStepsPerSecond
    if (mine?.networkStepsPerCpuSecond && f.networkStepsPerCpuSecond)
      ratios[`ours ÷ ${f.path}, ${f.optimizer}, E=${f.ensemble}, CPU`] = mine.networkStepsPerCpuSecond / f.networkStepsPerCpuSecond
  }
  log('ours ÷ peer:')
  for (const [k, v] of Object.entries(ratios)) log(`  ${k.padEnd(56)} ${v.toFixed(2)}×`)
  const loadAfter = loadavg()
  log(`load average after: ${loadAfter.map((v) => v.toFixed(2)).join(', ')}`)
  return { figures, ratios, loadBefore, loadAfter }
}
