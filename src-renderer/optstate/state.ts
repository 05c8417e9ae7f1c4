/**
 * The optimizer-state view's shared state, outside React (it changes with the playhead): whether
 * the view is open, and the replayed update at the playhead for the selected run (the EoS view's
 * run, so both views show the same one). The card computes it; the 3-D arrows read it per frame.
 */
import { invalidate } from '@react-three/fiber'
import { listeners } from '../data/listeners'
import type { StepView } from './replay'

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

/** The three vectors drawn at the head, with their colours (card legend and 3-D arrows agree). */
export const STATE_ARROWS = [
  { key: 'grad', label: '−∇L', title: 'steepest descent: minus the gradient at the head', color: '#f4f7fb' },
  { key: 'moment', label: '−m', title: 'minus the first moment (momentum) after the update', color: '#ffd38a' },
  { key: 'delta', label: 'Δθ', title: 'the step actually taken from the head', color: '#35d0ff' },
] as const

/** The direction of each arrow in the (x, y) plane, or null where there is none. */
export function arrowVectors(v: StepView): Record<(typeof STATE_ARROWS)[number]['key'], readonly [number, number] | null> {
  const finite = (p: readonly [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (p[0] !== 0 || p[1] !== 0)
  const grad = [-v.grad[0], -v.grad[1]] as const
  const moment = v.moment ? ([-v.moment.value[0], -v.moment.value[1]] as const) : null
  return {
    grad: finite(grad) ? grad : null,
    moment: moment && finite(moment) ? moment : null,
    delta: finite(v.delta) ? v.delta : null,
  }
}
