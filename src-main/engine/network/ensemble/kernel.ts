/**
 * The float32 ensemble kernel: one WebAssembly SIMD function, assembled here with the kernel
 * compiler's encoder (../../wasm/encoder.ts), that takes one full-batch training step of lane
 * groups [gFrom, gTo) of an ensemble laid out as ./layout.ts says. Four networks share an f32x4
 * vector; every example is read once per group as scalars and splat, so the data pass is shared.
 *
 * Per group: zero the gradient; for each example, the forward pass, the MSE residual, the
 * backward pass accumulating the gradient (per-example backpropagation: activations live in
 * locals, never in memory); the loss at w_t into LOSS; then, when `update` is set, the
 * optimizer's update of every parameter (SGD, Adam or AdamW with torch's semantics, the
 * per-network hyperparameters read from COEF). The network's shape, activation, example count
 * and optimizer are compiled in (the per-example passes are unrolled over the layer widths;
 * the code grows with P, which NETWORK_LIMITS bounds at 2,000).
 *
 * Sums run in the float64 engine's order (src-shared/network/mlp.ts: bias first, then the
 * inputs in order; gradients accumulated example by example), so the two differ only by float32
 * rounding and tanh's rational approximation (Eigen's, a few ulp).
 */
import { encodeModule, FunctionBody, OP, SIMD } from '../../wasm/encoder'
import { type Emitter, emitVectorMath } from '../../wasm/vector-math'
import type { Activation } from '../../../../src-shared/network/activations'
import type { EnsembleOptimizer } from '../../../../src-shared/network/ensemble'
import { type Coefficient, coefOffset, type EnsembleLayout } from './layout'

export interface EnsembleKernelSpec {
  readonly layout: EnsembleLayout
  readonly activation: Activation
  readonly optimizer: EnsembleOptimizer
}

/** The exported step: groups [gFrom, gTo); `update` 0 evaluates the loss only; `first` 1 on step 1 (SGD's momentum buffer starts at g). */
export type EnsembleStep = (gFrom: number, gTo: number, update: number, first: number) => void

// tanh(x) ≈ x·p(x²)/q(x²) on [−7.905, 7.905] (where float32 tanh rounds to ±1): Eigen's rational minimax.
const TANH_CLAMP = 7.90531110763549805
const TANH_P = [
  -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4,
  4.89352455891786e-3,
]
const TANH_Q = [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3]
const GELU_C = Math.sqrt(2 / Math.PI)
const GELU_K = 0.044715
/**
 * f32x4.pmin / pmax (b < a ? b : a, a < b ? b : a): one minps / maxps on x64, where min / max
 * (NaN- and signed-zero-exact) take several instructions. A NaN input still comes out NaN.
 */
const F32X4_PMIN = 0xea
const F32X4_PMAX = 0xeb
/**
 * Examples per pass of the unrolled body: they share each parameter load and gradient update
 * (fewer memory operations; no difference measurable between 1, 2 and 3 on the loaded 2-core
 * development machine, where tanh's division is a third of the time). Results do not depend on it.
 */
const PAIR = 2

export function ensembleModule(spec: EnsembleKernelSpec): Uint8Array<ArrayBuffer> {
  const { layout: L, activation, optimizer } = spec
  const { layers, n, P } = L
  const depth = layers.length - 1
  const fb = new FunctionBody(['i32', 'i32', 'i32', 'i32'])
  const [gFrom, gTo, update, first] = [0, 1, 2, 3]
  const get = (l: number) => fb.op(OP.localGet, l)
  const set = (l: number) => fb.op(OP.localSet, l)
  const load = (offset: number) => fb.simd(SIMD.v128Load).memarg(4, offset)
  const store = (offset: number) => fb.simd(SIMD.v128Store).memarg(4, offset)
  const add = () => fb.simd(SIMD.f32x4Add)
  const sub = () => fb.simd(SIMD.f32x4Sub)
  const mul = () => fb.simd(SIMD.f32x4Mul)

  // Constants live in locals, set once at entry (vector-math's Emitter asks for them that way).
  const constants = new Map<number, number>()
  const prologue: Array<[number, number]> = []
  const constant = (v: number): number => {
    const key = Math.fround(v)
    let l = constants.get(key)
    if (l === undefined) {
      l = fb.local('v128')
      constants.set(key, l)
      prologue.push([l, key])
    }
    return l
  }
  const free: number[] = []
  const temp = (): number => free.pop() ?? fb.local('v128')
  const release = (l: number) => free.push(l)
  const emitter: Emitter = { fb, temp: () => temp(), release: (_t, l) => release(l), constant }

  const g = fb.local('i32')
  const base = fb.local('i32') // g · P · 16
  const xp = fb.local('i32')
  const yp = fb.local('i32')
  const count = fb.local('i32')
  const ptr = fb.local('i32')
  const end = fb.local('i32')
  const lossAcc = fb.local('v128')
  const wOff: number[] = []
  const bOff: number[] = []
  for (let l = 0, off = 0; l < depth; l++) {
    wOff.push(off)
    bOff.push(off + layers[l] * layers[l + 1])
    off += layers[l] * layers[l + 1] + layers[l + 1]
  }
  const vectors = (k: number) => Array.from({ length: k }, () => fb.local('v128'))
  /**
   * Per example in flight (PAIR of them share each parameter load): a[l], the layer's input
   * activations (a[0] = x); d[l], act'(z) of hidden layer l + 1; delta[l], ∂L/∂z_l; the outputs.
   */
  const lanes = Array.from({ length: PAIR }, () => ({
    a: layers.slice(0, depth).map((w) => vectors(w)),
    d: layers.slice(1, depth).map((w) => vectors(w)),
    delta: layers.slice(1).map((w) => vectors(w)),
    out: vectors(layers[depth]),
  }))
  const acc = vectors(PAIR)
  const wv = fb.local('v128')

  // The body is built into `fb` after the prologue is known: emit it into a scratch body first.
  const body = () => {
    fb.op(OP.block).blockType()
    fb.op(OP.loop).blockType()
    get(g)
    get(gTo)
    fb.op(OP.i32GeU).op(OP.brIf, 1)
    get(g)
      .i32(P * 16)
      .op(OP.i32Mul)
    set(base)
    // Zero the gradient.
    span(() => {
      get(ptr)
      fb.f32x4(0)
      store(L.grad)
    })
    fb.f32x4(0)
    set(lossAcc)
    fb.i32(0)
    set(xp)
    fb.i32(0)
    set(yp)
    // Examples in pairs, then the odd one: the sums keep the example order either way.
    const pairs = Math.floor(n / PAIR)
    for (const [u, times] of [
      [PAIR, pairs],
      [1, n - pairs * PAIR],
    ] as const) {
      if (times === 0) continue
      fb.i32(times)
      set(count)
      fb.op(OP.loop).blockType()
      example(u)
      get(xp)
        .i32(u * layers[0] * 4)
        .op(OP.i32Add)
      set(xp)
      get(yp)
        .i32(u * layers[depth] * 4)
        .op(OP.i32Add)
      set(yp)
      get(count).i32(-1).op(OP.i32Add)
      fb.op(OP.localTee, count).op(OP.brIf, 0)
      fb.op(OP.end)
    }
    // LOSS[g] = Σ r² / n.
    get(g).i32(16).op(OP.i32Mul)
    get(lossAcc)
    get(constant(n)).simd(SIMD.f32x4Div)
    store(L.loss)
    get(update)
    fb.op(OP.if).blockType()
    updateStep()
    fb.op(OP.end)
    get(g).i32(1).op(OP.i32Add)
    set(g)
    fb.op(OP.br, 0)
    fb.op(OP.end)
    fb.op(OP.end)
  }

  /** A loop over the group's P parameter vectors: `ptr` runs over base … base + 16P; `each` addresses with ptr and an array's offset. */
  function span(each: () => void): void {
    get(base)
    set(ptr)
    get(base)
      .i32(P * 16)
      .op(OP.i32Add)
    set(end)
    fb.op(OP.loop).blockType()
    each()
    get(ptr).i32(16).op(OP.i32Add)
    fb.op(OP.localTee, ptr)
    get(end)
    fb.op(OP.i32LtU).op(OP.brIf, 0)
    fb.op(OP.end)
  }

  /** The parameter vector j of this group (W or GRAD at `array`) onto the stack. */
  const param = (array: number, j: number) => {
    get(base)
    load(array + j * 16)
  }

  /** tanh of local x onto the stack. */
  function tanh(x: number): void {
    const xc = temp()
    const x2 = temp()
    get(x)
    get(constant(TANH_CLAMP)).simd(F32X4_PMIN)
    get(constant(-TANH_CLAMP)).simd(F32X4_PMAX)
    fb.op(OP.localTee, xc)
    get(xc)
    mul()
    set(x2)
    horner(x2, TANH_P)
    get(xc)
    mul()
    horner(x2, TANH_Q)
    fb.simd(SIMD.f32x4Div)
    release(xc)
    release(x2)
  }

  function horner(v: number, cs: readonly number[]): void {
    get(constant(cs[0]))
    for (const c of cs.slice(1)) {
      get(v)
      mul()
      get(constant(c))
      add()
    }
  }

  /** a = act(z), dz = act'(z) for local z. */
  function activate(z: number, aOut: number, dOut: number): void {
    const one = constant(1)
    switch (activation) {
      case 'tanh': {
        tanh(z)
        set(aOut)
        get(one)
        get(aOut)
        get(aOut)
        mul()
        sub()
        set(dOut)
        break
      }
      case 'relu': {
        // act'(0) = 0 (torch's convention); a NaN input gives 0, as the float64 engine's z > 0 test.
        const pos = temp()
        get(z)
        get(constant(0)).simd(SIMD.f32x4Gt)
        fb.op(OP.localTee, pos)
        get(z).simd(SIMD.v128And)
        set(aOut)
        get(one)
        get(pos).simd(SIMD.v128And)
        set(dOut)
        release(pos)
        break
      }
      case 'swish': {
        // σ(z) = 1 / (1 + e^−z), −z clamped to exp's fast domain (σ is 0 or 1 in float32 beyond it).
        const nz = temp()
        const s = temp()
        get(constant(0))
        get(z)
        sub()
        get(constant(87)).simd(F32X4_PMIN)
        get(constant(-87)).simd(F32X4_PMAX)
        set(nz)
        get(one)
        get(one)
        emitVectorMath(emitter, 'exp', nz)
        add()
        fb.simd(SIMD.f32x4Div)
        set(s)
        get(z)
        get(s)
        mul()
        set(aOut)
        // act' = σ + z·σ(1 − σ)
        get(s)
        get(z)
        get(s)
        get(one)
        get(s)
        sub()
        mul()
        mul()
        add()
        set(dOut)
        release(nz)
        release(s)
        break
      }
      case 'gelu': {
        // ½z(1 + tanh u), u = c(z + kz³); act' = ½(1 + t) + ½z(1 − t²)·c(1 + 3kz²).
        const u = temp()
        const t = temp()
        get(constant(GELU_C))
        get(z)
        get(constant(GELU_K))
        get(z)
        mul()
        get(z)
        mul()
        get(z)
        mul()
        add()
        mul()
        set(u)
        tanh(u)
        set(t)
        get(constant(0.5))
        get(z)
        mul()
        get(one)
        get(t)
        add()
        mul()
        set(aOut)
        get(constant(0.5))
        get(one)
        get(t)
        add()
        mul()
        get(constant(0.5))
        get(z)
        mul()
        get(one)
        get(t)
        get(t)
        mul()
        sub()
        mul()
        get(constant(GELU_C))
        get(one)
        get(constant(3 * GELU_K))
        get(z)
        mul()
        get(z)
        mul()
        add()
        mul()
        mul()
        add()
        set(dOut)
        release(u)
        release(t)
        break
      }
    }
  }

  /**
   * U consecutive examples (1 or PAIR): forward, residual, backward into GRAD. Each parameter
   * vector is loaded once for all U, and each gradient vector read and written once, adding the
   * examples' terms in example order (so U changes no result).
   */
  function example(U: number): void {
    const us = lanes.slice(0, U)
    us.forEach(({ a }, u) => {
      for (let k = 0; k < layers[0]; k++) {
        get(xp)
        fb.op(OP.f32Load).memarg(2, L.x + (u * layers[0] + k) * 4)
        fb.simd(SIMD.f32x4Splat)
        set(a[0][k])
      }
    })
    const z = temp()
    for (let l = 0; l < depth; l++) {
      const fanIn = layers[l]
      const fanOut = layers[l + 1]
      for (let m = 0; m < fanOut; m++) {
        param(L.w, bOff[l] + m)
        set(wv)
        for (let u = 0; u < U; u++) {
          get(wv)
          set(acc[u])
        }
        for (let k = 0; k < fanIn; k++) {
          param(L.w, wOff[l] + k * fanOut + m)
          set(wv)
          us.forEach(({ a }, u) => {
            get(acc[u])
            get(a[l][k])
            get(wv)
            mul()
            add()
            set(acc[u])
          })
        }
        us.forEach(({ a, d, out }, u) => {
          if (l + 1 < depth) activate(acc[u], a[l + 1][m], d[l][m])
          else {
            get(acc[u])
            set(out[m])
          }
        })
      }
    }
    // MSE: L = Σ r² / n, ∂L/∂f = 2r / n.
    const r = z
    us.forEach(({ out, delta }, u) => {
      for (let o = 0; o < layers[depth]; o++) {
        get(out[o])
        get(yp)
        fb.op(OP.f32Load).memarg(2, L.y + (u * layers[depth] + o) * 4)
        fb.simd(SIMD.f32x4Splat)
        sub()
        set(r)
        get(lossAcc)
        get(r)
        get(r)
        mul()
        add()
        set(lossAcc)
        get(r)
        get(r)
        add()
        get(constant(n)).simd(SIMD.f32x4Div)
        set(delta[depth - 1][o])
      }
    })
    release(z)
    for (let l = depth - 1; l >= 0; l--) {
      const fanIn = layers[l]
      const fanOut = layers[l + 1]
      for (let k = 0; k < fanIn; k++) {
        for (let m = 0; m < fanOut; m++) {
          const j = wOff[l] + k * fanOut + m
          get(base)
          param(L.grad, j)
          for (const { a, delta } of us) {
            get(a[l][k])
            get(delta[l][m])
            mul()
            add()
          }
          store(L.grad + j * 16)
        }
      }
      for (let m = 0; m < fanOut; m++) {
        const j = bOff[l] + m
        get(base)
        param(L.grad, j)
        for (const { delta } of us) {
          get(delta[l][m])
          add()
        }
        store(L.grad + j * 16)
      }
      if (l > 0) {
        // ∂L/∂z_{l−1} = (δ_l W_lᵀ) ⊙ act'(z_{l−1}).
        for (let k = 0; k < fanIn; k++) {
          for (let m = 0; m < fanOut; m++) {
            param(L.w, wOff[l] + k * fanOut + m)
            set(wv)
            us.forEach(({ delta }, u) => {
              if (m > 0) get(acc[u])
              get(delta[l][m])
              get(wv)
              mul()
              if (m > 0) add()
              set(acc[u])
            })
          }
          us.forEach(({ d, delta }, u) => {
            get(acc[u])
            get(d[l - 1][k])
            mul()
            set(delta[l - 1][k])
          })
        }
      }
    }
  }

  /** The optimizer's update of every parameter of group g (torch's rules; coefficients per network lane). */
  function updateStep(): void {
    const coef = new Map<Coefficient, number>()
    const c = (name: Coefficient): number => {
      let l = coef.get(name)
      if (l === undefined) {
        l = fb.local('v128')
        coef.set(name, l)
        get(g).i32(16).op(OP.i32Mul)
        load(coefOffset(L, name, 0))
        set(l)
      }
      return l
    }
    const names: Coefficient[] =
      optimizer === 'sgd'
        ? ['lr', 'a', 'b', 'wd', 'sign', 'hasMomentum', 'nesterov']
        : ['a', 'b', 'c', 'eps', 'wd', 'decay', 'sign', 'stepSize', 'bc2Sqrt']
    for (const name of names) c(name)
    const grad = fb.local('v128')
    const p = fb.local('v128')
    const buf = fb.local('v128')
    const v = fb.local('v128')
    span(() => {
      get(ptr)
      load(L.w)
      set(p)
      // g ← ±∇L (+ λp: L2; AdamW decays p instead).
      get(ptr)
      load(L.grad)
      get(c('sign'))
      mul()
      if (optimizer !== 'adamw') {
        get(c('wd'))
        get(p)
        mul()
        add()
      } else {
        get(p)
        get(c('decay'))
        mul()
        set(p)
      }
      set(grad)
      if (optimizer === 'sgd') {
        // buf ← g on step 1, else μ·buf + (1 − τ)·g;  g ← g + μ·buf (nesterov) or buf, where μ ≠ 0.
        get(grad)
        get(c('a'))
        get(ptr)
        load(L.slots[0])
        mul()
        get(c('b'))
        get(grad)
        mul()
        add()
        get(first)
        fb.op(OP.select)
        set(buf)
        get(ptr)
        get(buf)
        store(L.slots[0])
        get(grad)
        get(c('a'))
        get(buf)
        mul()
        add()
        get(buf)
        get(c('nesterov')).simd(SIMD.v128Bitselect)
        get(grad)
        get(c('hasMomentum')).simd(SIMD.v128Bitselect)
        set(grad)
        get(ptr)
        get(p)
        get(c('lr'))
        get(grad)
        mul()
        sub()
        store(L.w)
      } else {
        // m ← m + (g − m)(1 − β₁); v ← β₂v + (1 − β₂)g²; p ← p − step·m / (√v / √bc₂ + ε).
        get(ptr)
        load(L.slots[0])
        fb.op(OP.localTee, buf)
        get(grad)
        get(buf)
        sub()
        get(c('a'))
        mul()
        add()
        set(buf)
        get(ptr)
        get(buf)
        store(L.slots[0])
        get(c('b'))
        get(ptr)
        load(L.slots[1])
        mul()
        get(c('c'))
        get(grad)
        mul()
        get(grad)
        mul()
        add()
        set(v)
        get(ptr)
        get(v)
        store(L.slots[1])
        get(ptr)
        get(p)
        get(c('stepSize'))
        get(buf)
        get(v).simd(SIMD.f32x4Sqrt)
        get(c('bc2Sqrt')).simd(SIMD.f32x4Div)
        get(c('eps'))
        add()
        fb.simd(SIMD.f32x4Div)
        mul()
        sub()
        store(L.w)
      }
    })
  }

  // Build the body once to learn the constants, then re-emit with their initialisation first.
  body()
  const code = fb.code.splice(0)
  for (const [l, v] of prologue) {
    fb.f32x4(v)
    set(l)
  }
  get(gFrom)
  set(g)
  for (const b of code) fb.code.push(b)
  return encodeModule({ imports: [], memoryPages: [L.pages, L.pages], exportName: 'step', params: ['i32', 'i32', 'i32', 'i32'], body: fb })
}
