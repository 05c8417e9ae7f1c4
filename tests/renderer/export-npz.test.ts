/** @vitest-environment node */
/** The data export's "Export NumPy": the .npz NumPy reads back, float32 values as received. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DataExportInput } from '../../src-renderer/export/data'
import { trajectoriesNpz } from '../../src-renderer/export/data-npz'

function input(hidden: number[] = []): DataExportInput {
  const runs = [
    { optimizer: { name: 'adam', lr: 0.1, betas: [0.9, 0.999], amsgrad: false }, init: [-1, 2] as const },
    { optimizer: { name: 'adam', lr: 0.1, betas: [0.9, 0.999], amsgrad: false }, init: [0.5, 0.25] as const },
    { optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false }, init: [-1, 2] as const },
    { optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false }, init: [0.5, 0.25] as const },
  ]
  const kept = 4
  const xy = Float32Array.from({ length: runs.length * kept * 2 }, (_, i) => Math.sin(i) * 3)
  const loss = Float32Array.from({ length: runs.length * kept }, (_, i) => 1 / (1 + i))
  loss[3 * kept + 2] = NaN
  return {
    job: { runs, starts: 2, optimizers: 2, kept, received: 3, every: 5, xy, loss, divergedAt: Int32Array.from([-1, -1, -1, 10]) },
    hidden,
    scenario: { landscape: { preset: 'booth' }, steps: 15 },
    generator: 'Gradscape test',
  }
}

function load(parts: Uint8Array[]): Record<string, { dtype: string; shape: number[]; values: unknown }> {
  const path = join(mkdtempSync(join(tmpdir(), 'gradscape-npz-')), 't.npz')
  writeFileSync(path, Buffer.concat(parts))
  const py = spawnSync(
    'python3',
    [
      '-c',
      `
import json, sys, numpy as np
z = np.load(sys.argv[1])
def clean(a):
    if a.dtype.kind == 'f':
        return [None if x != x else float(x) for x in a.ravel().tolist()]
    return a.ravel().tolist()
print(json.dumps({k: {'dtype': str(z[k].dtype), 'shape': list(z[k].shape), 'values': clean(z[k]) if z[k].ndim else str(z[k])} for k in z.files}))
`,
      path,
    ],
    { encoding: 'utf8' },
  )
  expect(py.status, py.stderr).toBe(0)
  return JSON.parse(py.stdout)
}

describe('data export: Export NumPy', () => {
  it("NumPy reads the received points as float32 with the runs' hyperparameters and the scenario", () => {
    const data = input()
    const z = load(trajectoriesNpz(data, 'all'))
    const n = 3 // received, of 4 kept
    expect(z.trajectory.dtype).toBe('float32')
    expect(z.trajectory.shape).toEqual([4, n, 2])
    const want: number[] = []
    for (let r = 0; r < 4; r++) for (let j = 0; j < 2 * n; j++) want.push(data.job.xy[2 * r * 4 + j])
    expect(z.trajectory.values).toEqual(want)
    expect(z.loss.values).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14].map((i) => (i === 14 ? null : data.job.loss[i])))
    expect(z.step.values).toEqual([0, 5, 10])
    expect(z.diverged_at.values).toEqual([-1, -1, -1, 10])
    expect(z.optimizer.values).toEqual(['adam', 'adam', 'sgd', 'sgd'])
    expect(z.init.values).toEqual([-1, 2, 0.5, 0.25, -1, 2, 0.5, 0.25])
    expect(z.lr.values).toEqual([0.1, 0.1, 0.01, 0.01])
    expect(z.betas.values).toEqual([0.9, 0.999, 0.9, 0.999, null, null, null, null])
    expect(z.momentum.values).toEqual([null, null, 0.9, 0.9])
    expect(JSON.parse(z.scenario.values as string)).toEqual(data.scenario)
  })

  it("exports only the shown optimizers' runs when asked, naming them", () => {
    const z = load(trajectoriesNpz(input([0]), 'shown'))
    expect(z.run.values).toEqual([2, 3])
    expect(z.trajectory.shape).toEqual([2, 3, 2])
    expect(z.nesterov.dtype).toBe('bool')
  })
})
