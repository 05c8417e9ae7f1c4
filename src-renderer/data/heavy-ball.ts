/**
 * Heavy-ball momentum on a quadratic, analytically (Goh, "Why Momentum Really Works", Distill 2017),
 * in torch SGD's convention (v ← βv + g, w ← w − ηv; dampening 0, no Nesterov), which is the
 * Polyak iteration w⁺ = w − η∇L(w) + β(w − w⁻). Along an eigenvector of the Hessian with
 * curvature λ the error obeys z² − (1 + β − ηλ) z + β = 0, so:
 * - it converges iff 0 ≤ β < 1 and 0 < ηλ < 2(1 + β) (for β = 0: the stability limit η < 2/λ);
 * - the rate is fastest at the critical momentum β = (1 − √(ηλ))², where the two roots meet
 *   (below it the mode is overdamped and slower, above it the mode rings at rate √β).
 * For several curvatures the critical momentum is the largest of theirs: the smallest β that
 * puts every mode at or past critical damping. Pure; tested in tests/renderer/sweep-overlay.test.ts.
 */

/** Spectral radius of the heavy-ball iteration on one curvature (< 1: the mode converges). */
export function heavyBallRate(lr: number, beta: number, lambda: number): number {
  const b = 1 + beta - lr * lambda
  const disc = b * b - 4 * beta
  if (disc < 0) return Math.sqrt(beta) // complex pair: |z|² = β
  const s = Math.sqrt(disc)
  return Math.max(Math.abs((b + s) / 2), Math.abs((b - s) / 2))
}

/** Whether heavy ball converges on every curvature (all must be positive). */
export function heavyBallStable(lr: number, beta: number, lambdas: readonly number[]): boolean {
  return beta >= 0 && beta < 1 && lambdas.every((l) => lr * l > 0 && lr * l < 2 * (1 + beta))
}

/** The largest stable learning rate for momentum β: 2(1 + β)/λ_max. */
export function stabilityLimitLr(beta: number, lambdaMax: number): number {
  return (2 * (1 + beta)) / lambdaMax
}

/** The critical momentum for learning rate η: max over the curvatures of (1 − √(ηλ))². */
export function criticalMomentum(lr: number, lambdas: readonly number[]): number {
  return Math.max(...lambdas.map((l) => (1 - Math.sqrt(lr * l)) ** 2))
}

/** Eigenvalues (ascending) of the symmetric 2×2 matrix [[a, b], [b, c]]. */
export function eigenvalues2(a: number, b: number, c: number): [number, number] {
  const mean = 0.5 * (a + c)
  const r = Math.hypot(0.5 * (a - c), b)
  return [mean - r, mean + r]
}
