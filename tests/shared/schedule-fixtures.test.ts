/** @vitest-environment node */
/**
 * The schedule reference cases (tests/fixtures/schedules: torch.optim + lr_scheduler 1.13.1,
 * float64): the rates and momenta torch used at every step, and the trajectories through the
 * engine's float64 path (within 1e-6·(1+|x|) over 200 steps) and its float32 kernels (1e-3 over 50).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import { parseSchedule, scheduleSequence } from '../../src-shared/schedule'
import { runScenario } from '../../src-main/engine/run-scenario'

const DIR = resolve(import.meta.dirname, '../fixtures/schedules')
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
const load = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8'))

/** Largest |got − want| in units of tol·(1 + |want|) over points 0…upto. */
function worst(got: Array<Array<number | null>>, want: number[][], upto: number, tol: number): number {
  let w = 0
  for (let k = 0; k <= upto; k++)
    for (let c = 0; c < 2; c++) {
      const g = got[k][c]
      w = Math.max(w, g === null ? Infinity : Math.abs(g - want[k][c]) / (tol * (1 + Math.abs(want[k][c]))))
    }
  return w
}

describe('schedule reference cases', () => {
  it('has the 4 public cases', () => expect(files).toHaveLength(4))

  it.each(files)('%s: lr_history and momentum_history to 1e-12', (file) => {
    const ref = load(file)
    const o = ref.optimizer
    const seq = scheduleSequence(parseSchedule(o.schedule), o.lr, o.betas ? o.betas[0] : (o.momentum ?? 0), ref.steps)
    expect(ref.lr_history).toHaveLength(ref.steps)
    for (let k = 0; k < ref.steps; k++)
      expect(Math.abs(seq.lr[k] - ref.lr_history[k])).toBeLessThanOrEqual(1e-12 * Math.abs(ref.lr_history[k]))
    if (ref.momentum_history)
      for (let k = 0; k < ref.steps; k++)
        expect(Math.abs(seq.momentum[k] - ref.momentum_history[k])).toBeLessThanOrEqual(1e-12 * Math.abs(ref.momentum_history[k]))
  })

  it.each(files)('%s: float64 engine within 1e-6·(1+|x|) over 200 steps', async (file) => {
    const ref = load(file)
    const r = await runScenario(parseScenario(ref))
    const run = r.runs[0]
    const upto = Math.min(200, ref.steps)
    expect(worst(run.trajectory, ref.trajectory, upto, 1e-6)).toBeLessThanOrEqual(1)
    for (let k = 0; k <= upto; k++) expect(Math.abs(run.loss[k] - ref.loss[k])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(ref.loss[k])))
  })

  it.each(files)('%s: without its schedule the run is far from the reference (the test can fail)', async (file) => {
    const ref = load(file)
    const { schedule: _, ...optimizer } = ref.optimizer
    const r = await runScenario(parseScenario({ ...ref, optimizer }))
    expect(worst(r.runs[0].trajectory, ref.trajectory, Math.min(200, ref.steps), 1e-6)).toBeGreaterThan(1)
  })

  for (const backend of ['wasm', 'webasm', 'cpu'] as const) {
    it.each(files)(`%s: float32 ${backend} within 1e-3·(1+|x|) over 50 steps`, async (file) => {
      const ref = load(file)
      const r = await runScenario(parseScenario({ ...ref, precision: 'float32' }), { backend })
      expect(r.backends[0]).toMatch(
        backend === 'wasm' ? /wasm-simd/ : backend === 'cpu' ? /gpu\.js CPUKernel/ : /gpu\.js WebAssemblyKernel/,
      )
      expect(worst(r.runs[0].trajectory, ref.trajectory, 50, 1e-3)).toBeLessThanOrEqual(1)
    })
  }
})
