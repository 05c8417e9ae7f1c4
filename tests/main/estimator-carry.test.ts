/** @vitest-environment node */
/**
 * The estimator travels like the optimizer's other fields: the CLI's JSON and CSV carry it per
 * run, refuses a bad spec with one line naming the field, and a session (saved file or share
 * link) keeps it through the renderer's toDoc/fromDoc and the link's encoding.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fromDoc, toDoc } from '../../src-renderer/store/scenario'
import { decodeSessionText, encodeSessionText } from '../../src-renderer/ui/share-link'
import { runCli, tempDir, writeScenario } from './cli-helpers'
import { jobStarted } from '../../src-main/engine/started'
import { parseScenario } from '../../src-shared/scenario'

const forward = { estimator: 'forward', directions: 2, seed: 7 }
const zo = { estimator: 'zeroth_order', mu: 0.01, directions: 1, distribution: 'sphere', seed: 1 }
const scenario = {
  landscape: { preset: 'rosenbrock' },
  optimizers: [
    { name: 'adam', lr: 0.01, gradient: forward },
    { name: 'sgd', lr: 0.001, gradient: zo },
    { name: 'sgd', lr: 0.001 },
  ],
  init: [-1.2, 1.0],
  steps: 5,
}

describe('CLI', () => {
  it('JSON and CSV runs carry each optimizer’s estimator (defaults filled in); the exact gradient carries none', () => {
    const dir = tempDir()
    const path = writeScenario(dir, 's.json', {
      ...scenario,
      optimizers: [{ ...scenario.optimizers[0], gradient: { estimator: 'forward' } }, ...scenario.optimizers.slice(1)],
    })
    const json = join(dir, 'r.json')
    const csv = join(dir, 'r.csv')
    expect(runCli(['run', path, '--out', json]).status).toBe(0)
    expect(runCli(['run', path, '--out', csv]).status).toBe(0)
    const runs = (JSON.parse(readFileSync(json, 'utf8')) as { runs: { optimizer: Record<string, unknown> }[] }).runs
    expect(runs.map((r) => r.optimizer.gradient)).toEqual([{ estimator: 'forward', directions: 1, seed: 0 }, zo, undefined])
    const lines = readFileSync(csv, 'utf8').split('\n')
    expect(lines.find((l) => l.startsWith('0,adam,'))).toContain('""gradient"":{""estimator"":""forward"",""directions"":1,""seed"":0}')
    expect(lines.find((l) => l.startsWith('2,sgd,'))).not.toContain('gradient')
  })

  it('refuses a bad estimator with one line naming the field, and writes nothing', () => {
    const dir = tempDir()
    const path = writeScenario(dir, 's.json', {
      ...scenario,
      optimizers: [{ name: 'sgd', gradient: { estimator: 'zeroth_order', mu: -0.1 } }],
    })
    const r = runCli(['run', path, '--out', join(dir, 'r.json')])
    expect(r.status).not.toBe(0)
    expect(existsSync(join(dir, 'r.json'))).toBe(false)
    expect(r.stderr.trim()).toBe('error: optimizers[0].gradient.mu: must be > 0 (the finite-difference step), got -0.1')
  })
})

describe('sessions and share links', () => {
  it('keep the estimator through toDoc/fromDoc and the link encoding', async () => {
    const loaded = fromDoc(JSON.parse(JSON.stringify(scenario)) as Record<string, unknown>)
    expect(loaded.optimizers.map((o) => o.gradient)).toEqual([forward, zo, undefined])
    const doc = toDoc(loaded)
    const back = JSON.parse(await decodeSessionText(await encodeSessionText(JSON.stringify(doc)))) as typeof scenario
    expect(back.optimizers.map((o) => (o as { gradient?: unknown }).gradient)).toEqual([forward, zo, undefined])
  })
})

describe('the app’s job', () => {
  it('describes each optimizer with its estimator (legend labels and the Export dialog’s data read it)', () => {
    const started = jobStarted(1, parseScenario(scenario))
    expect(started.optimizers.map((o) => o.base.gradient)).toEqual([forward, zo, undefined])
  })
})
