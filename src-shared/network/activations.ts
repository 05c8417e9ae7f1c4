/**
 * Hidden-layer activations with their first and second derivatives, evaluated together over a
 * buffer (the R-pass of the Hessian-vector product needs act'' as well as act').
 */
export const ACTIVATIONS = ['tanh', 'relu', 'swish', 'gelu'] as const
export type Activation = (typeof ACTIVATIONS)[number]

/** a[i] = act(z[i]), d1[i] = act'(z[i]), d2[i] = act''(z[i]) for i < len. */
export type ActivationPass = (z: Float64Array, a: Float64Array, d1: Float64Array, d2: Float64Array, len: number) => void

const tanhPass: ActivationPass = (z, a, d1, d2, len) => {
  for (let i = 0; i < len; i++) {
    const t = Math.tanh(z[i])
    const s = 1 - t * t
    a[i] = t
    d1[i] = s
    d2[i] = -2 * t * s
  }
}

/** relu: act'(0) = 0 (torch's convention), act'' = 0. */
const reluPass: ActivationPass = (z, a, d1, d2, len) => {
  for (let i = 0; i < len; i++) {
    const pos = z[i] > 0
    a[i] = pos ? z[i] : 0
    d1[i] = pos ? 1 : 0
    d2[i] = 0
  }
}

/** swish z·σ(z): act' = σ + zσ(1−σ), act'' = σ(1−σ)(2 + z(1−2σ)). */
const swishPass: ActivationPass = (z, a, d1, d2, len) => {
  for (let i = 0; i < len; i++) {
    const x = z[i]
    // σ(x) without overflow for large |x|.
    const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))
    const ds = s * (1 - s)
    a[i] = x * s
    d1[i] = s + x * ds
    d2[i] = ds * (2 + x * (1 - 2 * s))
  }
}

const GELU_C = Math.sqrt(2 / Math.PI)
const GELU_K = 0.044715

/** gelu, tanh form: ½z(1 + tanh u), u = c(z + 0.044715z³). */
const geluPass: ActivationPass = (z, a, d1, d2, len) => {
  for (let i = 0; i < len; i++) {
    const x = z[i]
    const u = GELU_C * (x + GELU_K * x * x * x)
    const du = GELU_C * (1 + 3 * GELU_K * x * x)
    const ddu = GELU_C * 6 * GELU_K * x
    const t = Math.tanh(u)
    const sech2 = 1 - t * t
    a[i] = 0.5 * x * (1 + t)
    d1[i] = 0.5 * (1 + t) + 0.5 * x * sech2 * du
    d2[i] = sech2 * (du + 0.5 * x * (ddu - 2 * t * du * du))
  }
}

const PASSES: Record<Activation, ActivationPass> = { tanh: tanhPass, relu: reluPass, swish: swishPass, gelu: geluPass }

export function activationDerivatives(act: Activation): ActivationPass {
  return PASSES[act]
}
