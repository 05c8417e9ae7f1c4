/**
 * The view slice a streamed network job projects onto (src-shared/network/view-slice.ts) and the
 * network job's chunks (src-main/engine/network/job.ts): the plane goes through the start with
 * computeSlice's random directions, a point on the plane projects onto itself with zero distance
 * off it, and each chunk's xy / offPlane / sliceLoss are the projection of that step's parameters.
 */
import { describe, expect, it } from 'vitest'
import { NetworkJob } from '../../src-main/engine/network/job'
import { simulateNetwork } from '../../src-main/engine/network/simulate'
import { Mlp } from '../../src-shared/network/mlp'
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { computeSlice } from '../../src-shared/network/slice'
import { DEFAULT_VIEW_SLICE, ViewSlice, viewSliceSpec } from '../../src-shared/network/view-slice'
import { findOptimizer } from '../../src-shared/optim'

const doc = {
  landscape: {
    network: {
      layers: [2, 6, 1],
      activation: 'tanh',
      loss: 'mse',
      data: { dataset: 'moons', n: 24, noise: 0.1, seed: 1 },
      init: { seed: 2 },
    },
  },
  optimizer: { name: 'sgd', lr: 0.3 },
  steps: 40,
  record: { every: 2, sharpness: true },
}
const s = parseNetworkScenario(doc)
const net = s.network

describe('view slice', () => {
  it('is computeSlice’s random plane through the start', () => {
    const v = new ViewSlice(net, null)
    const ref = computeSlice({ ...DEFAULT_VIEW_SLICE, n: 2 }, net.layers, new Mlp(net, net.data.x, net.data.y), net.params, 1)
    expect(Array.from(v.d1)).toEqual(Array.from(ref.d1))
    expect(Array.from(v.d2)).toEqual(Array.from(ref.d2))
    expect(Array.from(v.center)).toEqual(Array.from(net.params))
    expect(v.lossAt(0, 0)).toBe(new Mlp(net, net.data.x, net.data.y).lossAt(net.params))
  })

  it('projects a point of the plane onto itself, with zero distance off it', () => {
    const v = new ViewSlice(net, null)
    const w = v.center.map((c, i) => c + 0.3 * v.d1[i] - 0.7 * v.d2[i])
    const p = v.project(w)
    expect(p.a).toBeCloseTo(0.3, 12)
    expect(p.b).toBeCloseTo(-0.7, 12)
    expect(p.offPlane).toBeLessThan(1e-12)
    // Off the plane along a direction orthogonal to it: the distance is that step's length.
    const e = new Float64Array(net.size)
    e[0] = 1
    const dot1 = v.d1[0]
    const dot2 = v.d2[0]
    const q = v.project(w.map((x, i) => x + 0.5 * e[i]))
    expect(q.offPlane).toBeGreaterThan(0)
    if (dot1 === 0 && dot2 === 0) expect(q.offPlane).toBeCloseTo(0.5, 12)
  })

  it('streams random directions through the start whatever slice is asked for', () => {
    const pca = viewSliceSpec({ ...DEFAULT_VIEW_SLICE, directions: 'pca', center: 'end', seed: 4 })
    expect(pca).toMatchObject({ directions: 'random', center: 'start', seed: 4 })
  })
})

describe('network job chunks', () => {
  it('carry each kept step’s projection, distance off the plane and slice loss', async () => {
    const job = new NetworkJob(1, s)
    const chunks = []
    for (let c = await job.next(); c; c = await job.next()) chunks.push(c)
    const def = findOptimizer('sgd')!
    const trace = simulateNetwork(net, def, { lr: 0.3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false }, 40, {
      ...s.record,
      params: true,
    })
    const v = new ViewSlice(net, null)
    let seen = 0
    for (const c of chunks) {
      for (let j = 0; j < c.count; j++) {
        const k = c.start + j
        const p = v.project(trace.params!, k * net.size)
        expect(c.xy[2 * j]).toBeCloseTo(p.a, 5)
        expect(c.xy[2 * j + 1]).toBeCloseTo(p.b, 5)
        expect(c.offPlane![j]).toBeCloseTo(p.offPlane, 5)
        expect(c.sliceLoss![j]).toBeCloseTo(v.lossAt(p.a, p.b), 5)
        // A 2-D classifier's chunks carry the parameters, for the panel's decision boundary.
        expect(c.paramCount).toBe(net.size)
        for (let i = 0; i < net.size; i++) expect(c.params![j * net.size + i]).toBe(Math.fround(trace.params![k * net.size + i]))
        seen++
      }
    }
    expect(seen).toBe(21)
    // The start lies on the plane; later steps leave it.
    expect(chunks[0].offPlane![0]).toBe(0)
    expect(chunks.at(-1)!.offPlane![chunks.at(-1)!.count - 1]).toBeGreaterThan(0)
    // One eigenvalue asked for: no top-k series in the chunks.
    expect(chunks[0].eigenvalues).toBeUndefined()
  })

  it('carry the top-k eigenvalues, descending, when record.eigenvalues ≥ 2', async () => {
    const s2 = parseNetworkScenario({ ...doc, steps: 6, record: { every: 1, sharpness: true, eigenvalues: 2 } })
    const job = new NetworkJob(2, s2)
    const c = (await job.next())!
    const trace = simulateNetwork(
      net,
      findOptimizer('sgd')!,
      { lr: 0.3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false },
      6,
      s2.record,
    )
    expect(c.eigenCount).toBe(2)
    for (let j = 0; j < c.count; j++) {
      expect(c.eigenvalues![2 * j]).toBeCloseTo(trace.eigenvalues![2 * (c.start + j)], 4)
      expect(c.eigenvalues![2 * j + 1]).toBeCloseTo(trace.eigenvalues![2 * (c.start + j) + 1], 4)
      expect(c.eigenvalues![2 * j]).toBeGreaterThanOrEqual(c.eigenvalues![2 * j + 1])
    }
  })
})
