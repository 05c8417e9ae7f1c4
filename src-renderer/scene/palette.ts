/** Optimizer colours, in the order optimizers are listed (warm and saturated: they sit on a cool landscape). */
export const OPTIMIZER_COLORS = ['#ffb020', '#ff4f6d', '#7be27b', '#c08cff', '#ff8a3d', '#f2f2f2', '#ffe45c', '#ff7ae0'] as const

export function optimizerColor(index: number): string {
  return OPTIMIZER_COLORS[index % OPTIMIZER_COLORS.length]
}
