/**
 * Network scenes of the gallery (NETWORKS.md): plain GD on a small network at a learning rate
 * where progressive sharpening carries ηS to the edge of stability. Each loads as one run with
 * per-step sharpness, top-2 eigenvalues, and opens the EoS view.
 */
import { CFJAX_NETWORK } from './cfjax-network'

export interface NetworkScene {
  readonly id: string
  readonly title: string
  readonly lr: number
  readonly steps: number
  readonly network: Readonly<Record<string, unknown>>
  readonly caption: string
}

export const NETWORK_SCENES: readonly NetworkScene[] = [
  {
    id: 'net_cfjax',
    title: 'Central-flow notebook net: sharpening to the edge at η = 0.1',
    lr: 0.1,
    steps: 1000,
    network: CFJAX_NETWORK,
    caption:
      'MLP 8-16-16-1, swish, MSE on 128 Gaussian examples (the central-flow notebook): ηS rises from 0.44 to 2 at step 333, overshoots, the loss catapults, then ηS hovers at 2.',
  },
  {
    id: 'net_moons',
    title: 'Two-moons classifier',
    lr: 0.24,
    steps: 300,
    network: {
      layers: [2, 16, 1],
      activation: 'tanh',
      loss: 'mse',
      data: { dataset: 'moons', n: 64, noise: 0.1, seed: 0 },
      init: { scheme: 'lecun_normal', seed: 0 },
    },
    caption: 'MLP 2-16-1, tanh, ±1 targets on 64 noisy moons: ηS sharpens from 1.8 to the edge at step ≈ 170 within a second of training.',
  },
]

export const findNetworkScene = (id: string): NetworkScene | undefined => NETWORK_SCENES.find((s) => s.id === id)
