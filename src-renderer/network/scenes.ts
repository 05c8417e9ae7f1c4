/**
 * Network scenes of the gallery (NETWORKS.md): plain GD on a small network at a learning rate
 * where progressive sharpening carries ηS to the edge of stability. Each loads with per-step
 * sharpness and top-2 eigenvalues and opens the EoS view; a scene with `sweep` runs several
 * learning rates as one float64 job (the EoS view's run menu picks one). The numbers in the
 * captions are the reference runs' (tests/fixtures/networks) or, for the sweep, what the engine
 * computes for the same scenario (tests/renderer/network-scenes.test.ts checks them).
 */
import { CFJAX_NETWORK } from './cfjax-network'
import { CHEBYSHEV_NETWORK } from './chebyshev-network'

export interface NetworkScene {
  readonly id: string
  readonly title: string
  readonly lr: number
  readonly steps: number
  readonly network: Readonly<Record<string, unknown>>
  readonly caption: string
  /** One sentence: what to look at in the EoS view. */
  readonly look: string
  /** The paper the scene comes from (a key of PAPERS in ../eos/notes). */
  readonly cite: 'CF' | 'EoS'
  /** Learning rates run side by side (one run each), when the scene is an ensemble. */
  readonly lrs?: readonly number[]
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
    look: 'Watch panel (b): S climbs to the dashed 2/η line at step 333 and overshoots; the loss spikes in (a) are the catapults that bring it back to the edge.',
    cite: 'CF',
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
    look: 'Watch the decision boundary in the network panel keep moving after the onset while S stays pinned at 2/η.',
    cite: 'EoS',
  },
  {
    id: 'net_chebyshev',
    title: 'Chebyshev regression: the edge-of-stability paper’s toy',
    lr: 0.13,
    steps: 1500,
    network: CHEBYSHEV_NETWORK,
    caption:
      'MLP 1-100-1, tanh, MSE on 20 points of y = T₄(x) in [−1, 1], xavier-normal (gain 1.9) start: ηS starts at 1.90, crosses 2 at step 225, peaks near 2.2 and drops after a catapult (a loss spike near step 435), then re-sharpens.',
    look: 'Watch the sawtooth in panel (b): S re-sharpens above 2/η until a catapult, a spike in the loss (a), knocks it back below.',
    cite: 'EoS',
  },
  {
    id: 'net_lr_ensemble',
    title: 'Where the edge begins: four learning rates',
    lr: 0.13,
    lrs: [0.06, 0.08, 0.1, 0.13],
    steps: 1500,
    network: CHEBYSHEV_NETWORK,
    caption:
      'The Chebyshev net under GD at η = 0.06, 0.08, 0.1 and 0.13, one float64 sweep: η = 0.13 reaches ηS = 2 at step 225, η = 0.1 only at step 1457, while η = 0.08 and 0.06 stay below 2 for all 1500 steps.',
    look: 'Pick each run in the EoS view’s run menu: the onset line moves right as η falls and is gone for the two smallest.',
    cite: 'EoS',
  },
]

export const findNetworkScene = (id: string): NetworkScene | undefined => NETWORK_SCENES.find((s) => s.id === id)

/** The scene a scenario was loaded from (same network object, learning rate(s) and steps), if any. */
export function networkSceneOf(s: {
  readonly landscape: { readonly network?: unknown }
  readonly optimizers: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly steps: number
}): NetworkScene | undefined {
  if (!s.landscape.network || s.optimizers.length !== 1) return undefined
  const o = s.optimizers[0]
  const swept = (o.sweep as { lr?: { values?: number[] } } | undefined)?.lr?.values
  return NETWORK_SCENES.find(
    (sc) =>
      sc.network === s.landscape.network &&
      sc.steps === s.steps &&
      o.lr === sc.lr &&
      (sc.lrs ? JSON.stringify(swept) === JSON.stringify(sc.lrs) : swept === undefined),
  )
}
