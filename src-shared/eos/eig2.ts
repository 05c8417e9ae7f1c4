/**
 * Eigenpairs of a symmetric 2×2 matrix [[p, q], [q, r]] (the closed form with the root written to avoid cancellation), pure: the
 * central flow, the engine's per-step top eigenvector and the renderer's EoS view all use it.
 */

export interface Eig2 {
  l1: number
  l2: number
  u1x: number
  u1y: number
  u2x: number
  u2y: number
}

/**
 * Eigenpairs, descending, with a numerically robust top eigenvector: u ∝ (q, λ₁−p) or
 * (λ₁−r, q), whichever has the larger norm; the axis of the larger diagonal entry when q = 0.
 */
export function eig2(p: number, q: number, r: number): Eig2 {
  const m = 0.5 * (p + r)
  const d = Math.sqrt(0.25 * (p - r) * (p - r) + q * q)
  const l1 = m + d
  const l2 = m - d
  let ux: number
  let uy: number
  if (q === 0) {
    ;[ux, uy] = p >= r ? [1, 0] : [0, 1]
  } else {
    const ax = q,
      ay = l1 - p
    const bx = l1 - r,
      by = q
    if (ax * ax + ay * ay >= bx * bx + by * by) {
      ux = ax
      uy = ay
    } else {
      ux = bx
      uy = by
    }
    const norm = Math.hypot(ux, uy)
    ux /= norm
    uy /= norm
  }
  return { l1, l2, u1x: ux, u1y: uy, u2x: -uy, u2y: ux }
}

/**
 * The unit top eigenvector of [[p, q], [q, r]] with a consistent sign (its first nonzero
 * component positive), written into out[at], out[at + 1]. NaN when the matrix is not finite.
 * The same formula the float64 kernel emits (src-main/engine/float64.ts).
 */
export function topAxis(p: number, q: number, r: number, out: { [i: number]: number }, at = 0): void {
  if (!(Number.isFinite(p) && Number.isFinite(q) && Number.isFinite(r))) {
    out[at] = NaN
    out[at + 1] = NaN
    return
  }
  const e = eig2(p, q, r)
  const flip = e.u1x < 0 || (e.u1x === 0 && e.u1y < 0) ? -1 : 1
  out[at] = flip * e.u1x
  out[at + 1] = flip * e.u1y
}
