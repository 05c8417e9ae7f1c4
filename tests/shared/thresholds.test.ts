/** @vitest-environment node */
/**
 * Stability thresholds (docs/central-flows.md, "Thresholds for other optimizers") checked against simulation: on the quadratic
 * ½·a·x², the optimizer converges at a = 0.99 × threshold and diverges at a = 1.01 × threshold.
 */
import { describe, expect, it } from 'vitest'
import { stabilityThreshold } from '../../src-shared/eos/thresholds'
import { findOptimizer, resolveHparams } from '../../src-shared/optim'

/** torch.optim.SGD on L = ½ a x² from x = 1 for 4000 steps: |x| at the end. */
function sgdOnQuadratic(a: number, lr: number, momentum: number, nesterov: boolean): number {
  let x = 1
  let buf = 0
  for (let t = 1; t <= 4000; t++) {
    let g = a * x
    if (momentum !== 0) {
      buf = t === 1 ? g : momentum * buf + g
      g = nesterov ? g + momentum * buf : buf
    }
    x -= lr * g
    if (!Number.isFinite(x)) return Infinity
  }
  return Math.abs(x)
}

describe('edge-of-stability thresholds', () => {
  const cases: Array<[string, number, number, boolean]> = [
    ['GD', 0.1, 0, false],
    ['heavy ball β=0.5', 0.05, 0.5, false],
    ['heavy ball β=0.9', 0.01, 0.9, false],
    ['heavy ball β=0.99', 0.01, 0.99, false],
    ['Nesterov β=0.5', 0.05, 0.5, true],
    ['Nesterov β=0.9', 0.01, 0.9, true],
  ]
  it.each(cases)('%s: stable at 0.99×, unstable at 1.01× the threshold', (_n, lr, momentum, nesterov) => {
    const def = findOptimizer('sgd')!
    const th = stabilityThreshold('sgd', resolveHparams(def, { lr, momentum, nesterov }))
    expect(th.kind).toBe('hessian')
    const value = (th as { value: number }).value
    expect(sgdOnQuadratic(0.99 * value, lr, momentum, nesterov)).toBeLessThan(1e-3)
    expect(sgdOnQuadratic(1.01 * value, lr, momentum, nesterov)).toBeGreaterThan(1e3)
  })

  it('matches the closed forms (T10: ηa = 3.8 heavy ball, 1.357143 Nesterov at β = 0.9)', () => {
    const def = findOptimizer('sgd')!
    expect((stabilityThreshold('sgd', resolveHparams(def, { lr: 1, momentum: 0.9 })) as { value: number }).value).toBeCloseTo(3.8, 12)
    expect(
      (stabilityThreshold('sgd', resolveHparams(def, { lr: 1, momentum: 0.9, nesterov: true })) as { value: number }).value,
    ).toBeCloseTo(1.357143, 6)
    const adam = stabilityThreshold('adam', resolveHparams(findOptimizer('adam')!, { lr: 1 }))
    expect(adam.kind === 'preconditioned' && adam.value).toBeCloseTo(38, 12) // AEoS: 38/η at β₁ = 0.9
  })

  it('says so when no threshold is known', () => {
    for (const name of ['adagrad', 'adadelta', 'adamax', 'nadam', 'radam', 'asgd', 'rprop']) {
      const t = stabilityThreshold(name, resolveHparams(findOptimizer(name)!, {}))
      expect(t.kind).toBe('none')
      expect((t as { reason: string }).reason).toMatch(name)
    }
  })
})
