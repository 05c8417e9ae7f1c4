/**
 * The network reference runs (tests/fixtures/networks, from shared/reference/networks) and the
 * agreement checks of their README: exact on the exact window, statistical over the last 30 %.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { type NetworkTrace, simulateNetwork } from '../../src-main/engine/network/simulate'

export const NETWORK_REFERENCES = ['cfjax__gd__lr0.1.json', 'chebyshev4__gd__lr0.13.json'] as const

export interface NetworkReference {
  readonly steps: number
  readonly loss: number[]
  readonly eig_steps: number[]
  readonly eigenvalues: Array<[number, number] | null>
  readonly exact_window: [number, number]
  readonly optimizer: { lr: number }
  readonly edge_of_stability: { median_lr_sharpness_last30: number; stat_from_step: number; checked: boolean }
  readonly [k: string]: unknown
}

export function loadReference(file: string): NetworkReference {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'networks', file), 'utf8')) as NetworkReference
}

/** Run the reference's own scenario up to `steps`, with eigenvalues at the reference's eig_steps. */
export function runReference(ref: NetworkReference, steps = ref.steps): NetworkTrace {
  const s = parseNetworkScenario({ ...ref, steps })
  const eig = new Set(ref.eig_steps)
  const c = s.optimizers[0]
  return simulateNetwork(s.network, c.def, c.configs[0], s.steps, s.record, { eigenAt: (t) => eig.has(t) })
}

/** Largest |Δ|/(1 + |ref|) of the loss and of λ₁, λ₂ on steps 0 … K. */
export function exactWindowErrors(ref: NetworkReference, trace: NetworkTrace): { loss: number; eigen: number } {
  const K = ref.exact_window[1]
  let loss = 0
  let eigen = 0
  for (let k = 0; k <= K; k++) {
    loss = Math.max(loss, Math.abs(trace.loss[k] - ref.loss[k]) / (1 + Math.abs(ref.loss[k])))
    const e = ref.eigenvalues[k]
    if (e === null) continue
    for (let i = 0; i < 2; i++) {
      const mine = trace.eigenvalues![k * trace.eigenCount + i]
      eigen = Math.max(eigen, Number.isFinite(mine) ? Math.abs(mine - e[i]) / (1 + Math.abs(e[i])) : Infinity)
    }
  }
  return { loss, eigen }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2])
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

/** Over steps ≥ stat_from_step: median lr·λ₁ at the eig_steps and the mean loss, ours and the reference's. */
export function lastThirtyPercent(ref: NetworkReference, trace: NetworkTrace) {
  const from = ref.edge_of_stability.stat_from_step
  const lr = ref.optimizer.lr
  const steps = ref.eig_steps.filter((k) => k >= from)
  const ours = steps.map((k) => lr * trace.eigenvalues![k * trace.eigenCount])
  const theirs = steps.map((k) => lr * ref.eigenvalues[k]![0])
  const lossSteps = Array.from({ length: ref.steps + 1 - from }, (_, i) => from + i)
  return {
    medianLrSharpness: median(ours),
    refMedianLrSharpness: median(theirs),
    meanLoss: mean(lossSteps.map((k) => trace.loss[k])),
    refMeanLoss: mean(lossSteps.map((k) => ref.loss[k])),
    finite: trace.loss.every(Number.isFinite) && ours.every(Number.isFinite),
  }
}
