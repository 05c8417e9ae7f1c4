/** @vitest-environment node */
/**
 * The gradient-flow-solution sharpness on a network (src-shared/network/gfs.ts): at a converged minimum it is the sharpness
 * there; from an iterate it equals λ₁ at the end of an independent very-small-step GD run (the flow, integrated another
 * way); on a small net that GD at η = 0.4 drives past 2/η and back (a catapult), it decreases and ends below 2/η — the
 * paper's claim. Also the wiring: the CLI's `gfs_sharpness`, the job's `gfsSharpness` chunks and the cost cap.
 */
import { describe, expect, it } from 'vitest'
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { NetworkGfs } from '../../src-shared/network/gfs'
import { Lanczos } from '../../src-shared/network/lanczos'
import { Mlp } from '../../src-shared/network/mlp'
import { simulateNetwork } from '../../src-main/engine/network/simulate'
import { runNetworkScenario } from '../../src-main/engine/network/run'
import { NetworkJob } from '../../src-main/engine/network/job'
import { ScenarioError } from '../../src-shared/scenario/schema'

// [1, 8, 1] tanh fitting 4 points of T₂: 25 parameters interpolate them, so gradient flow converges (exponentially) to a
// zero-loss minimum within a few hundred gradients. η = 0.4 (2/η = 5): S passes 5 near step 20, a catapult brings it back.
const doc = (lr: number, steps: number, every: number) => ({
  landscape: {
    network: {
      layers: [1, 8, 1],
      activation: 'tanh',
      loss: 'mse',
      data: { dataset: 'chebyshev', degree: 2, n: 4 },
      init: { seed: 2, gain: 1 },
    },
  },
  optimizer: { name: 'sgd', lr },
  steps,
  record: { every, sharpness: true, params: true, gfs_sharpness: true },
})

const sharpnessAt = (mlp: Mlp, w: Float64Array): number => {
  mlp.prepare(w)
  const l = new Lanczos(mlp.size, 1, { tol: 1e-12 })
  l.run((v, out) => mlp.hvp(v, out))
  return l.values[0]
}

describe('network GFS sharpness', () => {
  const s = parseNetworkScenario(doc(0.4, 240, 20))
  const net = s.network
  const c = s.optimizers[0]
  const trace = simulateNetwork(net, c.def, c.configs[0], s.steps, s.record)
  const P = net.size
  const at = (i: number) => trace.params!.slice(i * P, (i + 1) * P)

  it('at a converged minimum equals the sharpness there', () => {
    const last = trace.kept - 1
    expect(trace.loss[last]).toBeLessThan(1e-15) // converged: the gradient is at rounding level
    const S = trace.eigenvalues![last * trace.eigenCount]
    expect(trace.gfs![last]).toBeCloseTo(S, 8)
    expect(Math.abs(trace.gfs![last] - S) / S).toBeLessThan(1e-9)
  })

  it('from an iterate equals λ₁ at the end of an independent very-small-step GD run from it (1e-3 relative)', () => {
    const w0 = at(1) // step 20: loss 0.08, S = 5.8 > 2/η
    const mlp = new Mlp(net, net.data.x, net.data.y)
    const r = new NetworkGfs(mlp).run(w0)
    expect(r.converged).toBe(true)
    // Plain GD with η = 0.005 (h·λ ≤ 0.04) until the gradient is 1e-9 of the start's: Euler on the same flow.
    const w = Float64Array.from(w0)
    const g0 = Math.sqrt(mlp.prepare(w) >= 0 ? mlp.gradient.reduce((a, x) => a + x * x, 0) : NaN)
    for (let k = 0; k < 200_000; k++) {
      mlp.prepare(w)
      const g = mlp.gradient
      if (Math.sqrt(g.reduce((a, x) => a + x * x, 0)) < 1e-9 * g0) break
      for (let i = 0; i < P; i++) w[i] -= 0.005 * g[i]
    }
    const gd = sharpnessAt(mlp, w)
    expect(r.converged && Math.abs(r.sharpness - gd) / gd).toBeLessThan(1e-3)
    // Not the trivial answer: the flow's limit is far from the iterate's own sharpness.
    expect(Math.abs(gd - trace.eigenvalues![1 * trace.eigenCount]) / gd).toBeGreaterThan(0.1)
  })

  it('GD at the edge (η = 0.4) decreases it, and it ends below 2/η', () => {
    const gfs = Array.from(trace.gfs!)
    expect(gfs.every(Number.isFinite)).toBe(true)
    const S = Array.from({ length: trace.kept }, (_, i) => trace.eigenvalues![i * trace.eigenCount])
    expect(Math.max(...S)).toBeGreaterThan(2 / 0.4) // the run does cross the edge
    for (let i = 1; i < gfs.length; i++) expect(gfs[i]).toBeLessThanOrEqual(gfs[i - 1] * (1 + 1e-6))
    expect(gfs[gfs.length - 1]).toBeLessThan(2 / 0.4)
    expect(gfs[0] - gfs[gfs.length - 1]).toBeGreaterThan(1)
  })

  it('reaches the CLI JSON and the job chunks; null where the flow did not converge', async () => {
    const s2 = parseNetworkScenario(doc(0.4, 60, 20))
    const run = runNetworkScenario(s2).runs[0]
    const g = run.gfs_sharpness as Array<number | null>
    expect(g).toHaveLength(4)
    expect(g[3]).toBe(trace.gfs![3])
    const job = new NetworkJob(1, s2)
    const got: number[] = []
    for (let ch = await job.next(); ch; ch = await job.next()) got.push(...ch.gfsSharpness!)
    expect(got).toEqual(g.map((v) => Math.fround(v!)))
    // A budget too small for the flow: not converged, reported as null, never as a number.
    const r = new NetworkGfs(new Mlp(s2.network, s2.network.data.x, s2.network.data.y), { maxGradients: 10 }).run(at(0))
    expect(r.converged).toBe(false)
  })

  it('refuses more than 2000 gradient-flow solves, or more worst-case work than ~minutes, naming the field', () => {
    const big = doc(0.1, 100, 1)
    const bigNet = { ...big.landscape.network, layers: [8, 16, 16, 1], data: { dataset: 'gaussian', n: 128, seed: 0 } }
    const cfjaxLike = (steps: number) => ({ ...big, steps, landscape: { network: bigNet } })
    // 433 parameters × 128 examples: 101 solves could take 101 × 20,000 gradients.
    expect(() => parseNetworkScenario(cfjaxLike(100))).toThrow(/record.gfs_sharpness.*at most 13 solves/)
    expect(() => parseNetworkScenario(cfjaxLike(12))).not.toThrow()
    expect(() => parseNetworkScenario(doc(0.4, 5000, 1))).toThrow(ScenarioError)
    expect(() => parseNetworkScenario(doc(0.4, 5000, 1))).toThrow(/record.gfs_sharpness.*2000/)
    expect(() => parseNetworkScenario({ ...doc(0.4, 5000, 1), record: { every: 1, eigen_every: 5, gfs_sharpness: true } })).not.toThrow()
  })
})
