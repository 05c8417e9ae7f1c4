/**
 * Start points against the drawn region: how many lie outside it (a new formula keeps the region,
 * so its starts may fall off the map) and the smallest region, with a margin, that holds them all.
 */
import { type InitDoc, initMode, type Pair, type Region } from '../store/scenario'

/** The start set's points, or for a cloud / grid the corners of its box (enough to bound it). */
function startBox(init: InitDoc): { points: Pair[]; count: number } {
  switch (initMode(init)) {
    case 'point':
      return { points: [init as Pair], count: 1 }
    case 'points':
      return { points: (init as readonly Pair[]).slice(), count: (init as readonly Pair[]).length }
    case 'grid': {
      const g = (init as { grid: { x: Pair; y: Pair; n: Pair } }).grid
      return {
        points: [
          [g.x[0], g.y[0]],
          [g.x[1], g.y[1]],
        ],
        count: g.n[0] * g.n[1],
      }
    }
    case 'random': {
      const r = (init as { random: { x: Pair; y: Pair; count: number } }).random
      return {
        points: [
          [r.x[0], r.y[0]],
          [r.x[1], r.y[1]],
        ],
        count: r.count,
      }
    }
  }
}

const inside = (r: Region, p: Pair) => p[0] >= r.x[0] && p[0] <= r.x[1] && p[1] >= r.y[0] && p[1] <= r.y[1]

/** Whether any start lies outside the region, and a one-line description. */
export function startsOutside(init: InitDoc, region: Region): { outside: boolean; text: string } {
  const { points } = startBox(init)
  const mode = initMode(init)
  if (mode === 'point' || mode === 'points') {
    const out = points.filter((p) => !inside(region, p)).length
    return {
      outside: out > 0,
      text: out === 0 ? '' : `${out} of ${points.length} start point${points.length === 1 ? '' : 's'} outside the drawn region`,
    }
  }
  const out = points.some((p) => !inside(region, p))
  return { outside: out, text: out ? `The ${mode === 'grid' ? 'start grid' : 'start cloud'} reaches outside the drawn region` : '' }
}

const nice = (v: number) => Number(v.toPrecision(3))

/** The region grown (never shrunk) to hold every start with a 15 % margin of its size. */
export function fitRegionToStarts(init: InitDoc, region: Region): Region {
  const { points } = startBox(init)
  let x0 = region.x[0],
    x1 = region.x[1],
    y0 = region.y[0],
    y1 = region.y[1]
  for (const [x, y] of points) {
    x0 = Math.min(x0, x)
    x1 = Math.max(x1, x)
    y0 = Math.min(y0, y)
    y1 = Math.max(y1, y)
  }
  const mx = 0.15 * (x1 - x0),
    my = 0.15 * (y1 - y0)
  const grow = (lo: number, hi: number, m: number, r: Pair): Pair => [lo < r[0] ? nice(lo - m) : r[0], hi > r[1] ? nice(hi + m) : r[1]]
  return { x: grow(x0, x1, mx, region.x), y: grow(y0, y1, my, region.y) }
}
