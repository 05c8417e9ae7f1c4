/**
 * Slices of a network's parameter space (src-shared/network/slice.ts, NETWORKS.md "Slices"):
 * filter-normalized random directions, the projection of recorded points (plane coordinates,
 * distance off the plane, slice loss against true loss), PCA directions and the surface grid.
 */
import { describe, expect, it } from 'vitest'
import { Mlp } from '../../src-shared/network/mlp'
import { parseNetworkScenario, type SliceSpec } from '../../src-shared/network/scenario'
import { computeSlice } from '../../src-shared/network/slice'
import { normal } from '../../src-shared/random'

const s = parseNetworkScenario({
  landscape: {
    network: { layers: [3, 5, 2], activation: 'swish', loss: 'mse', data: { dataset: 'gaussian', n: 10, seed: 2 }, init: { seed: 3 } },
  },
  optimizer: { name: 'sgd', lr: 0.1 },
  steps: 0,
})
const net = s.network
const mlp = new Mlp(net, net.data.x, net.data.y)
const spec = (over: Partial<SliceSpec>): SliceSpec => ({
  directions: 'random',
  seed: 0,
  normalization: 'filter',
  center: 'start',
  extent: [-1, 1],
  n: 5,
  ...over,
})

describe('network slices', () => {
  it('random, filter-normalized: each filter has the centre filter’s norm, biases are not perturbed', () => {
    const r = computeSlice(spec({}), net.layers, mlp, net.params, 1)
    const [fanIn, fanOut] = [3, 5]
    for (let j = 0; j < fanOut; j++) {
      let dn = 0
      let cn = 0
      for (let i = 0; i < fanIn; i++) {
        dn += r.d1[i * fanOut + j] ** 2
        cn += net.params[i * fanOut + j] ** 2
      }
      expect(Math.sqrt(dn)).toBeCloseTo(Math.sqrt(cn), 12)
    }
    expect(Array.from(r.d1.subarray(15, 20))).toEqual([0, 0, 0, 0, 0])
    expect(Array.from(r.d2.subarray(30, 32))).toEqual([0, 0])
    const raw = computeSlice(spec({ normalization: 'none' }), net.layers, mlp, net.params, 1)
    expect(raw.d1[0]).not.toBeCloseTo(r.d1[0], 6)
  })

  it('projects points: in the plane at (a, b) with no distance off it and the true loss; off the plane by the residual', () => {
    const base = computeSlice(spec({}), net.layers, mlp, net.params, 1)
    const size = net.size
    const points = new Float64Array(3 * size)
    const e = Float64Array.from({ length: size }, (_, i) => normal(9, i, 0, 0))
    for (let i = 0; i < size; i++) {
      points[i] = net.params[i]
      points[size + i] = net.params[i] + 0.3 * base.d1[i] - 0.2 * base.d2[i]
      points[2 * size + i] = points[size + i] + 0.01 * e[i]
    }
    const r = computeSlice(spec({}), net.layers, mlp, points, 3)
    expect(r.ab[2]).toBeCloseTo(0.3, 12)
    expect(r.ab[3]).toBeCloseTo(-0.2, 12)
    expect(r.offPlane[1]).toBeLessThan(1e-12)
    expect(r.sliceLoss[1]).toBeCloseTo(mlp.lossAt(points.subarray(size, 2 * size)), 12)
    expect(r.offPlane[2]).toBeGreaterThan(0)
    expect(r.sliceLoss[2]).not.toBe(mlp.lossAt(points.subarray(2 * size)))
    // The surface's middle sample (n = 5 on [−1, 1]) is the centre.
    expect(r.surface[2 * 5 + 2]).toBeCloseTo(mlp.lossAt(net.params), 12)
  })

  it('pca: a trajectory along a line gives that line as d₁, every point on the plane', () => {
    const size = net.size
    const dir = Float64Array.from({ length: size }, (_, i) => normal(4, i, 0, 0))
    const norm = Math.hypot(...dir)
    const count = 12
    const points = new Float64Array(count * size)
    for (let r = 0; r < count; r++)
      for (let i = 0; i < size; i++) points[r * size + i] = net.params[i] + 0.1 * r * dir[i] + 0.01 * Math.sin(r) * (i % 2)
    const r = computeSlice(spec({ directions: 'pca', center: 'end' }), net.layers, mlp, points, count)
    const cos = Math.abs(r.d1.reduce((a, v, i) => a + (v * dir[i]) / norm, 0))
    expect(cos).toBeGreaterThan(0.999)
    for (let k = 0; k < count; k++) expect(r.offPlane[k]).toBeLessThan(1e-9)
    expect(r.ab[2 * (count - 1)]).toBeCloseTo(0, 12) // centred on the end
  })
})
