/**
 * Memory layout of the float32 ensemble kernel (./kernel.ts): E networks of P parameters, four
 * to an f32x4 "lane group" (network e is lane e mod 4 of group ⌊e/4⌋; E is padded to G = ⌈E/4⌉
 * groups). Every per-network array — parameters, gradient, the optimizer's two state slots — is
 * group-major: group g's parameter j at `(g·P + j)·16` bytes from the array's start, so one
 * group's networks sit in P contiguous vectors (a few KB: they stay in L1 through the pass over
 * the data). The data are shared by every network: read once per example as scalars and splat.
 *
 *   X (n × in floats) | Y (n × out) | W | GRAD | SLOT0 | SLOT1 (G·P vectors each)
 *   | COEF (COEFFICIENTS × G vectors: per-network hyperparameters) | LOSS (G vectors)
 */
import { parameterCount } from '../../../../src-shared/network/mlp'

/** Per-network coefficient vectors the host fills (./trainer.ts); which are read depends on the optimizer. */
export const COEFFICIENTS = [
  'lr',
  /** SGD: momentum μ; Adam: 1 − β₁ */
  'a',
  /** SGD: 1 − dampening; Adam: β₂ */
  'b',
  /** Adam: 1 − β₂ */
  'c',
  /** Adam: ε */
  'eps',
  /** L2 weight decay λ added to the gradient (SGD, Adam) */
  'wd',
  /** AdamW: 1 − lr·λ */
  'decay',
  /** −1 to maximize, else 1 */
  'sign',
  /** SGD: all-ones lanes where momentum ≠ 0 (a mask) */
  'hasMomentum',
  /** SGD: all-ones lanes with Nesterov (a mask) */
  'nesterov',
  /** Adam, per step: lr / (1 − β₁ᵗ) */
  'stepSize',
  /** Adam, per step: √(1 − β₂ᵗ) */
  'bc2Sqrt',
] as const
export type Coefficient = (typeof COEFFICIENTS)[number]

export interface EnsembleLayout {
  readonly layers: readonly number[]
  readonly n: number
  readonly P: number
  /** Networks, and lane groups of four. */
  readonly E: number
  readonly G: number
  /** Byte offsets. */
  readonly x: number
  readonly y: number
  readonly w: number
  readonly grad: number
  readonly slots: readonly [number, number]
  readonly coef: number
  readonly loss: number
  readonly bytes: number
  readonly pages: number
}

const align16 = (b: number) => Math.ceil(b / 16) * 16

export function ensembleLayout(layers: readonly number[], n: number, E: number): EnsembleLayout {
  const P = parameterCount(layers)
  const G = Math.ceil(E / 4)
  const x = 0
  const y = align16(x + n * layers[0] * 4)
  const w = align16(y + n * layers[layers.length - 1] * 4)
  const array = G * P * 16
  const grad = w + array
  const slots: [number, number] = [grad + array, grad + 2 * array]
  const coef = slots[1] + array
  const loss = coef + COEFFICIENTS.length * G * 16
  const bytes = loss + G * 16
  return { layers, n, P, E, G, x, y, w, grad, slots, coef, loss, bytes, pages: Math.max(1, Math.ceil(bytes / 65536)) }
}

/** Byte offset of coefficient `c` of group g. */
export const coefOffset = (l: EnsembleLayout, c: Coefficient, g: number) => l.coef + (COEFFICIENTS.indexOf(c) * l.G + g) * 16

/** Float index of parameter j of network e in a group-major array starting at byte `base`. */
export const lane = (l: EnsembleLayout, base: number, e: number, j: number) => base / 4 + ((e >> 2) * l.P + j) * 4 + (e & 3)

/** Write network e's parameters (float64 in the NETWORKS.md layout) into the array at `base`, rounded to float32. */
export function scatter(l: EnsembleLayout, f32: Float32Array, base: number, e: number, params: ArrayLike<number>): void {
  for (let j = 0; j < l.P; j++) f32[lane(l, base, e, j)] = params[j]
}

/** Network e's parameters from the array at `base`, in the NETWORKS.md layout. */
export function gather(l: EnsembleLayout, f32: Float32Array, base: number, e: number): Float64Array {
  const out = new Float64Array(l.P)
  for (let j = 0; j < l.P; j++) out[j] = f32[lane(l, base, e, j)]
  return out
}
