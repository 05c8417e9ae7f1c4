/** @vitest-environment node */
/**
 * The network references' full runs (1000 and 4000 GD steps; eigenvalues at the reference's own
 * eig_steps): over the last 30 % the median lr·λ₁ lies in [1.9, 2.1] where the reference is
 * `checked` (GD settled at the edge of stability), else within 5 % of the reference's median, and
 * the mean loss is within 10 % of the reference's; before that, steps 0 … K agree exactly.
 * Slow (≈ 10 s of CPU): left out of `npm run test:quick`.
 */
import { describe, expect, it } from 'vitest'
import { exactWindowErrors, lastThirtyPercent, loadReference, NETWORK_REFERENCES, runReference } from './network-reference-helpers'

describe('network references: full runs', () => {
  it.each(NETWORK_REFERENCES)('%s: edge-of-stability statistics over the last 30 percent of the steps', (file) => {
    const ref = loadReference(file)
    const trace = runReference(ref)
    expect(trace.divergedAt).toBe(-1)
    expect(trace.loss.length).toBe(ref.steps + 1)
    const err = exactWindowErrors(ref, trace)
    expect(err.loss).toBeLessThan(1e-6)
    expect(err.eigen).toBeLessThan(1e-6)
    const stats = lastThirtyPercent(ref, trace)
    expect(stats.finite).toBe(true)
    if (ref.edge_of_stability.checked) {
      expect(stats.medianLrSharpness).toBeGreaterThanOrEqual(1.9)
      expect(stats.medianLrSharpness).toBeLessThanOrEqual(2.1)
    } else {
      expect(Math.abs(stats.medianLrSharpness / stats.refMedianLrSharpness - 1)).toBeLessThan(0.05)
    }
    expect(Math.abs(stats.meanLoss / stats.refMeanLoss - 1)).toBeLessThan(0.1)
  })
})
