/**
 * The semidefinite complementarity problem of the central flow (docs/central-flows.md §2.2):
 * find X ⪰ 0 with A + B[X] ⪰ 0 and ⟨X, A + B[X]⟩ = 0, for k × k symmetric A and B a PSD operator
 * on Sym(k) — equivalently the convex QP min_{X ⪰ 0} ½⟨X, B[X]⟩ + ⟨A, X⟩ (CF-code `src/sdcp.py`).
 * k = 0 or A ⪰ 0: X = 0; k = 1: closed form; else FISTA with projection onto the PSD cone, as the
 * reference `cflib.py::solve_sdcp` does. k is small (the critical eigenvalues), so this is cheap.
 */

/** Eigen-decomposition of a symmetric k × k matrix by cyclic Jacobi: `a` becomes diagonal, `v` the eigenvectors (columns). */
export function jacobiEigen(a: Float64Array, k: number, v: Float64Array): void {
  v.fill(0, 0, k * k)
  for (let i = 0; i < k; i++) v[i * k + i] = 1
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0
    let diag = 0
    for (let p = 0; p < k; p++) {
      diag += a[p * k + p] ** 2
      for (let q = p + 1; q < k; q++) off += a[p * k + q] ** 2
    }
    if (off <= 1e-32 * diag || off === 0) return
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q]
        if (apq === 0) continue
        const theta = (a[q * k + q] - a[p * k + p]) / (2 * apq)
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p]
          const arq = a[r * k + q]
          a[r * k + p] = c * arp - s * arq
          a[r * k + q] = s * arp + c * arq
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r]
          const aqr = a[q * k + r]
          a[p * k + r] = c * apr - s * aqr
          a[q * k + r] = s * apr + c * aqr
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p]
          const vrq = v[r * k + q]
          v[r * k + p] = c * vrp - s * vrq
          v[r * k + q] = s * vrp + c * vrq
        }
      }
    }
  }
}

/** Smallest eigenvalue of a symmetric k × k matrix. */
function minEigenvalue(m: Float64Array, k: number): number {
  const a = Float64Array.from(m)
  jacobiEigen(a, k, new Float64Array(k * k))
  let min = Infinity
  for (let i = 0; i < k; i++) min = Math.min(min, a[i * k + i])
  return min
}

/** Nearest PSD matrix (Frobenius): clip the negative eigenvalues. */
function projectPsd(x: Float64Array, k: number): Float64Array {
  const a = new Float64Array(k * k)
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) a[i * k + j] = 0.5 * (x[i * k + j] + x[j * k + i])
  const v = new Float64Array(k * k)
  jacobiEigen(a, k, v)
  const out = new Float64Array(k * k)
  for (let e = 0; e < k; e++) {
    const l = a[e * k + e]
    if (!(l > 0)) continue
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[i * k + j] += l * v[i * k + e] * v[j * k + e]
  }
  return out
}

/**
 * Solve SDCP(A, B). `a`: k × k row-major; `b`: the k²×k² matrix of B on vec(X) (B[X]_ij = Σ_kl
 * b[(i·k + j)·k² + k·k' + l] X_kl). Returns X (k × k), or null when infeasible (k = 1 with B = 0
 * and A < 0: no third-order self-stabilisation).
 */
export function solveSdcp(a: Float64Array, b: Float64Array, k: number, iters = 5000, tol = 1e-13): Float64Array | null {
  const x = new Float64Array(k * k)
  if (k === 0 || minEigenvalue(a, k) >= 0) return x
  if (k === 1) {
    if (!(b[0] > 0)) return null
    x[0] = Math.max(0, -a[0] / b[0])
    return x
  }
  const kk = k * k
  // Lipschitz constant: the largest eigenvalue of the symmetrised B.
  const bs = new Float64Array(kk * kk)
  for (let i = 0; i < kk; i++) for (let j = 0; j < kk; j++) bs[i * kk + j] = 0.5 * (b[i * kk + j] + b[j * kk + i])
  const bd = Float64Array.from(bs)
  jacobiEigen(bd, kk, new Float64Array(kk * kk))
  let lip = 1e-300
  for (let i = 0; i < kk; i++) lip = Math.max(lip, bd[i * kk + i])
  let xk: Float64Array = x
  let z: Float64Array = Float64Array.from(x)
  let tk = 1
  const g = new Float64Array(kk)
  for (let it = 0; it < iters; it++) {
    for (let i = 0; i < kk; i++) {
      let s = a[i]
      for (let j = 0; j < kk; j++) s += bs[i * kk + j] * z[j]
      g[i] = z[i] - s / lip
    }
    const xn = projectPsd(g, k)
    const tn = 0.5 * (1 + Math.sqrt(1 + 4 * tk * tk))
    let change = 0
    let size = 0
    for (let i = 0; i < kk; i++) {
      change = Math.max(change, Math.abs(xn[i] - xk[i]))
      size = Math.max(size, Math.abs(xn[i]))
    }
    if (change < tol * (1 + size)) return xn
    const zn = new Float64Array(kk)
    for (let i = 0; i < kk; i++) zn[i] = xn[i] + ((tk - 1) / tn) * (xn[i] - xk[i])
    z = zn
    xk = xn
    tk = tn
  }
  return xk
}
