/**
 * The loss chart card: renders the spec of ./loss-chart on a canvas when data changes (at most
 * ~8 times a second while streaming, less when a redraw is slow: it waits 4× its own time) and
 * moves a playhead cursor on a second canvas every frame.
 */
import { useEffect, useRef, useState } from 'react'
import { job, onJobChange } from '../data/job-data'
import { clock, onPlayhead, seek } from '../data/playback'
import { formatNumber } from '../store/scenario'
import { summarize } from '../ui/legend-summary'
import { keptPointAt } from './chart-hover'
import { OPTIMIZER_COLORS } from '../scene/palette'
import { perfProbe } from '../scene/perf-probe'
import { useUi } from '../store/ui-store'
import { drawLossChart, lossChart, type LossChartSpec } from './loss-chart'
import { cssContext, fitCanvases } from './canvas'

const MIN_REDRAW_MS = 120

export function LossChart() {
  const wrap = useRef<HTMLDivElement>(null)
  const chart = useRef<HTMLCanvasElement>(null)
  const cursor = useRef<HTMLCanvasElement>(null)
  const hidden = useUi((s) => s.view.hidden)
  const [scaleLabel, setScaleLabel] = useState('log')
  const spec = useRef<LossChartSpec | null>(null)
  const [hover, setHover] = useState<{ k: number; px: number } | null>(null)
  const pointAt = (e: React.PointerEvent<HTMLDivElement> | React.MouseEvent<HTMLDivElement>) => {
    const s = spec.current
    if (!s) return null
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left
    const k = keptPointAt(s, px, job.every, Math.min(job.received, job.kept))
    return k === null ? null : { k, px }
  }

  useEffect(() => {
    let frame = 0
    let last = 0
    let gap = MIN_REDRAW_MS
    let timer: ReturnType<typeof setTimeout> | null = null
    const drawCursor = () => {
      const c = cursor.current
      const s = spec.current
      if (!c || !s) return
      const ctx = cssContext(c, s)
      if (!ctx) return
      if (s.empty) return
      const step = clock.t * Math.max(1, job.every)
      const x = s.margin.left + (step / s.x[1]) * (s.width - s.margin.left - s.margin.right)
      ctx.strokeStyle = 'rgba(235, 242, 250, 0.55)'
      ctx.setLineDash([3, 3])
      ctx.beginPath()
      ctx.moveTo(x, s.margin.top)
      ctx.lineTo(x, s.height - s.margin.bottom)
      ctx.stroke()
    }
    const draw = () => {
      frame = 0
      last = performance.now()
      try {
        render()
      } finally {
        const end = performance.now()
        perfProbe?.chart?.(last, end)
        // Keep the chart's share of the main thread small while data streams (a slider drag):
        // the next redraw waits at least four times as long as this one took.
        gap = Math.max(MIN_REDRAW_MS, 4 * (end - last))
      }
    }
    const render = () => {
      const el = wrap.current
      const c = chart.current
      const k = cursor.current
      if (!el || !c || !k) return
      const { width, height } = fitCanvases(el, [c, k])
      const s = lossChart(
        {
          loss: job.loss,
          runs: job.runs.length,
          starts: job.starts,
          kept: job.kept,
          received: job.received,
          every: job.every,
          flows: job.flows.map((f) => f.predictedLoss),
        },
        { width, height, colors: OPTIMIZER_COLORS, hidden: useUi.getState().view.hidden },
      )
      spec.current = s
      const ctx = cssContext(c)
      if (!ctx) return
      drawLossChart(ctx, s)
      setScaleLabel(s.empty ? '' : s.log ? 'log scale' : 'linear (some losses < 0)')
      el.dataset.version = String(job.version)
      drawCursor()
    }
    // Drawn in a task of its own just after a frame, never inside one: the frame that shows a new
    // job's trajectories goes out without waiting for the chart (which shows in the next).
    const afterFrame = () => {
      frame = requestAnimationFrame(() => {
        timer = setTimeout(() => {
          timer = null
          draw()
        }, 0)
      })
    }
    const schedule = () => {
      if (frame || timer) return
      const wait = gap - (performance.now() - last)
      if (wait > 0)
        timer = setTimeout(() => {
          timer = null
          afterFrame()
        }, wait)
      else afterFrame()
    }
    const offJob = onJobChange(schedule)
    const offHead = onPlayhead(drawCursor)
    const ro = new ResizeObserver(schedule)
    if (wrap.current) ro.observe(wrap.current)
    schedule()
    return () => {
      offJob()
      offHead()
      ro.disconnect()
      cancelAnimationFrame(frame)
      if (timer) clearTimeout(timer)
    }
  }, [hidden])

  return (
    <div className="chart-card card" data-testid="loss-chart">
      <div className="card-title">
        Loss vs step <span className="muted">{scaleLabel}</span>
      </div>
      <div
        className="chart-area"
        ref={wrap}
        data-testid="loss-chart-area"
        title="Click to move the playhead here"
        onPointerMove={(e) => setHover(pointAt(e))}
        onPointerLeave={() => setHover(null)}
        onClick={(e) => {
          const p = pointAt(e)
          if (p) seek(p.k)
        }}
      >
        <canvas ref={chart} className="chart-canvas" />
        <canvas ref={cursor} className="chart-canvas" />
        {hover && <ChartReadout k={hover.k} px={hover.px} hidden={hidden} />}
      </div>
    </div>
  )
}

/** Each shown optimizer's median loss at kept point k, beside the pointer. */
function ChartReadout({ k, px, hidden }: { readonly k: number; readonly px: number; readonly hidden: readonly number[] }) {
  const rows: Array<{ o: number; text: string }> = []
  for (let o = 0; o < job.optimizers; o++) {
    if (hidden.includes(o)) continue
    const s = summarize(job, o, k)
    if (s)
      rows.push({ o, text: `${Number.isFinite(s.median) ? formatNumber(s.median, 4) : '—'}${s.diverged ? ` · ${s.diverged} div.` : ''}` })
  }
  return (
    <div
      className="chart-readout mono"
      data-testid="loss-chart-readout"
      style={px > 170 ? { right: `calc(100% - ${px - 8}px)` } : { left: px + 8 }}
    >
      <div>step {k * Math.max(1, job.every)}</div>
      {rows.map((r) => (
        <div key={r.o}>
          <span className="dot" style={{ background: OPTIMIZER_COLORS[r.o % OPTIMIZER_COLORS.length] }} />
          {r.text}
        </div>
      ))}
    </div>
  )
}
