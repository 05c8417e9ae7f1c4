/**
 * The named, seeded data generators of shared/NETWORKS.md. They draw from the project's
 * counter-based generator (src-shared/random.ts), so a (generator, n, seed) triple gives the same
 * examples on every machine — reproducible within Gradscape, not across other libraries.
 */
import { normal, uniform } from '../random'

export const DATASETS = ['gaussian', 'chebyshev', 'moons', 'circles', 'spirals', 'xor'] as const
export type DatasetName = (typeof DATASETS)[number]

export interface Dataset {
  /** Rows: n × inputWidth and n × outputWidth. */
  readonly x: Float64Array
  readonly y: Float64Array
  readonly n: number
}

/** Random streams (the generator's second counter) per purpose, so data and weights never share draws. */
export const STREAM = { dataX: 1, dataY: 2, noise: 3, label: 4, params: 16 } as const

/** T_d(x) by the three-term recurrence (exact for |x| ≤ 1 and beyond). */
export function chebyshevT(degree: number, x: number): number {
  if (degree === 0) return 1
  let prev = 1
  let cur = x
  for (let k = 1; k < degree; k++) [prev, cur] = [cur, 2 * x * cur - prev]
  return cur
}

/** x ~ N(0, I), y ~ N(0, 1) per component (the central-flow notebook's setting). */
export function gaussianData(n: number, inWidth: number, outWidth: number, seed: number): Dataset {
  const x = new Float64Array(n * inWidth)
  const y = new Float64Array(n * outWidth)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < inWidth; j++) x[i * inWidth + j] = normal(seed, i, STREAM.dataX, j)
    for (let j = 0; j < outWidth; j++) y[i * outWidth + j] = normal(seed, i, STREAM.dataY, j)
  }
  return { x, y, n }
}

/** x evenly spaced in [−1, 1] (one input), y = T_degree(x) (one output). */
export function chebyshevData(n: number, degree: number): Dataset {
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x[i] = n === 1 ? 0 : -1 + (2 * i) / (n - 1)
    y[i] = chebyshevT(degree, x[i])
  }
  return { x, y, n }
}

/**
 * Two-class 2-D sets: moons (sklearn's two half circles), circles (radii 1 and 0.5), spirals
 * (two interleaved arms), xor (uniform in [−1, 1]², class = sign(x₀x₁)). Class c of example i is
 * i mod 2; Gaussian noise of std `noise` is added to each coordinate. Labels: one-hot rows when
 * the network has two or more outputs, else ±1 (for MSE on one output).
 */
export function classificationData(
  name: Exclude<DatasetName, 'gaussian' | 'chebyshev'>,
  n: number,
  noise: number,
  seed: number,
  outWidth: number,
): Dataset {
  const x = new Float64Array(n * 2)
  const y = new Float64Array(n * outWidth)
  const half = Math.ceil(n / 2)
  for (let i = 0; i < n; i++) {
    const c = i % 2
    const s = Math.floor(i / 2) / Math.max(1, half - 1) // 0 … 1 along the class's curve
    let a = 0
    let b = 0
    switch (name) {
      case 'moons': {
        const th = Math.PI * s
        ;[a, b] = c === 0 ? [Math.cos(th), Math.sin(th)] : [1 - Math.cos(th), 0.5 - Math.sin(th)]
        break
      }
      case 'circles': {
        const th = 2 * Math.PI * uniform(seed, i, STREAM.label, 0)
        const r = c === 0 ? 1 : 0.5
        ;[a, b] = [r * Math.cos(th), r * Math.sin(th)]
        break
      }
      case 'spirals': {
        const th = 3 * Math.PI * s + c * Math.PI
        ;[a, b] = [s * Math.cos(th), s * Math.sin(th)]
        break
      }
      case 'xor': {
        a = 2 * uniform(seed, i, STREAM.label, 0) - 1
        b = 2 * uniform(seed, i, STREAM.label, 1) - 1
        break
      }
    }
    x[2 * i] = a + noise * normal(seed, i, STREAM.noise, 0)
    x[2 * i + 1] = b + noise * normal(seed, i, STREAM.noise, 1)
    // xor's class is the quadrant's, from the noiseless point.
    const label = name === 'xor' ? (a * b > 0 ? 1 : 0) : c
    if (outWidth === 1) y[i] = label === 1 ? 1 : -1
    else y[i * outWidth + label] = 1
  }
  return { x, y, n }
}
