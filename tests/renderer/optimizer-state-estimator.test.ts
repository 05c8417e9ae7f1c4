import { describe, expect, it } from 'vitest'
import { runFloat64 } from '../../src-main/engine/float64'
import { parseGradientSpec } from '../../src-shared/estimator/spec'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { findOptimizer, hparamCodeValues, resolveHparams } from '../../src-shared/optim'
import { Replay } from '../../src-renderer/optstate/replay'
import { arrowLabel, arrowVectors } from '../../src-renderer/optstate/state'

/**
 * The optimizer-state view replays a run that takes its gradient from an estimator (and one with
 * gradient noise) to the trajectory the float64 engine drew: same draws, same stages (SAM's
 * second gradient estimated with its own counters).
 */
const LANDSCAPE = { preset: 'himmelblau' }
const START = [-1.2, 0.7] as const
const STEPS = 50

const ESTIMATORS: Record<string, Record<string, unknown>> = {
  forward: { estimator: 'forward', directions: 2, seed: 7 },
  zeroth_order: { estimator: 'zeroth_order', mu: 0.01, directions: 3, distribution: 'gaussian', seed: 11 },
  zeroth_order_sphere: { estimator: 'zeroth_order', mu: 0.001, directions: 1, distribution: 'sphere', seed: 3 },
}

const OPTIMIZERS: Record<string, Record<string, unknown>> = {
  sgd: { lr: 0.005, momentum: 0.5 },
  adam: { lr: 0.05 },
  sam: { lr: 0.005 },
}

function engineRun(name: string, given: Record<string, unknown>, gradient: unknown, stream: number, noise = { std: 0, seed: 0 }) {
  const def = findOptimizer(name)!
  return runFloat64({
    landscape: landscapeFromSpec(LANDSCAPE),
    optimizer: def,
    hparams: Float64Array.from(hparamCodeValues(def, resolveHparams(def, given))),
    x0: Float64Array.of(START[0]),
    y0: Float64Array.of(START[1]),
    steps: STEPS,
    every: 1,
    sharpness: false,
    noise,
    noiseStream: Int32Array.of(stream),
    gradient: parseGradientSpec(gradient, 'gradient'),
  })
}

/** Largest |replayed − engine| over the 50 steps, per coordinate. */
function worstGap(replay: Replay, ref: { x: Float64Array; y: Float64Array }): number {
  let worst = 0
  for (let k = 0; k <= STEPS; k++) {
    replay.seek(k)
    const v = replay.view()
    expect(v.step).toBe(k)
    worst = Math.max(worst, Math.abs(v.head[0] - ref.x[k]), Math.abs(v.head[1] - ref.y[k]))
  }
  return worst
}

describe('optimizer state replay with a gradient estimator', () => {
  for (const [opt, given] of Object.entries(OPTIMIZERS)) {
    for (const [label, gradient] of Object.entries(ESTIMATORS)) {
      it(`follows the float64 engine: ${opt} with ${label}`, () => {
        const stream = 2
        const ref = engineRun(opt, given, gradient, stream)
        expect(ref.x.every(Number.isFinite) && ref.y.every(Number.isFinite)).toBe(true)
        const draws = { stream, noise: { std: 0, seed: 0 } }
        const replay = new Replay(LANDSCAPE, { name: opt, ...given, gradient }, START, draws)
        expect(worstGap(replay, ref)).toBeLessThan(1e-9)
        // The same run replayed without its estimator leaves the drawn trajectory: the check above can fail.
        expect(worstGap(new Replay(LANDSCAPE, { name: opt, ...given }, START, draws), ref)).toBeGreaterThan(1e-6)
        // Another noise stream draws other directions.
        expect(worstGap(new Replay(LANDSCAPE, { name: opt, ...given, gradient }, START, { ...draws, stream: 5 }), ref)).toBeGreaterThan(
          1e-6,
        )
      })
    }
  }

  it("estimates SAM's second gradient with its own draws (counters from extraGradientCounter)", () => {
    const gradient = ESTIMATORS.forward
    const ref = engineRun('sam', OPTIMIZERS.sam, gradient, 0)
    // (The second gradient's draws must start at extraGradientCounter(0); the step's own counters would not match.)
    const replay = new Replay(LANDSCAPE, { name: 'sam', ...OPTIMIZERS.sam, gradient }, START)
    expect(worstGap(replay, ref)).toBeLessThan(1e-9)
    replay.seek(3)
    const v = replay.view()
    expect(v.gradSource).toBe('estimate')
    // The arrow's gradient is the estimate, not ∇L; the true gradient rides beside it.
    expect(v.grad[0]).not.toBe(v.trueGrad[0])
    const exact = new Replay(LANDSCAPE, { name: 'sam', ...OPTIMIZERS.sam }, START)
    exact.seek(0)
    expect(exact.view().gradSource).toBe('exact')
  })

  for (const [label, gradient] of [['no estimator', undefined] as const, ['forward', ESTIMATORS.forward] as const]) {
    it(`replays gradient noise drawn by the engine (${label}, Adam and SAM)`, () => {
      const noise = { std: 0.5, seed: 42 }
      for (const opt of ['adam', 'sam']) {
        const ref = engineRun(opt, OPTIMIZERS[opt], gradient, 1, noise)
        const entry = { name: opt, ...OPTIMIZERS[opt], ...(gradient ? { gradient } : {}) }
        const replay = new Replay(LANDSCAPE, entry, START, { stream: 1, noise })
        expect(worstGap(replay, ref)).toBeLessThan(1e-9)
        replay.seek(0)
        expect(replay.view().gradSource).toBe(gradient ? 'noisy estimate' : 'noisy')
        expect(worstGap(new Replay(LANDSCAPE, entry, START, { stream: 1, noise: { std: 0, seed: 42 } }), ref)).toBeGreaterThan(1e-6)
      }
    })
  }

  it('labels the gradient arrow "gradient estimate" and draws the true gradient beside it; an exact run has no second arrow', () => {
    const est = new Replay(LANDSCAPE, { name: 'adam', ...OPTIMIZERS.adam, gradient: ESTIMATORS.zeroth_order }, START, {
      stream: 2,
      noise: { std: 0, seed: 0 },
    })
    est.seek(4)
    const v = est.view()
    expect(arrowLabel('grad', v).label).toMatch(/gradient estimate/)
    const arrows = arrowVectors(v)
    expect(arrows.grad).toEqual([-v.grad[0], -v.grad[1]])
    expect(arrows.trueGrad).toEqual([-v.trueGrad[0], -v.trueGrad[1]])
    expect(arrows.grad).not.toEqual(arrows.trueGrad)
    const exact = new Replay(LANDSCAPE, { name: 'adam', ...OPTIMIZERS.adam }, START)
    exact.seek(4)
    const w = exact.view()
    expect(arrowLabel('grad', w).label).toBe('−∇L')
    expect(w.grad).toEqual(w.trueGrad)
    expect(arrowVectors(w).trueGrad).toBeNull()
  })
})
