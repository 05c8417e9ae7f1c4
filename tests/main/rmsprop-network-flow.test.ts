/** @vitest-environment node */
/**
 * RMSprop's central flow in its network form (src-shared/network/rmsprop-flow.ts: Lanczos on
 * P^{-1/2}HP^{-1/2}, third derivatives by differences of exact HVPs) against the 2-D flow
 * (src-main/engine/central-flow.ts: closed-form eigenpairs, exact D³L), which is checked against the
 * reference's T9b/L10 case: on the same landscape the two must follow the same curve. Then on the
 * central-flow notebook's net, RMSprop at the edge: the flow holds the effective sharpness at 2 and
 * its predicted loss tracks RMSprop's smoothed loss.
 */
import { describe, expect, it } from 'vitest'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { centralFlow, rmspropRule } from '../../src-main/engine/central-flow'
import { type FlowModel, rmspropCentralFlow } from '../../src-shared/network/rmsprop-flow'

/** A 2-D landscape as a FlowModel: exact gradient and Hessian, so HVPs are exact. */
function landscapeModel(preset: string): () => FlowModel {
  const f = landscapeFromSpec({ preset }).compiled
  return () => {
    const vg = new Float64Array(3)
    const hess = new Float64Array(3)
    const gradient = new Float64Array(2)
    return {
      gradient,
      prepare(w) {
        f.valueAndGradient(w[0], w[1], vg)
        f.hessian(w[0], w[1], hess)
        gradient[0] = vg[1]
        gradient[1] = vg[2]
        return vg[0]
      },
      hvp(v, out) {
        out[0] = hess[0] * v[0] + hess[1] * v[1]
        out[1] = hess[1] * v[0] + hess[2] * v[1]
      },
    }
  }
}

describe('RMSprop central flow, network form', () => {
  it('on Zhu (η = 0.05, β₂ = 0.99, warm start) it follows the 2-D flow through the edge', () => {
    const [eta, alpha, K] = [0.05, 0.99, 400]
    const flat = rmspropCentralFlow(landscapeModel('zhu_eos'), Float64Array.of(3, 1 / 6), eta, alpha, 0, K, 1, {
      track: 2,
      substeps: 16,
      warmStart: true,
    })
    const ref = centralFlow(landscapeFromSpec({ preset: 'zhu_eos' }).compiled, rmspropRule(eta, alpha, 0, true), 3, 1 / 6, K)
    expect(flat.stopped_at).toBeNull()
    // The edge is reached and held within the window.
    const onEdge = ref.sigma2.findIndex((s) => s > 0)
    expect(onEdge).toBeGreaterThan(0)
    expect(onEdge).toBeLessThan(K - 100)
    for (let k = 0; k <= K; k++) {
      const scale = 1 + Math.abs(ref.loss[k])
      expect(Math.abs(flat.loss[k] - ref.loss[k])).toBeLessThan(1e-6 * scale)
      expect(Math.abs(flat.predicted_loss[k] - ref.predicted_loss[k])).toBeLessThan(1e-6 * (1 + Math.abs(ref.predicted_loss[k])))
      expect(Math.abs(flat.effective_sharpness[k] - ref.effective_sharpness![k])).toBeLessThan(1e-6)
      expect(Math.abs(flat.sigma2[k] - ref.sigma2[k])).toBeLessThan(1e-6 * (1 + ref.sigma2[k]))
    }
    expect(Math.abs(flat.final[0] - ref.trajectory[K][0])).toBeLessThan(1e-6)
    expect(Math.abs(flat.final[1] - ref.trajectory[K][1])).toBeLessThan(1e-6)
  })
})
