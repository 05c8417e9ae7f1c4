/**
 * Sweep view: a hyperparameter grid over one optimizer (lr × momentum, lr × β₂, …) as a heatmap of
 * final loss, steps to tolerance or divergence, run as one job. The axis ranges are the user's and
 * stay put between runs. The map has a colour bar, a legend for its hatching and overlays, and a
 * tooltip per cell; clicking a cell previews its trajectories, and "Apply" sets its values on the
 * optimizer. A new metric or tolerance re-reduces the finished job; a scenario change (precision,
 * landscape, starts, …) marks the map stale.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { cssContext, fitCanvases } from '../charts/canvas'
import { getApi } from '../api'
import type { ConstantHessian } from '../data/constant-hessian'
import { surfaceData } from '../data/job-data'
import {
  applyCell,
  CELL_DIVERGED,
  CELL_NEVER_REACHED,
  reReduce,
  runSweep,
  SWEEP_MAX_CELLS,
  type SweepAxis,
  type SweepMetric,
  type SweepResult,
  type SweepSpec,
  sweepSignature,
} from '../data/sweep'
import { sweepOverlay } from '../data/sweep-overlay'
import { barPosition, type ColourScale, colourScale, RAMP_STOPS } from '../data/sweep-scale'
import { runner } from '../data/runner'
import { optimizerColor } from '../scene/palette'
import { formatNumber, landscapeExpr, type OptimizerEntry, optimizerLabel, type Scenario } from '../store/scenario'
import { editScenario, showMessage, useUi } from '../store/ui-store'
import { NumberField, Section, Segmented } from '../ui/controls'
import { registerSessionPart } from '../ui/session-parts'
import { parseSweepSettings, type SweepSettings } from '../ui/sweep-settings'
import { drawHeatmap, heatmapGeometry, OVERLAY_STYLE, paintCell } from './sweep-heatmap'
import { drawPreview } from './sweep-preview'
import { defaultRange, sweepKeys } from './sweep-keys'
import { scheduleArgPath } from '../../src-shared/schedule'

type AxisRange = Pick<SweepAxis, 'from' | 'to' | 'log'>

function rangeProblem(key: string, r: AxisRange): string | null {
  if (!Number.isFinite(r.from) || !Number.isFinite(r.to)) return `${key}: both ends must be numbers`
  if (r.from === r.to) return `${key}: the two ends are equal`
  if (r.log && !(r.from > 0 && r.to > 0)) return `${key}: a log axis needs both ends > 0`
  return null
}

const METRICS: ReadonlyArray<{ value: SweepMetric; label: string; title: string }> = [
  { value: 'final', label: 'Final loss', title: 'median final loss over the start points (log colour scale)' },
  { value: 'tolerance', label: 'Steps to tol.', title: 'median number of steps until the loss is below the tolerance' },
  { value: 'diverged', label: 'Diverged', title: 'fraction of start points that diverged' },
]

const METRIC_NAME: Record<SweepMetric, string> = {
  final: 'median final loss',
  tolerance: 'median steps to tolerance',
  diverged: 'fraction of starts diverged',
}

interface Finished {
  readonly r: SweepResult
  readonly spec: SweepSpec
  /** The scenario signature it ran with (stale when the current one differs). */
  readonly signature: string
  /** The optimizer entry and the landscape expression it ran with (for the overlays). */
  readonly entry: OptimizerEntry
  readonly expr: string
  readonly label: string
}

/** The cell's configuration and value, in words (the tooltip and the selection line). */
export function cellDescription(f: Finished, c: number): { config: string; value: string } {
  const { r, spec } = f
  const nx = r.xs.length
  const config = `${spec.x.key} = ${formatNumber(r.xs[c % nx], 4)}${r.ys && spec.y ? `, ${spec.y.key} = ${formatNumber(r.ys[Math.floor(c / nx)], 4)}` : ''}`
  const starts = r.raw.starts
  let diverged = 0
  for (let s = 0; s < starts; s++) if (r.raw.divergedAt[c * starts + s] >= 0) diverged++
  const v = r.values[c]
  let value: string
  if (spec.metric === 'diverged') value = `${diverged} of ${starts} starts diverged (${formatNumber(100 * v, 3)} %)`
  else if (r.status[c] === CELL_DIVERGED) value = `diverged (the median start diverged; ${diverged} of ${starts})`
  else if (r.status[c] === CELL_NEVER_REACHED) value = `never reached loss ≤ ${formatNumber(spec.tolerance)} (median start)`
  else
    value = `${METRIC_NAME[spec.metric]} ${formatNumber(v, 4)} over ${starts} start${starts === 1 ? '' : 's'}${diverged ? ` · ${diverged} diverged` : ''}`
  return { config, value }
}

function ColourBar({ scale, metric }: { readonly scale: ColourScale; readonly metric: SweepMetric }) {
  // Bright (best, low) on the left, dark (worst, high) on the right: the ramp reversed.
  const stops = [...RAMP_STOPS]
    .reverse()
    .map((c, i, a) => `rgb(${c.join(',')}) ${(100 * i) / (a.length - 1)}%`)
    .join(', ')
  const label = (v: number) => (metric === 'diverged' ? `${Math.round(100 * v)} %` : formatNumber(v, 2))
  const ends = [scale.lo, scale.hi]
  // Inner ticks only where their labels cannot collide with the end labels or each other.
  const ticks: number[] = []
  for (const t of scale.ticks) {
    const p = barPosition(t, scale)
    if (p > 0.24 && p < 0.84 && (ticks.length === 0 || p - barPosition(ticks[ticks.length - 1], scale) > 0.2)) ticks.push(t)
  }
  return (
    <div className="sweep-colorbar" data-testid="sweep-colorbar">
      <div className="sweep-colorbar-bar" style={{ background: `linear-gradient(to right, ${stops})` }} />
      <div className="sweep-colorbar-ticks">
        {ends.map((v, i) => (
          <span key={`e${i}`} className={i === 0 ? 'end lo' : 'end hi'} data-value={v}>
            {i === 0 && scale.floored ? `≤ ${label(v)}` : label(v)}
          </span>
        ))}
        {ticks.map((t) => (
          <span key={t} data-value={t} style={{ left: `${100 * barPosition(t, scale)}%` }}>
            {label(t)}
          </span>
        ))}
      </div>
      <div className="sweep-colorbar-caption">
        {METRIC_NAME[metric]}
        {scale.log ? ' (log scale)' : ''} · brighter is better
        {scale.floored ? ' · values at or below the left end (exact zeros included) share its colour' : ''}
      </div>
    </div>
  )
}

/** A legend swatch drawn with the heatmap's own cell painter. */
function Swatch({ status }: { readonly status: number }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const c = ref.current
    const ctx = c?.getContext('2d')
    if (!c || !ctx) return
    const dpr = window.devicePixelRatio || 1
    c.width = 18 * dpr
    c.height = 12 * dpr
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    paintCell(ctx, 0, 0, 18, 12, status, null)
  }, [status])
  return <canvas ref={ref} className="sweep-swatch" style={{ width: 18, height: 12 }} aria-hidden="true" />
}

export function SweepPanel() {
  const scenario = useUi((s) => s.scenario)
  const region = useUi((s) => s.region)
  const info = useUi((s) => s.info)
  const [index, setIndex] = useState(0)
  const optimizerIndex = Math.min(index, scenario.optimizers.length - 1)
  const entry = scenario.optimizers[optimizerIndex]
  // Schedule arguments join the hyperparameters as axes when the entry has a schedule (sweep-keys.ts).
  const keys = useMemo(() => sweepKeys(info, entry), [info, entry])
  const valueOf = (key: string) => {
    if (scheduleArgPath(key)) return keys.find((k) => k.key === key)?.def ?? 1
    const m = /^(\w+)\[([01])\]$/.exec(key)
    const raw = m ? (entry?.[m[1]] as number[] | undefined)?.[Number(m[2])] : entry?.[key]
    return typeof raw === 'number' ? raw : (keys.find((k) => k.key === key)?.def ?? 1)
  }
  const [xKey, setXKey] = useState('lr')
  const [yKey, setYKey] = useState('momentum')
  const [n, setN] = useState(16)
  const [metric, setMetric] = useState<SweepMetric>('final')
  const [tolerance, setTolerance] = useState(1e-3)
  const [ranges, setRanges] = useState<Readonly<Record<string, AxisRange>>>({})
  const [progress, setProgress] = useState<number | null>(null)
  const [result, setResult] = useState<Finished | null>(null)
  const [selected, setSelected] = useState<number | null>(null)
  const [hover, setHover] = useState<{ c: number; x: number; y: number } | null>(null)
  const [hessian, setHessian] = useState<{ expr: string; h: ConstantHessian | null } | null>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const preview = useRef<HTMLCanvasElement>(null)
  const results = useRef<HTMLDivElement>(null)
  const justFinished = useRef(false)
  const running = useRef<{ cancel(): void } | null>(null)
  // The settings travel with the session (view.sweep; ../ui/session-parts.ts).
  const settings = useRef<SweepSettings>({ index, xKey, yKey, n, metric, tolerance, ranges })
  settings.current = { index, xKey, yKey, n, metric, tolerance, ranges }
  useEffect(
    () =>
      registerSessionPart('sweep', {
        save: () => settings.current,
        load: (v) => {
          const p = parseSweepSettings(v)
          if (typeof p === 'string') return p
          setIndex(p.index)
          setXKey(p.xKey)
          setYKey(p.yKey)
          setN(p.n)
          setMetric(p.metric)
          setTolerance(p.tolerance)
          setRanges(p.ranges)
          return null
        },
      }),
    [],
  )

  const xk = keys.some((k) => k.key === xKey) ? xKey : (keys[0]?.key ?? 'lr')
  const yk = yKey !== '' && yKey !== xk && keys.some((k) => k.key === yKey) ? yKey : ''
  const keyOf = (key: string) => keys.find((k) => k.key === key)
  const rangeOf = (key: string): AxisRange =>
    ranges[key] ?? defaultRange(key, valueOf(key), keyOf(key)?.positive ?? false, keyOf(key)?.whole ?? false)
  const setRange = (key: string, patch: Partial<AxisRange>) => setRanges((r) => ({ ...r, [key]: { ...rangeOf(key), ...patch } }))

  const expr = landscapeExpr(scenario, info)
  // The exact Hessian needs the expression parser: loaded on demand, for the overlays only.
  useEffect(() => {
    let live = true
    if (!expr) return
    void import('../data/constant-hessian').then((m) => {
      if (live) setHessian({ expr, h: m.constantHessian(expr) })
    })
    return () => {
      live = false
    }
  }, [expr])

  const stale = result !== null && sweepSignature(scenario, result.spec) !== result.signature
  const scale = useMemo(() => (result ? colourScale(result.r.values, result.spec.metric) : null), [result])
  const overlay = useMemo(() => {
    if (!result) return null
    const h = hessian?.expr === result.expr ? hessian.h : null
    if (hessian?.expr !== result.expr) return null
    return sweepOverlay(result.spec, result.entry, h ? h.eigenvalues : null)
  }, [result, hessian])

  useEffect(() => {
    const c = canvas.current
    if (!result || !c) return
    const size = fitCanvases(c, [c])
    const ctx = cssContext(c, size)
    if (!ctx) return
    drawHeatmap(ctx, heatmapGeometry(size.width, size.height, result.r, result.spec), result.r, result.spec, scale, selected, overlay)
  }, [result, selected, scale, overlay])

  useEffect(() => {
    const c = preview.current
    if (!result || selected === null || !c) return
    const size = fitCanvases(c, [c])
    const ctx = cssContext(c, size)
    if (ctx)
      drawPreview(ctx, size.width, size.height, result.r.raw, selected, region, surfaceData.surface, optimizerColor(result.spec.optimizer))
  }, [result, selected, region])

  // A finished sweep is shown where the user is looking: the results scroll into view.
  useEffect(() => {
    if (!justFinished.current || !result) return
    justFinished.current = false
    results.current?.scrollIntoView({ block: 'nearest' })
  }, [result])

  const run = () => {
    if (!entry) return
    const xr = rangeOf(xk)
    const yr = yk ? rangeOf(yk) : null
    const problem = rangeProblem(xk, xr) ?? (yr ? rangeProblem(yk, yr) : null)
    if (problem) {
      showMessage('error', `Sweep: ${problem}.`)
      return
    }
    // The ranges used are fixed from now on: applying a cell does not re-centre the next run.
    setRanges((r) => ({ ...r, [xk]: xr, ...(yr ? { [yk]: yr } : {}) }))
    const spec: SweepSpec = {
      optimizer: optimizerIndex,
      x: { key: xk, n, ...xr, whole: keyOf(xk)?.whole ?? false },
      y: yr ? { key: yk, n, ...yr, whole: keyOf(yk)?.whole ?? false } : null,
      metric,
      tolerance,
    }
    const ran: Scenario = scenario
    running.current?.cancel()
    setProgress(0)
    const job = runSweep(getApi(), ran, spec, setProgress)
    running.current = job
    job.result.then(
      (r) => {
        justFinished.current = true
        setResult({
          r,
          spec,
          signature: sweepSignature(ran, spec),
          entry: ran.optimizers[spec.optimizer],
          expr: landscapeExpr(ran, info),
          label: optimizerLabel(ran.optimizers[spec.optimizer], info),
        })
        setSelected(null)
        setProgress(null)
        running.current = null
        runner?.rerun()
      },
      (err: Error) => {
        setProgress(null)
        running.current = null
        if (err.message !== 'cancelled' && err.message !== 'superseded') showMessage('error', `Sweep failed: ${err.message}`)
        runner?.rerun()
      },
    )
  }

  const changeMetric = (m: SweepMetric, tol = tolerance) => {
    setMetric(m)
    setTolerance(tol)
    // The finished job's losses are kept: a new metric or tolerance is a re-reduction, not a re-run.
    if (result) setResult({ ...result, r: reReduce(result.r, m, tol), spec: { ...result.spec, metric: m, tolerance: tol } })
  }

  const cellAt = (e: React.MouseEvent<HTMLCanvasElement>): number | null => {
    if (!result) return null
    const rect = e.currentTarget.getBoundingClientRect()
    return heatmapGeometry(rect.width, rect.height, result.r, result.spec).cellAt(e.clientX - rect.left, e.clientY - rect.top)
  }
  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const c = cellAt(e)
    const rect = e.currentTarget.getBoundingClientRect()
    setHover(c === null ? null : { c, x: e.clientX - rect.left, y: e.clientY - rect.top })
  }
  const apply = () => {
    if (!result || selected === null) return
    const { r, spec } = result
    const nx = r.xs.length
    const def = info?.optimizers.find((o) => o.name === result.entry.name)
    const defaults = Object.fromEntries((def?.hparams ?? []).map((h) => [h.name, h.default]))
    editScenario((s) => ({
      ...s,
      optimizers: s.optimizers.map((o, k) =>
        k === spec.optimizer && o.name === result.entry.name
          ? applyCell(o, spec, r.xs[selected % nx], r.ys ? r.ys[Math.floor(selected / nx)] : null, defaults)
          : o,
      ),
    }))
  }

  const cells = n * (yk ? n : 1)
  const axisRow = (which: 'x' | 'y', key: string) => {
    const r = rangeOf(key)
    return (
      <div className="hp-row sweep-range">
        <span className="hp-name">{which} range</span>
        <NumberField label={`sweep ${which} from`} value={r.from} width={62} onCommit={(v) => setRange(key, { from: v })} />
        <span className="muted">to</span>
        <NumberField label={`sweep ${which} to`} value={r.to} width={62} onCommit={(v) => setRange(key, { to: v })} />
        <label className="check small" title="logarithmic spacing">
          <input
            type="checkbox"
            aria-label={`sweep ${which} log`}
            checked={r.log}
            onChange={(e) => setRange(key, { log: e.target.checked })}
          />
          log
        </label>
      </div>
    )
  }
  const tip = hover && result ? cellDescription(result, hover.c) : null
  const sel = selected !== null && result ? cellDescription(result, selected) : null
  return (
    <Section title="Sweep" testId="panel-sweep" defaultOpen={false} aside={<span className="aside">{cells} configurations</span>}>
      <div className="hp-row">
        <span className="hp-name">optimizer</span>
        <select aria-label="sweep optimizer" value={optimizerIndex} onChange={(e) => setIndex(Number(e.target.value))}>
          {scenario.optimizers.map((o, k) => (
            <option key={k} value={k}>
              {optimizerLabel(o, info)}
            </option>
          ))}
        </select>
      </div>
      <div className="hp-row">
        <span className="hp-name">x axis</span>
        <select aria-label="sweep x" value={xk} onChange={(e) => setXKey(e.target.value)}>
          {keys.map((k) => (
            <option key={k.key} value={k.key}>
              {k.key}
            </option>
          ))}
        </select>
      </div>
      {axisRow('x', xk)}
      <div className="hp-row">
        <span className="hp-name">y axis</span>
        <select aria-label="sweep y" value={yk} onChange={(e) => setYKey(e.target.value)}>
          <option value="">(none)</option>
          {keys
            .filter((k) => k.key !== xk)
            .map((k) => (
              <option key={k.key} value={k.key}>
                {k.key}
              </option>
            ))}
        </select>
      </div>
      {yk && axisRow('y', yk)}
      <div className="hp-row">
        <span className="hp-name">cells / axis</span>
        <NumberField
          label="sweep cells per axis"
          value={n}
          integer
          min={2}
          max={Math.floor(Math.sqrt(SWEEP_MAX_CELLS))}
          width={60}
          onCommit={setN}
        />
      </div>
      <Segmented label="sweep metric" value={metric} options={METRICS} onChange={(m) => changeMetric(m)} />
      {metric === 'tolerance' && (
        <div className="hp-row">
          <span className="hp-name">tolerance</span>
          <NumberField label="sweep tolerance" value={tolerance} min={0} width={70} onCommit={(t) => changeMetric(metric, t)} />
        </div>
      )}
      <div className="hp-row">
        <button type="button" className="btn small" data-testid="sweep-run" onClick={run} disabled={!entry}>
          {progress === null ? (stale ? 'Re-run sweep' : 'Run sweep') : `Running… ${Math.round(progress * 100)}%`}
        </button>
        {progress !== null && (
          <button type="button" className="btn small" onClick={() => running.current?.cancel()}>
            Cancel
          </button>
        )}
      </div>
      {result && (
        <div className="sweep-results" ref={results} data-testid="sweep-results" data-stale={stale}>
          <div className="sweep-status" data-testid="sweep-status">
            {result.label}: {result.r.values.length} configurations × {result.r.raw.starts} start{result.r.raw.starts === 1 ? '' : 's'} in{' '}
            {result.r.seconds.toFixed(2)} s. {selected === null ? 'Hover a cell for its values; click it to preview its trajectories.' : ''}
          </div>
          {stale && (
            <div className="sweep-stale warn" data-testid="sweep-stale">
              Stale: the scenario changed since this sweep ran (precision, landscape, start points, steps or another hyperparameter).{' '}
              <button type="button" className="link" onClick={run}>
                Re-run
              </button>
            </div>
          )}
          <div className="sweep-map-wrap">
            <canvas
              ref={canvas}
              className="sweep-heatmap"
              data-testid="sweep-heatmap"
              onClick={(e) => setSelected(cellAt(e))}
              onMouseMove={onMove}
              onMouseLeave={() => setHover(null)}
              style={{ width: '100%', height: 220, cursor: 'crosshair', opacity: stale ? 0.45 : 1 }}
            />
            {tip && hover && (
              <div
                className={hover.x > 150 ? 'sweep-tooltip flip' : 'sweep-tooltip'}
                data-testid="sweep-tooltip"
                style={{ left: hover.x > 150 ? hover.x - 10 : hover.x + 12, top: hover.y + 14 }}
              >
                <div>{tip.config}</div>
                <div className="muted">{tip.value}</div>
              </div>
            )}
          </div>
          {scale && <ColourBar scale={scale} metric={result.spec.metric} />}
          <div className="sweep-legend" data-testid="sweep-legend">
            <span>
              <Swatch status={CELL_DIVERGED} /> diverged (median start)
            </span>
            {result.spec.metric === 'tolerance' && (
              <span>
                <Swatch status={CELL_NEVER_REACHED} /> never reached loss ≤ {formatNumber(result.spec.tolerance)}
              </span>
            )}
            {overlay?.curves.map((c) => (
              <span key={c.id} data-testid={`sweep-overlay-${c.id}`}>
                <svg width="18" height="10" aria-hidden="true">
                  <line
                    x1="0"
                    y1="5"
                    x2="18"
                    y2="5"
                    stroke={OVERLAY_STYLE[c.id].color}
                    strokeWidth="2"
                    strokeDasharray={OVERLAY_STYLE[c.id].dash.join(' ')}
                  />
                </svg>{' '}
                {c.label}
              </span>
            ))}
          </div>
          {overlay?.note && <div className="muted small">{overlay.note}</div>}
          {overlay && overlay.curves.length > 0 && (
            <div className="muted small">
              Heavy ball on a quadratic with curvature λ converges iff 0 ≤ β &lt; 1 and 0 &lt; lr·λ &lt; 2(1+β); its rate is fastest at β* =
              (1 − √(lr·λ))² (G. Goh, “Why Momentum Really Works”, Distill 2017). λ: the eigenvalues of this landscape’s exact, constant
              Hessian.
            </div>
          )}
          {sel && selected !== null && (
            <div className="sweep-preview" data-testid="sweep-preview">
              <div className="sweep-status">
                Preview · {sel.config}: {sel.value}
              </div>
              <canvas ref={preview} className="sweep-preview-canvas" style={{ width: '100%', height: 150 }} />
              <div className="sweep-actions">
                <button type="button" className="btn small" data-testid="sweep-apply" onClick={apply}>
                  Apply to {result.label}
                </button>
                <button type="button" className="btn small" onClick={() => setSelected(null)}>
                  Close preview
                </button>
              </div>
            </div>
          )}
        </div>
      )}
    </Section>
  )
}
