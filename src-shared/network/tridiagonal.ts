/**
 * Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by the implicit QL method with
 * Wilkinson shifts (EISPACK's tql2; Numerical Recipes' tqli), for the Lanczos matrix T (small).
 */

/**
 * `d` (length m, the diagonal) becomes the eigenvalues, unsorted; `e` (length ≥ m; e[i] couples
 * i and i + 1 for i < m − 1) is destroyed; `z` (m × m, row-major) becomes the eigenvectors as
 * columns: component i of eigenvector j at z[i·m + j]. Returns false if it did not converge.
 */
export function tridiagonalEigen(d: Float64Array, e: Float64Array, m: number, z: Float64Array): boolean {
  z.fill(0, 0, m * m)
  for (let i = 0; i < m; i++) z[i * m + i] = 1
  e[m - 1] = 0
  for (let l = 0; l < m; l++) {
    let iter = 0
    let k: number
    do {
      for (k = l; k < m - 1; k++) {
        const dd = Math.abs(d[k]) + Math.abs(d[k + 1])
        if (Math.abs(e[k]) <= Number.EPSILON * dd) break
      }
      if (k !== l) {
        if (iter++ === 60) return false
        let g = (d[l + 1] - d[l]) / (2 * e[l])
        let r = Math.hypot(g, 1)
        g = d[k] - d[l] + e[l] / (g + (g >= 0 ? r : -r))
        let s = 1
        let c = 1
        let p = 0
        let i: number
        for (i = k - 1; i >= l; i--) {
          let f = s * e[i]
          const b = c * e[i]
          r = Math.hypot(f, g)
          e[i + 1] = r
          if (r === 0) {
            d[i + 1] -= p
            e[k] = 0
            break
          }
          s = f / r
          c = g / r
          g = d[i + 1] - p
          r = (d[i] - g) * s + 2 * c * b
          p = s * r
          d[i + 1] = g + p
          g = c * r - b
          for (let q = 0; q < m; q++) {
            f = z[q * m + i + 1]
            z[q * m + i + 1] = s * z[q * m + i] + c * f
            z[q * m + i] = c * z[q * m + i] - s * f
          }
        }
        if (r === 0 && i >= l) continue
        d[l] -= p
        e[l] = g
        e[k] = 0
      }
    } while (k !== l)
  }
  return true
}
