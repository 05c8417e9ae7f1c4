/**
 * The edge-of-stability view, docked beside the 3-D view: loss, sharpness against its threshold
 * and the oscillation along the top eigenvector for one run, on one step axis, with the central
 * flow's predictions, the EoS onset, the flow's limits, a crosshair linked to the 3-D view and
 * "Restart flow here". Charts are redrawn on data changes (throttled), the crosshair per event;
 * React re-renders only for the header and the notes.
 */
import { useEffect, useRef, useState } from 'react'
import { guards } from '../../src-shared/api'
import { EOS_SCENES } from '../../src-shared/eos/scenes'
import { getApi } from '../api'
import { job, onJobChange, surfaceData } from '../data/job-data'
import { GFS_MAX_GRADIENTS, gfsBudgetProblem, gfsSolvesAllowed, MAX_GFS_EVALUATIONS } from '../../src-shared/network/gfs-budget'
import { clock, onPlayhead } from '../data/playback'
import { shown } from '../data/runner'
import { effectiveEvery, formatNumber, optimizerLabel, type Scenario } from '../store/scenario'
import { editScenario, showMessage, useUi } from '../store/ui-store'
import { IconClose } from '../ui/icons'
import { useJobVersion } from '../ui/Legend'
import { cssContext, fitCanvases } from '../charts/canvas'
import { drawEosCharts, EOS_COLORS, type EosLayout, eosLayout } from './draw'
import { Cited, EosNote } from './EosNote'
import { readoutText, sharpnessName } from './labels'
import { noFlowNote, restartAvailability } from './flow-availability'
import { PAPERS } from './notes'
import { networkSceneOf } from '../network/scenes'
import { type EosModel, eosModel } from './model'
import { addRestartedFlow, eos, onEosChange, requestPathFrame, restartedFor, setEosRun, setHighlight } from './state'

const MIN_REDRAW_MS = 120

/** The kept point the view and the 3-D markers show: the highlight, else the playhead. */
export function focusPoint(): number {
  return eos.highlight ?? Math.floor(clock.t)
}

let restarting = false

/** Integrate the central flow from GD's iterate at the focused step (GradscapeApi.centralFlow). */
export async function restartFlowHere(): Promise<void> {
  const scenario = shown.scenario
  const r = Math.max(0, Math.min(job.runs.length - 1, eos.run))
  const info = job.runs[r]
  if (!scenario || !info || restarting) return
  const k = Math.max(0, Math.min(Math.min(job.received, job.kept) - 1, focusPoint()))
  const i = r * job.kept + k
  const x = job.xy[2 * i],
    y = job.xy[2 * i + 1]
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    showMessage('error', 'GD has no finite iterate at this step.')
    return
  }
  const jobId = job.jobId
  restarting = true
  try {
    const flow = await getApi().centralFlow({
      landscape: scenario.landscape,
      optimizer: info.optimizer,
      init: [x, y],
      steps: (job.kept - 1 - k) * job.every,
      every: job.every,
    })
    if (!guards.flowData(flow)) throw new Error('the host answered with something that is not a central flow')
    if (job.jobId === jobId) addRestartedFlow({ jobId, run: r, start: k, flow })
  } catch (err) {
    showMessage('error', `Could not restart the central flow: ${(err as Error)?.message ?? err}`)
  } finally {
    restarting = false
  }
}

/**
 * The gradient-flow-solution sharpness (Kreisler et al., ICML 2023): λ₁ where gradient flow from
 * each iterate converges, charted beside S when turned on. The engine computes it on 2-D
 * landscapes and float64 networks (record.gfs_sharpness; a network's flow runs in all its parameters, at the kept steps).
 */
/**
 * Why the engine would refuse GFS for the network on screen (its worst-case flow work, ../../src-shared/network/gfs-budget),
 * so the toggle says so up front instead of failing the job; null for 2-D landscapes and until the net's size is known.
 */
function networkGfsProblem(scenario: Scenario): string | null {
  const net = scenario.landscape.network ? surfaceData.surface?.network : undefined
  if (!net) return null
  const runs = job.runs.length > 0 ? job.runs.length : scenario.optimizers.length
  const problem = gfsBudgetProblem({
    runs,
    steps: scenario.steps,
    eigenEvery: effectiveEvery(scenario),
    examples: net.examples,
    parameters: net.size,
  })
  if (!problem) return null
  const every = effectiveEvery(scenario)
  const solves = runs * (Math.floor(scenario.steps / every) + 1)
  const allowed = Math.min(MAX_GFS_EVALUATIONS, gfsSolvesAllowed(net.examples, net.size))
  return `a flow from each kept step is ${solves} flows of up to ${GFS_MAX_GRADIENTS.toLocaleString('en')} gradients each, and at most ${allowed} fit on ${net.size} parameters × ${net.examples} examples (use fewer steps or runs, or the CLI with record.eigen_every)`
}

function GfsNote() {
  const scenario = useUi((s) => s.scenario)
  const on = scenario.record.gfs === true
  const paper = PAPERS.K
  const cite = (
    <span className="eos-cite">
      ({paper.authors.split(',')[0]} et al., <cite>{paper.title}</cite>, {paper.venue})
    </span>
  )
  if (scenario.extra.precision === 'float32')
    return (
      <p className="muted" data-testid="eos-gfs">
        GFS sharpness needs the float64 path (switch precision in the Run panel) {cite}.
      </p>
    )
  const toggle = () => editScenario((s) => ({ ...s, record: { ...s.record, gfs: !on } }))
  const tooCostly = networkGfsProblem(scenario)
  if (tooCostly && !on)
    return (
      <p className="muted" data-testid="eos-gfs" data-refused="true">
        GFS sharpness: λ₁ where gradient flow from each iterate converges {cite}. Not offered for this network run: {tooCostly}.{' '}
        <button type="button" className="link" data-testid="eos-gfs-toggle" disabled title={tooCostly}>
          Chart it beside S
        </button>
      </p>
    )
  return (
    <p data-testid="eos-gfs">
      {on ? (
        <>
          <span style={{ color: EOS_COLORS.gfs }}>GFS</span> in (b): the sharpness λ₁ at the minimum gradient flow from each iterate
          converges to. On scalar networks such as ½(xy − 1)² the paper proves GD decreases it monotonically, also at the edge {cite}.{' '}
        </>
      ) : (
        <>GFS sharpness: λ₁ where gradient flow from each iterate converges {cite}. </>
      )}
      <button type="button" className="link" data-testid="eos-gfs-toggle" onClick={toggle}>
        {on ? 'Hide it' : 'Chart it beside S'}
      </button>
    </p>
  )
}

export function EosView() {
  const wrap = useRef<HTMLDivElement>(null)
  const chart = useRef<HTMLCanvasElement>(null)
  const cursor = useRef<HTMLCanvasElement>(null)
  const readout = useRef<HTMLDivElement>(null)
  const scenario = useUi((s) => s.scenario)
  const info = useUi((s) => s.info)
  const version = useJobVersion(200)
  const [eosVersion, setEosVersion] = useState(eos.version)
  const [busy, setBusy] = useState(false)
  const [note, setNote] = useState<string | null>(null)
  const state = useRef({ layout: null as EosLayout | null, model: null as EosModel | null }).current

  useEffect(() => {
    let frame = 0
    let last = 0
    let timer: ReturnType<typeof setTimeout> | null = null
    const drawCursor = () => {
      const c = cursor.current
      const { layout: L, model: m } = state
      if (!c || !L || !m) return
      const ctx = cssContext(c, L)
      if (!ctx) return
      const k = Math.max(0, Math.min(L.last, focusPoint()))
      const x = Math.round(L.x(k)) + 0.5
      ctx.strokeStyle = eos.highlight !== null ? 'rgba(235, 242, 250, 0.85)' : 'rgba(235, 242, 250, 0.45)'
      ctx.setLineDash(eos.highlight !== null ? [] : [3, 3])
      ctx.lineWidth = 1
      for (const p of L.panels) {
        ctx.beginPath()
        ctx.moveTo(x, p.top)
        ctx.lineTo(x, p.top + p.height)
        ctx.stroke()
      }
      // A dot on each GD series at the focused point.
      ctx.setLineDash([])
      ctx.fillStyle = '#ffffff'
      const dots: Array<[number, number]> = [
        [0, m.smoothedLoss[k]],
        [1, m.sharpness ? m.sharpness[k] : NaN],
        [2, m.oscillation ? m.oscillation[k] : NaN],
      ]
      for (const [pi, v] of dots) {
        if (k >= m.n) continue
        const y = L.y(L.panels[pi], v)
        if (Number.isFinite(y) && Number.isFinite(v)) {
          ctx.beginPath()
          ctx.arc(x, y, 2.8, 0, 2 * Math.PI)
          ctx.fill()
        }
      }
      const el = readout.current
      if (el) {
        el.textContent = readoutText(m, k)
        el.dataset.step = String(k * m.every)
        el.dataset.highlight = eos.highlight === null ? '' : String(eos.highlight * m.every)
      }
    }
    const draw = () => {
      frame = 0
      last = performance.now()
      const el = wrap.current
      const c = chart.current
      const k = cursor.current
      if (!el || !c || !k) return
      const { width, height } = fitCanvases(el, [c, k])
      const m = eosModel(job, eos.run, restartedFor(job.jobId, eos.run))
      state.model = m
      const ctx = cssContext(c)
      if (!ctx) return
      if (!m) {
        ctx.clearRect(0, 0, width, height)
        state.layout = null
        return
      }
      const L = eosLayout(width, height, m)
      state.layout = L
      drawEosCharts(ctx, L, m)
      el.dataset.version = String(job.version)
      el.dataset.onset = m.onset === null ? '' : String(m.onset * m.every)
      el.dataset.flows = String((m.flow ? 1 : 0) + m.restarted.length)
      drawCursor()
    }
    const schedule = () => {
      if (frame || timer) return
      const wait = MIN_REDRAW_MS - (performance.now() - last)
      if (wait > 0)
        timer = setTimeout(() => {
          timer = null
          frame = requestAnimationFrame(draw)
        }, wait)
      else frame = requestAnimationFrame(draw)
    }
    let lastRestarted = eos.restarted
    let lastRun = eos.run
    let lastFramed = eos.framed
    const offEos = onEosChange(() => {
      if (eos.restarted !== lastRestarted || eos.run !== lastRun) {
        lastRestarted = eos.restarted
        lastRun = eos.run
        schedule()
        setEosVersion(eos.version)
      } else drawCursor()
      if (eos.framed !== lastFramed) {
        lastFramed = eos.framed
        setEosVersion(eos.version)
      }
    })
    // Opening the view frames the 3-D view on the shown run's path.
    requestPathFrame()
    const offJob = onJobChange(schedule)
    const offHead = onPlayhead(drawCursor)
    const ro = new ResizeObserver(schedule)
    if (wrap.current) ro.observe(wrap.current)
    schedule()
    return () => {
      offJob()
      offHead()
      offEos()
      ro.disconnect()
      cancelAnimationFrame(frame)
      if (timer) clearTimeout(timer)
    }
  }, [state])

  /** The step under the pointer, or null outside the plots. */
  const pointAt = (e: React.PointerEvent<HTMLCanvasElement> | React.MouseEvent<HTMLCanvasElement>): number | null => {
    const L = state.layout
    if (!L) return null
    const rect = e.currentTarget.getBoundingClientRect()
    const px = e.clientX - rect.left
    if (px < L.left - 4 || px > L.right + 4) return null
    return Math.min(L.pointAt(px), Math.max(0, (state.model?.n ?? 1) - 1))
  }
  // Hover highlights a step; a click pins it (it stays when the pointer leaves, e.g. for
  // "Restart flow here"); a click outside the plots unpins.
  const onMove = (e: React.PointerEvent<HTMLCanvasElement>) => setHighlight(pointAt(e) ?? eos.pinned)
  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    eos.pinned = pointAt(e)
    setHighlight(eos.pinned)
  }

  // Header and notes (re-rendered on job summaries, not per frame).
  void version
  void eosVersion
  const runs = job.runs
  const run = Math.max(0, Math.min(runs.length - 1, eos.run))
  // Everything below is derived from the selected run in this render (the charts' model is
  // computed the same way when they redraw): no label can show the previously selected run.
  const m = runs.length > 0 ? eosModel(job, run, restartedFor(job.jobId, run)) : null
  const flow = job.flows.find((f) => f.run === run) ?? null
  const optimizer = runs[run]?.optimizer
  const preset = info?.presets.find((p) => p.id === scenario.landscape.preset && scenario.landscape.expr === undefined)
  const scene = EOS_SCENES.find((s) => s.preset === preset?.id && scenario.optimizers.length === 1 && scenario.optimizers[0].lr === s.lr)
  const network = scenario.landscape.network !== undefined
  const netScene = networkSceneOf(scenario)
  const restartable = restartAvailability(optimizer, network)
  const threshold = m?.threshold
  const restart = () => {
    setBusy(true)
    void restartFlowHere().finally(() => setBusy(false))
  }
  const stoppedStep = flow?.stoppedAt ?? null

  return (
    <aside className="eos-view" data-testid="eos-view" aria-label="Edge of stability" data-framed={eos.framed} data-run={run}>
      <div className="eos-head">
        <div className="card-title">Edge of stability</div>
        {runs.length > 1 && (
          <select aria-label="EoS run" value={run} className="eos-run" onChange={(e) => setEosRun(Number(e.target.value))}>
            {runs.slice(0, 200).map((r, i) => (
              <option key={i} value={i}>
                {/* A network's runs all start from its parameters: no start point to name. */}
                {network
                  ? optimizerLabel(r.optimizer, info)
                  : `${optimizerLabel(r.optimizer, info)} from (${formatNumber(r.init[0])}, ${formatNumber(r.init[1])})`}
              </option>
            ))}
          </select>
        )}
        <span className="grow" />
        <button
          type="button"
          className="btn small"
          data-testid="eos-zoom"
          onClick={requestPathFrame}
          title="Frame the 3-D view on this run’s path"
        >
          Zoom to path
        </button>
        <button
          type="button"
          className="btn small"
          data-testid="eos-restart"
          onClick={restart}
          disabled={busy || !restartable.ok || !job.done}
          data-reason={restartable.ok ? '' : restartable.reason}
          title={restartable.reason}
        >
          {busy ? 'Restarting…' : 'Restart flow here'}
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="Close the EoS view"
          title="Close (E)"
          onClick={() => useUi.setState({ eosOpen: false })}
        >
          <IconClose size={14} />
        </button>
      </div>
      <div className="eos-status mono small" data-testid="eos-readout" ref={readout} />
      <div className="eos-charts" ref={wrap} data-testid="eos-charts">
        <canvas ref={chart} className="chart-canvas" />
        <canvas
          ref={cursor}
          className="chart-canvas"
          onPointerMove={onMove}
          onClick={onClick}
          onPointerLeave={() => setHighlight(eos.pinned)}
          data-testid="eos-cursor"
        />
      </div>
      <div className="eos-notes">
        {!scenario.record.sharpness && (
          <p>
            Sharpness is not recorded for this session.{' '}
            <button
              type="button"
              className="link"
              onClick={() => editScenario((s) => ({ ...s, record: { ...s.record, sharpness: true } }))}
            >
              Record it
            </button>
          </p>
        )}
        {scenario.record.sharpness && <GfsNote />}
        {threshold?.kind === 'none' && <p className="warn">No threshold: {threshold.reason}.</p>}
        {threshold && threshold.kind !== 'none' && m && (
          <p data-testid="eos-threshold">
            <span style={{ color: EOS_COLORS.threshold }}>Threshold</span> for {m.runLabel}: {threshold.formula} ={' '}
            {formatNumber(threshold.value, 4)}
            {threshold.kind === 'preconditioned' ? ` (${threshold.preconditioner})` : ''}.{' '}
            <span style={{ color: EOS_COLORS.onset }}>Onset</span>:{' '}
            {m.onset != null ? `step ${m.onset * m.every}, the first step whose ${sharpnessName(m)} ≥ the threshold` : 'not reached'}.
            {m.flowEdge != null ? ` The central flow reaches the edge (σ² > 0) at step ${m.flowEdge * m.every}.` : ''}
            {m.edge === 'below' ? ` ${m.runLabel} is not at the edge of stability: its ${sharpnessName(m)} stays below the threshold.` : ''}
          </p>
        )}
        {m?.sharpnessNote && <p className="muted">{m.sharpnessNote}</p>}
        {stoppedStep !== null && (
          <p className="warn" data-testid="eos-stop">
            <strong>Flow stops at step {stoppedStep}:</strong> {flow?.stopReason}
          </p>
        )}
        {!flow && job.done && (
          <p className="muted" data-testid="eos-no-flow">
            {noFlowNote(optimizer, scenario.extra.central_flow === true, network)}
          </p>
        )}
        {flow && network && (
          <p className="muted" data-testid="eos-network-flow">
            The flow lives in parameter space: its predicted loss and sharpness are charted here, but it is not drawn on the slice.
          </p>
        )}
        <p className="muted">
          (a) smoothed = centred 21-step trapezoid average (the window shrinks at the ends)
          {m?.flow ? '; dashed white: the flow’s predicted time-averaged loss L(w) + ½⟨H, Σ⟩' : ''}. (c) ⟨x<sub>t</sub> − x̄<sub>t</sub>, u
          <sub>t</sub>⟩: {m?.runLabel ?? 'the run'}’s displacement from its smoothed path x̄, along the top Hessian eigenvector u<sub>t</sub>{' '}
          at x<sub>t</sub> (its sign kept continuous from step to step){m?.flow ? '; dashed: the flow’s ±σ = ±√tr Σ' : ''}.
          {job.every > 1 ? ` Every ${job.every}th step is kept: smoothing and the onset use kept points.` : ''}
          {m?.flow && !network ? ' In the 3-D view the blue segment through the flow’s point is Σ (±σ along u).' : ''}{' '}
          <button type="button" className="link" data-testid="eos-note-link" onClick={() => setNote('flow')}>
            About central flows
          </button>
        </p>
        {netScene && (
          <p data-testid="eos-caption">
            {netScene.caption} <strong>{netScene.look}</strong>{' '}
            <span className="eos-cite" data-testid="eos-cite">
              ({PAPERS[netScene.cite].authors.split(',')[0]} et al., <cite>{PAPERS[netScene.cite].title}</cite>,{' '}
              {PAPERS[netScene.cite].venue})
            </span>
          </p>
        )}
        {scene && (
          <p data-testid="eos-caption">
            <Cited text={scene.caption} onOpen={setNote} />
          </p>
        )}
        {scene?.outsideRegime && preset?.centralFlowNote === undefined && <p className="warn">Outside the central flow’s regime.</p>}
        {preset?.centralFlowNote && (
          <p className="warn">
            <Cited text={preset.centralFlowNote} onOpen={setNote} />
          </p>
        )}
        {m && m.restarted.length > 0 && (
          <p>
            <span style={{ color: EOS_COLORS.restarted }}>Restarted</span> from step {m.restarted.map((r) => r.start * m.every).join(', ')}{' '}
            (dotted teal in the charts, a teal line on the surface).
          </p>
        )}
      </div>
      {note !== null && <EosNote section={note} onClose={() => setNote(null)} />}
    </aside>
  )
}
