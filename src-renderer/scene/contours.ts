/**
 * Contour lines by marching squares over the normalized heights of a sampled surface: one list
 * of segments (grid coordinates) per level, with saddle cells resolved by the cell mean.
 */

export interface ContourSegments {
  /** Per segment: i0, j0, i1, j1 in fractional grid coordinates. */
  readonly coords: Float32Array
  /** Normalized level of each segment. */
  readonly level: Float32Array
  readonly count: number
}

export function contourLevels(n: number): number[] {
  return Array.from({ length: n }, (_, k) => (k + 0.5) / n)
}

/** Segments of every level of `u` (nx × ny, x fastest). NaN cells are skipped. */
export function marchingSquares(u: Float32Array, nx: number, ny: number, levels: readonly number[]): ContourSegments {
  let coords = new Float32Array(4096)
  let level = new Float32Array(1024)
  let count = 0
  const push = (a: number, b: number, c: number, d: number, l: number) => {
    if (count * 4 + 4 > coords.length) {
      const nc = new Float32Array(coords.length * 2)
      nc.set(coords)
      coords = nc
      const nl = new Float32Array(level.length * 2)
      nl.set(level)
      level = nl
    }
    coords.set([a, b, c, d], count * 4)
    level[count++] = l
  }
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const v0 = u[j * nx + i] // (i, j)
      const v1 = u[j * nx + i + 1] // (i+1, j)
      const v2 = u[(j + 1) * nx + i + 1] // (i+1, j+1)
      const v3 = u[(j + 1) * nx + i] // (i, j+1)
      if (!(Number.isFinite(v0) && Number.isFinite(v1) && Number.isFinite(v2) && Number.isFinite(v3))) continue
      const lo = Math.min(v0, v1, v2, v3)
      const hi = Math.max(v0, v1, v2, v3)
      for (const L of levels) {
        if (L < lo || L >= hi) continue
        const c = (v0 >= L ? 1 : 0) | (v1 >= L ? 2 : 0) | (v2 >= L ? 4 : 0) | (v3 >= L ? 8 : 0)
        if (c === 0 || c === 15) continue
        // Edge points: e0 bottom (0-1), e1 right (1-2), e2 top (3-2), e3 left (0-3).
        const t = (a: number, b: number) => (L - a) / (b - a)
        const e0x = i + t(v0, v1),
          e0y = j
        const e1x = i + 1,
          e1y = j + t(v1, v2)
        const e2x = i + t(v3, v2),
          e2y = j + 1
        const e3x = i,
          e3y = j + t(v0, v3)
        switch (c) {
          case 1:
          case 14:
            push(e3x, e3y, e0x, e0y, L)
            break
          case 2:
          case 13:
            push(e0x, e0y, e1x, e1y, L)
            break
          case 3:
          case 12:
            push(e3x, e3y, e1x, e1y, L)
            break
          case 4:
          case 11:
            push(e1x, e1y, e2x, e2y, L)
            break
          case 6:
          case 9:
            push(e0x, e0y, e2x, e2y, L)
            break
          case 7:
          case 8:
            push(e3x, e3y, e2x, e2y, L)
            break
          case 5:
          case 10: {
            const mid = (v0 + v1 + v2 + v3) / 4 >= L
            if ((c === 5) === mid) {
              push(e3x, e3y, e2x, e2y, L)
              push(e0x, e0y, e1x, e1y, L)
            } else {
              push(e3x, e3y, e0x, e0y, L)
              push(e1x, e1y, e2x, e2y, L)
            }
            break
          }
        }
      }
    }
  }
  return { coords: coords.subarray(0, count * 4), level: level.subarray(0, count), count }
}
