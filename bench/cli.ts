/**
 * `npm run bench:cli`: the CLI end to end, as users run it (a fresh `node scripts/cli.mjs run`
 * process per figure, start-up included), against the same work done in-process.
 *
 *   1. 10⁴ particles × 1000 steps, every step kept: to .npz (target < 3 s) and to JSON (< 10 s).
 *   2. 250k particles × 1000 steps, final state only (record.every = 1000): the whole process
 *      against the in-process kernel (collectResult alone; target ≥ 50 % of its throughput).
 *   3. 10⁶ particles × 1000 steps, final states to .npz: the whole process against the best
 *      in-process NumPy / PyTorch float32 peer (bench/peers.py; target ≥ 1.5×).
 *
 * Adam (lr 0.01) on Rosenbrock, float32 (the `wasm` kernel unless a GPU is found), as bench/peers.py.
 * `npm run bench:cli -- quick` skips the 10⁶ case; `npm run bench:cli -- text` runs only the text
 * outputs of case 1 (JSON and CSV: their writers, src-main/cli/output/number-bytes.ts).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseScenario } from '../src-shared/scenario'
import { collectResult } from '../src-main/cli/output/result'

const ROOT = join(import.meta.dirname, '..')
const LAUNCHER = join(ROOT, 'scripts/cli.mjs')
const dir = mkdtempSync(join(tmpdir(), 'gradscape-bench-cli-'))
const quick = process.argv.includes('quick')
const textOnly = process.argv.includes('text')

const scenario = (particles: number, every: number) => ({
  landscape: { preset: 'rosenbrock' },
  optimizer: { name: 'adam', lr: 0.01 },
  init: { random: { x: [-2, 2], y: [-1, 3], count: particles, seed: 1 } },
  steps: 1000,
  precision: 'float32',
  record: { every },
})

const log = (line: string) => process.stdout.write(line + '\n')
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`

/** Seconds for one CLI process writing `ext`, best of `repeats`. */
function cli(doc: unknown, ext: string, repeats = 1): { seconds: number; bytes: number } {
  const path = join(dir, `s.json`)
  writeFileSync(path, JSON.stringify(doc))
  const out = join(dir, `r.${ext}`)
  let best = Infinity
  let bytes = 0
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, [LAUNCHER, 'run', path, '--out', out], { encoding: 'utf8' })
    const seconds = (performance.now() - t0) / 1000
    if (r.status !== 0) throw new Error(`cli failed: ${r.stderr}`)
    best = Math.min(best, seconds)
    bytes = statSync(out).size
    rmSync(out)
  }
  return { seconds: best, bytes }
}

/** Seconds for the same scenario run in this process (no start-up, no output), best of `repeats`. */
async function inProcess(doc: unknown, repeats = 2): Promise<number> {
  let best = Infinity
  for (let i = 0; i < repeats; i++) {
    const s = parseScenario(doc)
    const t0 = performance.now()
    await collectResult(s, { backend: 'gpu' })
    best = Math.min(best, (performance.now() - t0) / 1000)
  }
  return best
}

function numpyPeer(particles: number): { peer: string; seconds: number } | null {
  const r = spawnSync('python3', [join(import.meta.dirname, 'peers.py'), String(particles), '1000', '1'], {
    encoding: 'utf8',
    timeout: 600_000,
  })
  if (r.status !== 0) return null
  const rows = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { peer: string; seconds?: number })
  const float32 = rows.filter((p) => p.peer.endsWith('float32') && p.seconds !== undefined) as Array<{ peer: string; seconds: number }>
  return float32.sort((a, b) => a.seconds - b.seconds)[0] ?? null
}

async function main(): Promise<void> {
  // Warm the launcher's bundle so no figure pays for a rebuild.
  spawnSync(process.execPath, [LAUNCHER, 'presets'], { encoding: 'utf8' })
  // Every figure is wall time: read them against the machine's load.
  log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores`,
  )
  const every = scenario(10_000, 1)
  if (!textOnly) {
    const start = cli(scenario(1, 1000), 'npz', 3)
    log(`CLI start-up (1 particle, .npz)                      ${start.seconds.toFixed(2)} s`)
    const npz = cli(every, 'npz', 2)
    log(`10⁴ × 1000 every step → .npz      ${npz.seconds.toFixed(2)} s  (${mb(npz.bytes)}; target < 3 s)`)
  }
  const json = cli(every, 'json')
  log(`10⁴ × 1000 every step → JSON      ${json.seconds.toFixed(2)} s  (${mb(json.bytes)}; target < 10 s)`)
  const csv = cli(every, 'csv')
  log(`10⁴ × 1000 every step → CSV       ${csv.seconds.toFixed(2)} s  (${mb(csv.bytes)})`)
  if (textOnly) {
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  }

  const final = scenario(250_000, 1000)
  const kernel = await inProcess(final)
  const work = 250_000 * 1000
  for (const ext of ['npz', 'json'] as const) {
    const r = cli(final, ext, 2)
    log(
      `250k × 1000 final state → ${ext.padEnd(5)}  ${r.seconds.toFixed(2)} s = ${(work / r.seconds).toExponential(2)} particle-steps/s; ` +
        `in-process ${kernel.toFixed(2)} s = ${(work / kernel).toExponential(2)}: ${((100 * kernel) / r.seconds).toFixed(0)} % (target ≥ 50 %)`,
    )
  }

  if (!quick) {
    const big = scenario(1_000_000, 1000)
    const r = cli(big, 'npz')
    const peer = numpyPeer(1_000_000)
    const line = `10⁶ × 1000 final states → .npz   ${r.seconds.toFixed(2)} s whole process = ${(1e9 / r.seconds).toExponential(2)} particle-steps/s`
    log(
      peer
        ? `${line}; ${peer.peer} in-process ${peer.seconds.toFixed(2)} s: ${(peer.seconds / r.seconds).toFixed(2)}× (target ≥ 1.5×)`
        : `${line}; no NumPy/PyTorch peer (python3 failed)`,
    )
  }
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}

void main()
