/**
 * The optimizer-state view's shared state, outside React (it changes with the playhead): whether
 * the view is open, and the replayed update at the playhead for the selected run (the EoS view's
 * run, so both views show the same one). The card computes it; the 3-D arrows read it per frame.
 */
import { invalidate } from '@react-three/fiber'
import { listeners } from '../data/listeners'
import type { GradSource, StepView } from './replay'

export const optState = {
  open: false,
  /** The update at the playhead, or null (closed, no run, or the replay is unavailable). */
  view: null as StepView | null,
  version: 0,
}

const changes = listeners()
export const onOptStateChange = changes.on

export function setOptStateView(view: StepView | null): void {
  optState.view = view
  optState.version++
  changes.emit()
  invalidate()
}

export function setOptStateOpen(open: boolean): void {
  if (optState.open === open) return
  optState.open = open
  if (!open) optState.view = null
  optState.version++
  changes.emit()
  invalidate()
}

/**
 * The vectors drawn at the head, with their colours (card legend and 3-D arrows agree). `grad` is
 * what the optimizer received (∇L, or its estimate and/or noisy value); `trueGrad`, drawn fainter,
 * is ∇L beside it, shown only when the two differ by construction (an estimator or noise).
 */
export const STATE_ARROWS = [
  { key: 'grad', label: '−∇L', title: 'steepest descent: minus the gradient at the head', color: '#f4f7fb', faint: false },
  {
    key: 'trueGrad',
    label: '−∇L (true gradient)',
    title: 'minus the exact gradient at the head, beside what the optimizer received',
    color: '#f4f7fb',
    faint: true,
  },
  { key: 'moment', label: '−m', title: 'minus the first moment (momentum) after the update', color: '#ffd38a', faint: false },
  { key: 'delta', label: 'Δθ', title: 'the step actually taken from the head', color: '#35d0ff', faint: false },
] as const

export type ArrowKey = (typeof STATE_ARROWS)[number]['key']

/** The received gradient's row label and tooltip for the run's gradient source. */
const GRAD_LABELS: Record<GradSource, { readonly label: string; readonly title: string }> = {
  exact: { label: STATE_ARROWS[0].label, title: STATE_ARROWS[0].title },
  estimate: {
    label: '−ĝ (gradient estimate)',
    title: 'minus the gradient estimate the optimizer received at the head (its estimator’s draws at this step)',
  },
  noisy: { label: '−g̃ (noisy gradient)', title: 'minus the gradient plus the scenario’s noise, as the optimizer received it at the head' },
  'noisy estimate': {
    label: '−ĝ (noisy gradient estimate)',
    title: 'minus the gradient estimate plus the scenario’s noise, as the optimizer received it at the head',
  },
}

/** Label and tooltip of an arrow's row for a view (the received gradient's depend on its source). */
export function arrowLabel(key: ArrowKey, v: StepView): { readonly label: string; readonly title: string } {
  if (key === 'grad') return GRAD_LABELS[v.gradSource]
  const a = STATE_ARROWS.find((x) => x.key === key)!
  return { label: a.label, title: key === 'moment' && v.moment ? `${a.title} (${v.moment.slot})` : a.title }
}

/** Whether the view has an arrow (or row) for `key`: the true gradient only beside an estimate or a noisy gradient. */
export function hasArrow(key: ArrowKey, v: StepView): boolean {
  return key !== 'trueGrad' || v.gradSource !== 'exact'
}

/** The direction of each arrow in the (x, y) plane, or null where there is none. */
export function arrowVectors(v: StepView): Record<ArrowKey, readonly [number, number] | null> {
  const finite = (p: readonly [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (p[0] !== 0 || p[1] !== 0)
  const grad = [-v.grad[0], -v.grad[1]] as const
  const trueGrad = [-v.trueGrad[0], -v.trueGrad[1]] as const
  const moment = v.moment ? ([-v.moment.value[0], -v.moment.value[1]] as const) : null
  return {
    grad: finite(grad) ? grad : null,
    trueGrad: hasArrow('trueGrad', v) && finite(trueGrad) ? trueGrad : null,
    moment: moment && finite(moment) ? moment : null,
    delta: finite(v.delta) ? v.delta : null,
  }
}
