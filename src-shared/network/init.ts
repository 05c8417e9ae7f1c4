/**
 * Seeded initial parameters (shared/NETWORKS.md `init`): Gaussian weights with the scheme's
 * standard deviation times `gain`, biases 0, in the parameter layout (W_l row-major, then b_l).
 */
import { normal } from '../random'
import { STREAM } from './datasets'

export const INIT_SCHEMES = ['lecun_normal', 'xavier_normal', 'he_normal'] as const
export type InitScheme = (typeof INIT_SCHEMES)[number]

export interface InitSpec {
  readonly scheme: InitScheme
  readonly seed: number
  readonly gain: number
}

function std(scheme: InitScheme, fanIn: number, fanOut: number): number {
  switch (scheme) {
    case 'lecun_normal':
      return 1 / Math.sqrt(fanIn)
    case 'xavier_normal':
      return Math.sqrt(2 / (fanIn + fanOut))
    case 'he_normal':
      return Math.sqrt(2 / fanIn)
  }
}

export function initialParams(layers: readonly number[], spec: InitSpec, size: number): Float64Array {
  const w = new Float64Array(size)
  let off = 0
  for (let l = 0; l + 1 < layers.length; l++) {
    const fanIn = layers[l]
    const fanOut = layers[l + 1]
    const s = spec.gain * std(spec.scheme, fanIn, fanOut)
    for (let i = 0; i < fanIn * fanOut; i++) w[off + i] = s * normal(spec.seed, off + i, STREAM.params, l)
    off += fanIn * fanOut + fanOut // biases stay 0
  }
  return w
}
