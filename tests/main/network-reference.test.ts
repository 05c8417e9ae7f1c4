/** @vitest-environment node */
/**
 * The float64 network path against the PyTorch reference runs (tests/fixtures/networks/README.md,
 * "Tolerances"): the loss and λ₁, λ₂ to 1e-6·(1 + |ref|) on every step of the exact window
 * (steps 0 … 300, deterministic in float64). The statistics over the last 30 % of the full runs
 * are in network-reference-full.test.ts (slower).
 */
import { describe, expect, it } from 'vitest'
import { exactWindowErrors, loadReference, NETWORK_REFERENCES, runReference } from './network-reference-helpers'

describe('network references: exact window', () => {
  it.each(NETWORK_REFERENCES)('%s: loss and top-2 eigenvalues to 1e-6 on steps 0 … K', (file) => {
    const ref = loadReference(file)
    const K = ref.exact_window[1]
    expect(K).toBeLessThanOrEqual(300)
    const trace = runReference(ref, K)
    expect(trace.divergedAt).toBe(-1)
    expect(trace.loss.length).toBe(K + 1)
    const err = exactWindowErrors(ref, trace)
    // Observed: loss ≤ 1e-15, eigenvalues ≤ 1e-14 relative.
    expect(err.loss).toBeLessThan(1e-6)
    expect(err.eigen).toBeLessThan(1e-6)
  })
})
