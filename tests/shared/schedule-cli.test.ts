/** @vitest-environment node */
/** The CLI runs a scenario with a schedule, carries the schedule into its JSON and CSV, and names a bad schedule's field. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir, writeScenario } from '../main/cli-helpers'

const CASE = join(ROOT, 'tests/fixtures/schedules/booth__sgd-SequentialLR.json')

describe('cli run with a schedule', () => {
  const dir = tempDir()
  it('writes the schedule (defaults filled in) beside the hyperparameters, JSON and CSV', () => {
    const ref = JSON.parse(readFileSync(CASE, 'utf8'))
    const out = join(dir, 'out.json')
    const r = runCli(['run', CASE, '--out', out])
    expect(r.status, r.stderr).toBe(0)
    const run = JSON.parse(readFileSync(out, 'utf8')).runs[0]
    expect(run.optimizer.schedule).toEqual({
      name: 'SequentialLR',
      schedulers: [
        { name: 'LinearLR', start_factor: 0.1, end_factor: 1, total_iters: 30 },
        { name: 'CosineAnnealingLR', T_max: 270, eta_min: 0 },
      ],
      milestones: [30],
    })
    for (let k = 0; k <= 200; k++)
      for (let c = 0; c < 2; c++)
        expect(Math.abs(run.trajectory[k][c] - ref.trajectory[k][c])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(ref.trajectory[k][c])))
    const csv = join(dir, 'out.csv')
    expect(runCli(['run', CASE, '--out', csv]).status).toBe(0)
    expect(readFileSync(csv, 'utf8').split('\n')[1]).toContain('""schedule"":{""name"":""SequentialLR""')
  })
  it.each(['beale__adam-OneCycleLR.json', 'booth__sgd-SequentialLR.json'])(
    '%s: each run carries lr_history (and momentum_history) as torch stepped them',
    (file) => {
      const ref = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/schedules', file), 'utf8'))
      const out = join(dir, `h-${file}`)
      expect(runCli(['run', join(ROOT, 'tests/fixtures/schedules', file), '--out', out]).status).toBe(0)
      const run = JSON.parse(readFileSync(out, 'utf8')).runs[0]
      expect(run.lr_history).toHaveLength(ref.steps)
      run.lr_history.forEach((v: number, k: number) =>
        expect(Math.abs(v - ref.lr_history[k])).toBeLessThanOrEqual(1e-12 * ref.lr_history[k]),
      )
      if (ref.momentum_history)
        run.momentum_history.forEach((v: number, k: number) =>
          expect(Math.abs(v - ref.momentum_history[k])).toBeLessThanOrEqual(1e-12 * ref.momentum_history[k]),
        )
      else expect(run.momentum_history).toBeUndefined()
    },
  )
  it('refuses a bad schedule with one line naming the field, writing nothing', () => {
    const path = writeScenario(dir, 'bad.json', {
      landscape: { preset: 'rosenbrock' },
      optimizer: { name: 'sgd', momentum: 0.9, schedule: { name: 'StepLR', step_size: 0 } },
      init: [0, 0],
      steps: 10,
    })
    const r = runCli(['run', path, '--out', join(dir, 'bad-out.json')])
    expect(r.status).not.toBe(0)
    expect(r.stderr.trim()).toBe('error: optimizer.schedule.step_size: must be > 0, got 0')
  })
})
