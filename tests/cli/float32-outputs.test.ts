/** @vitest-environment node */
/**
 * `run` outputs of the float32 path, whose result holds positions and loss as float32 (half the
 * memory): every format writes the very doubles the engine's float64 output arrays would hold
 * (float32 numbers widened, NaN after a divergence), JSON byte for byte as JSON.stringify, and the
 * .npz's reused pieces (several per array here) all reach the file intact.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import { blockOutput, keptRange } from '../../src-main/engine/float64'
import { planParts } from '../../src-main/engine/plan'
import { collectResult, openOutput, writeResult } from '../../src-main/cli/output'
import { resultBytes } from '../../src-main/cli/output/memory'
import { tempDir } from '../main/cli-helpers'

const dir = tempDir()

/** Two optimizers, one diverging (lr 1000), sharpness; enough points that the .npz arrays span several 8 MB pieces. */
const doc = {
  landscape: { preset: 'rosenbrock' },
  optimizers: [
    { name: 'adam', lr: 0.01 },
    { name: 'sgd', lr: 0.001, sweep: { lr: { values: [0.001, 1000] } } },
  ],
  init: { random: { x: [-2, 2], y: [-1, 3], count: 500, seed: 3 } },
  steps: 400,
  precision: 'float32',
  record: { every: 1, sharpness: true },
}

/** The engine's float64 output arrays for the scenario (what the result held before), concatenated over parts. */
async function engineArrays() {
  const s = parseScenario(doc)
  const { start, count } = keptRange(0, s.steps, s.record.every)
  const cat = (parts: Float64Array[]) => {
    const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0))
    let at = 0
    for (const p of parts) {
      out.set(p, at)
      at += p.length
    }
    return out
  }
  const xs: Float64Array[] = []
  const ys: Float64Array[] = []
  const losses: Float64Array[] = []
  const sharp: Float64Array[] = []
  for (const part of planParts(s, { backend: 'wasm' })) {
    const out = blockOutput(part.job, part.n, start, count)
    await part.stepper.advance(s.steps, out)
    xs.push(out.x as Float64Array)
    ys.push(out.y as Float64Array)
    losses.push(out.loss as Float64Array)
    sharp.push(out.sharpness as Float64Array)
  }
  return { x: cat(xs), y: cat(ys), loss: cat(losses), sharpness: cat(sharp), kept: count }
}

async function written(ext: string): Promise<string> {
  const s = parseScenario(doc)
  const result = await collectResult(s, { backend: 'wasm' })
  expect(result.parts[0].out.x).toBeInstanceOf(Float32Array)
  const path = join(dir, `r.${ext}`)
  const sink = openOutput(path)
  writeResult(result, ext === 'npz' ? 'npz' : 'json', JSON.stringify(doc), sink)
  sink.commit()
  return path
}

const sha = (a: Float64Array) =>
  createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex')

describe('float32 results', () => {
  it('JSON holds the engine’s float64 values, formatted as JSON.stringify does', async () => {
    const e = await engineArrays()
    const text = readFileSync(await written('json'), 'utf8')
    const runs = (JSON.parse(text) as { runs: Array<{ trajectory: unknown; loss: unknown; sharpness: unknown }> }).runs
    expect(runs.length * e.kept).toBe(e.x.length)
    const nullable = (v: number) => (Number.isFinite(v) ? v : null)
    let diverged = 0
    runs.forEach((run, r) => {
      const at = (k: number) => r * e.kept + k
      const trajectory = Array.from({ length: e.kept }, (_, k) => [nullable(e.x[at(k)]), nullable(e.y[at(k)])])
      const loss = Array.from({ length: e.kept }, (_, k) => nullable(e.loss[at(k)]))
      if (loss.includes(null)) diverged++
      // Byte for byte: the writer's digits are JSON.stringify's for the same doubles.
      expect(JSON.stringify(run.trajectory)).toBe(JSON.stringify(trajectory))
      expect(JSON.stringify(run.loss)).toBe(JSON.stringify(loss))
      expect(JSON.stringify(run.sharpness)).toBe(JSON.stringify(Array.from({ length: e.kept }, (_, k) => nullable(e.sharpness[at(k)]))))
    })
    expect(diverged).toBeGreaterThan(0) // the NaN case is exercised
  })

  it('NumPy reads the .npz with the engine’s float64 values, bit for bit', async () => {
    const e = await engineArrays()
    const path = await written('npz')
    const py = spawnSync(
      'python3',
      [
        '-c',
        `
import hashlib, sys, numpy as np
z = np.load(sys.argv[1])
for k in ('trajectory', 'loss', 'sharpness'):
    print(k, z[k].dtype, z[k].shape, hashlib.sha256(np.ascontiguousarray(z[k]).tobytes()).hexdigest())
print('stability_threshold', sorted(set(z['stability_threshold'].tolist())), [int(v) for v in np.unique(z['diverged_at'])][:3])
`,
        path,
      ],
      { encoding: 'utf8' },
    )
    expect(py.status, py.stderr).toBe(0)
    const runs = e.x.length / e.kept
    const xy = new Float64Array(2 * e.x.length)
    for (let k = 0; k < e.x.length; k++) {
      xy[2 * k] = e.x[k]
      xy[2 * k + 1] = e.y[k]
    }
    expect(py.stdout.trim().split('\n')).toEqual([
      `trajectory float64 (${runs}, ${e.kept}, 2) ${sha(xy)}`,
      `loss float64 (${runs}, ${e.kept}) ${sha(e.loss)}`,
      `sharpness float64 (${runs}, ${e.kept}) ${sha(e.sharpness)}`,
      // Adam's (2 + 2β₁)/((1 − β₁)η) at η = 0.01; GD's 2/η at η = 0.001 and 1000; runs that never diverge (-1) and some that do.
      expect.stringMatching(/^stability_threshold \[0\.002, 2000\.0, 3800\.0{0,5}\d*\] \[-1(, \d+)+\]$/),
    ])
  })

  it('counts 12 bytes per kept point against the free memory (float64: 24)', () => {
    const plain = { ...doc, record: { every: 1 } }
    const points = 1500 * 401
    expect(resultBytes(parseScenario(plain)).offHeap).toBe(12 * points)
    expect(resultBytes(parseScenario({ ...plain, precision: 'float64' })).offHeap).toBe(24 * points)
  })
})
