/** @vitest-environment node */
/**
 * The literature optimizers' hyperparameters in the binary outputs: AdEMAMix's three betas,
 * `None` warm-ups and MARS's named variant reach .npz (numpy) and Parquet (DuckDB) intact.
 */
import { DuckDBInstance } from '@duckdb/node-api'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir, writeScenario } from '../main/cli-helpers'

const scenario = {
  landscape: { preset: 'rosenbrock' },
  optimizers: [{ name: 'ademamix', lr: 0.02, beta3_warmup: 5 }, { name: 'mars' }],
  init: [[-1, 1]],
  steps: 4,
}

describe('literature hyperparameters in .npz and Parquet', () => {
  const dir = tempDir()
  const path = writeScenario(dir, 'lit.json', scenario)

  it('.npz: betas as wide as the widest, None as NaN, the variant as text', () => {
    const out = join(dir, 'lit.npz')
    expect(runCli(['run', path, '--out', out]).status).toBe(0)
    const py = spawnSync(
      'python3',
      [
        '-c',
        'import sys, numpy as np; z = np.load(sys.argv[1]); print(z["betas"].tolist(), z["alpha_warmup"].tolist(), z["beta3_warmup"].tolist(), z["mars_type"].tolist())',
        out,
      ],
      { encoding: 'utf8' },
    )
    expect(py.stderr).toBe('')
    expect(py.stdout.trim()).toBe("[[0.9, 0.999, 0.9999], [0.95, 0.99, nan]] [nan, nan] [5.0, nan] ['', 'mars-adamw']")
  })

  it('Parquet: betas_2, a null warm-up and the variant as a text column', async () => {
    const out = join(dir, 'lit.parquet')
    expect(runCli(['run', path, '--out', out]).status).toBe(0)
    const db = await DuckDBInstance.create(':memory:')
    const rows = (
      await (
        await db.connect()
      ).runAndReadAll(`SELECT optimizer, betas_2, alpha_warmup, mars_type FROM '${out}' WHERE step = 0 ORDER BY run`)
    ).getRows()
    expect(rows).toEqual([
      ['ademamix', 0.9999, null, null],
      ['mars', null, null, 'mars-adamw'],
    ])
  })
})
