/**
 * Loss vs step for every run, as a Plot-style pair: `lossChart(data, options)` turns the job's
 * arrays into a spec (domains, scale, decimated series, per-optimizer medians), and
 * `drawLossChart(ctx, spec)` paints it. No React, no DOM beyond the 2-D context.
 */

export interface LossData {
  /** Central flows: predicted time-averaged loss per kept point (drawn dashed). */
  readonly flows?: ReadonlyArray<Float32Array>
  readonly loss: Float32Array
  readonly runs: number
  readonly starts: number
  readonly kept: number
  readonly received: number
  readonly every: number
}

export interface LossChartOptions {
  readonly width: number
  readonly height: number
  readonly colors: readonly string[]
  readonly hidden: readonly number[]
  /** Draw at most this many runs per optimizer (evenly chosen); the median uses all. */
  readonly maxRunsPerOptimizer?: number
}

export interface Series {
  readonly optimizer: number
  readonly color: string
  /** Pixel coordinates x0, y0, x1, y1, … (NaN breaks the line). */
  readonly points: Float32Array
}

export interface LossChartSpec {
  readonly width: number
  readonly height: number
  readonly margin: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number }
  readonly log: boolean
  readonly x: readonly [number, number]
  readonly y: readonly [number, number]
  readonly xTicks: readonly number[]
  readonly yTicks: readonly number[]
  readonly runs: readonly Series[]
  readonly medians: readonly Series[]
  readonly flows: readonly Series[]
  readonly runAlpha: number
  readonly empty: boolean
}

const MARGIN = { left: 44, right: 10, top: 8, bottom: 20 }

function niceStep(span: number, count: number): number {
  const raw = span / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
}

/**
 * The k-th smallest of a[0..n) (0-based), partially reordering a: Hoare's selection, O(n) on
 * average (a median per pixel column while data streams; sorting each column cost more).
 */
export function select(a: Float32Array, n: number, k: number): number {
  let lo = 0,
    hi = n - 1
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1]
    let i = lo,
      j = hi
    while (i <= j) {
      while (a[i] < pivot) i++
      while (a[j] > pivot) j--
      if (i <= j) {
        const t = a[i]
        a[i] = a[j]
        a[j] = t
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return a[k]
  }
  return a[k]
}

export function lossChart(data: LossData, options: LossChartOptions): LossChartSpec {
  const { width, height, colors, hidden } = options
  const maxRuns = options.maxRunsPerOptimizer ?? 200
  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right)
  const plotH = Math.max(10, height - MARGIN.top - MARGIN.bottom)
  const n = Math.min(data.received, data.kept)
  const optimizers = data.starts > 0 ? Math.round(data.runs / data.starts) : 0
  const visible = (o: number) => !hidden.includes(o)

  // Domain over visible runs, capped at a decade above the highest starting loss so that a
  // diverging run does not flatten everyone else against the floor.
  let lo = Infinity,
    hi = -Infinity,
    minPositive = Infinity,
    startHi = -Infinity
  const { loss } = data
  for (let r = 0; r < data.runs; r++) {
    if (!visible(Math.floor(r / data.starts))) continue
    const base = r * data.kept
    if (n > 0 && Number.isFinite(loss[base])) startHi = Math.max(startHi, loss[base])
    for (let j = base, end = base + n; j < end; j++) {
      const v = loss[j]
      if (v - v !== 0) continue // not finite
      if (v < lo) lo = v
      if (v > hi) hi = v
      if (v > 0 && v < minPositive) minPositive = v
    }
  }
  if (Number.isFinite(startHi)) {
    const cap = startHi > 0 ? startHi * 10 : startHi + Math.abs(startHi) + 1
    if (hi > cap) hi = Math.max(cap, lo)
  }
  const empty = !(hi >= lo) || n < 1
  // Log unless some loss is negative (exact zeros sit on the bottom edge).
  const log = !empty && lo >= 0 && minPositive < Infinity
  let y: [number, number]
  if (empty) y = [0, 1]
  else if (log) {
    const top = Math.log10(hi)
    const bottom = Math.max(Math.log10(minPositive), top - 16)
    y = [Math.floor(bottom), Math.ceil(top === bottom ? top + 1 : top)]
  } else {
    const pad = (hi - lo) * 0.05 || 1
    y = [lo - pad, hi + pad]
  }
  const lastStep = Math.max(1, (Math.max(n, data.kept) - 1) * data.every)
  const x: [number, number] = [0, lastStep]
  const px = (step: number) => MARGIN.left + (step / lastStep) * plotW
  const floor = 10 ** y[0],
    y0 = y[0],
    ySpan = y[1] - y[0]
  const py = log
    ? (v: number) => MARGIN.top + (1 - (Math.log10(v > floor ? v : floor) - y0) / ySpan) * plotH
    : (v: number) => MARGIN.top + (1 - (v - y0) / ySpan) * plotH

  // Decimate to about one point per pixel column.
  const stride = Math.max(1, Math.ceil(n / plotW))
  const columns: number[] = []
  for (let j = 0; j < n; j += stride) columns.push(j)
  if (n > 0 && columns[columns.length - 1] !== n - 1) columns.push(n - 1)

  const columnX = columns.map((j) => px(j * data.every))
  const runs: Series[] = []
  const medians: Series[] = []
  for (let o = 0; o < optimizers; o++) {
    if (!visible(o)) continue
    const color = colors[o % colors.length]
    const pick = Math.max(1, Math.ceil(data.starts / maxRuns))
    for (let s = 0; s < data.starts; s += pick) {
      const base = (o * data.starts + s) * data.kept
      const pts = new Float32Array(columns.length * 2)
      for (let c = 0; c < columns.length; c++) {
        const v = loss[base + columns[c]]
        pts[2 * c] = columnX[c]
        pts[2 * c + 1] = v - v === 0 ? py(v) : NaN
      }
      runs.push({ optimizer: o, color, points: pts })
    }
    if (data.starts > 1) {
      const pts = new Float32Array(columns.length * 2)
      const sample = Math.max(1, Math.ceil(data.starts / 512))
      const column = new Float32Array(Math.ceil(data.starts / sample))
      columns.forEach((j, c) => {
        let k = 0
        for (let s = 0; s < data.starts; s += sample) {
          const v = loss[(o * data.starts + s) * data.kept + j]
          if (v - v === 0) column[k++] = v
        }
        const m = k ? select(column, k, Math.floor((k - 1) / 2)) : NaN
        pts[2 * c] = px(j * data.every)
        pts[2 * c + 1] = Number.isFinite(m) ? py(m) : NaN
      })
      medians.push({ optimizer: o, color, points: pts })
    }
  }

  const flows: Series[] = (data.flows ?? []).map((f) => {
    const pts = new Float32Array(columns.length * 2)
    columns.forEach((j, c) => {
      const v = f[j]
      pts[2 * c] = px(j * data.every)
      pts[2 * c + 1] = Number.isFinite(v) ? py(v) : NaN
    })
    return { optimizer: -1, color: '#ffffff', points: pts }
  })

  const xStep = niceStep(lastStep, 4)
  const xTicks: number[] = []
  for (let v = 0; v <= lastStep + 1e-9; v += xStep) xTicks.push(v)
  let yTicks: number[] = []
  if (log) {
    const step = Math.max(1, Math.ceil((y[1] - y[0]) / 4))
    for (let k = y[1]; k >= y[0]; k -= step) yTicks.push(k)
  } else if (!empty) {
    const s = niceStep(y[1] - y[0], 4)
    for (let v = Math.ceil(y[0] / s) * s; v <= y[1]; v += s) yTicks.push(v)
  } else yTicks = []

  const perOpt = Math.max(1, runs.length / Math.max(1, medians.length || optimizers))
  return {
    width,
    height,
    margin: MARGIN,
    log,
    x,
    y,
    xTicks,
    yTicks,
    runs,
    medians,
    flows,
    empty,
    runAlpha: medians.length ? Math.max(0.08, Math.min(0.5, 3 / Math.sqrt(perOpt))) : 0.9,
  }
}

const fmtTick = (v: number) => {
  if (v === 0) return '0'
  const a = Math.abs(v)
  return a >= 1e4 || a < 1e-2 ? v.toExponential(0).replace('e+', 'e') : String(Number(v.toPrecision(3)))
}

function stroke(ctx: CanvasRenderingContext2D, pts: Float32Array): void {
  ctx.beginPath()
  let pen = false
  for (let i = 0; i < pts.length; i += 2) {
    const x = pts[i],
      y = pts[i + 1]
    if (Number.isNaN(y)) {
      pen = false
      continue
    }
    if (pen) ctx.lineTo(x, y)
    else {
      ctx.moveTo(x, y)
      pen = true
    }
  }
  ctx.stroke()
}

export function drawLossChart(ctx: CanvasRenderingContext2D, spec: LossChartSpec): void {
  const { width, height, margin: m } = spec
  ctx.clearRect(0, 0, width, height)
  ctx.font = '10px Inter, "Segoe UI", system-ui, sans-serif'
  ctx.lineWidth = 1
  const plotH = height - m.top - m.bottom
  const plotW = width - m.left - m.right
  // Grid and ticks
  ctx.strokeStyle = 'rgba(150, 170, 195, 0.12)'
  ctx.fillStyle = '#8593a6'
  ctx.textAlign = 'right'
  ctx.textBaseline = 'middle'
  for (const t of spec.yTicks) {
    const y = m.top + (1 - (t - spec.y[0]) / (spec.y[1] - spec.y[0])) * plotH
    ctx.beginPath()
    ctx.moveTo(m.left, y)
    ctx.lineTo(width - m.right, y)
    ctx.stroke()
    ctx.fillText(spec.log ? `1e${t}` : fmtTick(t), m.left - 4, y)
  }
  ctx.textAlign = 'center'
  ctx.textBaseline = 'top'
  for (const t of spec.xTicks) {
    const x = m.left + (t / spec.x[1]) * plotW
    ctx.beginPath()
    ctx.moveTo(x, m.top)
    ctx.lineTo(x, m.top + plotH)
    ctx.stroke()
    ctx.fillText(fmtTick(t), x, m.top + plotH + 4)
  }
  if (spec.empty) return
  ctx.save()
  ctx.beginPath()
  ctx.rect(m.left, m.top, plotW, plotH)
  ctx.clip()
  ctx.globalAlpha = spec.runAlpha
  ctx.lineWidth = 1
  for (const s of spec.runs) {
    ctx.strokeStyle = s.color
    stroke(ctx, s.points)
  }
  ctx.globalAlpha = 1
  ctx.lineWidth = 2
  for (const s of spec.medians) {
    ctx.strokeStyle = s.color
    stroke(ctx, s.points)
  }
  ctx.setLineDash([4, 3])
  ctx.lineWidth = 1.5
  ctx.globalAlpha = 0.9
  for (const s of spec.flows) {
    ctx.strokeStyle = s.color
    stroke(ctx, s.points)
  }
  ctx.setLineDash([])
  ctx.restore()
}
