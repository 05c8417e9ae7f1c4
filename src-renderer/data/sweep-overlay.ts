/**
 * Analytic overlays for a sweep, where they exist: heavy ball (torch SGD, dampening 0, no Nesterov)
 * swept over lr × momentum, or over lr alone, on a landscape whose Hessian is constant (a quadratic).
 * The curves come from ./heavy-ball.ts with the Hessian's exact eigenvalues; they are given in
 * data coordinates (lr, momentum) for the heatmap to draw. Pure.
 */
import { criticalMomentum, stabilityLimitLr } from './heavy-ball'
import { axisValues, type SweepSpec } from './sweep'

export interface OverlayCurve {
  readonly id: 'stability' | 'critical'
  readonly label: string
  /** Points (x value, y value) in the heatmap's axes; for a one-axis sweep, y is ignored. */
  readonly points: ReadonlyArray<readonly [number, number]>
  /** One-axis sweep: the x value of a vertical line. */
  readonly at?: number
}

export interface SweepOverlay {
  readonly curves: readonly OverlayCurve[]
  /** Why there is none (shown under the map), when `curves` is empty. */
  readonly note: string | null
}

const SAMPLES = 96

/**
 * Overlay curves for `spec` given the optimizer entry and the landscape's constant Hessian
 * eigenvalues (null when the Hessian varies). An empty list with a note when the analysis does not apply.
 */
export function sweepOverlay(
  spec: SweepSpec,
  entry: Readonly<Record<string, unknown>>,
  eigenvalues: readonly [number, number] | null,
): SweepOverlay {
  const none = (note: string | null): SweepOverlay => ({ curves: [], note })
  if (entry.name !== 'sgd' || (typeof entry.dampening === 'number' && entry.dampening !== 0) || entry.nesterov === true) return none(null)
  const keys = [spec.x.key, spec.y?.key ?? null]
  if (!keys.includes('lr')) return none(null)
  if (spec.y && !keys.includes('momentum')) return none(null)
  if (!eigenvalues) return none('No analytic overlay: the Hessian is not constant here (only a quadratic has one).')
  const lambdas = eigenvalues.filter((l) => l !== 0)
  const lambdaMax = eigenvalues[1]
  if (!(eigenvalues[0] > 0))
    return none(`No analytic overlay: the Hessian has eigenvalue ${eigenvalues[0].toPrecision(3)} ≤ 0, so no learning rate is stable.`)
  const fmt = (v: number) => Number(v.toPrecision(4))
  if (!spec.y) {
    const beta = typeof entry.momentum === 'number' ? entry.momentum : 0
    const at = stabilityLimitLr(beta, lambdaMax)
    const label = beta === 0 ? `stability limit lr = 2/λ_max = ${fmt(at)}` : `stability limit lr = 2(1+β)/λ_max = ${fmt(at)}`
    return { curves: [{ id: 'stability', label, points: [], at }], note: null }
  }
  const lrAxis = spec.x.key === 'lr' ? spec.x : spec.y
  const mAxis = spec.x.key === 'lr' ? spec.y : spec.x
  const lrs = axisValues({ ...lrAxis, n: SAMPLES })
  const betas = axisValues({ ...mAxis, n: SAMPLES })
  const pt = (lr: number, beta: number): readonly [number, number] => (spec.x.key === 'lr' ? [lr, beta] : [beta, lr])
  const stability = betas.map((b) => pt(stabilityLimitLr(b, lambdaMax), b))
  const critical = lrs.map((lr) => pt(lr, criticalMomentum(lr, lambdas)))
  return {
    curves: [
      { id: 'stability', label: `stability limit lr = 2(1+β)/λ_max (λ_max = ${fmt(lambdaMax)})`, points: stability },
      { id: 'critical', label: `critical momentum β* = max(1 − √(lr·λ))², λ ∈ {${eigenvalues.map(fmt).join(', ')}}`, points: critical },
    ],
    note: null,
  }
}
