/** @vitest-environment node */
/**
 * `"record": {"gfs_sharpness": true}`: `cli run` JSON carries the gradient-flow-solution sharpness per kept point (float64
 * path only), null where the flow does not converge; without the flag the field is absent.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { gfsSharpnessOrNull } from '../../src-shared/eos/gradient-flow-solution'
import { landscapeFromExpression } from '../../src-shared/landscape'
import { parseScenario } from '../../src-shared/scenario'
import { runScenario } from '../../src-main/engine/run-scenario'
import { runCli, tempDir, writeScenario } from '../main/cli-helpers'

const dir = tempDir()
const expr = '0.5*(x*y - 1)^2'

interface Run {
  optimizer: { name: string; lr: number }
  trajectory: Array<[number | null, number | null]>
  gfs_sharpness?: Array<number | null>
  diverged_at: number | null
}

function run(name: string, doc: unknown): { status: number | null; stderr: string; runs: Run[] } {
  const out = join(dir, `${name}.json`)
  const r = runCli(['run', writeScenario(dir, `${name}-scenario.json`, doc), '--out', out])
  return { status: r.status, stderr: r.stderr, runs: r.status === 0 ? (JSON.parse(readFileSync(out, 'utf8')) as { runs: Run[] }).runs : [] }
}

describe('cli run with record.gfs_sharpness', () => {
  const doc = {
    landscape: { expr },
    optimizers: [
      { name: 'sgd', lr: 0.056 },
      { name: 'sgd', lr: 0.5 },
    ],
    init: [0.2, 6],
    steps: 300,
    record: { every: 10, gfs_sharpness: true },
  }

  it('writes the GFS sharpness per kept point: decreasing along GD at the EoS, null after divergence', () => {
    const r = run('gfs', doc)
    expect(r.status, r.stderr).toBe(0)
    const [eos, diverged] = r.runs
    const compiled = landscapeFromExpression(expr).compiled
    expect(eos.gfs_sharpness).toHaveLength(31)
    eos.gfs_sharpness!.forEach((s, k) => {
      const [x, y] = eos.trajectory[k] as [number, number]
      // The JSON numbers round-trip exactly, so the CLI's value is the module's at the same point.
      expect(s).toBe(gfsSharpnessOrNull(compiled, x, y))
      if (k > 0) expect(s!).toBeLessThan(eos.gfs_sharpness![k - 1]!)
    })
    expect(eos.gfs_sharpness![30]!).toBeLessThan(2 / 0.056)
    // lr = 0.5 blows up: the kept points past divergence are null, so is their GFS sharpness.
    expect(diverged.diverged_at).not.toBeNull()
    expect(diverged.gfs_sharpness).toHaveLength(31)
    expect(diverged.gfs_sharpness![30]).toBeNull()
    expect(typeof diverged.gfs_sharpness![0]).toBe('number')
  })

  it('runScenario (the engine API) records the same values as the CLI', async () => {
    const cli = run('gfs-api', doc)
    expect(cli.status, cli.stderr).toBe(0)
    const api = (await runScenario(parseScenario(doc))).runs
    expect(api.map((r) => r.gfs_sharpness)).toEqual(cli.runs.map((r) => r.gfs_sharpness))
  })

  it('is absent unless asked for', () => {
    const r = run('plain', { landscape: { expr }, optimizer: { name: 'sgd', lr: 0.05 }, init: [0.2, 6], steps: 5 })
    expect(r.status, r.stderr).toBe(0)
    expect(r.runs[0]).not.toHaveProperty('gfs_sharpness')
  })

  it('is refused on the float32 path and when not a boolean, naming the field', () => {
    const base = { landscape: { expr }, optimizer: { name: 'sgd', lr: 0.05 }, init: [0.2, 6], steps: 5 }
    const f32 = run('f32', { ...base, precision: 'float32', record: { gfs_sharpness: true } })
    expect(f32.status).not.toBe(0)
    expect(f32.stderr).toMatch(/record\.gfs_sharpness.*float64/)
    const notBool = run('notbool', { ...base, record: { gfs_sharpness: 'yes' } })
    expect(notBool.status).not.toBe(0)
    expect(notBool.stderr).toMatch(/record\.gfs_sharpness.*true or false/)
  })
})
