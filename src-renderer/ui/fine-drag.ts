/**
 * Fine adjustment of a hyperparameter slider: a Shift-drag moves the value by a tenth of what a
 * plain drag over the same distance would (≈150 px per decade on the lr slider instead of ≈15),
 * starting from the value under the thumb rather than jumping to the pointer.
 */
import { fromPosition, type Scale, STEPS, toPosition } from '../panels/scales'

export const FINE_FACTOR = 10

/** The value after dragging `dx` pixels (of a `width`-pixel slider) from `start` in fine mode. */
export function fineDragValue(scale: Scale, start: number, dx: number, width: number): number {
  const position = toPosition(scale, start) + (dx / Math.max(1, width)) * (STEPS / FINE_FACTOR)
  const v = fromPosition(scale, Math.max(0, Math.min(STEPS, position)))
  // Three significant digits can swallow a fine step: keep one more digit.
  return scale.kind === 'oneMinus' ? v : Number(v.toPrecision(4))
}
