/** @vitest-environment node */
/**
 * Every optimizer of the catalog runs on a network from its one rule text, emitted as a loop over
 * P coordinates (src-shared/network/optimizer-loop.ts). Checked two ways: on two coordinates the
 * loop reproduces the float64 point engine (which expands the same rule per named coordinate and is
 * itself checked against PyTorch) bit for bit, for every optimizer a network can run (the rules with a
 * dense 2-D stage or the Hessian's diagonal are refused by name) and several settings; on a real network,
 * SGD (momentum, Nesterov, weight decay), Adam, AdamW and RMSprop match update rules written out
 * by hand here from torch's documentation.
 */
import { describe, expect, it } from 'vitest'
import { landscapeFromExpression } from '../../src-shared/landscape'
import { findOptimizer, hparamCodeValues, OPTIMIZERS, resolveHparams } from '../../src-shared/optim'
import { networkRefusal, networkStepSource } from '../../src-shared/network/optimizer-loop'
import { initialOptimizerState, optimizerStep } from '../../src-main/engine/network/optimizer-step'
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { Mlp } from '../../src-shared/network/mlp'
import { runFloat64 } from '../../src-main/engine/float64'
import { simulateNetwork } from '../../src-main/engine/network/simulate'

const SETTINGS: Record<string, Array<Record<string, unknown>>> = {
  sgd: [
    { lr: 0.01 },
    { lr: 0.01, momentum: 0.9 },
    { lr: 0.01, momentum: 0.9, nesterov: true, weight_decay: 0.1 },
    { lr: 0.01, momentum: 0.5, dampening: 0.3 },
  ],
  adam: [{ lr: 0.05 }, { lr: 0.05, amsgrad: true, weight_decay: 0.01 }],
  adamw: [{ lr: 0.05 }, { lr: 0.05, weight_decay: 0.1, amsgrad: true }],
  rmsprop: [{ lr: 0.01 }, { lr: 0.01, centered: true, momentum: 0.8, weight_decay: 0.01 }],
}
/** The rules a network's P coordinates cannot run: a dense 2-D stage, or the Hessian's diagonal. */
const REFUSED: Record<string, RegExp> = {
  newton: /dense stage .*Hessian.*2-D/,
  saddlefreenewton: /dense stage .*Hessian.*2-D/,
  gaussnewton: /dense stage .*JᵀJ.*2-D/,
  oasis: /Hessian's diagonal \(h_diag\)/,
}
const RUNS = OPTIMIZERS.filter((def) => !(def.name in REFUSED))
const CASES = RUNS.flatMap((def) => (SETTINGS[def.name] ?? [{ lr: 0.01 }]).map((given) => [def.name, given] as const))

describe('network optimizer loop', () => {
  it('refuses by name, with the reason, exactly the rules that cannot run on P coordinates', () => {
    const refused = OPTIMIZERS.filter((def) => networkRefusal(def) !== null).map((def) => def.name)
    expect(refused.sort()).toEqual(Object.keys(REFUSED).sort())
    for (const [name, why] of Object.entries(REFUSED)) {
      const def = findOptimizer(name)!
      expect(networkRefusal(def)).toMatch(new RegExp(`^${def.title} cannot run on a network: `))
      expect(networkRefusal(def)).toMatch(why)
      expect(() => networkStepSource(def)).toThrow(why)
      expect(() => initialOptimizerState(def, resolveHparams(def, {}), 4)).toThrow(why)
    }
  })

  it('asks for the loss and the gradient elsewhere when the rule reads them', () => {
    for (const name of ['aegd', 'sam']) {
      const def = findOptimizer(name)!
      const state = initialOptimizerState(def, resolveHparams(def, { lr: 0.01 }), 2)
      expect(() => optimizerStep(state, Float64Array.of(1, 2), Float64Array.of(0.5, 0.5)), name).toThrow(/pass the step's oracles/)
    }
  })

  it.each(CASES)('%s %j: on two coordinates, the loop reproduces the float64 point engine step for step, bit for bit', (name, given) => {
    const def = findOptimizer(name)!
    const h = resolveHparams(def, given)
    const landscape = landscapeFromExpression('(1 - x)^2 + 5 * (y - x^2)^2 + 0.3 * sin(3 * x * y)')
    const steps = 60
    const ref = runFloat64({
      landscape,
      optimizer: def,
      hparams: Float64Array.from(hparamCodeValues(def, h)),
      x0: Float64Array.of(-0.7),
      y0: Float64Array.of(1.1),
      steps,
      every: 1,
      sharpness: false,
      noise: { std: 0, seed: 0 },
    })
    const w = Float64Array.of(-0.7, 1.1)
    const g = new Float64Array(2)
    const out = new Float64Array(3)
    const state = initialOptimizerState(def, h, 2)
    const gradientAt = (point: Float64Array, into: Float64Array) => {
      const at = new Float64Array(3)
      landscape.compiled.valueAndGradient(point[0], point[1], at)
      into[0] = at[1]
      into[1] = at[2]
    }
    for (let t = 1; t <= steps; t++) {
      landscape.compiled.valueAndGradient(w[0], w[1], out)
      g[0] = out[1]
      g[1] = out[2]
      optimizerStep(state, w, g, null, { loss: out[0], gradientAt })
      // Bit for bit: the same rule trees, the same operation order (reductions folded left).
      expect(w[0]).toBe(ref.x[t])
      expect(w[1]).toBe(ref.y[t])
    }
    expect(state.t).toBe(steps)
  })

  it('prints the rule from its tree with typed-array loads and stores, no per-coordinate names left', () => {
    const src = networkStepSource(findOptimizer('adam')!)
    expect(src).toContain('for (let __i = 0; __i < __P; __i++)')
    expect(src).toContain('let exp_avg = __S_exp_avg[__i];')
    expect(src).toContain('__W[__i] = p;')
    expect(src).not.toMatch(/_x\b|_y\b/)
  })
})

/** A small network scenario and its MLP, for the hand-written rules below. */
function tinyNetwork() {
  const s = parseNetworkScenario({
    landscape: { network: { layers: [3, 6, 2], activation: 'tanh', loss: 'mse', data: { dataset: 'gaussian', n: 16, seed: 3 } } },
    optimizer: { name: 'sgd', lr: 0.1 },
    steps: 0,
  })
  return { net: s.network, mlp: new Mlp(s.network, s.network.data.x, s.network.data.y) }
}

type Rule = (w: Float64Array, g: Float64Array, t: number) => void

/** torch.optim's rules, written out per tensor (the documentation's algorithm boxes). */
const HAND: Record<string, { given: Record<string, unknown>; rule: (P: number) => Rule }> = {
  'sgd momentum nesterov wd': {
    given: { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01 },
    rule: (P) => {
      const b = new Float64Array(P)
      return (w, g, t) => {
        for (let i = 0; i < P; i++) {
          const gi = g[i] + 0.01 * w[i]
          b[i] = t === 1 ? gi : 0.9 * b[i] + gi
          w[i] -= 0.05 * (gi + 0.9 * b[i])
        }
      }
    },
  },
  'sgd heavy ball': {
    given: { lr: 0.05, momentum: 0.8 },
    rule: (P) => {
      const b = new Float64Array(P)
      return (w, g, t) => {
        for (let i = 0; i < P; i++) {
          b[i] = t === 1 ? g[i] : 0.8 * b[i] + g[i]
          w[i] -= 0.05 * b[i]
        }
      }
    },
  },
  adam: {
    given: { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6 },
    rule: (P) => {
      const m = new Float64Array(P)
      const v = new Float64Array(P)
      return (w, g, t) => {
        for (let i = 0; i < P; i++) {
          m[i] = 0.8 * m[i] + 0.2 * g[i]
          v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i]
          const mh = m[i] / (1 - 0.8 ** t)
          const vh = v[i] / (1 - 0.99 ** t)
          w[i] -= (0.01 * mh) / (Math.sqrt(vh) + 1e-6)
        }
      }
    },
  },
  adamw: {
    given: { lr: 0.01, weight_decay: 0.1 },
    rule: (P) => {
      const m = new Float64Array(P)
      const v = new Float64Array(P)
      return (w, g, t) => {
        for (let i = 0; i < P; i++) {
          w[i] *= 1 - 0.01 * 0.1
          m[i] = 0.9 * m[i] + 0.1 * g[i]
          v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
          w[i] -= ((0.01 / (1 - 0.9 ** t)) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(1 - 0.999 ** t) + 1e-8)
        }
      }
    },
  },
  rmsprop: {
    given: { lr: 0.005, alpha: 0.9 },
    rule: (P) => {
      const s = new Float64Array(P)
      return (w, g) => {
        for (let i = 0; i < P; i++) {
          s[i] = 0.9 * s[i] + 0.1 * g[i] * g[i]
          w[i] -= (0.005 * g[i]) / (Math.sqrt(s[i]) + 1e-8)
        }
      }
    },
  },
}

describe('optimizers on a network', () => {
  it.each(Object.keys(HAND))('%s: the emitted loop matches the rule written out by hand over 40 steps', (key) => {
    const { given, rule } = HAND[key]
    const name = key.split(' ')[0]
    const { net, mlp } = tinyNetwork()
    const def = findOptimizer(name)!
    const trace = simulateNetwork(net, def, resolveHparams(def, given), 40, {
      every: 1,
      sharpness: false,
      eigenvalues: 0,
      eigenEvery: 1,
      params: true,
    })
    const w = Float64Array.from(net.params)
    const step = rule(net.size)
    for (let t = 0; t <= 40; t++) {
      const L = mlp.prepare(w)
      expect(Math.abs(trace.loss[t] - L)).toBeLessThanOrEqual(1e-12 * (1 + L))
      for (let i = 0; i < net.size; i++)
        expect(Math.abs(trace.params![t * net.size + i] - w[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(w[i])))
      step(w, Float64Array.from(mlp.gradient), t + 1)
    }
    expect(trace.loss[40]).toBeLessThan(trace.loss[0])
  })

  it.each(RUNS.map((d) => d.name))(
    '%s trains a network (finite, loss down) with preconditioned sharpness where it has a preconditioner',
    (name) => {
      const { net } = tinyNetwork()
      const def = findOptimizer(name)!
      const lr = name === 'adadelta' ? 1 : name === 'rprop' || name === 'adamax' ? 0.002 : name === 'scalar_rmsprop' ? 0.003 : 0.02
      const trace = simulateNetwork(net, def, resolveHparams(def, { lr }), 30, {
        every: 1,
        sharpness: true,
        eigenvalues: 2,
        eigenEvery: 5,
        params: false,
      })
      expect(trace.divergedAt).toBe(-1)
      expect(trace.loss[30]).toBeLessThan(trace.loss[0])
      expect(trace.eigenvalues![0]).toBeGreaterThanOrEqual(trace.eigenvalues![1])
      expect(Number.isNaN(trace.eigenvalues![2])).toBe(true) // step 1: not an eigen step
      if (def.preconditioner) expect(Number.isFinite(trace.preconditioned![5])).toBe(true)
      else expect(trace.preconditioned).toBeNull()
    },
  )
})
