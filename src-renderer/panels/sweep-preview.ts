/**
 * Preview of one sweep cell: its trajectories from every start point, top-down over the drawn
 * region (the loss surface as a grey background when one is on screen), from the iterates the
 * sweep job already produced. Nothing is applied to the scenario until the user asks.
 */
import type { Surface } from '../../src-shared/api'
import type { SweepRaw } from '../data/sweep'
import type { Region } from '../store/scenario'

/** Paths of cell `c`'s start points: run c·starts + s. */
export function cellPaths(raw: SweepRaw, c: number): Array<Array<readonly [number, number]>> {
  const out: Array<Array<readonly [number, number]>> = []
  for (let s = 0; s < raw.starts; s++) {
    const r = c * raw.starts + s
    const path: Array<readonly [number, number]> = []
    for (let q = 0; q < raw.previewPoints; q++) {
      const x = raw.previewXY[2 * (r * raw.previewPoints + q)],
        y = raw.previewXY[2 * (r * raw.previewPoints + q) + 1]
      if (!Number.isFinite(x) || !Number.isFinite(y)) break
      path.push([x, y])
    }
    out.push(path)
  }
  return out
}

export function drawPreview(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  raw: SweepRaw,
  c: number,
  region: Region,
  surface: Surface | null,
  color: string,
): void {
  ctx.clearRect(0, 0, width, height)
  const [x0, x1] = region.x,
    [y0, y1] = region.y
  const px = (x: number) => ((x - x0) / (x1 - x0)) * width
  const py = (y: number) => height - ((y - y0) / (y1 - y0)) * height
  ctx.fillStyle = '#0b1017'
  ctx.fillRect(0, 0, width, height)
  if (surface && surface.x[0] === x0 && surface.x[1] === x1 && surface.y[0] === y0 && surface.y[1] === y1) {
    // The surface's robust range on a square-root ramp: enough to see valleys and minima.
    const [nx, ny] = surface.n
    const span = Math.max(1e-300, surface.hi - surface.lo)
    const cw = width / nx,
      chh = height / ny
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = surface.values[j * nx + i]
        const t = Number.isFinite(v) ? Math.sqrt(Math.min(1, Math.max(0, (v - surface.lo) / span))) : 1
        const g = Math.round(18 + 60 * t)
        ctx.fillStyle = `rgb(${g},${g + 6},${g + 14})`
        ctx.fillRect(i * cw, height - (j + 1) * chh, cw + 0.6, chh + 0.6)
      }
    }
  }
  ctx.lineWidth = 1.4
  ctx.lineJoin = 'round'
  const paths = cellPaths(raw, c)
  paths.forEach((path, s) => {
    if (path.length === 0) return
    const diverged = raw.divergedAt[c * raw.starts + s] >= 0
    ctx.strokeStyle = diverged ? '#ff4f6d' : color
    ctx.beginPath()
    path.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))))
    ctx.stroke()
    // Start ring, end dot.
    ctx.strokeStyle = '#ffffff'
    ctx.beginPath()
    ctx.arc(px(path[0][0]), py(path[0][1]), 2.6, 0, 2 * Math.PI)
    ctx.stroke()
    const [ex, ey] = path[path.length - 1]
    ctx.fillStyle = diverged ? '#ff4f6d' : color
    ctx.beginPath()
    ctx.arc(px(ex), py(ey), 2.2, 0, 2 * Math.PI)
    ctx.fill()
  })
}
