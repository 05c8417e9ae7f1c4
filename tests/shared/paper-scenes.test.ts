/** @vitest-environment node */
/**
 * Each paper scene's claim, checked on the float64 engine (runScenario, as the CLI runs it) with
 * exactly the scene's landscape, optimizers, starts and steps: the caption says what these numbers show.
 */
import { describe, expect, it } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import { runScenario } from '../../src-main/engine/run-scenario'
import { findPaperScene, PAPER_SCENES, paperSceneScenario, type PaperScene } from '../../src-shared/scenes/paper-scenes'

type Pt = readonly [number, number]
interface Run {
  optimizer: { name: string } & Record<string, unknown>
  init: Pt
  trajectory: Pt[]
  loss: number[]
  diverged_at: number | null
}

function scene(id: string): PaperScene {
  const s = findPaperScene(id)
  if (!s) throw new Error(`no scene ${id}`)
  return s
}

/** The scene's runs grouped by optimizer entry (runs are optimizer-major). */
async function runsOf(s: PaperScene, doc = paperSceneScenario(s)): Promise<Run[][]> {
  const runs = (await runScenario(parseScenario(doc))).runs as unknown as Run[]
  const per = s.starts.length
  return s.optimizers.map((_, i) => runs.slice(i * per, (i + 1) * per))
}

const last = (r: Run) => r.trajectory[r.trajectory.length - 1]
const dist = (a: Pt, b: Pt) => Math.hypot(a[0] - b[0], a[1] - b[1])
const stepSizes = (r: Run) => r.trajectory.slice(1).map((p, k) => dist(p, r.trajectory[k]))
const pathLength = (r: Run) => stepSizes(r).reduce((a, b) => a + b, 0)

describe('paper scenes', () => {
  it('every scene is a valid scenario with a caption and a cited paper', () => {
    expect(PAPER_SCENES.length).toBe(7)
    for (const s of PAPER_SCENES) {
      expect(() => parseScenario(paperSceneScenario(s))).not.toThrow()
      expect(s.caption.length).toBeGreaterThan(40)
      expect(s.citation.title.length).toBeGreaterThan(10)
      for (const p of s.starts) {
        expect(p[0]).toBeGreaterThanOrEqual(s.view.x[0])
        expect(p[0]).toBeLessThanOrEqual(s.view.x[1])
        expect(p[1]).toBeGreaterThanOrEqual(s.view.y[0])
        expect(p[1]).toBeLessThanOrEqual(s.view.y[1])
      }
    }
  })

  it('saddle-free Newton leaves the saddle that Newton converges to', async () => {
    const [newton, sfn] = await runsOf(scene('paper_saddle_free_newton'))
    for (const r of newton) expect(dist(last(r), [0, 0])).toBeLessThan(1e-6)
    for (const r of sfn) {
      // The minima are at (0, ±1); the run ends in one of them, far from the saddle.
      expect(dist(last(r), [0, Math.sign(r.init[1])])).toBeLessThan(1e-6)
      expect(dist(last(r), [0, 0])).toBeGreaterThan(0.99)
    }
  })

  it('Newton ends at the maximum while GD descends to the ring of minima', async () => {
    const [newton, gd] = await runsOf(scene('paper_newton_maximum'))
    for (const r of newton) {
      expect(dist(last(r), [0, 0])).toBeLessThan(1e-6)
      expect(r.loss[r.loss.length - 1]).toBeCloseTo(1, 9) // the top of the bump: f(0, 0) = 1, the maximum
      expect(r.loss[r.loss.length - 1]).toBeGreaterThan(r.loss[0]) // Newton went uphill
    }
    const ring = Math.sqrt(Math.log(20)) // ∂f/∂r = 0: 0.1 = 2e^{-r²}
    for (const r of gd) expect(Math.abs(Math.hypot(...last(r)) - ring)).toBeLessThan(0.05)
  })

  it('on the cliff plain SGD is thrown far while clipped SGD never steps more than lr·max_norm', async () => {
    const s = scene('paper_clipping_cliff')
    const [sgd, clip] = await runsOf(s)
    const bound = (s.optimizers[1].lr as number) * (s.optimizers[1].max_norm as number)
    for (const r of clip) {
      expect(Math.max(...stepSizes(r))).toBeLessThanOrEqual(bound * (1 + 1e-12))
      expect(Math.abs(last(r)[0] - 3)).toBeLessThan(1) // in the valley beyond the cliff
      expect(Math.max(...r.trajectory.map((p) => p[0]))).toBeLessThan(s.view.x[1]) // never leaves the view
    }
    for (const r of sgd) {
      expect(Math.max(...stepSizes(r))).toBeGreaterThan(50 * bound)
      expect(Math.max(...r.trajectory.map((p) => p[0]))).toBeGreaterThan(8) // thrown far past the valley (x = 3)
      expect(Math.max(...r.trajectory.map((p) => p[0]))).toBeLessThan(s.view.x[1]) // and still in view
    }
  })

  it('Lion moves every coordinate by exactly lr at every step', async () => {
    const s = scene('paper_lion_sign')
    const [lion, adam] = await runsOf(s)
    const lr = s.optimizers[0].lr as number
    for (const r of lion) {
      for (let k = 1; k < r.trajectory.length; k++) {
        for (const c of [0, 1]) expect(Math.abs(Math.abs(r.trajectory[k][c] - r.trajectory[k - 1][c]) - lr)).toBeLessThan(1e-12)
      }
    }
    // Adam's steps do shrink: its last step is far below lr.
    for (const r of adam) expect(stepSizes(r).at(-1)).toBeLessThan(lr / 10)
  })

  it('SAM ends in the flat minimum and SGD in the sharp one, from the same starts', async () => {
    const [sgd, sam] = await runsOf(scene('paper_sam_flat'))
    const sharp: Pt = [-0.9933, 0] // the sharp well's minimum (shifted from −1 by the bowl's slope)
    const flat: Pt = [1.5, 0]
    for (const r of sgd) expect(dist(last(r), sharp)).toBeLessThan(1e-3)
    for (const r of sam) expect(dist(last(r), flat)).toBeLessThan(0.02)
    // The sharp minimum is the deeper one: SAM's choice is not the lower loss.
    expect(sgd[0].loss.at(-1)).toBeLessThan(sam[0].loss.at(-1)!)
  })

  it('AdEMAMix overshoots because of its slow momentum (α = 0 does not), and still converges', async () => {
    const s = scene('paper_ademamix_slow')
    const [adam, mix] = await runsOf(s)
    const furthest = (r: Run) => Math.max(...r.trajectory.map((p) => p[0])) // the start is at x = −3
    expect(furthest(mix[0])).toBeGreaterThan(1)
    expect(furthest(adam[0])).toBeLessThan(0.05)
    expect(mix[0].loss.at(-1)).toBeLessThan(1e-4)
    // The same rule with the slow EMA switched off (α = 0) does not overshoot: the slow term does it.
    const off = { ...paperSceneScenario(s), optimizers: [{ ...s.optimizers[1], alpha: 0 }] }
    const [[noSlow]] = await runsOf({ ...s, optimizers: [s.optimizers[1]] }, off)
    expect(furthest(noSlow)).toBeLessThan(0.05)
  })

  it('forward gradients descend noisily to the minimum at the same cost per step', async () => {
    const s = scene('paper_forward_gradient')
    const [[exact], ...forward] = await runsOf(s)
    expect(exact.loss.at(-1)).toBeLessThan(1e-6)
    for (const [r] of forward) {
      expect(r.diverged_at).toBeNull()
      expect(r.loss.at(-1)).toBeLessThan(1e-3 * r.loss[0]) // reaches the minimum's neighbourhood
      expect(pathLength(r)).toBeGreaterThan(1.2 * pathLength(exact)) // by a longer, wandering path
    }
    // Unbiased: the mean first step over 448 direction seeds (7 scenarios of 64) is the exact gradient step.
    const runs: Run[] = []
    for (let chunk = 0; chunk < 7; chunk++) {
      const seeds = Array.from({ length: 64 }, (_, k) => ({
        name: 'sgd',
        lr: 0.05,
        gradient: { estimator: 'forward', directions: 1, seed: 64 * chunk + k },
      }))
      const doc = { landscape: { expr: s.expr }, optimizers: seeds, init: [[-3, 2]], steps: 1 }
      runs.push(...((await runScenario(parseScenario(doc))).runs as unknown as Run[]))
    }
    const mean = [0, 1].map((c) => runs.reduce((a, r) => a + r.trajectory[1][c] - r.trajectory[0][c], 0) / runs.length)
    const exactStep = [exact.trajectory[1][0] - exact.trajectory[0][0], exact.trajectory[1][1] - exact.trajectory[0][1]]
    const spread = Math.hypot(...exactStep) * Math.sqrt(3 / runs.length) * 4 // 4 standard errors of (∇L·v)v
    expect(Math.hypot(mean[0] - exactStep[0], mean[1] - exactStep[1])).toBeLessThan(spread)
  })
})
