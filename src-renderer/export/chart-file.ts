/**
 * The loss chart as a file: SVG (vector, from the same spec the card draws) and PNG (the card's
 * own canvas drawing at a chosen scale), each with a header naming the optimizers in their
 * colours. `chartSvg` is pure; `chartPng` needs a canvas.
 */
import { drawLossChart, lossChart, type LossChartSpec, type LossData } from '../charts/loss-chart'

export interface ChartFileOptions {
  /** Layout size in pixels (the PNG is this times `scale`). */
  readonly width: number
  readonly height: number
  readonly colors: readonly string[]
  readonly hidden: readonly number[]
  /** One per optimizer, in job order. */
  readonly labels: readonly string[]
  readonly title: string
  readonly flowCount?: number
}

const BG = '#0b0f16'
const HEADER = 46
const FONT = 'Inter, Segoe UI, system-ui, sans-serif'
const PAD = 12

/** The spec of the plot area below the header (at most 100 runs per optimizer: files stay small). */
export function chartFileSpec(data: LossData, o: ChartFileOptions): LossChartSpec {
  return lossChart(data, {
    width: o.width - 2 * PAD,
    height: Math.max(40, o.height - HEADER - PAD),
    colors: o.colors,
    hidden: o.hidden,
    maxRunsPerOptimizer: 100,
  })
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const n1 = (v: number) => String(Math.round(v * 10) / 10)

function pathOf(pts: Float32Array): string {
  let d = ''
  let pen = false
  for (let i = 0; i < pts.length; i += 2) {
    const x = pts[i],
      y = pts[i + 1]
    if (Number.isNaN(y)) {
      pen = false
      continue
    }
    d += `${pen ? 'L' : 'M'}${n1(x)} ${n1(y)}`
    pen = true
  }
  return d
}

const fmtTick = (v: number) => {
  if (v === 0) return '0'
  const a = Math.abs(v)
  return a >= 1e4 || a < 1e-2 ? v.toExponential(0).replace('e+', 'e') : String(Number(v.toPrecision(3)))
}

function legendEntries(o: ChartFileOptions): Array<{ label: string; color: string; dashed?: boolean }> {
  const out: Array<{ label: string; color: string; dashed?: boolean }> = o.labels
    .map((label, i) => ({ label, color: o.colors[i % o.colors.length], i }))
    .filter((e) => !o.hidden.includes(e.i))
  if (o.flowCount) out.push({ label: 'central flow (predicted)', color: '#ffffff', dashed: true })
  return out
}

/** Standalone SVG of the chart. */
export function chartSvg(data: LossData, o: ChartFileOptions): string {
  const spec = chartFileSpec(data, o)
  const m = spec.margin
  const plotW = spec.width - m.left - m.right
  const plotH = spec.height - m.top - m.bottom
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}" viewBox="0 0 ${o.width} ${o.height}" font-family="${FONT}">`,
  )
  out.push(`<rect width="100%" height="100%" fill="${BG}"/>`)
  out.push(
    `<text x="${PAD}" y="20" font-size="13" font-weight="600" fill="#dfe6ef">${esc(o.title)}<tspan dx="10" fill="#7f8da0" font-weight="400" font-size="11">${spec.empty ? '' : spec.log ? 'loss vs step · log scale' : 'loss vs step · linear'}</tspan></text>`,
  )
  let lx = PAD
  for (const e of legendEntries(o)) {
    out.push(
      `<line x1="${lx}" y1="34" x2="${lx + 16}" y2="34" stroke="${e.color}" stroke-width="3"${e.dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
    )
    out.push(`<text x="${lx + 21}" y="38" font-size="11" fill="#b4c0cf">${esc(e.label)}</text>`)
    lx += 21 + Math.ceil(e.label.length * 6.2) + 16
  }
  out.push(`<g transform="translate(${PAD} ${HEADER})">`)
  out.push(`<g stroke="rgba(150,170,195,0.12)" stroke-width="1">`)
  const yOf = (t: number) => m.top + (1 - (t - spec.y[0]) / (spec.y[1] - spec.y[0])) * plotH
  const xOf = (t: number) => m.left + (t / spec.x[1]) * plotW
  for (const t of spec.yTicks) out.push(`<line x1="${m.left}" y1="${n1(yOf(t))}" x2="${spec.width - m.right}" y2="${n1(yOf(t))}"/>`)
  for (const t of spec.xTicks) out.push(`<line x1="${n1(xOf(t))}" y1="${m.top}" x2="${n1(xOf(t))}" y2="${m.top + plotH}"/>`)
  out.push('</g>')
  out.push(`<g font-size="10" fill="#8593a6">`)
  for (const t of spec.yTicks)
    out.push(`<text x="${m.left - 4}" y="${n1(yOf(t) + 3.5)}" text-anchor="end">${spec.log ? `1e${t}` : fmtTick(t)}</text>`)
  for (const t of spec.xTicks) out.push(`<text x="${n1(xOf(t))}" y="${m.top + plotH + 14}" text-anchor="middle">${fmtTick(t)}</text>`)
  out.push('</g>')
  if (!spec.empty) {
    out.push(`<clipPath id="plot"><rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}"/></clipPath>`)
    out.push(`<g clip-path="url(#plot)" fill="none" stroke-linejoin="round">`)
    for (const s of spec.runs)
      out.push(`<path d="${pathOf(s.points)}" stroke="${s.color}" stroke-opacity="${spec.runAlpha.toFixed(3)}" stroke-width="1"/>`)
    for (const s of spec.medians) out.push(`<path d="${pathOf(s.points)}" stroke="${s.color}" stroke-width="2"/>`)
    for (const s of spec.flows)
      out.push(`<path d="${pathOf(s.points)}" stroke="${s.color}" stroke-opacity="0.9" stroke-width="1.5" stroke-dasharray="4 3"/>`)
    out.push('</g>')
  }
  out.push(`<text x="${spec.width - m.right}" y="${spec.height + 8}" font-size="10" fill="#7f8da0" text-anchor="end">step</text>`)
  out.push('</g>')
  out.push('</svg>')
  return out.join('\n') + '\n'
}

/** PNG of the chart, `scale` device pixels per layout pixel. */
export async function chartPng(data: LossData, o: ChartFileOptions, scale: number): Promise<Blob> {
  const spec = chartFileSpec(data, o)
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(o.width * scale)
  canvas.height = Math.round(o.height * scale)
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no 2-D canvas context')
  ctx.setTransform(scale, 0, 0, scale, 0, 0)
  // The plot first (drawLossChart clears its own rectangle), then the background behind it.
  ctx.save()
  ctx.translate(PAD, HEADER)
  drawLossChart(ctx, spec)
  ctx.fillStyle = '#7f8da0'
  ctx.font = `10px ${FONT}`
  ctx.textAlign = 'right'
  ctx.textBaseline = 'alphabetic'
  ctx.fillText('step', spec.width - spec.margin.right, spec.height + 8)
  ctx.restore()
  ctx.globalCompositeOperation = 'destination-over'
  ctx.fillStyle = BG
  ctx.fillRect(0, 0, o.width, o.height)
  ctx.globalCompositeOperation = 'source-over'
  ctx.textAlign = 'left'
  ctx.textBaseline = 'alphabetic'
  ctx.font = `600 13px ${FONT}`
  ctx.fillStyle = '#dfe6ef'
  ctx.fillText(o.title, PAD, 20)
  const tw = ctx.measureText(o.title).width
  ctx.font = `400 11px ${FONT}`
  ctx.fillStyle = '#7f8da0'
  ctx.fillText(spec.empty ? '' : spec.log ? 'loss vs step · log scale' : 'loss vs step · linear', PAD + tw + 10, 20)
  let lx = PAD
  for (const e of legendEntries(o)) {
    ctx.strokeStyle = e.color
    ctx.lineWidth = 3
    ctx.setLineDash(e.dashed ? [4, 3] : [])
    ctx.beginPath()
    ctx.moveTo(lx, 34)
    ctx.lineTo(lx + 16, 34)
    ctx.stroke()
    ctx.setLineDash([])
    ctx.fillStyle = '#b4c0cf'
    ctx.fillText(e.label, lx + 21, 38)
    lx += 21 + ctx.measureText(e.label).width + 16
  }
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
  if (!blob) throw new Error('the PNG encoder failed')
  return blob
}
