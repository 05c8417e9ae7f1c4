/**
 * A multilayer perceptron's full-batch loss, its exact gradient (reverse mode, written out for the
 * MLP) and exact Hessian-vector products (Pearlmutter's R-operator applied to that reverse pass:
 * forward-over-reverse, no finite differences), all in float64 on preallocated typed arrays.
 *
 * Parameter layout (shared/NETWORKS.md): layer by layer, W_l (fan_in × fan_out, row-major) then
 * b_l. Forward: a₀ = x, z_l = a_{l−1} W_l + b_l, a_l = act(z_l) for hidden layers, f = z_L.
 *
 * `prepare(w)` runs the forward and backward passes once and keeps what the R-pass needs, so the
 * many HVPs of one Lanczos run at the same w cost one R-forward and one R-backward each.
 * Nothing in `prepare`, `gradient` or `hvp` allocates.
 */
import { type Activation, activationDerivatives } from './activations'

export type NetworkLoss = 'mse' | 'ce'

export interface MlpShape {
  /** Input width, hidden widths..., output width. */
  readonly layers: readonly number[]
  readonly activation: Activation
  readonly loss: NetworkLoss
}

/** Number of parameters of `layers` in the NETWORKS.md layout. */
export function parameterCount(layers: readonly number[]): number {
  let n = 0
  for (let l = 0; l + 1 < layers.length; l++) n += layers[l] * layers[l + 1] + layers[l + 1]
  return n
}

/** out[n, m] (+)= Σ_k a[aOff + n·K + k] · w[wOff + k·M + m] */
function matmul(out: Float64Array, a: Float64Array, N: number, K: number, w: Float64Array, wOff: number, M: number, add: boolean): void {
  if (!add) out.fill(0, 0, N * M)
  for (let n = 0; n < N; n++) {
    const o = n * M
    for (let k = 0; k < K; k++) {
      const ank = a[n * K + k]
      if (ank === 0) continue
      const wo = wOff + k * M
      for (let m = 0; m < M; m++) out[o + m] += ank * w[wo + m]
    }
  }
}

/** out[oOff + k·M + m] += Σ_n a[n·K + k] · b[n·M + m]  (a weight gradient: aᵀb) */
function matTmulAdd(out: Float64Array, oOff: number, a: Float64Array, N: number, K: number, b: Float64Array, M: number): void {
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const ank = a[n * K + k]
      if (ank === 0) continue
      const o = oOff + k * M
      const bo = n * M
      for (let m = 0; m < M; m++) out[o + m] += ank * b[bo + m]
    }
  }
}

/** out[n·K + k] (+)= Σ_m b[n·M + m] · w[wOff + k·M + m]  (b Wᵀ) */
function matmulT(out: Float64Array, b: Float64Array, N: number, M: number, w: Float64Array, wOff: number, K: number, add: boolean): void {
  for (let n = 0; n < N; n++) {
    const bo = n * M
    for (let k = 0; k < K; k++) {
      const wo = wOff + k * M
      let s = 0
      for (let m = 0; m < M; m++) s += b[bo + m] * w[wo + m]
      out[n * K + k] = add ? out[n * K + k] + s : s
    }
  }
}

/** out[oOff + m] += Σ_n b[n·M + m]  (a bias gradient) */
function colSumAdd(out: Float64Array, oOff: number, b: Float64Array, N: number, M: number): void {
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) out[oOff + m] += b[n * M + m]
}

export class Mlp {
  readonly layers: readonly number[]
  readonly activation: Activation
  readonly loss: NetworkLoss
  /** Examples (rows). */
  readonly n: number
  /** Parameters. */
  readonly size: number
  private readonly depth: number
  private readonly wOff: number[] = []
  private readonly bOff: number[] = []
  private readonly x: Float64Array
  private readonly y: Float64Array
  /** z_l per layer, a_l per layer (a[0] = x), act' and act'' at z_l (hidden layers). */
  private readonly z: Float64Array[] = []
  private readonly a: Float64Array[] = []
  private readonly d1: Float64Array[] = []
  private readonly d2: Float64Array[] = []
  /** ∂L/∂z_l and ∂L/∂a_l (hidden layers). */
  private readonly dz: Float64Array[] = []
  private readonly da: Float64Array[] = []
  /** Softmax of the outputs (cross-entropy) and Σ_o y_o per row. */
  private readonly soft: Float64Array
  private readonly ySum: Float64Array
  /** R-pass buffers. */
  private readonly rz: Float64Array[] = []
  private readonly ra: Float64Array[] = []
  private readonly rdz: Float64Array[] = []
  private readonly rda: Float64Array[] = []
  private readonly grad: Float64Array
  private w: Float64Array
  private value = NaN

  /** `x`: n × layers[0] rows, `y`: n × layers[last] rows (one-hot rows for cross-entropy). */
  constructor(shape: MlpShape, x: Float64Array, y: Float64Array) {
    const { layers } = shape
    this.layers = layers
    this.activation = shape.activation
    this.loss = shape.loss
    this.depth = layers.length - 1
    this.n = x.length / layers[0]
    if (!Number.isInteger(this.n) || y.length !== this.n * layers[this.depth]) throw new Error('Mlp: data shape does not match the layers')
    this.x = x
    this.y = y
    let off = 0
    for (let l = 0; l < this.depth; l++) {
      const fanIn = layers[l]
      const fanOut = layers[l + 1]
      this.wOff.push(off)
      this.bOff.push(off + fanIn * fanOut)
      off += fanIn * fanOut + fanOut
      const buf = () => new Float64Array(this.n * fanOut)
      this.z.push(buf())
      this.dz.push(buf())
      this.rz.push(buf())
      this.rdz.push(buf())
      const hidden = l + 1 < this.depth
      this.d1.push(hidden ? buf() : new Float64Array(0))
      this.d2.push(hidden ? buf() : new Float64Array(0))
      this.da.push(hidden ? buf() : new Float64Array(0))
      this.ra.push(hidden ? buf() : new Float64Array(0))
      this.rda.push(hidden ? buf() : new Float64Array(0))
    }
    // a[0] = x; a[l] for 1 ≤ l < depth: the hidden activations (ra[l − 1] is R(a_l)).
    this.a.push(x)
    for (let l = 1; l < this.depth; l++) this.a.push(new Float64Array(this.n * layers[l]))
    this.size = off
    this.soft = new Float64Array(this.n * layers[this.depth])
    this.ySum = new Float64Array(this.n)
    for (let i = 0; i < this.n; i++) {
      let s = 0
      for (let o = 0; o < layers[this.depth]; o++) s += y[i * layers[this.depth] + o]
      this.ySum[i] = s
    }
    this.grad = new Float64Array(off)
    this.w = new Float64Array(off)
  }

  /** The network's outputs f at the prepared point (n × output width; a view, do not keep). */
  get outputs(): Float64Array {
    return this.z[this.depth - 1]
  }

  /** The loss at the prepared point. */
  get lossValue(): number {
    return this.value
  }

  /** The gradient at the prepared point (a view, overwritten by the next `prepare`). */
  get gradient(): Float64Array {
    return this.grad
  }

  /** Loss only (a forward pass; the prepared point's caches are overwritten: call `prepare` again before `hvp`). */
  lossAt(w: Float64Array): number {
    this.forward(w)
    return this.lossFromOutputs()
  }

  /** Forward and backward passes at `w`: the loss (returned), the gradient and the R-pass caches. */
  prepare(w: Float64Array): number {
    this.w = w
    this.forward(w)
    this.value = this.lossFromOutputs()
    this.backward(w)
    return this.value
  }

  private forward(w: Float64Array): void {
    const { n, layers, depth } = this
    const act = activationDerivatives(this.activation)
    for (let l = 0; l < depth; l++) {
      const fanIn = layers[l]
      const fanOut = layers[l + 1]
      const z = this.z[l]
      const bOff = this.bOff[l]
      for (let i = 0; i < n; i++) for (let m = 0; m < fanOut; m++) z[i * fanOut + m] = w[bOff + m]
      matmul(z, this.a[l], n, fanIn, w, this.wOff[l], fanOut, true)
      if (l + 1 < depth) act(z, this.a[l + 1], this.d1[l], this.d2[l], n * fanOut)
    }
  }

  /** Loss from the output layer; sets dz[last] = ∂L/∂f (and the softmax for cross-entropy). */
  private lossFromOutputs(): number {
    const { n, y } = this
    const out = this.layers[this.depth]
    const f = this.z[this.depth - 1]
    const df = this.dz[this.depth - 1]
    let total = 0
    if (this.loss === 'mse') {
      for (let i = 0; i < n * out; i++) {
        const r = f[i] - y[i]
        total += r * r
        df[i] = (2 * r) / n
      }
      return total / n
    }
    for (let i = 0; i < n; i++) {
      const o = i * out
      let max = -Infinity
      for (let k = 0; k < out; k++) max = Math.max(max, f[o + k])
      let sum = 0
      for (let k = 0; k < out; k++) sum += Math.exp(f[o + k] - max)
      const lse = max + Math.log(sum)
      const ys = this.ySum[i]
      for (let k = 0; k < out; k++) {
        const s = Math.exp(f[o + k] - lse)
        this.soft[o + k] = s
        total -= y[o + k] * (f[o + k] - lse)
        df[o + k] = (ys * s - y[o + k]) / n
      }
    }
    return total / n
  }

  private backward(w: Float64Array): void {
    const { n, layers, depth, grad } = this
    grad.fill(0)
    for (let l = depth - 1; l >= 0; l--) {
      const fanIn = layers[l]
      const fanOut = layers[l + 1]
      matTmulAdd(grad, this.wOff[l], this.a[l], n, fanIn, this.dz[l], fanOut)
      colSumAdd(grad, this.bOff[l], this.dz[l], n, fanOut)
      if (l > 0) {
        const da = this.da[l - 1]
        matmulT(da, this.dz[l], n, fanOut, w, this.wOff[l], fanIn, false)
        const dzPrev = this.dz[l - 1]
        const d1 = this.d1[l - 1]
        for (let i = 0; i < n * fanIn; i++) dzPrev[i] = da[i] * d1[i]
      }
    }
  }

  /** out = H(w) v at the prepared point w (exact: the R-operator on the forward and backward passes). */
  hvp(v: Float64Array, out: Float64Array): void {
    const { n, layers, depth, w } = this
    // R-forward: R(z_l) = R(a_{l−1}) W_l + a_{l−1} V_l + v_b, R(a_l) = act'(z_l) ⊙ R(z_l).
    for (let l = 0; l < depth; l++) {
      const fanIn = layers[l]
      const fanOut = layers[l + 1]
      const rz = this.rz[l]
      const bOff = this.bOff[l]
      for (let i = 0; i < n; i++) for (let m = 0; m < fanOut; m++) rz[i * fanOut + m] = v[bOff + m]
      matmul(rz, this.a[l], n, fanIn, v, this.wOff[l], fanOut, true)
      if (l > 0) matmul(rz, this.ra[l - 1], n, fanIn, w, this.wOff[l], fanOut, true)
      if (l + 1 < depth) {
        const ra = this.ra[l]
        const d1 = this.d1[l]
        for (let i = 0; i < n * fanOut; i++) ra[i] = d1[i] * rz[i]
      }
    }
    // R(∂L/∂f) = ℓ''(f) R(f).
    const outW = layers[depth]
    const rf = this.rz[depth - 1]
    const rdf = this.rdz[depth - 1]
    if (this.loss === 'mse') {
      for (let i = 0; i < n * outW; i++) rdf[i] = (2 * rf[i]) / n
    } else {
      for (let i = 0; i < n; i++) {
        const o = i * outW
        let sr = 0
        for (let k = 0; k < outW; k++) sr += this.soft[o + k] * rf[o + k]
        const c = this.ySum[i] / n
        for (let k = 0; k < outW; k++) rdf[o + k] = c * this.soft[o + k] * (rf[o + k] - sr)
      }
    }
    // R-backward.
    out.fill(0)
    for (let l = depth - 1; l >= 0; l--) {
      const fanIn = layers[l]
      const fanOut = layers[l + 1]
      const rdz = this.rdz[l]
      matTmulAdd(out, this.wOff[l], this.a[l], n, fanIn, rdz, fanOut)
      if (l > 0) matTmulAdd(out, this.wOff[l], this.ra[l - 1], n, fanIn, this.dz[l], fanOut)
      colSumAdd(out, this.bOff[l], rdz, n, fanOut)
      if (l > 0) {
        // R(∂L/∂a) = R(dz) Wᵀ + dz Vᵀ;  R(dz_{l−1}) = R(da) ⊙ act' + da ⊙ act'' ⊙ R(z_{l−1}).
        const rda = this.rda[l - 1]
        matmulT(rda, rdz, n, fanOut, w, this.wOff[l], fanIn, false)
        matmulT(rda, this.dz[l], n, fanOut, v, this.wOff[l], fanIn, true)
        const rdzPrev = this.rdz[l - 1]
        const d1 = this.d1[l - 1]
        const d2 = this.d2[l - 1]
        const da = this.da[l - 1]
        const rzPrev = this.rz[l - 1]
        for (let i = 0; i < n * fanIn; i++) rdzPrev[i] = rda[i] * d1[i] + da[i] * d2[i] * rzPrev[i]
      }
    }
  }
}
