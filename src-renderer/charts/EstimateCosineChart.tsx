/**
 * cos∠(ĝ, ∇L) over the steps for one run whose optimizer takes a gradient estimate (issue 12):
 * how well the estimate the optimizer received at each kept step points along the true gradient
 * (1: along it, 0: orthogonal, −1: against it). The values come from the engine worker for the
 * run's kept points (../data/estimates.ts); the chart shows only while some optimizer of the
 * scenario on screen has an estimator, with a selector of the runs that do.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { anyEstimator, cosineAt, fetchEstimates, pointQuad, runEstimator } from '../data/estimates'
import { job, onJobChange } from '../data/job-data'
import { shown } from '../data/runner'
import { ESTIMATE_ARROW_COLOR, TRUE_ARROW_COLOR } from '../scene/EstimateArrows'
import { optimizerColor } from '../scene/palette'
import { formatNumber } from '../store/scenario'

interface Series {
  readonly jobId: number
  readonly run: number
  readonly steps: number[]
  readonly cos: number[]
}

/** The job's version, for re-rendering when chunks arrive (the data itself lives outside React). */
const useJobVersion = () => useSyncExternalStore(onJobChange, () => job.version)

function draw(canvas: HTMLCanvasElement, s: Series | null, color: string): void {
  const dpr = window.devicePixelRatio || 1
  const w = canvas.clientWidth,
    h = canvas.clientHeight
  canvas.width = Math.max(1, Math.round(w * dpr))
  canvas.height = Math.max(1, Math.round(h * dpr))
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  ctx.clearRect(0, 0, w, h)
  const left = 26,
    right = 6,
    top = 4,
    bottom = 14
  const maxStep = Math.max(1, ...(s?.steps ?? [1]))
  const X = (step: number) => left + (step / maxStep) * (w - left - right)
  const Y = (c: number) => top + ((1 - c) / 2) * (h - top - bottom)
  ctx.font = '10px system-ui, sans-serif'
  ctx.fillStyle = '#8a94a6'
  ctx.strokeStyle = 'rgba(138, 148, 166, 0.35)'
  ctx.lineWidth = 1
  for (const c of [1, 0, -1]) {
    ctx.beginPath()
    ctx.moveTo(left, Y(c))
    ctx.lineTo(w - right, Y(c))
    ctx.stroke()
    ctx.fillText(String(c), 4, Y(c) + 3)
  }
  ctx.fillText('0', left, h - 2)
  ctx.fillText(String(maxStep), w - right - 6 * String(maxStep).length, h - 2)
  if (!s) return
  ctx.strokeStyle = color
  ctx.lineWidth = 1.4
  ctx.beginPath()
  let pen = false
  s.steps.forEach((step, i) => {
    const c = s.cos[i]
    if (!Number.isFinite(c)) {
      pen = false
      return
    }
    if (pen) ctx.lineTo(X(step), Y(c))
    else ctx.moveTo(X(step), Y(c))
    pen = true
  })
  ctx.stroke()
}

export function EstimateCosineChart() {
  const version = useJobVersion()
  const [picked, setPicked] = useState(0)
  const [series, setSeries] = useState<Series | null>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const active = anyEstimator()
  const runs = active ? job.runs.map((_, r) => r).filter((r) => runEstimator(job, r) !== null) : []
  const run = runs.includes(picked) ? picked : (runs[0] ?? -1)
  const received = job.received
  const jobId = job.jobId

  // One request per (job, run, received points): the run's kept points so far.
  useEffect(() => {
    if (run < 0 || received === 0) return
    const est = runEstimator(job, run)
    if (!est) return
    const quads: number[][] = []
    const steps: number[] = []
    const steps0 = shown.scenario?.steps ?? Infinity
    for (let k = 0; k < Math.min(received, job.kept); k++) {
      const q = pointQuad(job, run, k)
      // The last point's estimate belongs to a step the run never takes.
      if (!q || q[3] > steps0) break
      quads.push(q)
      steps.push(q[3])
    }
    let live = true
    void fetchEstimates(est.doc, quads).then((d) => {
      if (!live || !d) return
      setSeries({ jobId, run, steps, cos: steps.map((_, i) => cosineAt(d, i)) })
    })
    return () => {
      live = false
    }
  }, [run, received, jobId])

  const shownSeries = series && series.jobId === jobId && series.run === run ? series : null
  const color = optimizerColor(Math.floor(Math.max(0, run) / Math.max(1, job.starts)))
  useEffect(() => {
    if (canvas.current) draw(canvas.current, shownSeries, color)
  }, [shownSeries, color, version])

  if (!active || runs.length === 0) return null
  const finite = shownSeries?.cos.filter(Number.isFinite) ?? []
  const mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN
  return (
    <div
      className="chart-card card estimate-chart"
      data-testid="estimate-chart"
      style={{ bottom: 220, height: 150 }}
      data-mean-cos={Number.isFinite(mean) ? mean.toFixed(4) : ''}
    >
      <div className="card-title" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
        <span>
          cos(ĝ, ∇L) <span className="muted">mean {Number.isFinite(mean) ? formatNumber(mean, 3) : '…'}</span>
        </span>
        <span className="spacer" />
        <select aria-label="Estimator run" value={run} onChange={(e) => setPicked(Number(e.target.value))} style={{ maxWidth: 130 }}>
          {runs.map((r) => {
            const info = job.runs[r]
            return (
              <option key={r} value={r}>
                {`run ${r}: ${info?.optimizer.name ?? ''} from (${formatNumber(info?.init[0] ?? NaN)}, ${formatNumber(info?.init[1] ?? NaN)})`}
              </option>
            )
          })}
        </select>
      </div>
      <div className="chart-area">
        <canvas ref={canvas} className="chart-canvas" />
      </div>
      <div className="muted" style={{ fontSize: 10 }}>
        arrows at the heads: <span style={{ color: TRUE_ARROW_COLOR }}>−∇L</span> and{' '}
        <span style={{ color: ESTIMATE_ARROW_COLOR }}>−ĝ</span> (the estimate of the next step)
      </div>
    </div>
  )
}
