/**
 * The race table as CSV, one row per optimizer in rank order. Numbers are written in full
 * (shortest round-trip form); a quantile without a value is empty, with its status beside it.
 */
import { OBJECTIVE_TITLE, type RaceObjective } from './objective'
import type { RankedRow } from './rank'
import type { Quantile } from './stats'

export interface RaceCsvMeta {
  readonly objective: RaceObjective
  readonly tolerance: number
}

export const RACE_CSV_COLUMNS = [
  'rank',
  'optimizer',
  'label',
  'lr',
  'lr_tuned',
  'lr_at_grid_edge',
  'objective',
  'median',
  'median_status',
  'q1',
  'q3',
  'iqr',
  'starts',
  'diverged',
  'never_reached',
] as const

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const num = (v: number) => (Number.isFinite(v) ? String(v) : '')
const q = (x: Quantile) => (x.status === 'ok' ? String(x.value) : '')

export function raceCsv(rows: readonly RankedRow[], meta: RaceCsvMeta): string {
  const objective =
    meta.objective === 'tolerance' ? `${OBJECTIVE_TITLE.tolerance} (loss <= ${meta.tolerance})` : OBJECTIVE_TITLE[meta.objective]
  const lines = [RACE_CSV_COLUMNS.join(',')]
  for (const r of rows) {
    const s = r.summary
    lines.push(
      [
        String(r.rank),
        r.name,
        r.label,
        String(r.lr),
        String(r.tuned),
        String(!!r.atGridEdge),
        objective,
        q(s.median),
        s.median.status,
        q(s.q1),
        q(s.q3),
        num(s.iqr),
        String(s.starts),
        String(s.diverged),
        String(s.never),
      ]
        .map(csvField)
        .join(','),
    )
  }
  return `${lines.join('\r\n')}\r\n`
}
