/**
 * A trajectory-dependent view slice in the app (src-main/engine/network/view-path.ts): with
 * `slice: {directions: "pca", center: "end"}` the network job projects each kept step onto the
 * first run's PCA plane through its last point (not the streamed random plane), the surface
 * request samples the same plane, and the trajectory's points match cli's computeSlice.
 */
import { describe, expect, it } from 'vitest'
import { NetworkJob } from '../../src-main/engine/network/job'
import { viewSlicePath } from '../../src-main/engine/network/view-path'
import { sampleNetworkSurface } from '../../src-main/engine/network/view-surface'
import { Mlp } from '../../src-shared/network/mlp'
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { computeSlice } from '../../src-shared/network/slice'
import type { RunChunk } from '../../src-shared/api'

const network = {
  layers: [2, 6, 1],
  activation: 'tanh',
  loss: 'mse',
  data: { dataset: 'moons', n: 24, noise: 0.1, seed: 1 },
  init: { seed: 2 },
}
const base = { landscape: { network }, optimizer: { name: 'sgd', lr: 0.3 }, steps: 40, record: { every: 2, sharpness: true } }
const pca = { directions: 'pca', center: 'end' }

async function chunks(doc: unknown): Promise<RunChunk[]> {
  const job = new NetworkJob(1, parseNetworkScenario(doc))
  const out: RunChunk[] = []
  for (let c = await job.next(); c; c = await job.next()) out.push(c)
  return out
}

const joined = (cs: RunChunk[], key: 'xy' | 'offPlane' | 'sliceLoss'): number[] => cs.flatMap((c) => Array.from(c[key]!))

describe('PCA view slice in the app', () => {
  it('projects onto the first run’s PCA plane through its end, as cli’s computeSlice does', async () => {
    const s = parseNetworkScenario({ ...base, slice: pca })
    const path = viewSlicePath(s)!
    expect(path.count).toBe(21)
    const ref = computeSlice(s.slice!, s.network.layers, new Mlp(s.network, s.network.data.x, s.network.data.y), path.params, path.count)
    const cs = await chunks({ ...base, slice: pca })
    const xy = joined(cs, 'xy')
    const off = joined(cs, 'offPlane')
    expect(xy.length).toBe(42)
    for (let k = 0; k < 21; k++) {
      expect(xy[2 * k]).toBeCloseTo(ref.ab[2 * k], 5)
      expect(xy[2 * k + 1]).toBeCloseTo(ref.ab[2 * k + 1], 5)
      expect(off[k]).toBeCloseTo(ref.offPlane[k], 5)
    }
    // Centred at the end: the last point is the plane's origin, on the plane.
    expect(Math.hypot(xy[40], xy[41])).toBeLessThan(1e-6)
    expect(off[20]).toBeLessThan(1e-6)
  })

  it('keeps the path closer to the plane than the streamed random slice does', async () => {
    const random = joined(await chunks(base), 'offPlane')
    const principal = joined(await chunks({ ...base, slice: pca }), 'offPlane')
    const rms = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + x * x, 0) / v.length)
    expect(rms(principal)).toBeLessThan(0.5 * rms(random))
  })

  it('samples the same plane in the surface request when given the path’s optimizer and steps', async () => {
    const cs = await chunks({ ...base, slice: pca })
    const xy = joined(cs, 'xy')
    const sliceLoss = joined(cs, 'sliceLoss')
    // A one-point grid at step 0's projection: the surface there is the chunk's slice loss.
    const [a, b] = [xy[0], xy[1]]
    const req = (path?: unknown) =>
      sampleNetworkSurface({ landscape: { network, slice: pca, ...(path ? { path } : {}) }, x: [a, a + 1], y: [b, b + 1], n: [2, 2] })
    const withPath = req({ optimizer: base.optimizer, steps: base.steps, record: { every: 2 } })
    expect(withPath.values[0]).toBeCloseTo(sliceLoss[0], 5)
    // The renderer sends the session's optimizers as a list (toDoc).
    const asList = req({ optimizers: [{ ...base.optimizer, momentum: 0 }], steps: base.steps, record: { every: 2 } })
    expect(asList.values[0]).toBeCloseTo(sliceLoss[0], 5)
    // Without the path the engine cannot build the PCA plane and samples the streamed one instead.
    expect(Math.abs(req().values[0] - sliceLoss[0])).toBeGreaterThan(1e-3)
  })
})
