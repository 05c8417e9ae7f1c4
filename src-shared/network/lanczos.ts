/**
 * The top-k eigenpairs of a symmetric operator given only as matrix-vector products (here exact
 * Hessian-vector products): Lanczos with full reorthogonalization, warm-started from the previous
 * call's Ritz vectors. Workspace is allocated once per size; a call allocates nothing.
 *
 * Stopping rule: every one of the top k Ritz pairs has residual ‖Hy − θy‖ = |β_j · z_{j,i}| below
 * `tol`·max(|θ|) — then each θ is within that residual of an eigenvalue of H (symmetric
 * perturbation bound), whatever the gaps. A warm start mixes in a fixed pseudo-random vector and
 * runs at least k + `minExtra` steps, so an eigenvalue that overtakes the old top ones is found.
 */
import { uniform } from '../random'
import { tridiagonalEigen } from './tridiagonal'

export interface LanczosOptions {
  /** Relative residual tolerance (default 1e-9). */
  readonly tol?: number
  /** Krylov dimension cap (default min(n, 120)). */
  readonly maxDim?: number
  /** Steps beyond k before the stopping rule is consulted (default 6). */
  readonly minExtra?: number
}

export type Operator = (v: Float64Array, out: Float64Array) => void

export class Lanczos {
  readonly n: number
  readonly k: number
  /** Top-k eigenvalues, descending, after `run`. */
  readonly values: Float64Array
  /** Unit eigenvectors (Ritz vectors) matching `values`; also the next run's warm start. */
  readonly vectors: Float64Array[]
  /** Operator applications of the last run. */
  iterations = 0
  private readonly maxDim: number
  private readonly tol: number
  private readonly minExtra: number
  private readonly q: Float64Array
  private readonly w: Float64Array
  private readonly alpha: Float64Array
  private readonly beta: Float64Array
  private readonly d: Float64Array
  private readonly e: Float64Array
  private readonly z: Float64Array
  private readonly order: Int32Array
  private readonly mix: Float64Array
  /** Views of the basis vectors q_j (made on first use, then reused). */
  private readonly views: Float64Array[] = []
  private warm = false

  constructor(n: number, k: number, options: LanczosOptions = {}) {
    if (k < 1 || k > n) throw new Error(`Lanczos: k = ${k} must be between 1 and ${n}`)
    this.n = n
    this.k = k
    this.maxDim = Math.min(n, options.maxDim ?? 120)
    this.tol = options.tol ?? 1e-9
    this.minExtra = options.minExtra ?? 6
    this.q = new Float64Array(this.maxDim * n)
    this.w = new Float64Array(n)
    this.alpha = new Float64Array(this.maxDim)
    this.beta = new Float64Array(this.maxDim)
    this.d = new Float64Array(this.maxDim)
    this.e = new Float64Array(this.maxDim)
    this.z = new Float64Array(this.maxDim * this.maxDim)
    this.order = new Int32Array(this.maxDim)
    this.values = new Float64Array(k)
    this.vectors = Array.from({ length: k }, () => new Float64Array(n))
    // A fixed, reproducible, dense start direction (no Math.random: runs must repeat exactly).
    this.mix = new Float64Array(n)
    for (let i = 0; i < n; i++) this.mix[i] = uniform(0x1a2c, i, 0, 0) - 0.5
  }

  /** Forget the warm start (the next run starts from the fixed direction alone). */
  reset(): void {
    this.warm = false
  }

  /** Top-k eigenpairs of `op` into `values` / `vectors`. Returns false when H is not finite. */
  run(op: Operator): boolean {
    const { n, k, q, w, alpha, beta } = this
    // Start: the previous Ritz vectors (weighted towards the top) plus the fixed direction.
    const mixNorm = Math.sqrt(dot(this.mix, 0, this.mix, 0, n))
    for (let i = 0; i < n; i++) q[i] = this.mix[i] / mixNorm
    if (this.warm) {
      for (let i = 0; i < n; i++) q[i] *= 0.1
      for (let j = 0; j < k; j++) {
        const v = this.vectors[j]
        const c = 1 / (j + 1)
        for (let i = 0; i < n; i++) q[i] += c * v[i]
      }
    }
    const q0Norm = Math.sqrt(dot(q, 0, q, 0, n))
    for (let i = 0; i < n; i++) q[i] /= q0Norm

    let m = 0
    for (let j = 0; j < this.maxDim; j++) {
      const qj = j * n
      this.apply(op, qj)
      const a = dot(q, qj, w, 0, n)
      alpha[j] = a
      if (!Number.isFinite(a)) return this.fail()
      // w ← w − Σ_i (q_i·w) q_i over every earlier q, twice ("twice is enough": Kahan, Parlett).
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i <= j; i++) {
          const qi = i * n
          const c = dot(q, qi, w, 0, n)
          for (let r = 0; r < n; r++) w[r] -= c * q[qi + r]
        }
      }
      const b = Math.sqrt(dot(w, 0, w, 0, n))
      beta[j] = b
      m = j + 1
      const canStop = m >= Math.min(this.maxDim, k + this.minExtra)
      const exhausted = b <= 1e-14 * Math.max(1, Math.abs(a)) || m === this.maxDim
      if (canStop || exhausted) {
        if (!this.ritz(m)) return this.fail()
        if (exhausted) break
        let scaleTheta = 0
        for (let i = 0; i < k && i < m; i++) scaleTheta = Math.max(scaleTheta, Math.abs(this.d[this.order[i]]))
        let converged = m >= k
        for (let i = 0; i < k && converged; i++) {
          const res = Math.abs(b * this.z[(m - 1) * m + this.order[i]])
          if (!(res <= this.tol * Math.max(scaleTheta, 1e-300))) converged = false
        }
        if (converged) break
      }
      const next = (j + 1) * n
      for (let r = 0; r < n; r++) q[next + r] = w[r] / b
    }
    this.iterations = m
    // Ritz vectors y_i = Q z_i for the top k.
    for (let i = 0; i < k; i++) {
      const col = this.order[Math.min(i, m - 1)]
      const y = this.vectors[i]
      y.fill(0)
      for (let j = 0; j < m; j++) {
        const c = this.z[j * m + col]
        const qj = j * n
        for (let r = 0; r < n; r++) y[r] += c * q[qj + r]
      }
      const yNorm = Math.sqrt(dot(y, 0, y, 0, n))
      for (let r = 0; r < n; r++) y[r] /= yNorm
      this.values[i] = i < m ? this.d[col] : NaN
    }
    this.warm = true
    return true
  }

  /** w = op(q_j), through a view made once per basis vector. */
  private apply(op: Operator, offset: number): void {
    const j = offset / this.n
    let view = this.views[j]
    if (!view) view = this.views[j] = this.q.subarray(offset, offset + this.n)
    op(view, this.w)
  }

  /** Eigen-decompose T_m; `order` lists the eigenvalues descending. */
  private ritz(m: number): boolean {
    const { d, e, alpha, beta } = this
    for (let i = 0; i < m; i++) {
      d[i] = alpha[i]
      e[i] = i + 1 < m ? beta[i] : 0
    }
    if (!tridiagonalEigen(d, e, m, this.z)) return false
    const order = this.order
    for (let i = 0; i < m; i++) order[i] = i
    // Insertion sort, descending (m is small).
    for (let i = 1; i < m; i++) {
      const o = order[i]
      let j = i - 1
      while (j >= 0 && d[order[j]] < d[o]) {
        order[j + 1] = order[j]
        j--
      }
      order[j + 1] = o
    }
    return true
  }

  private fail(): boolean {
    this.values.fill(NaN)
    this.warm = false
    this.iterations = 0
    return false
  }
}

function dot(a: Float64Array, aOff: number, b: Float64Array, bOff: number, n: number): number {
  let s = 0
  for (let i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i]
  return s
}
