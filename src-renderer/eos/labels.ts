/**
 * Words the EoS view shows for a run, derived from that run alone (pure, so the header, the notes
 * and the charts say the same thing in the same render): the optimizer's name in the legends,
 * the readout line, and the threshold and edge sentences. Tested in tests/renderer/eos-labels.test.ts.
 */
import type { EosModel } from './model'
import { formatNumber } from '../store/scenario'

const TITLES: Readonly<Record<string, string>> = {
  adam: 'Adam',
  adamw: 'AdamW',
  rmsprop: 'RMSprop',
  scalar_rmsprop: 'Scalar RMSProp',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
  adamax: 'Adamax',
  nadam: 'NAdam',
  radam: 'RAdam',
  asgd: 'ASGD',
  rprop: 'Rprop',
}

/** The optimizer as the charts name it: GD only for plain gradient descent. */
export function runLabel(o: { readonly name: string } & Readonly<Record<string, unknown>>): string {
  if (o.name === 'sgd') {
    const beta = typeof o.momentum === 'number' ? o.momentum : 0
    if (beta === 0) return 'GD'
    return o.nesterov === true ? 'Nesterov' : 'heavy ball'
  }
  return TITLES[o.name] ?? o.name
}

/** The short name of what panel (b) plots: S or λ₁(P⁻¹H). */
export const sharpnessName = (m: EosModel): string => m.sharpnessLabel.split(' ')[0]

/** The readout above the charts at kept point k; values that do not exist there (NaN at the ends) are left out. */
export function readoutText(m: EosModel, k: number): string {
  if (k >= m.n) return `step ${k * m.every}`
  const parts = [`step ${k * m.every}`]
  const add = (label: string, v: number, digits: number) => {
    if (Number.isFinite(v)) parts.push(`${label} ${formatNumber(v, digits)}`)
  }
  add(`${m.runLabel} loss`, m.loss[k], 4)
  if (m.sharpness) add(sharpnessName(m), m.sharpness[k], 4)
  if (m.gfs) add('GFS', m.gfs[k], 4)
  if (m.oscillation) add('⟨x−x̄,u⟩', m.oscillation[k], 3)
  if (m.flow && Number.isFinite(m.flow.sigma2[k])) add('σ', Math.sqrt(m.flow.sigma2[k]), 3)
  return parts.join(' · ')
}

/** The name of the threshold line in panel (b). */
export function thresholdName(m: EosModel): string {
  if (m.threshold.kind === 'none') return ''
  return m.threshold.kind === 'hessian' && m.threshold.formula.startsWith('S ≤ 2/η') ? '2/η' : 'threshold'
}

/** Panel (c)'s message when the run never reaches the edge (null when it does, or cannot be told). */
export function notAtEdgeText(m: EosModel): string | null {
  if (m.edge !== 'below' || m.threshold.kind === 'none') return null
  const max = m.maxSharpness === null ? '' : ` (at most ${formatNumber(m.maxSharpness, 3)})`
  return `Not at the edge of stability: ${m.runLabel}'s ${sharpnessName(m)} stays below the threshold ${formatNumber(m.threshold.value, 4)}${max}, so there is no edge-of-stability oscillation to show.`
}
