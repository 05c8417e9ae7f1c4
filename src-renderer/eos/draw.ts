/**
 * The EoS view's three panels on one canvas, sharing the step axis: (a) loss, log scale;
 * (b) sharpness against its threshold; (c) the oscillation along the top eigenvector.
 * `eosLayout` gives the geometry (also used to map a pointer to a step), `drawEosCharts` paints.
 */
import { extent, linearTicks, logTicks, tickLabel } from './series'
import type { EosModel } from './model'
import { notAtEdgeText, thresholdName } from './labels'

export const EOS_COLORS = {
  gd: '#ffb020',
  flow: '#ffffff',
  restarted: '#3fe0c5',
  gfs: '#c084fc',
  threshold: '#ff6b6b',
  onset: '#5aa9ff',
  stop: '#ff6b6b',
  grid: 'rgba(180, 192, 207, 0.12)',
  axis: 'rgba(180, 192, 207, 0.45)',
  text: '#b4c0cf',
  title: '#e6edf5',
} as const

export interface Panel {
  readonly key: 'loss' | 'sharpness' | 'oscillation'
  readonly top: number
  readonly height: number
  readonly log: boolean
  readonly domain: [number, number]
  readonly ticks: number[]
}

export interface EosLayout {
  readonly width: number
  readonly height: number
  readonly left: number
  readonly right: number
  readonly panels: readonly Panel[]
  /** Last kept-point index of the axis (kept − 1). */
  readonly last: number
  readonly every: number
  readonly xTicks: number[]
  /** Pixel x of kept point k. */
  x(k: number): number
  /** Kept point under pixel x (clamped to the axis). */
  pointAt(px: number): number
  /** Pixel y of value v in panel p (NaN when v cannot be drawn there). */
  y(p: Panel, v: number): number
}

const MARGIN = { left: 50, right: 12, top: 34, bottom: 24, gap: 40 }

const sqrtOrNaN = (v: number) => (v >= 0 ? Math.sqrt(v) : NaN)

export function eosLayout(width: number, height: number, m: EosModel): EosLayout {
  const n = m.n
  const last = Math.max(1, m.kept - 1)
  const plotH = Math.max(30, (height - MARGIN.top - MARGIN.bottom - 2 * MARGIN.gap) / 3)
  const flows = [m.flow, ...m.restarted.map((r) => r.flow)].filter((f) => f !== null)

  const lossRange = extent([m.loss, m.smoothedLoss, ...flows.map((f) => f.predictedLoss)], Math.max(n, m.kept), true) ?? [1e-3, 1]
  const lossAxis = logTicks(lossRange[0], lossRange[1])

  const thr = m.threshold.kind === 'none' ? null : [m.threshold.value]
  const flowSharp = m.sharpnessLabel === 'S = λ₁(H)' ? flows.map((f) => f.sharpness) : []
  const sRange = extent([m.sharpness, thr, ...flowSharp, m.gfs], Math.max(n, m.kept)) ?? [0, 1]
  const sAxis = linearTicks(Math.min(0, sRange[0]), sRange[1] * 1.08, 4)

  const sig = m.flow ? [Array.from(m.flow.sigma2, sqrtOrNaN)] : []
  const oRange = extent([m.oscillation, ...sig], Math.max(n, m.kept))
  const amp = oRange ? Math.max(Math.abs(oRange[0]), Math.abs(oRange[1]), 1e-12) * 1.1 : 1
  const oAxis = linearTicks(-amp, amp, 4)

  const panels: Panel[] = [
    { key: 'loss', top: MARGIN.top, height: plotH, log: true, ...lossAxis },
    { key: 'sharpness', top: MARGIN.top + plotH + MARGIN.gap, height: plotH, log: false, ...sAxis },
    { key: 'oscillation', top: MARGIN.top + 2 * (plotH + MARGIN.gap), height: plotH, log: false, ...oAxis },
  ]
  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right)
  const steps = last * m.every
  const xTicks = linearTicks(0, steps, Math.max(2, Math.floor(plotW / 70))).ticks.filter((t) => t <= steps)
  return {
    width,
    height,
    left: MARGIN.left,
    right: width - MARGIN.right,
    panels,
    last,
    every: m.every,
    xTicks,
    x: (k) => MARGIN.left + (k / last) * plotW,
    pointAt: (px) => Math.max(0, Math.min(last, Math.round(((px - MARGIN.left) / plotW) * last))),
    y(p, v) {
      const [a, b] = p.domain
      const t = p.log ? (v > 0 ? (Math.log10(v) - Math.log10(a)) / (Math.log10(b) - Math.log10(a)) : NaN) : (v - a) / (b - a)
      return p.top + p.height * (1 - Math.max(-0.02, Math.min(1.02, t)))
    },
  }
}

interface Line {
  readonly color: string
  readonly width: number
  readonly dash?: number[]
  readonly alpha?: number
}

/** Values v[i] at kept points offset + i·step; NaN (or non-positive on a log axis) breaks the line. */
function series(ctx: CanvasRenderingContext2D, L: EosLayout, p: Panel, v: ArrayLike<number>, count: number, style: Line, offset = 0): void {
  ctx.save()
  ctx.beginPath()
  ctx.rect(L.left, p.top, L.right - L.left, p.height)
  ctx.clip()
  ctx.strokeStyle = style.color
  ctx.globalAlpha = style.alpha ?? 1
  ctx.lineWidth = style.width
  ctx.setLineDash(style.dash ?? [])
  ctx.lineJoin = 'round'
  ctx.beginPath()
  let pen = false
  const stride = Math.max(1, Math.floor(count / 2000))
  for (let i = 0; i < count; i += stride) {
    const y = L.y(p, v[i])
    if (!Number.isFinite(y) || !Number.isFinite(v[i])) {
      pen = false
      continue
    }
    const x = L.x(offset + i)
    if (pen) ctx.lineTo(x, y)
    else ctx.moveTo(x, y)
    pen = true
  }
  ctx.stroke()
  ctx.restore()
}

function frame(ctx: CanvasRenderingContext2D, L: EosLayout, p: Panel, title: string, bottomAxis: boolean): void {
  ctx.font = '10.5px system-ui, sans-serif'
  ctx.textBaseline = 'middle'
  ctx.textAlign = 'right'
  for (const t of p.ticks) {
    const y = L.y(p, t)
    ctx.strokeStyle = EOS_COLORS.grid
    ctx.lineWidth = 1
    ctx.beginPath()
    ctx.moveTo(L.left, y)
    ctx.lineTo(L.right, y)
    ctx.stroke()
    ctx.fillStyle = EOS_COLORS.text
    ctx.fillText(tickLabel(t), L.left - 5, y)
  }
  for (const t of L.xTicks) {
    const x = L.x(t / L.every)
    ctx.strokeStyle = EOS_COLORS.grid
    ctx.beginPath()
    ctx.moveTo(x, p.top)
    ctx.lineTo(x, p.top + p.height)
    ctx.stroke()
  }
  ctx.strokeStyle = EOS_COLORS.axis
  ctx.strokeRect(L.left + 0.5, p.top + 0.5, L.right - L.left - 1, p.height - 1)
  ctx.textAlign = 'left'
  ctx.textBaseline = 'alphabetic'
  ctx.fillStyle = EOS_COLORS.title
  ctx.font = '600 11px system-ui, sans-serif'
  ctx.fillText(title, 2, p.top - 20)
  if (bottomAxis) {
    ctx.font = '10.5px system-ui, sans-serif'
    ctx.fillStyle = EOS_COLORS.text
    ctx.textBaseline = 'top'
    for (const t of L.xTicks) {
      const x = L.x(t / L.every)
      ctx.textAlign = x < L.left + 10 ? 'left' : x > L.right - 10 ? 'right' : 'center'
      ctx.fillText(tickLabel(t), x, p.top + p.height + 4)
    }
    ctx.textAlign = 'right'
    ctx.fillText('step', L.right, p.top + p.height + 4 + 11)
  }
}

/** Legend entries, right-aligned on the panel's title line. */
function legend(ctx: CanvasRenderingContext2D, L: EosLayout, p: Panel, items: ReadonlyArray<{ label: string } & Line>): void {
  ctx.font = '10.5px system-ui, sans-serif'
  ctx.textBaseline = 'alphabetic'
  ctx.textAlign = 'left'
  let x = L.right
  const y = p.top - 6
  for (const it of [...items].reverse()) {
    const w = ctx.measureText(it.label).width
    x -= w
    ctx.fillStyle = EOS_COLORS.text
    ctx.fillText(it.label, x, y)
    x -= 18
    ctx.save()
    ctx.strokeStyle = it.color
    ctx.globalAlpha = it.alpha ?? 1
    ctx.lineWidth = Math.max(1.5, it.width)
    ctx.setLineDash(it.dash ?? [])
    ctx.beginPath()
    ctx.moveTo(x, y - 3.5)
    ctx.lineTo(x + 14, y - 3.5)
    ctx.stroke()
    ctx.restore()
    x -= 10
  }
}

/** A vertical mark through every panel, labelled at the bottom of panel `labelPanel`. */
function vertical(
  ctx: CanvasRenderingContext2D,
  L: EosLayout,
  k: number,
  color: string,
  label: string,
  dash: number[],
  labelPanel: number,
): void {
  const x = Math.round(L.x(k)) + 0.5
  ctx.save()
  ctx.strokeStyle = color
  ctx.lineWidth = 1.2
  ctx.setLineDash(dash)
  for (const p of L.panels) {
    ctx.beginPath()
    ctx.moveTo(x, p.top)
    ctx.lineTo(x, p.top + p.height)
    ctx.stroke()
  }
  ctx.setLineDash([])
  ctx.fillStyle = color
  ctx.font = '600 10.5px system-ui, sans-serif'
  // At the bottom of a panel, where the data rarely is (the sharpness sits near the threshold).
  const p = L.panels[labelPanel]
  const right = x > (L.left + L.right) / 2
  ctx.textAlign = right ? 'right' : 'left'
  ctx.textBaseline = 'bottom'
  ctx.fillText(label, x + (right ? -4 : 4), p.top + p.height - 4)
  ctx.restore()
}

/** A centred, wrapped message inside panel p (in place of its data). */
function message(ctx: CanvasRenderingContext2D, L: EosLayout, p: Panel, text: string): void {
  ctx.save()
  ctx.fillStyle = 'rgba(11, 16, 23, 0.75)'
  ctx.fillRect(L.left + 1, p.top + 1, L.right - L.left - 2, p.height - 2)
  ctx.fillStyle = EOS_COLORS.text
  ctx.font = '11px system-ui, sans-serif'
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  const maxW = L.right - L.left - 24
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word
    if (ctx.measureText(next).width > maxW && line) {
      lines.push(line)
      line = word
    } else line = next
  }
  if (line) lines.push(line)
  const mid = p.top + p.height / 2
  lines.forEach((l, i) => ctx.fillText(l, (L.left + L.right) / 2, mid + (i - (lines.length - 1) / 2) * 14))
  ctx.restore()
}

export function drawEosCharts(ctx: CanvasRenderingContext2D, L: EosLayout, m: EosModel): void {
  ctx.clearRect(0, 0, L.width, L.height)
  const [pl, ps, po] = L.panels
  const flowStyle: Line = { color: EOS_COLORS.flow, width: 1.6, dash: [5, 3] }
  // A flow that stops at once (no self-stabilisation) has nothing to draw: no legend entry for it.
  const flow = m.flow && Array.prototype.some.call(m.flow.predictedLoss, Number.isFinite) ? m.flow : null
  const restartStyle: Line = { color: EOS_COLORS.restarted, width: 1.6, dash: [2, 2] }

  // (a) loss
  frame(ctx, L, pl, '(a) loss (log)', false)
  series(ctx, L, pl, m.loss, m.n, { color: EOS_COLORS.gd, width: 1, alpha: 0.35 })
  series(ctx, L, pl, m.smoothedLoss, m.n, { color: EOS_COLORS.gd, width: 1.8 })
  if (m.flow) series(ctx, L, pl, m.flow.predictedLoss, m.flow.predictedLoss.length, flowStyle)
  for (const r of m.restarted) series(ctx, L, pl, r.flow.predictedLoss, r.flow.predictedLoss.length, restartStyle, r.start)
  legend(ctx, L, pl, [
    { label: m.runLabel, color: EOS_COLORS.gd, width: 1, alpha: 0.45 },
    { label: 'smoothed', color: EOS_COLORS.gd, width: 1.8 },
    ...(flow ? [{ label: 'flow L+½⟨H,Σ⟩', ...flowStyle }] : []),
    ...(m.restarted.length ? [{ label: 'restarted', ...restartStyle }] : []),
  ])

  // (b) sharpness vs threshold
  const thr = m.threshold.kind === 'none' ? null : m.threshold.value
  frame(ctx, L, ps, `(b) ${m.sharpnessLabel}`, false)
  if (thr !== null) {
    const y = Math.round(L.y(ps, thr)) + 0.5
    ctx.save()
    ctx.strokeStyle = EOS_COLORS.threshold
    ctx.setLineDash([6, 4])
    ctx.lineWidth = 1.3
    ctx.beginPath()
    ctx.moveTo(L.left, y)
    ctx.lineTo(L.right, y)
    ctx.stroke()
    ctx.fillStyle = EOS_COLORS.threshold
    ctx.font = '10.5px system-ui, sans-serif'
    ctx.textAlign = 'right'
    // Below the line: at the edge of stability the sharpness hovers just above it.
    ctx.textBaseline = 'top'
    ctx.fillText(`${thresholdName(m)} = ${tickLabel(thr)}`, L.right - 4, y + 3)
    ctx.restore()
  }
  const lower: Line = { color: EOS_COLORS.gd, width: 1, dash: [3, 2], alpha: 0.55 }
  for (const v of m.lowerEigenvalues) series(ctx, L, ps, v, m.n, lower)
  // GFS over S, dashed: at the edge the two are close (S hovers at 2/η, GFS just below), and a
  // solid line underneath S would be hidden.
  const gfsStyle: Line = { color: EOS_COLORS.gfs, width: 1.6, dash: [5, 3] }
  if (m.sharpness) series(ctx, L, ps, m.sharpness, m.n, { color: EOS_COLORS.gd, width: 1.3 })
  if (m.gfs) series(ctx, L, ps, m.gfs, m.n, gfsStyle)
  const showFlowS = m.sharpnessLabel === 'S = λ₁(H)'
  if (m.flow && showFlowS) series(ctx, L, ps, m.flow.sharpness, m.flow.sharpness.length, flowStyle)
  if (showFlowS) for (const r of m.restarted) series(ctx, L, ps, r.flow.sharpness, r.flow.sharpness.length, restartStyle, r.start)
  legend(ctx, L, ps, [
    { label: m.runLabel, color: EOS_COLORS.gd, width: 1.3 },
    ...(m.lowerEigenvalues.length
      ? [{ label: m.lowerEigenvalues.length > 1 ? `λ₂…λ${m.lowerEigenvalues.length + 1}` : 'λ₂', ...lower }]
      : []),
    ...(flow && showFlowS ? [{ label: 'flow', ...flowStyle }] : []),
    ...(m.gfs ? [{ label: 'GFS', ...gfsStyle }] : []),
    ...(thr !== null ? [{ label: 'threshold', color: EOS_COLORS.threshold, width: 1.3, dash: [6, 4] }] : []),
  ])

  // (c) oscillation along u, with the flow's ±σ; a run that never reaches the edge has no
  // edge-of-stability oscillation, and the panel says so instead of plotting smoothing residue.
  const notAtEdge = notAtEdgeText(m)
  frame(ctx, L, po, notAtEdge ? '(c) ⟨x − x̄, u⟩: not at the edge' : '(c) ⟨x − x̄, u⟩', true)
  if (notAtEdge) message(ctx, L, po, notAtEdge)
  else if (m.oscillationNote) message(ctx, L, po, m.oscillationNote)
  else {
    if (m.flow) {
      const s = Array.from(m.flow.sigma2, sqrtOrNaN)
      series(ctx, L, po, s, s.length, { ...flowStyle, width: 1.2 })
      series(
        ctx,
        L,
        po,
        s.map((v) => -v),
        s.length,
        { ...flowStyle, width: 1.2 },
      )
    }
    if (m.oscillation) series(ctx, L, po, m.oscillation, m.n, { color: EOS_COLORS.gd, width: 1 })
    legend(ctx, L, po, [{ label: m.runLabel, color: EOS_COLORS.gd, width: 1 }, ...(flow ? [{ label: 'flow ±σ', ...flowStyle }] : [])])
  }

  if (m.onset !== null) vertical(ctx, L, m.onset, EOS_COLORS.onset, `EoS onset · step ${m.onset * m.every}`, [4, 3], 1)
  if (m.flow?.stoppedAt != null)
    vertical(ctx, L, m.flow.stoppedAt / m.every, EOS_COLORS.stop, `flow stops · step ${m.flow.stoppedAt}`, [], 2)
}
