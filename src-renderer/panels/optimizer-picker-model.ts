/**
 * The optimizer picker's model, without React: which optimizers match the typed query, grouped
 * by family, and the flat order the arrow keys walk.
 */
import type { OptimizerInfo } from '../../src-shared/api'
import { type Family, groupByFamily } from '../../src-shared/optim/families'

export type PickerItem = Pick<OptimizerInfo, 'name' | 'title' | 'source' | 'rule'>

/** Lower-cased, accents and punctuation other than letters and digits turned into spaces. */
const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()

/**
 * Whether an optimizer matches the query: every whitespace-separated word of it occurs in the
 * name, the title or the citation (`source`: authors, year, paper), case- and accent-insensitive.
 * `kingma 2015`, `nesterov` and `adamw` all find something.
 */
export function matchesQuery(item: PickerItem, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean)
  if (words.length === 0) return true
  const hay = fold(`${item.name} ${item.title} ${item.source}`)
  return words.every((w) => hay.includes(w))
}

export interface PickerGroup<T extends PickerItem> {
  readonly family: Family
  readonly items: readonly T[]
}

/** The matching optimizers grouped by family, and the same items flattened in display order. */
export function pickerView<T extends PickerItem>(items: readonly T[], query: string): { groups: PickerGroup<T>[]; flat: T[] } {
  const groups = groupByFamily(items.filter((o) => matchesQuery(o, query)))
  return { groups, flat: groups.flatMap((g) => g.items) }
}

/** The active index after an arrow key (wrapping), or −1 when nothing matches. */
export function moveActive(active: number, delta: number, count: number): number {
  if (count === 0) return -1
  if (active < 0) return delta > 0 ? 0 : count - 1
  return (((active + delta) % count) + count) % count
}
