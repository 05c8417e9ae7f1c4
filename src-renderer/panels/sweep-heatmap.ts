/**
 * The sweep heatmap on a canvas: geometry (cells, value → pixel on either axis, the cell under the
 * pointer), the cells with their colour or hatching, the selection, and the analytic overlays.
 * The colour bar, legend and tooltip are DOM (SweepPanel.tsx), so they stay readable and testable.
 */
import { type ColourScale, ramp, rampPosition } from '../data/sweep-scale'
import { CELL_DIVERGED, CELL_NEVER_REACHED, type SweepAxis, type SweepResult, type SweepSpec } from '../data/sweep'
import type { SweepOverlay } from '../data/sweep-overlay'
import { formatNumber } from '../store/scenario'

export const HEATMAP_MARGIN = { left: 46, right: 8, top: 8, bottom: 32 } as const

export const OVERLAY_STYLE = {
  stability: { color: '#ff6b6b', dash: [] as number[] },
  critical: { color: '#ffffff', dash: [5, 3] },
} as const

export interface HeatmapGeometry {
  readonly width: number
  readonly height: number
  readonly nx: number
  readonly ny: number
  readonly cw: number
  readonly ch: number
  /** Cell index (row-major, y then x) under CSS pixel (px, py) of the canvas, or null. */
  cellAt(px: number, py: number): number | null
  /** Pixel x of a value on the x axis (continuous: cell i's centre is value xs[i]). */
  xPx(v: number): number
  /** Pixel y of a value on the y axis. */
  yPx(v: number): number
}

/** Fractional cell index of value v on an axis of n values (cell i's centre is index i). */
function axisIndex(a: SweepAxis, v: number, n: number): number {
  const t = (x: number) => (a.log ? Math.log10(x) : x)
  if (n < 2 || a.to === a.from) return 0
  return ((t(v) - t(a.from)) / (t(a.to) - t(a.from))) * (n - 1)
}

export function heatmapGeometry(width: number, height: number, r: SweepResult, spec: SweepSpec): HeatmapGeometry {
  const M = HEATMAP_MARGIN
  const nx = r.xs.length
  const ny = r.ys?.length ?? 1
  const cw = (width - M.left - M.right) / nx
  const ch = (height - M.top - M.bottom) / ny
  return {
    width,
    height,
    nx,
    ny,
    cw,
    ch,
    cellAt(px, py) {
      const i = Math.floor((px - M.left) / cw)
      const row = Math.floor((py - M.top) / ch)
      if (i < 0 || i >= nx || row < 0 || row >= ny) return null
      return (ny - 1 - row) * nx + i
    },
    xPx: (v) => M.left + (axisIndex(spec.x, v, nx) + 0.5) * cw,
    yPx: (v) => (spec.y ? M.top + (ny - 1 - axisIndex(spec.y, v, ny) + 0.5) * ch : M.top + ch / 2),
  }
}

/** Fill one cell: its colour, or the hatching of its status (shared with the legend's swatches). */
export function paintCell(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  w: number,
  h: number,
  status: number,
  colour: string | null,
): void {
  ctx.save()
  ctx.beginPath()
  ctx.rect(x, y, w, h)
  ctx.clip()
  if (status === CELL_DIVERGED) {
    // Diverged: dark red with dense red diagonals.
    ctx.fillStyle = '#3a1520'
    ctx.fillRect(x, y, w, h)
    ctx.strokeStyle = '#ff4f6d'
    ctx.lineWidth = 1.2
    ctx.beginPath()
    for (let d = -h; d < w; d += 5) {
      ctx.moveTo(x + d, y + h)
      ctx.lineTo(x + d + h, y)
    }
    ctx.stroke()
  } else if (status === CELL_NEVER_REACHED) {
    // Never reached the tolerance (finite, just slow): slate grey with a sparse dot grid.
    ctx.fillStyle = '#2a313c'
    ctx.fillRect(x, y, w, h)
    ctx.fillStyle = '#9aa7b8'
    for (let yy = y + 2; yy < y + h; yy += 5)
      for (let xx = x + 2 + ((yy - y) % 10 === 2 ? 0 : 2.5); xx < x + w; xx += 5) ctx.fillRect(xx, yy, 1.2, 1.2)
  } else {
    ctx.fillStyle = colour ?? '#000'
    ctx.fillRect(x, y, w, h)
  }
  ctx.restore()
}

export function drawHeatmap(
  ctx: CanvasRenderingContext2D,
  g: HeatmapGeometry,
  r: SweepResult,
  spec: SweepSpec,
  scale: ColourScale | null,
  selected: number | null,
  overlay: SweepOverlay | null,
): void {
  const M = HEATMAP_MARGIN
  const { nx, ny, cw, ch } = g
  ctx.clearRect(0, 0, g.width, g.height)
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i
      const v = r.values[c]
      const t = scale ? rampPosition(v, scale) : NaN
      const status = Number.isFinite(v) ? 0 : r.status[c] || CELL_DIVERGED
      paintCell(ctx, M.left + i * cw, M.top + (ny - 1 - j) * ch, cw - 1, ch - 1, status, Number.isFinite(t) ? ramp(t) : null)
    }
  }
  if (overlay) drawOverlay(ctx, g, overlay)
  if (selected !== null) {
    const i = selected % nx
    const j = Math.floor(selected / nx)
    ctx.strokeStyle = '#ffffff'
    ctx.lineWidth = 2
    ctx.strokeRect(M.left + i * cw + 1, M.top + (ny - 1 - j) * ch + 1, cw - 3, ch - 3)
    ctx.lineWidth = 1
  }
  ctx.fillStyle = '#9fb0c8'
  ctx.font = '10px sans-serif'
  ctx.textAlign = 'center'
  ctx.textBaseline = 'alphabetic'
  for (const i of new Set([0, Math.floor((nx - 1) / 2), nx - 1]))
    ctx.fillText(formatNumber(r.xs[i], 2), M.left + (i + 0.5) * cw, g.height - 18)
  ctx.fillText(spec.x.key + (spec.x.log ? ' (log)' : ''), M.left + (g.width - M.left) / 2, g.height - 4)
  if (r.ys && spec.y) {
    ctx.textAlign = 'right'
    for (const j of new Set([0, Math.floor((ny - 1) / 2), ny - 1]))
      ctx.fillText(formatNumber(r.ys[j], 2), M.left - 4, M.top + (ny - 1 - j + 0.5) * ch + 3)
    ctx.save()
    ctx.translate(10, M.top + (g.height - M.top - M.bottom) / 2)
    ctx.rotate(-Math.PI / 2)
    ctx.textAlign = 'center'
    ctx.fillText(spec.y.key, 0, 0)
    ctx.restore()
  }
}

function drawOverlay(ctx: CanvasRenderingContext2D, g: HeatmapGeometry, overlay: SweepOverlay): void {
  const M = HEATMAP_MARGIN
  ctx.save()
  ctx.beginPath()
  ctx.rect(M.left, M.top, g.width - M.left - M.right, g.height - M.top - M.bottom)
  ctx.clip()
  for (const curve of overlay.curves) {
    const style = OVERLAY_STYLE[curve.id]
    // A dark halo under the line keeps it visible over bright and dark cells alike.
    for (const [color, width] of [
      ['rgba(0,0,0,0.6)', 3.5],
      [style.color, 1.6],
    ] as const) {
      ctx.strokeStyle = color
      ctx.lineWidth = width
      ctx.setLineDash(style.dash)
      ctx.beginPath()
      if (curve.at !== undefined) {
        const x = g.xPx(curve.at)
        ctx.moveTo(x, M.top)
        ctx.lineTo(x, g.height - M.bottom)
      } else {
        let pen = false
        for (const [a, b] of curve.points) {
          const x = g.xPx(a),
            y = g.yPx(b)
          if (!Number.isFinite(x) || !Number.isFinite(y)) {
            pen = false
            continue
          }
          if (pen) ctx.lineTo(x, y)
          else ctx.moveTo(x, y)
          pen = true
        }
      }
      ctx.stroke()
    }
  }
  ctx.restore()
}
