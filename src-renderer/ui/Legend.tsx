/**
 * Legend: each optimizer's colour and the settings it ran with, its runs' median loss (final, or
 * at the playhead) and how many diverged. When the engine refused the current settings, the
 * legend says that it shows the last valid run.
 */
import { useEffect, useState } from 'react'
import { job, onJobChange } from '../data/job-data'
import { clock, onPlayhead } from '../data/playback'
import { FLOW_COLOR } from '../scene/CentralFlows'
import { optimizerColor } from '../scene/palette'
import { formatNumber } from '../store/scenario'
import { toggleHidden, useUi } from '../store/ui-store'
import { shownLabels, summarize } from './legend-summary'

/** Re-render at most every `ms` while job data streams (for summaries, never for the scene). */
export function useJobVersion(ms = 150): number {
  const [version, setVersion] = useState(job.version)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const off = onJobChange(() => {
      if (timer) return
      timer = setTimeout(() => {
        timer = null
        setVersion(job.version)
      }, ms)
    })
    return () => {
      off()
      if (timer) clearTimeout(timer)
    }
  }, [ms])
  return version
}

/** The playhead (kept point), re-read at most every `ms` while `active`. */
function usePlayhead(active: boolean, ms = 120): number {
  const [t, setT] = useState(clock.t)
  useEffect(() => {
    if (!active) return
    let timer: ReturnType<typeof setTimeout> | null = null
    setT(clock.t)
    const off = onPlayhead(() => {
      if (timer) return
      timer = setTimeout(() => {
        timer = null
        setT(clock.t)
      }, ms)
    })
    return () => {
      off()
      if (timer) clearTimeout(timer)
    }
  }, [active, ms])
  return t
}

export function Legend() {
  useJobVersion()
  const [atPlayhead, setAtPlayhead] = useState(false)
  const t = usePlayhead(atPlayhead)
  const optimizers = useUi((s) => s.scenario.optimizers)
  const info = useUi((s) => s.info)
  const hidden = useUi((s) => s.view.hidden)
  const refused = useUi((s) => s.jobProblem !== null)
  const sameJob = job.optimizers === optimizers.length
  const labels = shownLabels(job, optimizers, info)
  const point = atPlayhead ? Math.round(t) : Infinity
  const what = atPlayhead ? `loss at step ${Math.round(t) * Math.max(1, job.every)}` : job.done ? 'final loss' : 'loss'
  return (
    <div className={refused ? 'legend card stale' : 'legend card'} data-testid="legend" data-stale={refused}>
      <div className="card-title">
        Optimizers{' '}
        <button
          type="button"
          className="link-btn legend-mode"
          data-testid="legend-mode"
          aria-pressed={atPlayhead}
          title={atPlayhead ? 'Show the final loss' : 'Show the loss at the playhead'}
          onClick={() => setAtPlayhead(!atPlayhead)}
        >
          {what} (median)
        </button>
      </div>
      {refused && (
        <div
          className="legend-stale"
          data-testid="legend-stale"
          title="The engine refused the current settings (see the optimizer card); the scene and these numbers are the last run that was valid"
        >
          last valid run · current settings not run
        </div>
      )}
      <ul>
        {optimizers.map((_, i) => {
          const s = sameJob ? summarize(job, i, point) : null
          const off = hidden.includes(i)
          return (
            <li key={i} className={off ? 'off' : ''}>
              <button type="button" onClick={() => toggleHidden(i)} title={off ? 'Show' : 'Hide'} aria-pressed={!off}>
                <span className="legend-line" style={{ background: optimizerColor(i) }} />
                <span className="legend-name">{labels[i]}</span>
                <span className="legend-value mono">
                  {s ? (Number.isFinite(s.median) ? formatNumber(s.median, 3) : '—') : '…'}
                  {s && s.diverged > 0 && (
                    <span className="diverged" title={`${s.diverged} of ${s.runs} runs diverged`}>
                      {' '}
                      · {s.diverged} div.
                    </span>
                  )}
                </span>
              </button>
            </li>
          )
        })}
      </ul>
      {job.flows.length > 0 && (
        <div
          className="legend-flow"
          title="The central flow of each plain GD / RMSprop run: where the oscillating iterates drift on average"
        >
          <span className="legend-line" style={{ background: FLOW_COLOR }} />
          <span>
            central flow · {job.flows.length} run{job.flows.length === 1 ? '' : 's'}
          </span>
        </div>
      )}
    </div>
  )
}
