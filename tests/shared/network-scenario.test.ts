/**
 * The network landscape of a scenario (shared/NETWORKS.md): what it accepts, the named seeded
 * generators and init schemes, and the errors for bad input, each naming its field.
 */
import { describe, expect, it } from 'vitest'
import { isNetworkScenario, parseNetworkScenario } from '../../src-shared/network/scenario'
import { chebyshevT } from '../../src-shared/network/datasets'
import { parseScenario, ScenarioError } from '../../src-shared/scenario'

const base = (network: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({
  landscape: { network: { layers: [2, 4, 1], activation: 'tanh', loss: 'mse', data: { dataset: 'gaussian', n: 8, seed: 0 }, ...network } },
  optimizer: { name: 'sgd', lr: 0.1 },
  steps: 10,
  ...rest,
})

function problem(doc: unknown): { field: string; message: string } {
  try {
    parseNetworkScenario(doc)
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError)
    return { field: (err as ScenarioError).field, message: (err as Error).message }
  }
  throw new Error('expected a ScenarioError')
}

describe('network scenario', () => {
  it('is recognised, and the point-landscape parser refuses it naming landscape.network', () => {
    expect(isNetworkScenario(base({}))).toBe(true)
    expect(isNetworkScenario({ landscape: { preset: 'rosenbrock' } })).toBe(false)
    expect(() => parseScenario(base({}))).toThrow(/landscape\.network/)
  })

  it('reads explicit data and params in the NETWORKS.md layout', () => {
    const s = parseNetworkScenario(
      base({
        layers: [1, 2, 1],
        data: { x: [[0], [1]], y: [[1], [2]] },
        params: [1, 2, 3, 4, 5, 6, 7],
      }),
    )
    expect(s.network.size).toBe(7)
    expect(Array.from(s.network.params)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(s.network.data.n).toBe(2)
    expect(s.record).toEqual({ every: 1, sharpness: false, eigenvalues: 0, eigenEvery: 1, params: false })
    expect(s.optimizers[0].hparams.momentum).toBe(0) // torch's defaults filled in
  })

  it('generators: gaussian is seeded and reproducible; chebyshev is T_d on an even grid of [−1, 1]', () => {
    const a = parseNetworkScenario(base({}))
    const b = parseNetworkScenario(base({}))
    const c = parseNetworkScenario(base({ data: { dataset: 'gaussian', n: 8, seed: 1 } }))
    expect(Array.from(a.network.data.x)).toEqual(Array.from(b.network.data.x))
    expect(Array.from(a.network.data.x)).not.toEqual(Array.from(c.network.data.x))
    const ch = parseNetworkScenario(base({ layers: [1, 5, 1], data: { dataset: 'chebyshev', degree: 4, n: 20 } }))
    expect(ch.network.data.x[0]).toBe(-1)
    expect(ch.network.data.x[19]).toBe(1)
    for (let i = 0; i < 20; i++) {
      const x = ch.network.data.x[i]
      expect(ch.network.data.y[i]).toBeCloseTo(8 * x ** 4 - 8 * x ** 2 + 1, 12)
    }
    expect(chebyshevT(3, 0.5)).toBeCloseTo(Math.cos(3 * Math.acos(0.5)), 14)
  })

  it.each(['moons', 'circles', 'spirals', 'xor'])('%s: 2-D, two balanced classes as one-hot rows', (dataset) => {
    const s = parseNetworkScenario(base({ layers: [2, 4, 2], loss: 'ce', data: { dataset, n: 40, noise: 0.05, seed: 2 } }))
    const y = s.network.data.y
    let ones = 0
    for (let i = 0; i < 40; i++) {
      expect(y[2 * i] + y[2 * i + 1]).toBe(1)
      ones += y[2 * i + 1]
    }
    expect(ones).toBeGreaterThan(5)
    expect(ones).toBeLessThan(35)
  })

  it('init schemes: biases 0, weight spread as the scheme says (lecun 1/√fan_in, he √2 ×, gain scales)', () => {
    const layers = [50, 30, 1]
    const std = (scheme: string, gain = 1) => {
      const s = parseNetworkScenario(base({ layers, init: { scheme, seed: 4, gain } }))
      const w = s.network.params.subarray(0, 50 * 30)
      expect(Array.from(s.network.params.subarray(1500, 1530)).every((b) => b === 0)).toBe(true)
      return Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length)
    }
    expect(std('lecun_normal')).toBeCloseTo(1 / Math.sqrt(50), 2)
    expect(std('he_normal')).toBeCloseTo(Math.sqrt(2 / 50), 2)
    expect(std('xavier_normal', 1.9)).toBeCloseTo(1.9 * Math.sqrt(2 / 80), 2)
  })

  it.each([
    [{ layers: [2] }, 'landscape.network.layers', /input width/],
    [{ layers: [2, 1.5, 1] }, 'landscape.network.layers[1]', /whole number/],
    [{ layers: [8, 64, 64, 1] }, 'landscape.network.layers', /4801 parameters, more than 2000/],
    [{ activation: 'sigmoid' }, 'landscape.network.activation', /unknown activation "sigmoid" \(known: tanh, relu, swish, gelu\)/],
    [{ loss: 'hinge' }, 'landscape.network.loss', /unknown loss/],
    [{ loss: 'ce' }, 'landscape.network.layers', /cross-entropy needs at least 2 outputs/],
    [{ data: { dataset: 'mnist' } }, 'landscape.network.data.dataset', /unknown dataset "mnist"/],
    [{ data: { x: [[1, 2]], y: [[1], [2]] } }, 'landscape.network.data.y', /one row per example of data\.x \(1\)/],
    [{ data: { x: [[1, 2, 3]], y: [[1]] } }, 'landscape.network.data.x[0]', /row of 2 numbers/],
    [{ data: { x: [[1, 'a']], y: [[1]] } }, 'landscape.network.data.x[0][1]', /must be a number/],
    [{ data: { dataset: 'chebyshev' } }, 'landscape.network.layers', /one input and one output/],
    [{ data: { dataset: 'moons' }, layers: [3, 4, 1] }, 'landscape.network.layers', /2-D/],
    [{ params: [1, 2] }, 'landscape.network.params', /has 17 parameters, got 2 values/],
    [{ params: [], init: {} }, 'landscape.network.params', /not both/],
    [{ init: { scheme: 'orthogonal' } }, 'landscape.network.init.scheme', /unknown scheme/],
    [{ init: { gain: -1 } }, 'landscape.network.init.gain', /> 0/],
  ] as Array<[Record<string, unknown>, string, RegExp]>)('bad network %j → %s', (network, field, message) => {
    const p = problem(base(network))
    expect(p.field).toBe(field)
    expect(p.message).toMatch(message)
  })

  it.each([
    [{ precision: 'float32' }, 'precision', /float64 only/],
    [{ noise: { std: 0.1 } }, 'noise', /full-batch/],
    [{ init: [0, 0] }, 'init', /params or \.init/],
    [{ record: { eigenvalues: 11 } }, 'record.eigenvalues', /between 0 and 10/],
    [{ record: { every: 2, eigen_every: 3 } }, 'record.eigen_every', /multiple of record\.every/],
    [{ optimizer: { name: 'adam', lr: -1 } }, 'optimizer.lr', /lr/],
    [{ slice: { directions: 'svd' } }, 'slice.directions', /"pca", "random"/],
    [{ central_flow: 'yes' }, 'central_flow', /true or false/],
  ] as Array<[Record<string, unknown>, string, RegExp]>)('bad scenario field %j → %s', (rest, field, message) => {
    const p = problem(base({}, rest))
    expect(p.field).toBe(field)
    expect(p.message).toMatch(message)
  })
})
