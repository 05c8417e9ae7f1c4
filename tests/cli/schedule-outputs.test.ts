/** @vitest-environment node */
/**
 * The binary outputs carry what the JSON output says of each run's schedule and estimator: the
 * .npz (read by NumPy) and the Parquet file (read by DuckDB) hold each run's schedule JSON (a
 * sweep over schedule arguments gives each configuration its own), `lr_final` (the last entry of
 * the JSON's lr_history; the lr without a schedule) and the estimator spec as `gradient`.
 */
import { DuckDBInstance } from '@duckdb/node-api'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir, writeScenario } from '../main/cli-helpers'

const dir = tempDir()

const scenario = {
  landscape: { preset: 'himmelblau' },
  optimizers: [
    {
      name: 'sgd',
      lr: 0.01,
      momentum: 0.5,
      schedule: { name: 'StepLR', step_size: 7, gamma: 0.5 },
      sweep: { lr: { values: [0.01, 0.02] }, 'schedule.gamma': { values: [0.2, 0.9] } },
    },
    { name: 'adam', lr: 0.05, schedule: { name: 'OneCycleLR', max_lr: 0.1, total_steps: 30 } },
    { name: 'adam', lr: 0.03, gradient: { estimator: 'forward', directions: 2, seed: 3 } },
  ],
  init: [
    [0.5, -0.5],
    [-1, 2],
  ],
  steps: 25,
  record: { every: 5 },
}

interface JsonRun {
  optimizer: Record<string, unknown> & { name: string; lr: number; schedule?: unknown; gradient?: unknown }
  lr_history?: number[]
}

function runTo(ext: string): string {
  const path = writeScenario(dir, `s-${ext}.json`, scenario)
  const out = join(dir, `r.${ext}`)
  const r = runCli(['run', path, '--out', out])
  expect(r.status, r.stderr).toBe(0)
  return out
}

const reference = (JSON.parse(readFileSync(runTo('json'), 'utf8')) as { runs: JsonRun[] }).runs
const lrFinal = (run: JsonRun) => (run.lr_history ? run.lr_history[run.lr_history.length - 1] : run.optimizer.lr)
const text = (v: unknown) => (v === undefined ? '' : JSON.stringify(v))

describe('the reference JSON exercises every case', () => {
  it('has swept schedules, a schedule of its own, an estimator and a run without either', () => {
    expect(reference).toHaveLength(12)
    expect(new Set(reference.slice(0, 8).map((r) => text(r.optimizer.schedule))).size).toBe(2)
    expect(new Set(reference.slice(0, 8).map(lrFinal)).size).toBe(4) // lr × gamma: four final rates
    expect(reference[8].lr_history).toBeDefined()
    expect(reference[10].optimizer.schedule).toBeUndefined()
    expect(reference[10].optimizer.gradient).toEqual({ estimator: 'forward', directions: 2, seed: 3 })
  })
})

describe('cli run --out result.npz', () => {
  it('NumPy reads schedule, lr_final and gradient per run, as the JSON output has them', () => {
    const out = runTo('npz')
    const py = spawnSync(
      'python3',
      [
        '-c',
        `
import json, sys, numpy as np
z = np.load(sys.argv[1])
print(json.dumps({k: {'dtype': z[k].dtype.kind, 'values': z[k].tolist()} for k in ['schedule', 'lr_final', 'gradient']}))
`,
        out,
      ],
      { encoding: 'utf8' },
    )
    expect(py.status, py.stderr).toBe(0)
    const z = JSON.parse(py.stdout) as Record<string, { dtype: string; values: unknown[] }>
    expect(z.schedule.dtype).toBe('U')
    expect(z.schedule.values.map((s) => (s === '' ? undefined : JSON.parse(s as string)))).toEqual(
      reference.map((r) => r.optimizer.schedule),
    )
    expect(z.lr_final.dtype).toBe('f')
    // Python's json writes repr(float): the same doubles compare exactly.
    expect(z.lr_final.values).toEqual(reference.map(lrFinal))
    expect(z.gradient.values.map((s) => (s === '' ? undefined : JSON.parse(s as string)))).toEqual(
      reference.map((r) => r.optimizer.gradient),
    )
  })
})

describe('cli run --out result.parquet', () => {
  it('DuckDB reads schedule, lr_final and gradient columns with the JSON output’s values', async () => {
    const out = runTo('parquet')
    const db = await DuckDBInstance.create(':memory:')
    const con = await db.connect()
    const read = await con.runAndReadAll(`SELECT run, step, schedule, lr_final, gradient FROM read_parquet('${out}') ORDER BY run, step`)
    const rows = read.getRowObjectsJS() as Array<{ run: number; schedule: string | null; lr_final: number; gradient: string | null }>
    const kept = 6
    expect(rows).toHaveLength(reference.length * kept)
    rows.forEach((row, i) => {
      const run = reference[Math.floor(i / kept)]
      expect(row.run).toBe(Math.floor(i / kept))
      expect(row.schedule === null ? undefined : JSON.parse(row.schedule)).toEqual(run.optimizer.schedule)
      expect(row.lr_final).toBe(lrFinal(run))
      expect(row.gradient === null ? undefined : JSON.parse(row.gradient)).toEqual(run.optimizer.gradient)
    })
    con.closeSync()
  })

  it('leaves the text columns out where no run has a schedule or an estimator', async () => {
    const plain = { ...scenario, optimizers: [{ name: 'sgd', lr: 0.01 }] }
    const path = writeScenario(dir, 'plain.json', plain)
    const out = join(dir, 'plain.parquet')
    expect(runCli(['run', path, '--out', out]).status).toBe(0)
    const db = await DuckDBInstance.create(':memory:')
    const con = await db.connect()
    const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${out}')`)).getRowObjectsJS().map((r) => r.column_name)
    expect(cols).toContain('lr_final')
    expect(cols).not.toContain('schedule')
    expect(cols).not.toContain('gradient')
    const lr = (await con.runAndReadAll(`SELECT DISTINCT lr_final FROM read_parquet('${out}')`)).getRowObjectsJS()
    expect(lr).toEqual([{ lr_final: 0.01 }])
    con.closeSync()
  })
})
