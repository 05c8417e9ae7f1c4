/** @vitest-environment node */
/**
 * Gradient estimators at the second gradient of SAM (∇L at θ + e) and FDGR (∇L at θ + εg): the
 * engines estimate it too, with draws of its own (counters from extraGradientCounter(0), apart
 * from the step's own estimate), on the float64 loop and the float32 kernels alike.
 */
import { describe, expect, it } from 'vitest'
import { DIRECTION_COUNTER, estimateGradient, extraGradientCounter, type GradientSpec } from '../../src-shared/estimator'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { parseScenario } from '../../src-shared/scenario'
import { runScenario } from '../../src-main/engine/run-scenario'

const BOWL = 'x^2 + 2*y^2 + 0.3*sin(3*x)*y'
const f = landscapeFromSpec({ expr: BOWL }).compiled
const starts: Array<[number, number]> = [
  [1.5, 1.0],
  [-1.0, 0.7],
  [0.3, -1.2],
]
const STEPS = 30
const SPECS: Array<[string, Exclude<GradientSpec, { estimator: 'true' }>]> = [
  ['forward', { estimator: 'forward', directions: 2, seed: 4 }],
  ['zeroth order, Gaussian', { estimator: 'zeroth_order', mu: 0.1, directions: 2, distribution: 'gaussian', seed: 5 }],
  ['zeroth order, sphere', { estimator: 'zeroth_order', mu: 0.1, directions: 1, distribution: 'sphere', seed: 6 }],
]
const SAM = { name: 'sam', lr: 0.05, rho: 0.1 }
const FDGR = { name: 'fdgr', lr: 0.05, gamma: 0.05, epsilon: 0.1 }

const doc = (optimizer: Record<string, unknown>, gradient: GradientSpec, extra: Record<string, unknown> = {}) => ({
  landscape: { expr: BOWL },
  optimizer: { ...optimizer, gradient },
  init: starts,
  steps: STEPS,
  ...extra,
})

/** How the replay takes the second gradient: estimated with its own draws, with the first one's draws, or exact. */
type Second = 'own draws' | 'first draws' | 'exact'

/** SAM (no momentum) or FDGR step by step on the host, from the shared estimator (draws.ts). */
function replay(rule: 'sam' | 'fdgr', spec: GradientSpec, stream: number, second: Second): Array<[number, number]> {
  let [x, y] = starts[stream]
  const out: Array<[number, number]> = [[x, y]]
  const g = [0, 0]
  const g2 = [0, 0]
  const vg = new Float64Array(3)
  const secondAt = (px: number, py: number, t: number) => {
    if (second === 'exact') {
      f.valueAndGradient(px, py, vg)
      g2[0] = vg[1]
      g2[1] = vg[2]
    } else estimateGradient(spec, f, px, py, stream, t, g2, second === 'own draws' ? extraGradientCounter(0) : DIRECTION_COUNTER)
  }
  for (let t = 1; t <= STEPS; t++) {
    estimateGradient(spec, f, x, y, stream, t, g)
    if (rule === 'sam') {
      const scale = SAM.rho / (Math.sqrt(g[0] * g[0] + g[1] * g[1]) + 1e-12)
      secondAt(x + g[0] * scale, y + g[1] * scale, t)
      x = x - SAM.lr * g2[0]
      y = y - SAM.lr * g2[1]
    } else {
      secondAt(x + FDGR.epsilon * g[0], y + FDGR.epsilon * g[1], t)
      const r = FDGR.gamma / FDGR.epsilon
      x = x - FDGR.lr * ((1 - r) * g[0] + r * g2[0])
      y = y - FDGR.lr * ((1 - r) * g[1] + r * g2[1])
    }
    out.push([x, y])
  }
  return out
}

const gap = (a: ReadonlyArray<readonly number[]>, b: ReadonlyArray<readonly number[]>) =>
  a.reduce((m, p, k) => Math.max(m, Math.abs(p[0] - b[k][0]), Math.abs(p[1] - b[k][1])), 0)

describe('the float64 loop estimates the second gradient with draws of its own', () => {
  for (const [rule, optimizer] of [
    ['sam', SAM],
    ['fdgr', FDGR],
  ] as const) {
    for (const [name, spec] of SPECS) {
      it(`${rule}, ${name}: replays the host's estimate at both gradients`, async () => {
        const r = await runScenario(parseScenario(doc(optimizer, spec)))
        r.runs.forEach((run, stream) => {
          const want = replay(rule, spec, stream, 'own draws')
          expect(gap(run.trajectory, want), `start ${stream}`).toBeLessThan(1e-12)
          // The second estimate is not the exact gradient there, nor a reuse of the first draws.
          expect(gap(run.trajectory, replay(rule, spec, stream, 'exact'))).toBeGreaterThan(1e-3)
          expect(gap(run.trajectory, replay(rule, spec, stream, 'first draws'))).toBeGreaterThan(1e-3)
        })
      })
    }
  }

  it('the second estimate is unbiased and its directions are independent of the first (2·10⁴ streams)', () => {
    const spec: GradientSpec = { estimator: 'forward', directions: 1, seed: 9 }
    const [px, py] = [0.7, -0.4]
    const vg = new Float64Array(3)
    f.valueAndGradient(px, py, vg)
    const N = 20_000
    const a = [0, 0]
    const b = [0, 0]
    const sum = [0, 0]
    const sq = [0, 0]
    let cross = 0
    for (let stream = 0; stream < N; stream++) {
      estimateGradient(spec, f, px, py, stream, 3, a)
      estimateGradient(spec, f, px, py, stream, 3, b, extraGradientCounter(0))
      for (let d = 0; d < 2; d++) {
        sum[d] += b[d]
        sq[d] += b[d] * b[d]
      }
      cross += (a[0] - vg[1]) * (b[0] - vg[1])
    }
    for (let d = 0; d < 2; d++) {
      const mean = sum[d] / N
      const sd = Math.sqrt(sq[d] / N - mean * mean)
      expect(Math.abs(mean - vg[1 + d]), `coordinate ${d}`).toBeLessThan((4 * sd) / Math.sqrt(N))
    }
    // Independent draws: the two estimates' errors are uncorrelated (the first draws reused would correlate fully).
    const varX = sq[0] / N - (sum[0] / N) ** 2
    expect(Math.abs(cross / N) / varX).toBeLessThan(4 / Math.sqrt(N))
  })

  it("the second estimate's counters lie past every counter of the first (1024 directions × 2 draws)", () => {
    expect(extraGradientCounter(0)).toBe(DIRECTION_COUNTER + 2048)
    expect(extraGradientCounter(1)).toBe(extraGradientCounter(0) + 2048)
  })
})

describe('the float32 kernels draw the same directions at the second gradient', () => {
  for (const [rule, optimizer] of [
    ['sam', SAM],
    ['fdgr', FDGR],
  ] as const) {
    for (const [name, spec] of SPECS) {
      it(`${rule}, ${name}: WebAssembly SIMD, GPU.js WebAssembly and cpu agree with float64 within float32 rounding`, async () => {
        const f64 = await runScenario(parseScenario(doc(optimizer, spec)))
        // What a kernel that took the exact second gradient would approach: farther than the tolerance.
        const exactSecond = f64.runs.map((_, s) => replay(rule, spec, s, 'exact'))
        for (const mode of ['wasm', 'webasm', 'cpu'] as const) {
          const f32 = await runScenario(parseScenario(doc(optimizer, spec, { precision: 'float32' })), { backend: mode, threaded: false })
          expect(f32.backends.join()).toMatch(mode === 'wasm' ? /wasm-simd/ : mode === 'cpu' ? /CPUKernel/ : /WebAssemblyKernel/)
          f32.runs.forEach((run, s) => {
            expect(gap(run.trajectory, f64.runs[s].trajectory), `${mode}, start ${s}`).toBeLessThan(2e-5)
            expect(gap(run.trajectory, exactSecond[s])).toBeGreaterThan(1e-3)
          })
        }
      }, 60_000)
    }
  }
})
