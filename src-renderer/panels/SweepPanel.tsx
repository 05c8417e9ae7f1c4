/**
 * Sweep view: a hyperparameter grid over one optimizer (lr × momentum, lr × β₂, …) as a heatmap of
 * final loss, steps to tolerance or divergence, run as one job. Clicking a cell applies its values
 * to the optimizer, so the 3-D view shows that cell's trajectories.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { cssContext, fitCanvases } from '../charts/canvas'
import type { HostInfo } from '../../src-shared/api'
import { getApi } from '../api'
import { applyCell, runSweep, SWEEP_MAX_CELLS, type SweepAxis, type SweepMetric, type SweepResult, type SweepSpec } from '../data/sweep'
import { runner } from '../data/runner'
import { formatNumber, optimizerLabel } from '../store/scenario'
import { editScenario, showMessage, useUi } from '../store/ui-store'
import { NumberField, Section, Segmented } from '../ui/controls'

/** Sweepable keys of an optimizer: its numeric hyperparameters and each component of its pairs. */
function sweepKeys(info: HostInfo | null, name: string): Array<{ key: string; def: number; positive: boolean }> {
  const def = info?.optimizers.find((o) => o.name === name)
  if (!def) return []
  return def.hparams.flatMap((h) => {
    if (h.kind === 'number') return [{ key: h.name, def: h.default as number, positive: h.name === 'lr' || h.name === 'eps' }]
    if (h.kind === 'pair') return [0, 1].map((i) => ({ key: `${h.name}[${i}]`, def: (h.default as [number, number])[i], positive: false }))
    return []
  })
}

function defaultAxis(key: string, value: number, positive: boolean, n: number): SweepAxis {
  if (positive || key === 'lr') return { key, from: value / 30, to: value * 3, n, log: true }
  if (key.startsWith('betas')) return { key, from: 0.5, to: 0.999, n, log: false }
  if (key === 'momentum' || key === 'alpha' || key === 'rho') return { key, from: 0, to: 0.99, n, log: false }
  return { key, from: 0, to: Math.max(1, value * 2), n, log: false }
}

/** A perceptual dark-to-bright ramp (viridis-like) for t in [0, 1]. */
function ramp(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]]
  const x = Math.min(0.9999, Math.max(0, t)) * (stops.length - 1)
  const i = Math.floor(x)
  const f = x - i
  const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f))
  return `rgb(${c[0]},${c[1]},${c[2]})`
}

function drawHeatmap(canvas: HTMLCanvasElement, r: SweepResult, spec: SweepSpec, selected: number | null): void {
  const { width: w, height: h } = fitCanvases(canvas, [canvas])
  const ctx = cssContext(canvas, { width: w, height: h })
  if (!ctx) return
  const nx = r.xs.length
  const ny = r.ys?.length ?? 1
  const left = 44
  const bottom = 30
  const cw = (w - left - 6) / nx
  const ch = (h - bottom - 6) / ny
  const finite = Array.from(r.values).filter(Number.isFinite)
  const log = spec.metric === 'final'
  const tx = (v: number) => (log ? Math.log10(Math.max(v, 1e-300)) : v)
  const lo = spec.metric === 'diverged' ? 0 : Math.min(...finite.map(tx))
  const hi = spec.metric === 'diverged' ? 1 : Math.max(...finite.map(tx))
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const v = r.values[j * nx + i]
      const x = left + i * cw
      const y = 6 + (ny - 1 - j) * ch
      if (!Number.isFinite(v)) {
        ctx.fillStyle = '#3a1520'
        ctx.fillRect(x, y, cw - 1, ch - 1)
        ctx.strokeStyle = '#ff4f6d'
        ctx.beginPath(); ctx.moveTo(x + 2, y + 2); ctx.lineTo(x + cw - 3, y + ch - 3); ctx.stroke()
        continue
      }
      // Lower is better for loss and steps: better cells are brighter.
      const t = hi > lo ? (tx(v) - lo) / (hi - lo) : 0.5
      ctx.fillStyle = ramp(1 - t)
      ctx.fillRect(x, y, cw - 1, ch - 1)
    }
  }
  if (selected !== null) {
    const i = selected % nx
    const j = Math.floor(selected / nx)
    ctx.strokeStyle = '#ffffff'
    ctx.lineWidth = 2
    ctx.strokeRect(left + i * cw + 1, 6 + (ny - 1 - j) * ch + 1, cw - 3, ch - 3)
    ctx.lineWidth = 1
  }
  ctx.fillStyle = '#9fb0c8'
  ctx.font = '10px sans-serif'
  ctx.textAlign = 'center'
  for (const i of [0, Math.floor((nx - 1) / 2), nx - 1]) ctx.fillText(formatNumber(r.xs[i], 2), left + (i + 0.5) * cw, h - 16)
  ctx.fillText(spec.x.key, left + (w - left) / 2, h - 3)
  if (r.ys && spec.y) {
    ctx.textAlign = 'right'
    for (const j of [0, Math.floor((ny - 1) / 2), ny - 1]) ctx.fillText(formatNumber(r.ys[j], 2), left - 4, 6 + (ny - 1 - j + 0.5) * ch + 3)
    ctx.save(); ctx.translate(10, 6 + (h - bottom) / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = 'center'; ctx.fillText(spec.y.key, 0, 0); ctx.restore()
  }
}

const METRICS: ReadonlyArray<{ value: SweepMetric; label: string; title: string }> = [
  { value: 'final', label: 'Final loss', title: 'median final loss over the start points (log colour scale)' },
  { value: 'tolerance', label: 'Steps to tol.', title: 'median number of steps until the loss is below the tolerance' },
  { value: 'diverged', label: 'Diverged', title: 'fraction of start points that diverged' },
]

export function SweepPanel() {
  const scenario = useUi((s) => s.scenario)
  const info = useUi((s) => s.info)
  const [index, setIndex] = useState(0)
  const entry = scenario.optimizers[Math.min(index, scenario.optimizers.length - 1)]
  const keys = useMemo(() => sweepKeys(info, entry?.name ?? ''), [info, entry?.name])
  const valueOf = (key: string) => {
    const m = /^(\w+)\[([01])\]$/.exec(key)
    const raw = m ? (entry?.[m[1]] as number[] | undefined)?.[Number(m[2])] : entry?.[key]
    return typeof raw === 'number' ? raw : keys.find((k) => k.key === key)?.def ?? 1
  }
  const [xKey, setXKey] = useState('lr')
  const [yKey, setYKey] = useState('momentum')
  const [n, setN] = useState(16)
  const [metric, setMetric] = useState<SweepMetric>('final')
  const [tolerance, setTolerance] = useState(1e-3)
  const [progress, setProgress] = useState<number | null>(null)
  const [result, setResult] = useState<{ r: SweepResult; spec: SweepSpec } | null>(null)
  const [selected, setSelected] = useState<number | null>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const running = useRef<{ cancel(): void } | null>(null)

  const xk = keys.some((k) => k.key === xKey) ? xKey : keys[0]?.key ?? 'lr'
  const yk = yKey === '' || keys.some((k) => k.key === yKey) ? yKey : ''
  useEffect(() => { if (result && canvas.current) drawHeatmap(canvas.current, result.r, result.spec, selected) }, [result, selected])

  const run = () => {
    if (!entry) return
    const px = keys.find((k) => k.key === xk)
    const py = keys.find((k) => k.key === yk)
    const spec: SweepSpec = {
      optimizer: Math.min(index, scenario.optimizers.length - 1),
      x: defaultAxis(xk, valueOf(xk), px?.positive ?? false, n),
      y: yk && yk !== xk ? defaultAxis(yk, valueOf(yk), py?.positive ?? false, n) : null,
      metric, tolerance,
    }
    running.current?.cancel()
    setProgress(0)
    const job = runSweep(getApi(), scenario, spec, setProgress)
    running.current = job
    job.result.then(
      (r) => { setResult({ r, spec }); setSelected(null); setProgress(null); running.current = null; runner?.rerun() },
      (err: Error) => {
        setProgress(null)
        running.current = null
        if (err.message !== 'cancelled' && err.message !== 'superseded') showMessage('error', `Sweep failed: ${err.message}`)
        runner?.rerun()
      },
    )
  }

  const pick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!result || !canvas.current) return
    const rect = canvas.current.getBoundingClientRect()
    const nx = result.r.xs.length
    const ny = result.r.ys?.length ?? 1
    const i = Math.floor((e.clientX - rect.left - 44) / ((rect.width - 50) / nx))
    const j = ny - 1 - Math.floor((e.clientY - rect.top - 6) / ((rect.height - 36) / ny))
    if (i < 0 || i >= nx || j < 0 || j >= ny) return
    setSelected(j * nx + i)
    const def = info?.optimizers.find((o) => o.name === scenario.optimizers[result.spec.optimizer].name)
    const defaults = Object.fromEntries((def?.hparams ?? []).map((h) => [h.name, h.default]))
    editScenario((s) => ({
      ...s,
      optimizers: s.optimizers.map((o, k) => (k === result.spec.optimizer ? applyCell(o, result.spec, result.r.xs[i], result.r.ys ? result.r.ys[j] : null, defaults) : o)),
    }))
  }

  const cells = n * (yk && yk !== xk ? n : 1)
  const cell = result && selected !== null ? result.r.values[selected] : null
  return (
    <Section title="Sweep" testId="panel-sweep" defaultOpen={false} aside={<span className="aside">{cells} configurations</span>}>
      <div className="hp-row">
        <span className="hp-name">optimizer</span>
        <select aria-label="sweep optimizer" value={index} onChange={(e) => setIndex(Number(e.target.value))}>
          {scenario.optimizers.map((o, k) => <option key={k} value={k}>{optimizerLabel(o, info)}</option>)}
        </select>
      </div>
      <div className="hp-row">
        <span className="hp-name">x axis</span>
        <select aria-label="sweep x" value={xk} onChange={(e) => setXKey(e.target.value)}>
          {keys.map((k) => <option key={k.key} value={k.key}>{k.key}</option>)}
        </select>
      </div>
      <div className="hp-row">
        <span className="hp-name">y axis</span>
        <select aria-label="sweep y" value={yk} onChange={(e) => setYKey(e.target.value)}>
          <option value="">(none)</option>
          {keys.filter((k) => k.key !== xk).map((k) => <option key={k.key} value={k.key}>{k.key}</option>)}
        </select>
      </div>
      <div className="hp-row">
        <span className="hp-name">cells / axis</span>
        <NumberField label="sweep cells per axis" value={n} integer min={2} max={Math.floor(Math.sqrt(SWEEP_MAX_CELLS))} width={60} onCommit={setN} />
      </div>
      <Segmented label="sweep metric" value={metric} options={METRICS} onChange={setMetric} />
      {metric === 'tolerance' && (
        <div className="hp-row">
          <span className="hp-name">tolerance</span>
          <NumberField label="sweep tolerance" value={tolerance} min={0} width={70} onCommit={setTolerance} />
        </div>
      )}
      <div className="hp-row">
        <button type="button" className="btn small" data-testid="sweep-run" onClick={run} disabled={!entry}>
          {progress === null ? 'Run sweep' : `Running… ${Math.round(progress * 100)}%`}
        </button>
        {progress !== null && <button type="button" className="btn small" onClick={() => running.current?.cancel()}>Cancel</button>}
      </div>
      {result && (
        <>
          <canvas ref={canvas} className="sweep-heatmap" data-testid="sweep-heatmap" onClick={pick} style={{ width: '100%', height: 220, cursor: 'crosshair' }} />
          <div className="aside">
            {selected === null
              ? `${result.r.values.length} configurations in ${result.r.seconds.toFixed(2)} s · click a cell to show its trajectories`
              : `${result.spec.x.key} = ${formatNumber(result.r.xs[selected % result.r.xs.length])}${result.r.ys && result.spec.y ? `, ${result.spec.y.key} = ${formatNumber(result.r.ys[Math.floor(selected / result.r.xs.length)])}` : ''}: ${cell === null || !Number.isFinite(cell) ? 'diverged' : formatNumber(cell)}`}
          </div>
        </>
      )}
    </Section>
  )
}
