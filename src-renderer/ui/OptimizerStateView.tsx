/**
 * The optimizer-state view: for the selected run at the playhead, the update made from the head —
 * −∇L, the first moment and the step actually taken (drawn as arrows at the head in the 3-D view,
 * listed here with their sizes), each coordinate's effective learning rate (lr / P from the
 * optimizer's preconditioner) as bars, the scheduled lr (and cycled momentum) under a learning-rate
 * schedule, and the state slots as numbers. The engine streams only
 * positions, so the run is replayed in float64 here (optstate/replay.ts). Collapsed to a button
 * until opened.
 */
import { useEffect, useState, useSyncExternalStore } from 'react'
import { job, onJobChange } from '../data/job-data'
import { clock, onPlayhead } from '../data/playback'
import { eos, onEosChange, setEosRun } from '../eos/state'
import { stateAtPlayhead, type StateModel } from '../optstate/compute'
import {
  arrowLabel,
  arrowVectors,
  hasArrow,
  onOptStateChange,
  optState,
  setOptStateOpen,
  setOptStateView,
  STATE_ARROWS,
} from '../optstate/state'
import { formatNumber, optimizerLabel } from '../store/scenario'
import { useUi } from '../store/ui-store'

const fmt = (v: number) => (Number.isFinite(v) ? formatNumber(v, 4) : String(v))
const norm = (v: readonly [number, number]) => Math.hypot(v[0], v[1])

function useOpen(): boolean {
  return useSyncExternalStore(onOptStateChange, () => optState.open)
}

export function OptimizerStateView() {
  const open = useOpen()
  const info = useUi((s) => s.info)
  const [model, setModel] = useState<StateModel | null>(null)

  useEffect(() => {
    if (!open) return
    let frame = 0
    const schedule = () => {
      if (frame) return
      frame = requestAnimationFrame(() => {
        frame = 0
        const { scenario, region } = useUi.getState()
        const m = stateAtPlayhead(job, eos.run, clock.t, scenario, Math.abs(region.x[1] - region.x[0]) || 1)
        setModel(m)
        setOptStateView(m?.ok ? m.view : null)
      })
    }
    schedule()
    const offs = [onPlayhead(schedule), onJobChange(schedule), onEosChange(schedule)]
    return () => {
      if (frame) cancelAnimationFrame(frame)
      for (const off of offs) off()
      setOptStateView(null)
    }
  }, [open])

  if (!open) {
    return (
      <button type="button" className="card opt-state-open btn small" data-testid="opt-state-open" onClick={() => setOptStateOpen(true)}>
        Optimizer state
      </button>
    )
  }
  const runs = job.runs
  const run = model?.run ?? 0
  return (
    <div className="card opt-state" data-testid="opt-state" data-run={run}>
      <div className="opt-state-head">
        <span className="card-title">Optimizer state</span>
        {runs.length > 1 && (
          <select
            aria-label="Optimizer state run"
            value={run}
            className="opt-state-run"
            onChange={(e) => setEosRun(Number(e.target.value))}
          >
            {runs.slice(0, 200).map((r, i) => (
              <option
                key={i}
                value={i}
              >{`${optimizerLabel(r.optimizer, info)} from (${formatNumber(r.init[0])}, ${formatNumber(r.init[1])})`}</option>
            ))}
          </select>
        )}
        <button type="button" className="icon-btn" aria-label="Close the optimizer state" onClick={() => setOptStateOpen(false)}>
          ×
        </button>
      </div>
      {!model && <div className="muted">No run yet.</div>}
      {model && !model.ok && (
        <div className="muted" data-testid="opt-state-unavailable">
          {model.reason}
        </div>
      )}
      {model?.ok && <StateBody model={model} />}
    </div>
  )
}

function StateBody({ model }: { readonly model: Extract<StateModel, { ok: true }> }) {
  const v = model.view
  const vectors = arrowVectors(v)
  const precision = useUi((s) => s.scenario.extra.precision)
  const steps = useUi((s) => s.scenario.steps)
  const sizes: Record<string, readonly [number, number] | null> = {
    grad: v.grad,
    trueGrad: v.trueGrad,
    moment: v.moment?.value ?? null,
    delta: Number.isFinite(v.delta[0]) ? v.delta : null,
  }
  return (
    <div className="opt-state-body" data-testid="opt-state-body" data-step={v.step} data-mismatch={model.mismatch}>
      <div className="opt-state-line mono">
        step {v.step} → {v.step + 1} · θ = ({fmt(v.head[0])}, {fmt(v.head[1])}) · L = {fmt(v.loss)}
      </div>
      {v.step >= steps && <div className="muted">The head is the run’s last step: the update shown is the one that would come next.</div>}
      {v.scheduled && (
        <div className="opt-state-line mono" data-testid="opt-state-schedule" title="the learning-rate schedule's values for this update">
          scheduled lr = {fmt(v.scheduled.lr)}
          {v.scheduled.momentum && ` · ${v.scheduled.momentum.name} = ${fmt(v.scheduled.momentum.value)}`}
        </div>
      )}
      {v.scheduleEnded && (
        <div className="muted">The learning-rate schedule ends here (it cannot be stepped further): no update is shown.</div>
      )}
      {v.step < model.requested && <div className="warn">The run diverged at step {v.step + 1}; the state is shown where it stopped.</div>}
      {v.divergesNext && v.step >= model.requested && <div className="warn">The next update leaves the finite numbers (divergence).</div>}
      <table className="opt-state-table" data-testid="opt-state-vectors">
        <thead>
          <tr>
            <th />
            <th>x</th>
            <th>y</th>
            <th>‖·‖</th>
          </tr>
        </thead>
        <tbody>
          {STATE_ARROWS.filter((a) => hasArrow(a.key, v)).map((a) => {
            const s = sizes[a.key]
            const sign = a.key === 'delta' ? 1 : -1
            const { label, title } = arrowLabel(a.key, v)
            return (
              <tr key={a.key} data-vector={a.key} title={title}>
                <td>
                  <span
                    className="opt-state-swatch"
                    style={{
                      background: vectors[a.key] ? a.color : 'transparent',
                      borderColor: a.color,
                      opacity: a.faint ? 0.5 : undefined,
                    }}
                  />
                  {label}
                </td>
                {s ? (
                  <>
                    <td className="mono">{fmt(sign * s[0])}</td>
                    <td className="mono">{fmt(sign * s[1])}</td>
                    <td className="mono">{fmt(norm(s))}</td>
                  </>
                ) : (
                  <td className="muted" colSpan={3}>
                    {a.key === 'moment' ? 'no first moment' : '—'}
                  </td>
                )}
              </tr>
            )
          })}
        </tbody>
      </table>
      <EffectiveLr model={model} />
      <div className="opt-state-sub">State after the update</div>
      <table className="opt-state-table" data-testid="opt-state-slots">
        <tbody>
          {v.slots.length === 0 && (
            <tr>
              <td className="muted">no state</td>
            </tr>
          )}
          {v.slots.map((s) => (
            <tr key={s.name} data-slot={s.name}>
              <td className="mono">{s.name}</td>
              {s.shared ? (
                <td className="mono" colSpan={2}>
                  {fmt(s.value[0])} <span className="muted">(shared)</span>
                </td>
              ) : (
                <>
                  <td className="mono">{fmt(s.value[0])}</td>
                  <td className="mono">{fmt(s.value[1])}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="opt-state-note muted">
        Replayed in float64 from the run’s start; arrows at the head show directions only.
        {precision === 'float32' && model.mismatch > 1e-4
          ? ` The drawn float32 run is ${formatNumber(model.mismatch * 100, 2)}% of the region away.`
          : ''}
      </div>
    </div>
  )
}

function EffectiveLr({ model }: { readonly model: Extract<StateModel, { ok: true }> }) {
  const v = model.view
  if (!v.effectiveLr) {
    return (
      <div className="opt-state-lr muted" data-testid="opt-state-lr">
        No diagonal preconditioner: {v.lr !== null ? `every coordinate steps with lr = ${fmt(v.lr)}` : 'no learning rate to scale'}.
      </div>
    )
  }
  const e = v.effectiveLr
  // Bars on a log scale spanning the two rates and lr (they differ by orders of magnitude).
  const values = [e[0], e[1], ...(v.lr !== null ? [v.lr] : [])].filter((x) => x > 0 && Number.isFinite(x))
  const lo = Math.log10(Math.min(...values)) - 1
  const hi = Math.log10(Math.max(...values)) + 0.2
  const width = (x: number) => (x > 0 && Number.isFinite(x) ? Math.max(2, ((Math.log10(x) - lo) / (hi - lo)) * 100) : 0)
  return (
    <div className="opt-state-lr" data-testid="opt-state-lr">
      <div className="opt-state-sub">
        Effective learning rate ({v.effectiveLrForm}, log scale{v.lr !== null ? '; tick: lr' : ''})
      </div>
      {(['x', 'y'] as const).map((c, i) => (
        <div key={c} className="opt-state-bar-row" data-coord={c} data-value={e[i]}>
          <span className="mono">{c}</span>
          <span className="opt-state-bar">
            <span className="opt-state-fill" style={{ width: `${width(e[i])}%` }} />
            {v.lr !== null && <span className="opt-state-tick" style={{ left: `${width(v.lr)}%` }} />}
          </span>
          <span className="mono">{fmt(e[i])}</span>
        </div>
      ))}
    </div>
  )
}
