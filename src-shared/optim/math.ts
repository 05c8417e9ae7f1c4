/** An optimizer's math, written once (OptimizerDef.math), as its one-line tooltip. */
export function mathTooltip(math: readonly string[]): string {
  return math.map((line) => line.replace(/\s{2,}/g, '  ').trim()).join(';   ')
}
