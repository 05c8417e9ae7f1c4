/** @vitest-environment node */
/**
 * The acceptance bar of the foundation: through the CLI, every float64 PyTorch trajectory
 * in tests/fixtures/torch matches within 1e-6·(1+|x|) over the first 200 steps, and the
 * edge-of-stability runs also match per-step sharpness.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir, writeScenario } from './cli-helpers'

const TORCH = join(ROOT, 'tests/fixtures/torch')
const EOS = join(ROOT, 'tests/fixtures/eos')

interface Reference {
  steps: number
  trajectory: number[][]
  loss: number[]
  sharpness?: number[]
  asgd_ax?: number[][]
  diverged: boolean
}

const tol = (ref: number) => 1e-6 * (1 + Math.abs(ref))

function worstError(got: Array<Array<number | null>>, want: number[][], upto: number): number {
  let worst = 0
  for (let k = 0; k <= upto; k++) {
    for (let c = 0; c < 2; c++) {
      const g = got[k][c]
      const e = g === null ? Infinity : Math.abs(g - want[k][c]) / tol(want[k][c])
      worst = Math.max(worst, e)
    }
  }
  return worst // in units of the tolerance
}

describe('CLI against float64 PyTorch references', () => {
  const files = readdirSync(TORCH)
    .filter((f) => f.endsWith('.json'))
    .sort()
  const dir = tempDir()

  it('has all 51 reference cases', () => {
    expect(files.length).toBe(51)
  })

  it.each(files)('%s', (file) => {
    const ref = JSON.parse(readFileSync(join(TORCH, file), 'utf8')) as Reference
    const out = join(dir, file)
    const r = runCli(['run', join(TORCH, file), '--out', out])
    expect(r.stderr).not.toMatch(/error/)
    expect(r.status).toBe(0)
    const result = JSON.parse(readFileSync(out, 'utf8'))
    expect(result.runs).toHaveLength(1)
    const run = result.runs[0]
    const upto = Math.min(200, ref.steps)
    expect(run.trajectory).toHaveLength(ref.steps + 1)
    expect(worstError(run.trajectory, ref.trajectory, upto)).toBeLessThanOrEqual(1)
    for (let k = 0; k <= upto; k++) expect(Math.abs(run.loss[k] - ref.loss[k])).toBeLessThanOrEqual(tol(ref.loss[k]))
    if (ref.asgd_ax) expect(worstError(run.averaged, ref.asgd_ax, upto)).toBeLessThanOrEqual(1)
    // The two deliberately diverging cases stay finite over their steps: no diverged_at.
    expect(run.diverged_at).toBeNull()
  })

  it.each(
    readdirSync(EOS)
      .filter((f) => f.endsWith('.json'))
      .sort(),
  )('edge of stability: %s, with per-step sharpness', (file) => {
    const ref = JSON.parse(readFileSync(join(EOS, file), 'utf8')) as Reference
    const scenario = { ...ref, record: { every: 1, sharpness: true } }
    const path = writeScenario(dir, `eos-${file}`, scenario)
    const out = join(dir, `eos-out-${file}`)
    const r = runCli(['run', path, '--out', out])
    expect(r.status).toBe(0)
    const run = JSON.parse(readFileSync(out, 'utf8')).runs[0]
    const upto = Math.min(200, ref.steps)
    expect(worstError(run.trajectory, ref.trajectory, upto)).toBeLessThanOrEqual(1)
    expect(run.sharpness).toHaveLength(ref.steps + 1)
    for (let k = 0; k <= ref.steps; k++) {
      expect(Math.abs(run.sharpness[k] - ref.sharpness![k])).toBeLessThanOrEqual(tol(ref.sharpness![k]))
    }
  })
})
