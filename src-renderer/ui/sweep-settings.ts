/**
 * The sweep panel's settings as a session saves them (`view.sweep`): which optimizer, the axes,
 * the grid size, the metric and tolerance, and the axis ranges the user fixed.
 */
export interface SweepSettings {
  readonly index: number
  readonly xKey: string
  readonly yKey: string
  readonly n: number
  readonly metric: 'final' | 'tolerance' | 'diverged'
  readonly tolerance: number
  readonly ranges: Readonly<Record<string, { readonly from: number; readonly to: number; readonly log: boolean }>>
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

export function parseSweepSettings(v: unknown): SweepSettings | string {
  const o = v as Record<string, unknown> | null
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'must be an object'
  if (!Number.isInteger(o.index) || (o.index as number) < 0) return 'index must be an optimizer index'
  if (typeof o.xKey !== 'string' || typeof o.yKey !== 'string') return 'xKey and yKey must be hyperparameter names'
  if (!Number.isInteger(o.n) || (o.n as number) < 2 || (o.n as number) > 256) return 'n must be a whole number in 2 … 256'
  if (o.metric !== 'final' && o.metric !== 'tolerance' && o.metric !== 'diverged')
    return 'metric must be "final", "tolerance" or "diverged"'
  if (!finite(o.tolerance) || o.tolerance <= 0) return 'tolerance must be a positive number'
  const ranges: Record<string, { from: number; to: number; log: boolean }> = {}
  if (typeof o.ranges !== 'object' || o.ranges === null || Array.isArray(o.ranges)) return 'ranges must be an object'
  for (const [k, r] of Object.entries(o.ranges as Record<string, unknown>)) {
    const q = r as Record<string, unknown> | null
    if (typeof q !== 'object' || q === null || !finite(q.from) || !finite(q.to) || typeof q.log !== 'boolean')
      return `ranges.${k} must be {from, to, log}`
    ranges[k] = { from: q.from, to: q.to, log: q.log }
  }
  return { index: o.index as number, xKey: o.xKey, yKey: o.yKey, n: o.n as number, metric: o.metric, tolerance: o.tolerance, ranges }
}
