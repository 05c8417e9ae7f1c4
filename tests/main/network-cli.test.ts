/** @vitest-environment node */
/**
 * `cli run` on a network scenario (shared/NETWORKS.md outputs): JSON with the loss, sharpness,
 * eigenvalues and parameters asked for; bad input is one line naming the field, and nothing is written.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir, writeScenario } from './cli-helpers'

const scenario = {
  landscape: {
    network: {
      layers: [1, 6, 1],
      activation: 'gelu',
      loss: 'mse',
      data: { dataset: 'chebyshev', degree: 3, n: 12 },
      init: { scheme: 'xavier_normal', seed: 1 },
    },
  },
  optimizer: { name: 'sgd', lr: 0.05, momentum: 0.5 },
  steps: 20,
  record: { every: 2, sharpness: true, eigenvalues: 2, params: true },
}

describe('cli run: network landscapes', () => {
  it('writes loss, sharpness, eigenvalues, params per kept step as JSON', () => {
    const dir = tempDir()
    const out = join(dir, 'r.json')
    const r = runCli(['run', writeScenario(dir, 's.json', scenario), '--out', out])
    expect(r.stderr).toMatch(/1 run × 20 steps \(network, 19 parameters, float64/)
    expect(r.status).toBe(0)
    const result = JSON.parse(readFileSync(out, 'utf8'))
    expect(result.network.n_params).toBe(19)
    const run = result.runs[0]
    expect(run.optimizer).toMatchObject({ name: 'sgd', lr: 0.05, momentum: 0.5, nesterov: false })
    expect(run.step).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20])
    expect(run.loss).toHaveLength(11)
    expect(run.sharpness).toHaveLength(11)
    expect(run.eigenvalues[0]).toHaveLength(2)
    expect(run.eigenvalues[0][0]).toBe(run.sharpness[0])
    expect(run.eigenvalues[0][0]).toBeGreaterThanOrEqual(run.eigenvalues[0][1])
    expect(run.params).toHaveLength(11)
    expect(run.params[0]).toHaveLength(19)
    expect(run.stability_threshold.value).toBeCloseTo(3 / 0.05, 10) // (2 + 2β)/η, heavy ball
    expect(run.diverged_at).toBeNull()
  })

  it('projects the run onto a slice: trajectory (a, b) per kept step, the surface, the distance off the plane', () => {
    const dir = tempDir()
    const out = join(dir, 'r.json')
    const doc = { ...scenario, central_flow: true, slice: { directions: 'random', seed: 1, center: 'start', extent: [-1, 1], n: 8 } }
    const r = runCli(['run', writeScenario(dir, 's.json', doc), '--out', out])
    expect(r.status).toBe(0)
    const run = JSON.parse(readFileSync(out, 'utf8')).runs[0]
    expect(run.trajectory).toHaveLength(11)
    expect(run.trajectory[0]).toEqual([0, 0]) // the centre is the start
    expect(run.slice.surface).toHaveLength(64)
    expect(run.slice.off_plane[0]).toBe(0)
    expect(run.slice.off_plane[10]).toBeGreaterThan(0)
    expect(run.slice.slice_loss[0]).toBeCloseTo(run.loss[0], 12)
    expect(run.central_flow).toBeUndefined() // heavy ball: no central flow
  })

  it('an RMSprop run carries its central flow (§3.4) with the effective sharpness λ₁(P⁻¹H); heavy ball none', () => {
    const dir = tempDir()
    const out = join(dir, 'r.json')
    const doc = { ...scenario, central_flow: true, optimizers: [{ name: 'rmsprop', lr: 0.01 }, scenario.optimizer] }
    delete (doc as { optimizer?: unknown }).optimizer
    const r = runCli(['run', writeScenario(dir, 's.json', doc), '--out', out])
    expect(r.status).toBe(0)
    const [rms, heavy] = JSON.parse(readFileSync(out, 'utf8')).runs
    expect(rms.optimizer.name).toBe('rmsprop')
    const flow = rms.central_flow
    expect(flow.stopped_at).toBeNull()
    for (const key of ['loss', 'predicted_loss', 'sharpness', 'sigma2', 'effective_sharpness']) expect(flow[key]).toHaveLength(11)
    expect(flow.loss[0]).toBeCloseTo(rms.loss[0], 12) // the flow starts where the run does
    expect(flow.effective_sharpness[5]).toBeGreaterThan(0)
    expect(heavy.central_flow).toBeUndefined()
  })

  it.each([
    [
      { ...scenario, landscape: { network: { ...scenario.landscape.network, layers: [1, 700, 1] } } },
      'r.json',
      /^error: landscape\.network\.layers: \[1, 700, 1\] has 2101 parameters, more than 2000/,
    ],
    [{ ...scenario, record: { eigenvalues: 'two' } }, 'r.json', /^error: record\.eigenvalues: must be a number/],
    [scenario, 'r.csv', /^error: landscape\.network: a network run is written as JSON/],
  ])('refuses %#: one line naming the field, nothing written', (doc, name, message) => {
    const dir = tempDir()
    const out = join(dir, name)
    const r = runCli(['run', writeScenario(dir, 's.json', doc), '--out', out])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(out)).toBe(false)
  })
})
