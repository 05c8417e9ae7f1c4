/** @vitest-environment node */
/**
 * The GD central flow against the validated numbers of the scenes of docs/central-flows.md (L1 cubic
 * valley, exact oracle; L2 Zhu et al.; L7 the infeasible quadratic) and the properties a correct
 * implementation must show: S = 2/η along the flow during EoS, a monotone loss, the infeasible
 * case reported, and the flow tracking the smoothed GD path.
 */
import { describe, expect, it } from 'vitest'
import { landscapeFromExpression, landscapeFromSpec } from '../../src-shared/landscape'
import { parseScenario } from '../../src-shared/scenario'
import { centralFlow, centralFlowGd, centralFlowVelocity, eig2, rmspropRule, scalarRmspropRule } from '../../src-main/engine/central-flow'
import { runScenario } from '../../src-main/engine/run-scenario'
import { stabilityThreshold } from '../../src-shared/eos/thresholds'
import { hasCentralFlow } from '../../src-shared/eos/eligibility'

describe('GD central flow', () => {
  it('L1 cubic valley (η = 0.4): rests at (4, 0) with tr Σ = 1 and predicted loss 2.625 (exact oracle)', () => {
    const f = landscapeFromSpec({ preset: 'cubic_valley' }).compiled
    const r = centralFlowGd(f, 0.4, 0, 0.1, 300)
    const [x, y] = r.trajectory[300]
    expect(Math.abs(x - 4)).toBeLessThan(1e-9)
    expect(Math.abs(y)).toBeLessThan(1e-9)
    expect(r.sigma2[300]).toBeCloseTo(1, 9) // σ² = 2κ(x* − x_c) = 1
    expect(r.predicted_loss[300]).toBeCloseTo(2.625, 9) // ½κ(x_c − x*)² + σ²/η
    expect(r.sharpness[300]).toBeCloseTo(5, 9) // 2/η
    expect(r.stopped_at).toBeNull()
  })

  it.each([
    [1, 4.5, 0.4],
    [0.5, 4.0, 0.5],
    [2, 6, 0.3],
    [1, 3.5, 2 / 3.2],
  ])(
    'cubic valley κ = %s, x* = %s, η = %s: rest point (2/η − 1, 0), tr Σ = 2κ(x* − x_c), loss κ/2·(x_c − x*)² + tr Σ/η',
    (kappa, xstar, eta) => {
      const f = landscapeFromExpression(`0.5*${kappa}*(x - ${xstar})^2 + 0.5*(1 + x)*y^2`).compiled
      const xc = 2 / eta - 1
      expect(xstar).toBeGreaterThan(xc) // the valley floor's minimum lies past the edge
      const r = centralFlowGd(f, eta, 0, 0.1, 600)
      const sigma2 = 2 * kappa * (xstar - xc)
      expect(Math.abs(r.trajectory[600][0] - xc)).toBeLessThan(1e-3)
      expect(Math.abs(r.trajectory[600][1])).toBeLessThan(1e-3)
      expect(Math.abs(r.sigma2[600] - sigma2)).toBeLessThan(1e-3)
      expect(Math.abs(r.predicted_loss[600] - (0.5 * kappa * (xc - xstar) ** 2 + sigma2 / eta))).toBeLessThan(1e-3)
    },
  )

  it('L1 control: from (0, 0), on an invariant line, GD never oscillates but the flow predicts EoS (§2.3)', async () => {
    const s = parseScenario({
      landscape: { preset: 'cubic_valley' },
      optimizer: { name: 'sgd', lr: 0.4 },
      init: [0, 0],
      steps: 300,
      central_flow: true,
      record: { sharpness: true },
    })
    const run = (await runScenario(s)).runs[0] as unknown as {
      trajectory: number[][]
      sharpness: number[]
      central_flow: { trajectory: number[][] }
    }
    // GD stays on y = 0 and ends at the minimum (4.5, 0) with S = 5.5 > 2/η: no component to oscillate with.
    expect(run.trajectory[300][0]).toBeCloseTo(4.5, 9)
    expect(run.trajectory[300][1]).toBe(0)
    expect(run.sharpness[300]).toBeCloseTo(5.5, 9)
    // The flow holds the sharpness at 2/η (x = 4): the case where the app offers a seed perturbation.
    expect(run.central_flow.trajectory[300][0]).toBeCloseTo(4, 9)
  })

  it('L2 Zhu et al. (η = 0.15): ends at the η-EoS minimum (2.55209, 0.39184) with S = 2/η; loss monotone', () => {
    const f = landscapeFromSpec({ preset: 'zhu_eos' }).compiled
    const eta = 0.15
    const r = centralFlowGd(f, eta, 3, 1 / 6, 800)
    const [x, y] = r.trajectory[800]
    expect(Math.abs(x - 2.55209)).toBeLessThan(2e-5)
    expect(Math.abs(y - 0.39184)).toBeLessThan(2e-5)
    // On x²y² = 1 the sharpness is 2(x² + y²) = 2/η at the η-EoS minimum.
    expect(Math.abs((r.sharpness[800] * eta) / 2 - 1)).toBeLessThan(1e-6)
    for (let k = 1; k <= 800; k++) expect(r.loss[k]).toBeLessThanOrEqual(r.loss[k - 1] + 1e-15)
    // During EoS (σ² > 0 for two steps running) the sharpness sits at 2/η within 1e-6.
    let eosSteps = 0
    for (let k = 2; k <= 800; k++) {
      if (r.sigma2[k] > 0 && r.sigma2[k - 1] > 0) {
        eosSteps++
        expect(Math.abs((r.sharpness[k] * eta) / 2 - 1)).toBeLessThan(1e-6)
      }
    }
    expect(eosSteps).toBeGreaterThan(500)
  })

  it('L7: a quadratic above 2/η (no self-stabilisation) stops the flow and says GD diverges', () => {
    const f = landscapeFromExpression('0.5*(x^2 + 10*y^2)').compiled
    const r = centralFlowGd(f, 0.25, 1, 0.01, 30)
    expect(r.stopped_at).toBe(0)
    expect(r.stop_reason).toMatch(/GD diverges/)
    expect(r.trajectory.every(([x]) => Number.isNaN(x))).toBe(true)
  })

  it('tracks the smoothed GD path on the cubic valley (centred trapezoid window, m = 10)', async () => {
    const s = parseScenario({
      landscape: { preset: 'cubic_valley' },
      optimizer: { name: 'sgd', lr: 0.4 },
      init: [0, 0.1],
      steps: 300,
      central_flow: true,
    })
    const run = (await runScenario(s)).runs[0] as unknown as { trajectory: number[][]; central_flow: { trajectory: number[][] } }
    const m = 10
    const w = [0.5, ...new Array(2 * m - 1).fill(1), 0.5].map((v) => v / (2 * m))
    let worst = 0
    for (let k = 100; k <= 300 - m; k++) {
      let ax = 0
      let ay = 0
      for (let j = -m; j <= m; j++) {
        ax += w[j + m] * run.trajectory[k + j][0]
        ay += w[j + m] * run.trajectory[k + j][1]
      }
      worst = Math.max(worst, Math.hypot(ax - run.central_flow.trajectory[k][0], ay - run.central_flow.trajectory[k][1]))
    }
    expect(worst).toBeLessThan(1e-2) // §5 L1: max |CF − avg| = 8.8e-3 after k ≥ 55
  })

  it('is attached only to runs whose optimizer has one (plain GD)', async () => {
    const s = parseScenario({
      landscape: { preset: 'zhu_eos' },
      optimizers: [{ name: 'sgd', lr: 0.15 }, { name: 'sgd', lr: 0.15, momentum: 0.9 }, { name: 'adam' }],
      init: [3, 1 / 6],
      steps: 10,
      central_flow: true,
    })
    const runs = (await runScenario(s)).runs
    expect('central_flow' in runs[0]).toBe(true)
    expect('central_flow' in runs[1]).toBe(false)
    expect('central_flow' in runs[2]).toBe(false)
  })

  it('k = 2: at H = (2/η)I the SDCP still gives a finite velocity', () => {
    // L = (1/η)(x² + y²) + x³/3: H = (2/η)I + diag(2x, 0) → both eigenvalues critical at x = 0.
    const eta = 0.5
    const f = landscapeFromExpression('2*(x^2 + y^2) + x^3/3 + x*y^2').compiled
    const v = centralFlowVelocity(f, eta, 0.001, 0.01, 1 / 16)
    expect(v.k).toBe(2)
    expect(Number.isFinite(v.vx) && Number.isFinite(v.vy)).toBe(true)
    expect(v.sigma2).toBeGreaterThanOrEqual(0)
  })

  it('eig2 gives orthonormal eigenpairs in descending order', () => {
    for (const [p, q, r] of [
      [3, 1, 2],
      [1, 0, 5],
      [2, -4, 2],
      [0, 1e-9, 0],
    ]) {
      const e = eig2(p, q, r)
      expect(e.l1).toBeGreaterThanOrEqual(e.l2)
      expect(Math.hypot(e.u1x, e.u1y)).toBeCloseTo(1, 12)
      expect(e.u1x * e.u2x + e.u1y * e.u2y).toBeCloseTo(0, 12)
      // H u = λ u
      expect(p * e.u1x + q * e.u1y).toBeCloseTo(e.l1 * e.u1x, 9)
      expect(q * e.u1x + r * e.u1y).toBeCloseTo(e.l1 * e.u1y, 9)
    }
  })
})

describe('RMSprop central flow', () => {
  it('T9b/L10 (Zhu, η = 0.05, β₂ = 0.99, warm start): S_eff = 2 during EoS and the flow tracks the smoothed iterates', () => {
    const f = landscapeFromSpec({ preset: 'zhu_eos' }).compiled
    const [eta, b2, K] = [0.05, 0.99, 1500]
    const cf = centralFlow(f, rmspropRule(eta, b2, 0, true), 3, 1 / 6, K)
    // The discrete rule of the reference (ν updated before the step, ν₀ = g₀², ε = 0).
    const W: number[][] = []
    const g = new Float64Array(3)
    let [x, y] = [3, 1 / 6]
    f.valueAndGradient(x, y, g)
    let nu = [g[1] * g[1], g[2] * g[2]]
    for (let k = 0; k <= K; k++) {
      W.push([x, y])
      f.valueAndGradient(x, y, g)
      nu = [b2 * nu[0] + (1 - b2) * g[1] * g[1], b2 * nu[1] + (1 - b2) * g[2] * g[2]]
      x -= (eta / Math.sqrt(nu[0])) * g[1]
      y -= (eta / Math.sqrt(nu[1])) * g[2]
    }
    // "Critical" = effective eigenvalue above θ = 1.95 (reference: first at k = 122, 4 substeps there, 16 here).
    const firstCritical = cf.effective_sharpness!.findIndex((s) => s > 1.95)
    expect(Math.abs(firstCritical - 122)).toBeLessThanOrEqual(3)
    const onEdge = cf.sigma2.findIndex((s) => s > 0)
    for (let k = onEdge + 2; k <= K; k++) expect(Math.abs(cf.effective_sharpness![k] - 2)).toBeLessThan(1e-5)
    const m = 10
    const wts = [0.5, ...new Array(2 * m - 1).fill(1), 0.5].map((v) => v / (2 * m))
    const devs: number[] = []
    for (let k = 178; k <= K - m; k++) {
      let ax = 0
      let ay = 0
      for (let j = -m; j <= m; j++) {
        ax += wts[j + m] * W[k + j][0]
        ay += wts[j + m] * W[k + j][1]
      }
      devs.push(Math.hypot(ax - cf.trajectory[k][0], ay - cf.trajectory[k][1]))
    }
    devs.sort((a, b) => a - b)
    expect(devs[devs.length >> 1]).toBeLessThan(0.03) // reference: median 1.4e-2, against 1.3 for the stable flow
  })

  it('is attached to RMSprop runs without momentum, and reports the effective sharpness', async () => {
    const s = parseScenario({
      landscape: { preset: 'zhu_eos' },
      optimizers: [
        { name: 'rmsprop', lr: 0.05 },
        { name: 'rmsprop', lr: 0.05, momentum: 0.5 },
      ],
      init: [3, 1 / 6],
      steps: 5,
      central_flow: true,
    })
    const runs = (await runScenario(s)).runs as unknown as Array<{ central_flow?: { effective_sharpness: number[] } }>
    expect(runs[0].central_flow?.effective_sharpness).toHaveLength(6)
    expect(runs[1].central_flow).toBeUndefined()
  })
})

describe('Scalar RMSProp', () => {
  const zhu = landscapeFromSpec({ preset: 'zhu_eos' }).compiled

  /** The rule of §3.1 written out independently: ν ← αν + (1−α)‖g‖², w ← w − η g/(√ν + ε). */
  function discrete(eta: number, alpha: number, eps: number, nu0: 'zero' | 'warm', K: number): number[][] {
    const W: number[][] = []
    const g = new Float64Array(3)
    let [x, y] = [3, 1 / 6]
    zhu.valueAndGradient(x, y, g)
    let nu = nu0 === 'warm' ? g[1] * g[1] + g[2] * g[2] : 0
    for (let k = 0; k <= K; k++) {
      W.push([x, y])
      zhu.valueAndGradient(x, y, g)
      nu = alpha * nu + (1 - alpha) * (g[1] * g[1] + g[2] * g[2])
      const step = eta / (Math.sqrt(nu) + eps)
      x -= step * g[1]
      y -= step * g[2]
    }
    return W
  }

  it('the engine runs the published rule (float64 path, ν from 0 as torch RMSprop starts)', async () => {
    const want = discrete(0.02, 0.9, 1e-8, 'zero', 200)
    const got = (
      await runScenario(
        parseScenario({
          landscape: { preset: 'zhu_eos' },
          optimizer: { name: 'scalar_rmsprop', lr: 0.02, alpha: 0.9 },
          init: [3, 1 / 6],
          steps: 200,
        }),
      )
    ).runs[0]
    for (let k = 0; k <= 200; k++) for (let c = 0; c < 2; c++) expect(Math.abs(got.trajectory[k][c] - want[k][c])).toBeLessThan(1e-12)
  })

  it('central flow (Zhu, η = 0.02, α = 0.99, warm start): S_eff = 2 during EoS and the flow tracks the smoothed iterates', () => {
    const [eta, alpha, K] = [0.02, 0.99, 1500]
    const cf = centralFlow(zhu, scalarRmspropRule(eta, alpha, 0, true), 3, 1 / 6, K)
    const W = discrete(eta, alpha, 0, 'warm', K)
    expect(cf.stopped_at).toBeNull()
    const onEdge = cf.sigma2.findIndex((s) => s > 0)
    expect(onEdge).toBeGreaterThan(100) // it sharpens first, then reaches the edge
    for (let k = onEdge + 2; k <= K; k++) expect(Math.abs(cf.effective_sharpness![k] - 2)).toBeLessThan(1e-6)
    const m = 10
    const wts = [0.5, ...new Array(2 * m - 1).fill(1), 0.5].map((v) => v / (2 * m))
    const devs: number[] = []
    const stable: number[] = []
    for (let k = onEdge + 50; k <= K - m; k++) {
      let ax = 0
      let ay = 0
      for (let j = -m; j <= m; j++) {
        ax += wts[j + m] * W[k + j][0]
        ay += wts[j + m] * W[k + j][1]
      }
      devs.push(Math.hypot(ax - cf.trajectory[k][0], ay - cf.trajectory[k][1]))
      // GD itself oscillates about that path: the raw iterate is farther away than the smoothed one.
      stable.push(Math.hypot(W[k][0] - ax, W[k][1] - ay))
    }
    devs.sort((a, b) => a - b)
    stable.sort((a, b) => a - b)
    expect(devs[devs.length >> 1]).toBeLessThan(5e-3) // measured: median 1.2e-3, max 5.9e-3
    expect(stable[stable.length >> 1]).toBeGreaterThan(2 * devs[devs.length >> 1])
  })

  it('is attached to Scalar RMSProp runs, with the effective sharpness, and its threshold is 2', async () => {
    const s = parseScenario({
      landscape: { preset: 'zhu_eos' },
      optimizer: { name: 'scalar_rmsprop', lr: 0.02 },
      init: [3, 1 / 6],
      steps: 5,
      central_flow: true,
    })
    const runs = (await runScenario(s)).runs as unknown as Array<{
      central_flow?: { effective_sharpness: number[] }
      stability_threshold?: { value: number }
    }>
    expect(runs[0].central_flow?.effective_sharpness).toHaveLength(6)
    expect(stabilityThreshold('scalar_rmsprop', s.optimizers[0].configs[0])).toMatchObject({ kind: 'preconditioned', value: 2 })
    // The state's rate (1 − α)/α needs 0 < α < 1: α = 0 has no flow (it would be all NaN).
    expect(hasCentralFlow({ name: 'scalar_rmsprop', alpha: 0.99 })).toBe(true)
    expect(hasCentralFlow({ name: 'scalar_rmsprop', alpha: 0 })).toBe(false)
    expect(hasCentralFlow({ name: 'rmsprop', alpha: 0, momentum: 0, centered: false })).toBe(false)
    expect(hasCentralFlow({ name: 'scalar_rmsprop', alpha: 0.99, maximize: true })).toBe(false)
  })
})
