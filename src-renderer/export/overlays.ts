/**
 * The overlays of an exported frame, painted with a 2-D context over the rendered scene: a
 * title, a step counter, the legend (with each optimizer's median loss at the frame's step) and
 * the loss chart with a cursor. Laid out in "layout pixels" (the 720p layout), scaled by the
 * export's render scale, so every size shows the same composition.
 */
import { drawLossChart, lossChart, type LossChartSpec } from '../charts/loss-chart'
import { formatNumber } from '../store/scenario'
import type { Overlays } from './options'
import { type ExportData, medianLoss } from './snapshot'

const FONT = 'Inter, "Segoe UI", system-ui, sans-serif'
const MONO = '"DejaVu Sans Mono", Menlo, Consolas, monospace'
const MARGIN = 16
const LEGEND_W = 272
const CHART_W = 340
const CHART_H = 196
const CARD_BG = 'rgba(14, 19, 27, 0.86)'
const CARD_BORDER = '#2a3545'

export interface OverlayLayout {
  /** Layout size (pixels of the 720p layout) and the scale to device pixels. */
  readonly width: number
  readonly height: number
  readonly scale: number
}

function card(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number): void {
  ctx.beginPath()
  ctx.roundRect(x, y, w, h, 9)
  ctx.fillStyle = CARD_BG
  ctx.fill()
  ctx.lineWidth = 1
  ctx.strokeStyle = CARD_BORDER
  ctx.stroke()
}

/** Cut `text` with an ellipsis to fit `maxWidth` in the current font. */
function fit(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text
  let lo = 0,
    hi = text.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (ctx.measureText(text.slice(0, mid) + '…').width <= maxWidth) lo = mid
    else hi = mid - 1
  }
  return text.slice(0, lo) + '…'
}

export interface OverlayPainter {
  /** Paint the overlays of the frame at kept point `t` (optimizer step `step`). */
  paint(ctx: CanvasRenderingContext2D, t: number, step: number): void
}

/**
 * Prepares what does not change between frames (the chart's curves, the legend's size) once;
 * `paint` then costs a few text draws per frame.
 */
export function overlayPainter(data: ExportData, overlays: Overlays, title: string, layout: OverlayLayout): OverlayPainter {
  const { width: W, height: H, scale: s } = layout
  const hidden = data.look.hidden
  const shown = data.labels
    .map((label, o) => ({ label, o, color: data.colors[o % data.colors.length] }))
    .filter((e) => !hidden.includes(e.o))
  const legendH = 34 + 22 * shown.length + (data.job.flows.length > 0 ? 22 : 0)
  const chartW = Math.min(CHART_W, W - 2 * MARGIN)
  const chartTop = overlays.legend ? MARGIN + legendH + MARGIN : MARGIN
  const chartH = Math.max(0, Math.min(CHART_H, H - chartTop - MARGIN))

  // The chart's curves, drawn once into their own canvas at device resolution.
  let chart: { canvas: HTMLCanvasElement; spec: LossChartSpec; x: number; y: number } | null = null
  if (overlays.chart && chartH >= 80 && chartW >= 160) {
    const pw = chartW - 20
    const ph = chartH - 30
    const spec = lossChart(
      {
        loss: data.job.loss,
        runs: data.job.runs.length,
        starts: data.job.starts,
        kept: data.job.kept,
        received: data.job.received,
        every: data.job.every,
        flows: data.job.flows.map((f) => f.predictedLoss),
      },
      { width: pw, height: ph, colors: data.colors, hidden },
    )
    const canvas = document.createElement('canvas')
    canvas.width = Math.round(pw * s)
    canvas.height = Math.round(ph * s)
    const c = canvas.getContext('2d')
    if (c) {
      c.setTransform(s, 0, 0, s, 0, 0)
      drawLossChart(c, spec)
      chart = { canvas, spec, x: W - MARGIN - chartW + 10, y: H - MARGIN - chartH + 24 }
    }
  }

  return {
    paint(ctx, t, step) {
      ctx.save()
      ctx.setTransform(s, 0, 0, s, 0, 0)
      ctx.textBaseline = 'alphabetic'
      const j = Math.round(t)

      if (overlays.title && title.trim()) {
        ctx.font = `650 24px ${FONT}`
        ctx.fillStyle = '#eef3f9'
        ctx.shadowColor = 'rgba(0, 0, 0, 0.6)'
        ctx.shadowBlur = 6
        const maxW = W - 2 * MARGIN - (overlays.legend ? LEGEND_W + MARGIN : 0)
        ctx.fillText(fit(ctx, title.trim(), maxW), MARGIN + 4, MARGIN + 24)
        ctx.font = `400 13px ${MONO}`
        ctx.fillStyle = '#a9b6c7'
        ctx.fillText(fit(ctx, `f(x, y) = ${data.expression}`, maxW), MARGIN + 5, MARGIN + 46)
        ctx.shadowBlur = 0
        ctx.shadowColor = 'transparent'
      }

      if (overlays.steps) {
        const last = data.lastStep
        const text = `step ${Math.round(step)} / ${last}`
        ctx.font = `500 15px ${MONO}`
        const w = Math.ceil(ctx.measureText(text).width) + 24
        card(ctx, MARGIN, H - MARGIN - 34, w, 34)
        ctx.fillStyle = '#dfe6ef'
        ctx.fillText(text, MARGIN + 12, H - MARGIN - 12)
        // Progress through the run: a thin bar under the counter.
        const frac = last > 0 ? Math.max(0, Math.min(1, step / last)) : 1
        ctx.fillStyle = 'rgba(90, 169, 255, 0.9)'
        ctx.fillRect(MARGIN + 10, H - MARGIN - 6, (w - 20) * frac, 2)
      }

      if (overlays.legend && shown.length > 0) {
        const x = W - MARGIN - LEGEND_W
        card(ctx, x, MARGIN, LEGEND_W, legendH)
        ctx.font = `600 11px ${FONT}`
        ctx.fillStyle = '#b4c0cf'
        ctx.fillText('OPTIMIZERS', x + 12, MARGIN + 21)
        ctx.font = `400 11px ${FONT}`
        ctx.fillStyle = '#7f8da0'
        ctx.fillText('loss (median)', x + 96, MARGIN + 21)
        let y = MARGIN + 34
        for (const e of shown) {
          ctx.fillStyle = e.color
          ctx.beginPath()
          ctx.roundRect(x + 12, y + 9, 18, 3, 1.5)
          ctx.fill()
          const value = medianLoss(data.job, e.o, j)
          const valueText = Number.isFinite(value) ? formatNumber(value, 3) : '—'
          ctx.font = `400 11.5px ${MONO}`
          const vw = ctx.measureText(valueText).width
          ctx.fillStyle = '#b4c0cf'
          ctx.fillText(valueText, x + LEGEND_W - 12 - vw, y + 15)
          ctx.font = `400 12.5px ${FONT}`
          ctx.fillStyle = '#dfe6ef'
          ctx.fillText(fit(ctx, e.label, LEGEND_W - 60 - vw), x + 38, y + 15)
          y += 22
        }
        if (data.job.flows.length > 0) {
          ctx.fillStyle = '#ffffff'
          ctx.fillRect(x + 12, y + 9, 18, 3)
          ctx.font = `400 12px ${FONT}`
          ctx.fillStyle = '#b4c0cf'
          ctx.fillText(`central flow · ${data.job.flows.length} run${data.job.flows.length === 1 ? '' : 's'}`, x + 38, y + 15)
        }
      }

      if (chart) {
        const { spec } = chart
        const cx = W - MARGIN - chartW
        const cy = H - MARGIN - chartH
        card(ctx, cx, cy, chartW, chartH)
        ctx.font = `600 11px ${FONT}`
        ctx.fillStyle = '#b4c0cf'
        ctx.fillText('LOSS VS STEP', cx + 10, cy + 17)
        ctx.font = `400 11px ${FONT}`
        ctx.fillStyle = '#7f8da0'
        ctx.fillText(spec.empty ? '' : spec.log ? 'log scale' : 'linear', cx + 104, cy + 17)
        ctx.drawImage(chart.canvas, chart.x, chart.y, spec.width, spec.height)
        if (!spec.empty) {
          const m = spec.margin
          const px = chart.x + m.left + (step / spec.x[1]) * (spec.width - m.left - m.right)
          ctx.strokeStyle = 'rgba(235, 242, 250, 0.7)'
          ctx.setLineDash([3, 3])
          ctx.lineWidth = 1
          ctx.beginPath()
          ctx.moveTo(px, chart.y + m.top)
          ctx.lineTo(px, chart.y + spec.height - m.bottom)
          ctx.stroke()
          ctx.setLineDash([])
        }
      }
      ctx.restore()
    },
  }
}
