/**
 * Optimizer colours, in the order optimizers are listed (warm and saturated: they sit on a cool
 * landscape). Chosen so that any two differ by ΔE ≥ 30 (CIELAB) and none is near the white of the
 * start rings (tests/renderer/trust.test.ts checks both).
 */
export const OPTIMIZER_COLORS = ['#ffb020', '#ff4f6d', '#5ee07a', '#b98cff', '#ff7ae0', '#e8f050', '#ff3d1f', '#a07040'] as const

/** The start rings' colour (Trajectories' START_FRAGMENT draws it: rgb(0.93, 0.96, 1.0)). */
export const START_RING_COLOR = '#edf5ff'

export function optimizerColor(index: number): string {
  return OPTIMIZER_COLORS[index % OPTIMIZER_COLORS.length]
}
