/**
 * The network core against independent computations: the reverse-mode gradient and the exact
 * Hessian-vector products against central finite differences (of the loss, of the gradient), for
 * every activation and both losses; Lanczos against a dense Jacobi eigensolver of the Hessian
 * assembled column by column from HVPs.
 */
import { describe, expect, it } from 'vitest'
import { Mlp, parameterCount } from '../../src-shared/network/mlp'
import { Lanczos } from '../../src-shared/network/lanczos'
import { ACTIVATIONS, type Activation } from '../../src-shared/network/activations'
import { gaussianData } from '../../src-shared/network/datasets'
import { initialParams } from '../../src-shared/network/init'
import { tridiagonalEigen } from '../../src-shared/network/tridiagonal'
import { normal } from '../../src-shared/random'

function smallNet(activation: Activation, loss: 'mse' | 'ce', layers = [3, 5, 4, 2], seed = 1) {
  const data = gaussianData(7, layers[0], layers[layers.length - 1], seed)
  if (loss === 'ce') {
    // One-hot rows from the sign of the first target.
    const out = layers[layers.length - 1]
    for (let i = 0; i < data.n; i++) {
      const c = data.y[i * out] > 0 ? 1 : 0
      for (let o = 0; o < out; o++) data.y[i * out + o] = o === c ? 1 : 0
    }
  }
  const size = parameterCount(layers)
  const mlp = new Mlp({ layers, activation, loss }, data.x, data.y)
  // A non-zero bias everywhere, so every term of the R-pass is exercised.
  const w = initialParams(layers, { scheme: 'xavier_normal', seed, gain: 1.3 }, size)
  for (let i = 0; i < size; i++) if (w[i] === 0) w[i] = 0.1 * normal(seed, i, 99, 0)
  return { mlp, w, size }
}

/** Symmetric eigenvalues by cyclic Jacobi rotations (the test's independent dense solver), descending. */
function jacobiEigenvalues(a: Float64Array, n: number): number[] {
  const m = Float64Array.from(a)
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2
    if (off < 1e-30) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]
        if (Math.abs(apq) < 1e-300) continue
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]
          const mkq = m[k * n + q]
          m[k * n + p] = c * mkp - s * mkq
          m[k * n + q] = s * mkp + c * mkq
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]
          const mqk = m[q * n + k]
          m[p * n + k] = c * mpk - s * mqk
          m[q * n + k] = s * mpk + c * mqk
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => m[i * n + i]).sort((x, y) => y - x)
}

function denseHessian(mlp: Mlp, w: Float64Array, size: number): Float64Array {
  mlp.prepare(w)
  const h = new Float64Array(size * size)
  const e = new Float64Array(size)
  const col = new Float64Array(size)
  for (let j = 0; j < size; j++) {
    e.fill(0)
    e[j] = 1
    mlp.hvp(e, col)
    for (let i = 0; i < size; i++) h[i * size + j] = col[i]
  }
  return h
}

const CASES: Array<[Activation, 'mse' | 'ce']> = [
  ...ACTIVATIONS.map((a): [Activation, 'mse'] => [a, 'mse']),
  ['tanh', 'ce'],
  ['swish', 'ce'],
]

describe('MLP gradient and Hessian-vector products', () => {
  it('has the parameter count of NETWORKS.md ([8, 16, 16, 1] has 433)', () => {
    expect(parameterCount([8, 16, 16, 1])).toBe(433)
    expect(parameterCount([1, 100, 1])).toBe(301)
  })

  it.each(CASES)('%s, %s: the gradient matches central differences of the loss', (act, loss) => {
    const { mlp, w, size } = smallNet(act, loss)
    mlp.prepare(w)
    const g = Float64Array.from(mlp.gradient)
    const h = 1e-6
    let worst = 0
    for (let i = 0; i < size; i++) {
      const wp = Float64Array.from(w)
      const wm = Float64Array.from(w)
      wp[i] += h
      wm[i] -= h
      const fd = (mlp.lossAt(wp) - mlp.lossAt(wm)) / (2 * h)
      worst = Math.max(worst, Math.abs(fd - g[i]) / (1 + Math.abs(g[i])))
    }
    expect(worst).toBeLessThan(1e-8)
  })

  it.each(CASES)('%s, %s: H·v matches central differences of the gradient, and H is symmetric', (act, loss) => {
    const { mlp, w, size } = smallNet(act, loss)
    const v = Float64Array.from({ length: size }, (_, i) => normal(5, i, 0, 0))
    mlp.prepare(w)
    const hv = new Float64Array(size)
    mlp.hvp(v, hv)
    const h = 1e-5
    const wp = w.map((x, i) => x + h * v[i])
    const wm = w.map((x, i) => x - h * v[i])
    mlp.prepare(wp)
    const gp = Float64Array.from(mlp.gradient)
    mlp.prepare(wm)
    const gm = Float64Array.from(mlp.gradient)
    const scale = Math.max(...hv.map(Math.abs))
    for (let i = 0; i < size; i++) expect(Math.abs((gp[i] - gm[i]) / (2 * h) - hv[i])).toBeLessThan(1e-7 * (1 + scale))
    // Symmetry: uᵀ(Hv) = vᵀ(Hu) to rounding.
    const u = Float64Array.from({ length: size }, (_, i) => normal(6, i, 0, 0))
    const hu = new Float64Array(size)
    mlp.prepare(w)
    mlp.hvp(v, hv)
    mlp.hvp(u, hu)
    const uHv = u.reduce((s, x, i) => s + x * hv[i], 0)
    const vHu = v.reduce((s, x, i) => s + x * hu[i], 0)
    expect(Math.abs(uHv - vHu)).toBeLessThan(1e-12 * (1 + Math.abs(uHv)))
  })
})

describe('Lanczos', () => {
  it('tridiagonal QL matches Jacobi on a random symmetric tridiagonal matrix', () => {
    const m = 12
    const d = Float64Array.from({ length: m }, (_, i) => normal(3, i, 0, 0))
    const e = Float64Array.from({ length: m }, (_, i) => (i < m - 1 ? normal(3, i, 1, 0) : 0))
    const dense = new Float64Array(m * m)
    for (let i = 0; i < m; i++) {
      dense[i * m + i] = d[i]
      if (i + 1 < m) dense[i * m + i + 1] = dense[(i + 1) * m + i] = e[i]
    }
    const z = new Float64Array(m * m)
    expect(tridiagonalEigen(d, e, m, z)).toBe(true)
    const ql = Array.from(d).sort((a, b) => b - a)
    jacobiEigenvalues(dense, m).forEach((v, i) => expect(Math.abs(ql[i] - v)).toBeLessThan(1e-12))
  })

  it.each([
    ['swish', 'mse', 1],
    ['tanh', 'ce', 2],
    ['gelu', 'mse', 3],
  ] as Array<[Activation, 'mse' | 'ce', number]>)(
    'top-3 eigenvalues of a %s/%s net match a dense Jacobi solve (cold and warm starts)',
    (act, loss, seed) => {
      const { mlp, w, size } = smallNet(act, loss, [3, 6, 5, 2], seed)
      const dense = jacobiEigenvalues(denseHessian(mlp, w, size), size)
      mlp.prepare(w)
      const lz = new Lanczos(size, 3)
      expect(lz.run((v, o) => mlp.hvp(v, o))).toBe(true)
      for (let i = 0; i < 3; i++) expect(Math.abs(lz.values[i] - dense[i])).toBeLessThan(1e-10 * (1 + Math.abs(dense[0])))
      // Warm start at a nearby point: still the top three, not the previous ones.
      const w2 = w.map((x, i) => x + 0.05 * normal(seed, i, 7, 0))
      const dense2 = jacobiEigenvalues(denseHessian(mlp, w2, size), size)
      mlp.prepare(w2)
      lz.run((v, o) => mlp.hvp(v, o))
      for (let i = 0; i < 3; i++) expect(Math.abs(lz.values[i] - dense2[i])).toBeLessThan(1e-10 * (1 + Math.abs(dense2[0])))
      // Ritz vectors are unit eigenvectors: ‖Hu − λu‖ small.
      const hu = new Float64Array(size)
      mlp.hvp(lz.vectors[0], hu)
      const res = Math.hypot(...hu.map((x, i) => x - lz.values[0] * lz.vectors[0][i]))
      expect(res).toBeLessThan(1e-7 * (1 + Math.abs(lz.values[0])))
    },
  )
})
