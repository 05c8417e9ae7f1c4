/** @vitest-environment node */
/**
 * `run` outputs beyond JSON: the .npz read back by NumPy and the Parquet file read back by DuckDB
 * (readers not written here) with the very values of the JSON output; JSON that no single string
 * could hold; an unwritable --out refused before the run.
 */
import { DuckDBInstance } from '@duckdb/node-api'
import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir, writeScenario } from '../main/cli-helpers'

const dir = tempDir()

/** A result with the awkward parts: two optimizers with different hyperparameters, a sweep, a
 * pair (betas), flags, a diverged run (NaN after it), sharpness. */
const scenario = {
  landscape: { preset: 'ill_conditioned_quadratic' },
  optimizers: [
    { name: 'sgd', lr: 0.005, momentum: 0.5, sweep: { lr: { values: [0.005, 1000] } } },
    { name: 'adam', lr: 0.05, betas: [0.8, 0.99], amsgrad: true },
  ],
  init: [
    [1, 1],
    [0.5, -0.25],
  ],
  steps: 60,
  record: { every: 3, sharpness: true },
}

interface JsonRun {
  optimizer: Record<string, unknown> & { name: string }
  init: [number, number]
  trajectory: Array<[number | null, number | null]>
  loss: Array<number | null>
  sharpness: Array<number | null>
  diverged_at: number | null
}

function runTo(ext: string, doc: unknown = scenario): { out: string; status: number | null; stderr: string } {
  const path = writeScenario(dir, `s-${ext}.json`, doc)
  const out = join(dir, `r.${ext}`)
  const r = runCli(['run', path, '--out', out])
  return { out, status: r.status, stderr: r.stderr }
}

const reference = (() => {
  const r = runTo('json')
  expect(r.status).toBe(0)
  return (JSON.parse(readFileSync(r.out, 'utf8')) as { runs: JsonRun[] }).runs
})()

const nanToNull = (v: number) => (Number.isFinite(v) ? v : null)

describe('cli run --out result.npz', () => {
  it("NumPy loads every array with the JSON output's values", () => {
    const r = runTo('npz')
    expect(r.status, r.stderr).toBe(0)
    // Python's json writes repr(float): the shortest round-trip digits, so values compare exactly.
    const py = spawnSync(
      'python3',
      [
        '-c',
        `
import json, sys, numpy as np
z = np.load(sys.argv[1])
def clean(a):
    if a.dtype.kind == 'f':
        return [None if x != x else x for x in a.ravel().tolist()]
    return a.ravel().tolist()
print(json.dumps({k: {'dtype': str(z[k].dtype), 'shape': list(z[k].shape), 'values': clean(z[k]) if z[k].ndim else str(z[k])} for k in z.files}))
`,
        r.out,
      ],
      { encoding: 'utf8' },
    )
    expect(py.status, py.stderr).toBe(0)
    const z = JSON.parse(py.stdout) as Record<string, { dtype: string; shape: number[]; values: unknown }>
    const runs = reference.length
    const kept = reference[0].trajectory.length
    expect(z.trajectory.shape).toEqual([runs, kept, 2])
    expect(z.trajectory.dtype).toBe('float64')
    expect(z.trajectory.values).toEqual(reference.flatMap((run) => run.trajectory.flat()))
    expect(z.loss.shape).toEqual([runs, kept])
    expect(z.loss.values).toEqual(reference.flatMap((run) => run.loss))
    expect(z.sharpness.values).toEqual(reference.flatMap((run) => run.sharpness))
    expect(z.step.values).toEqual(Array.from({ length: kept }, (_, k) => 3 * k))
    expect(z.init.values).toEqual(reference.flatMap((run) => run.init))
    expect(z.diverged_at.dtype).toBe('int64')
    expect(z.diverged_at.values).toEqual(reference.map((run) => run.diverged_at ?? -1))
    expect(reference.some((run) => run.diverged_at !== null)).toBe(true) // the case is exercised
    expect(z.optimizer.values).toEqual(reference.map((run) => run.optimizer.name))
    // One array per hyperparameter; NaN (null here) where a run's optimizer has none.
    expect(z.lr.values).toEqual(reference.map((run) => run.optimizer.lr))
    expect(z.momentum.values).toEqual(reference.map((run) => nanToNull((run.optimizer.momentum as number) ?? NaN)))
    expect(z.betas.shape).toEqual([runs, 2])
    expect(z.betas.values).toEqual(reference.flatMap((run) => (run.optimizer.betas as number[] | undefined) ?? [null, null]))
    expect(z.amsgrad.values).toEqual(reference.map((run) => (run.optimizer.amsgrad === undefined ? null : Number(run.optimizer.amsgrad))))
    expect(z.maximize.dtype).toBe('bool')
    expect(JSON.parse(z.scenario.values as string)).toEqual(scenario)
  })

  it('zip64 archives (what results past 4 GiB get) load in NumPy too', async () => {
    const { npzChunks, typedArray, stringArray } = await import('../../src-shared/npy')
    const { writeFileSync } = await import('node:fs')
    const a = Float64Array.from({ length: 6 }, (_, i) => i / 7)
    const path = join(dir, 'z64.npz')
    writeFileSync(
      path,
      Buffer.concat([...npzChunks([typedArray('a', '<f8', [3, 2], a), stringArray('s', ['é𝄞'], [])], { forceZip64: true })]),
    )
    const py = spawnSync(
      'python3',
      ['-c', 'import sys, numpy as np; z = np.load(sys.argv[1]); print(repr(z["a"].tolist()), str(z["s"]))', path],
      { encoding: 'utf8' },
    )
    expect(py.status, py.stderr).toBe(0)
    expect(py.stdout.trim()).toBe(
      `${JSON.stringify([
        [a[0], a[1]],
        [a[2], a[3]],
        [a[4], a[5]],
      ])
        .replace(/,/g, ', ')
        .replace(/\[0,/, '[0.0,')} é𝄞`,
    )
  })
})

describe('cli run --out result.parquet', () => {
  it("DuckDB reads the long format with the JSON output's values", async () => {
    const r = runTo('parquet')
    expect(r.status, r.stderr).toBe(0)
    const db = await DuckDBInstance.create(':memory:')
    const con = await db.connect()
    const read = await con.runAndReadAll(`SELECT * FROM read_parquet('${r.out}') ORDER BY run, step`)
    const rows = read.getRowObjectsJS() as Array<Record<string, unknown>>
    const kept = reference[0].trajectory.length
    expect(rows).toHaveLength(reference.length * kept)
    rows.forEach((row, i) => {
      const run = reference[Math.floor(i / kept)]
      const k = i % kept
      expect(row.run).toBe(Math.floor(i / kept))
      expect(row.optimizer).toBe(run.optimizer.name)
      expect(row.step).toBe(3 * k)
      expect([nanToNull(row.x as number), nanToNull(row.y as number)]).toEqual(run.trajectory[k])
      expect(nanToNull(row.loss as number)).toEqual(run.loss[k])
      expect(nanToNull(row.sharpness as number)).toEqual(run.sharpness[k])
      expect(row.diverged_at).toBe(run.diverged_at)
      expect([row.init_x, row.init_y]).toEqual(run.init)
      expect(row.lr).toBe(run.optimizer.lr)
      expect(row.momentum).toBe(run.optimizer.momentum ?? null)
      expect([row.betas_0, row.betas_1]).toEqual((run.optimizer.betas as number[] | undefined) ?? [null, null])
      expect(row.amsgrad).toBe(run.optimizer.amsgrad ?? null)
    })
    const meta = await con.runAndReadAll(
      `SELECT decode(value) AS v FROM parquet_kv_metadata('${r.out}') WHERE decode(key) = 'gradscape.scenario'`,
    )
    expect(JSON.parse(meta.getRowObjectsJS()[0].v as string)).toEqual(scenario)
    con.closeSync()
  })
})

describe('cli run: outputs that scale', () => {
  it('writes JSON for a run too long for one string (1 run × 10⁷ steps)', () => {
    const long = { landscape: { preset: 'rosenbrock' }, optimizer: { name: 'adam', lr: 0.001 }, init: [-1.5, 2], steps: 10_000_000 }
    const r = runTo('long.json', long)
    expect(r.status, r.stderr).toBe(0)
    expect(statSync(r.out).size).toBeGreaterThan(2 ** 29) // more than V8's longest string
    // The last kept point is the final state of the same run recorded only at its end.
    const final = runTo('final.json', { ...long, record: { every: 10_000_000 } })
    const end = (JSON.parse(readFileSync(final.out, 'utf8')) as { runs: JsonRun[] }).runs[0]
    const size = statSync(r.out).size
    const fd = openSync(r.out, 'r')
    const at = (offset: number, length: number) => {
      const b = Buffer.alloc(length)
      readSync(fd, b, 0, length, offset)
      return b.toString()
    }
    expect(at(0, 200)).toMatch(/^\{"runs":\[\n\{"optimizer":\{"name":"adam","lr":0\.001,.*"init":\[-1\.5,2\],"trajectory":\[\[-1\.5,2\],\[/)
    expect(at(size - 200, 200).endsWith(`,${end.loss[1]}],"diverged_at":null}\n]}\n`)).toBe(true)
    // Where the trajectory ends and the loss begins (found by scanning, 64 MB at a time).
    const marker = ']],"loss":['
    let found = -1
    for (let offset = 0; found < 0 && offset < size; offset += 64 << 20) {
      const i = Buffer.from(at(offset, Math.min(size - offset, (64 << 20) + marker.length))).indexOf(marker)
      if (i >= 0) found = offset + i
    }
    expect(at(found - 100, 100 + marker.length).endsWith(`[${end.trajectory[1].join(',')}${marker}`)).toBe(true)
    closeSync(fd)
    rmSync(r.out)
  }, 240_000)

  it('refuses an unwritable --out before the run starts', () => {
    // Long enough to notice if it ran first (~20 s); the refusal comes at once.
    const slow = { landscape: { preset: 'rosenbrock' }, optimizer: { name: 'adam' }, init: [-1.5, 2], steps: 10_000_000 }
    const path = writeScenario(dir, 'slow.json', slow)
    for (const [out, why] of [
      [join(dir, 'missing', 'r.npz'), 'no such directory'],
      [dir, 'is a directory'],
    ] as const) {
      const t0 = Date.now()
      const r = runCli(['run', path, '--out', out])
      expect(Date.now() - t0).toBeLessThan(8000)
      expect(r.status).not.toBe(0)
      expect(r.stderr).toBe(`error: cannot write ${out}: ${why}\n`)
    }
  })
})

describe('cli run: memory and nesting give one line', () => {
  const big = {
    landscape: { preset: 'rosenbrock' },
    optimizer: { name: 'sgd', lr: 1e-4 },
    init: { random: { x: [-2, 2], y: [-1, 3], count: 100_000, seed: 1 } },
    steps: 1000,
  }

  it('refuses a result larger than the free memory before running, with the figures', () => {
    const path = writeScenario(dir, 'big.json', big)
    const out = join(dir, 'big.npz')
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../scripts/cli.mjs'), 'run', path, '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, GRADSCAPE_MEMORY: String(2 ** 30) },
    })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(
      /^error: record\.every: the result needs 2\.2 GB of memory and 0\.80 GB is free: record fewer points \(raise record\.every\) or use fewer runs\n$/,
    )
    expect(existsSync(out)).toBe(false)
  })

  it('an allocation that fails anyway (address space capped) is one line, not a V8 crash', () => {
    const path = writeScenario(dir, 'big2.json', big)
    const out = join(dir, 'big2.npz')
    const r = spawnSync(
      'sh',
      [
        '-c',
        `ulimit -v 1500000; exec "${process.execPath}" "${join(import.meta.dirname, '../../scripts/cli.mjs')}" run "${path}" --out "${out}"`,
      ],
      { encoding: 'utf8' },
    )
    expect(r.status).toBe(1)
    expect(r.stderr).toBe('error: not enough memory for this scenario: record fewer points (record.every) or use fewer runs\n')
    expect(existsSync(out)).toBe(false)
  })

  it('names the field of a payload nested too deeply to walk', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000)
    const text = `{"landscape":{"preset":"booth"},"optimizer":{"name":"sgd"},"init":[0,0],"steps":3,"precision":${deep}}`
    const path = writeScenario(dir, 'deep.json', text)
    const r = runCli(['run', path, '--out', join(dir, 'deep.json.out')])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^error: precision(\[0\])+: nested more than 32 levels deep \(a scenario needs a few\)\n$/)
  })
})
