/**
 * The loss chart under the pointer: the kept point at a pixel column (for the readout and for
 * click-to-seek) and the readout's text, each optimizer's median loss at that step.
 */
import type { LossChartSpec } from './loss-chart'

/** Kept point index at CSS pixel `px` of the chart, or null outside the plot. */
export function keptPointAt(
  spec: Pick<LossChartSpec, 'margin' | 'width' | 'x' | 'empty'>,
  px: number,
  every: number,
  kept: number,
): number | null {
  if (spec.empty || kept <= 0) return null
  const plot = spec.width - spec.margin.left - spec.margin.right
  const f = (px - spec.margin.left) / plot
  if (f < -0.02 || f > 1.02) return null
  const step = Math.max(0, Math.min(1, f)) * spec.x[1]
  return Math.max(0, Math.min(kept - 1, Math.round(step / Math.max(1, every))))
}
