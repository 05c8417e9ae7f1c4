import { describe, expect, it } from 'vitest'
import { runFloat64 } from '../../src-main/engine/float64'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { findOptimizer, hparamCodeValues, OPTIMIZERS, resolveHparams } from '../../src-shared/optim'
import { parseRule } from '../../src-shared/optim/rule'
import { Replay, ReplayError, unsupportedNames } from '../../src-renderer/optstate/replay'

/** Non-default settings that switch on each optimizer's branches (momentum, amsgrad, centered, …). */
const VARIANTS: Record<string, Record<string, unknown>[]> = {
  sgd: [{ lr: 0.002 }, { lr: 0.001, momentum: 0.9, nesterov: true, weight_decay: 0.01 }],
  adam: [{ lr: 0.05 }, { lr: 0.05, amsgrad: true, weight_decay: 0.1 }],
  rmsprop: [{ lr: 0.01, centered: true, momentum: 0.5 }],
}

/** Himmelblau with its residuals (L = r₁² + r₂²), so Gauss–Newton runs on it too. */
const HIMMELBLAU = { preset: 'himmelblau', residuals: ['x^2 + y - 11', 'x + y^2 - 7'] }

function engineRun(landscape: string, name: string, given: Record<string, unknown>, x0: number, y0: number, steps: number) {
  const def = findOptimizer(name)!
  return runFloat64({
    landscape: landscapeFromSpec({ ...HIMMELBLAU, preset: landscape }),
    optimizer: def,
    hparams: Float64Array.from(hparamCodeValues(def, resolveHparams(def, given))),
    x0: Float64Array.of(x0),
    y0: Float64Array.of(y0),
    steps,
    every: 1,
    sharpness: false,
    noise: { std: 0, seed: 0 },
  })
}

/** The optimizers the replay was written against: each must replay (the catalog grows beyond them). */
const REPLAYED = ['sgd', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam', 'asgd', 'rprop', 'scalar_rmsprop']

describe('optimizer state replay', () => {
  it('replays every optimizer it was written for, and refuses by name a rule that reads vocabulary it lacks', () => {
    for (const name of REPLAYED) expect(unsupportedNames(findOptimizer(name)!), name).toEqual([])
    const sgd = findOptimizer('sgd')!
    // A rule written against vocabulary added later (parsed only: today's validator refuses it).
    const site = { optimizer: 'hess', part: 'update' }
    const later = { prelude: [], update: parseRule('let q = h_xx; p = p - lr * g / q;', site), preconditioner: null }
    expect(unsupportedNames(sgd, later)).toEqual(['h_xx'])
    expect(new ReplayError('x')).toBeInstanceOf(Error)
  })

  it('replays every optimizer of the catalog, staged rules included', () => {
    for (const def of OPTIMIZERS) expect(unsupportedNames(def), def.name).toEqual([])
  })

  it('refuses Gauss–Newton by name on a landscape without residuals', () => {
    expect(() => new Replay({ preset: 'himmelblau' }, { name: 'gaussnewton' }, [0, 0])).toThrow(/Gauss–Newton.*residuals/)
  })

  for (const def of OPTIMIZERS) {
    for (const given of VARIANTS[def.name] ?? [{ lr: def.name === 'adadelta' ? 1 : 0.01 }]) {
      it(`follows the float64 engine bit for bit: ${def.name} ${JSON.stringify(given)} on Himmelblau`, () => {
        const steps = 60
        const ref = engineRun('himmelblau', def.name, given, -1.2, 0.7, steps)
        const replay = new Replay(HIMMELBLAU, { name: def.name, ...given }, [-1.2, 0.7])
        for (const k of [0, 1, 2, 17, 59, 60, 5]) {
          replay.seek(k)
          const v = replay.view()
          expect(v.step).toBe(k)
          expect(v.head[0]).toBe(ref.x[k])
          expect(v.head[1]).toBe(ref.y[k])
          expect(v.loss).toBe(ref.loss[k])
          if (k < steps) {
            expect(v.head[0] + v.delta[0]).toBe(ref.x[k + 1])
            expect(v.head[1] + v.delta[1]).toBe(ref.y[k + 1])
          }
        }
      })
    }
  }

  it('reports the gradient, the first moment, the effective learning rates and the slots of Adam', () => {
    const r = new Replay({ preset: 'booth' }, { name: 'adam', lr: 0.1 }, [-8, -6])
    const v0 = r.view()
    // Booth: ∇L = (2(x+2y−7) + 4(2x+y−5), 4(x+2y−7) + 2(2x+y−5)).
    expect(v0.grad).toEqual([2 * (-8 - 12 - 7) + 4 * (-16 - 6 - 5), 4 * (-8 - 12 - 7) + 2 * (-16 - 6 - 5)])
    // After the first update m = (1 − β₁)g and Adam's first step is −lr·sign(g) (to ε).
    expect(v0.moment?.slot).toBe('exp_avg')
    expect(v0.moment!.value[0]).toBeCloseTo(0.1 * v0.grad[0], 12)
    expect(v0.delta[0]).toBeCloseTo(0.1, 6)
    expect(v0.delta[1]).toBeCloseTo(0.1, 6)
    // lr / (√v̂ + ε) with v̂ = g² after one step: lr / |g|.
    expect(v0.effectiveLrForm).toBe('lr / P')
    expect(v0.effectiveLr![0]).toBeCloseTo(0.1 / Math.abs(v0.grad[0]), 10)
    expect(v0.slots.map((s) => s.name)).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'])
  })

  it('has no first moment for plain SGD, 1/P for RMSprop (its P holds 1/lr), and a shared slot for Scalar RMSProp', () => {
    expect(new Replay({ preset: 'booth' }, { name: 'sgd', lr: 0.01 }, [1, 1]).view().moment).toBeNull()
    expect(new Replay({ preset: 'booth' }, { name: 'sgd', lr: 0.01, momentum: 0.9 }, [0, 0]).view().moment?.slot).toBe('momentum_buffer')
    const rms = new Replay({ preset: 'booth' }, { name: 'rmsprop', lr: 0.01 }, [0, 0]).view()
    expect(rms.effectiveLrForm).toBe('1 / P')
    // v = (1 − α)g² after one step: 1/P = lr / (√v + ε).
    expect(rms.effectiveLr![0]).toBeCloseTo(0.01 / (Math.sqrt(0.01) * Math.abs(rms.grad[0]) + 1e-8), 10)
    const scalar = new Replay({ preset: 'booth' }, { name: 'scalar_rmsprop', lr: 0.01 }, [0, 0]).view()
    expect(scalar.slots).toEqual([expect.objectContaining({ name: 'nu', shared: true })])
    expect(scalar.effectiveLr![0]).toBe(scalar.effectiveLr![1])
  })

  it('stops at a divergence and says the next update diverges', () => {
    const r = new Replay({ preset: 'booth' }, { name: 'sgd', lr: 5 }, [-8, -6])
    r.seek(5000)
    expect(r.step).toBeLessThan(5000)
    expect(r.view().divergesNext).toBe(true)
  })
})
