/** Legend: each optimizer's colour and settings, its runs' median final loss and how many diverged. */
import { useEffect, useState } from 'react'
import { job, onJobChange } from '../data/job-data'
import { FLOW_COLOR } from '../scene/CentralFlows'
import { optimizerColor } from '../scene/palette'
import { formatNumber, optimizerLabel } from '../store/scenario'
import { toggleHidden, useUi } from '../store/ui-store'

/** Re-render at most every `ms` while job data streams (for summaries, never for the scene). */
export function useJobVersion(ms = 150): number {
  const [version, setVersion] = useState(job.version)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const off = onJobChange(() => {
      if (timer) return
      timer = setTimeout(() => { timer = null; setVersion(job.version) }, ms)
    })
    return () => { off(); if (timer) clearTimeout(timer) }
  }, [ms])
  return version
}

interface Summary { median: number; diverged: number; runs: number }

function summarize(o: number): Summary | null {
  if (job.starts === 0 || o >= job.optimizers || job.received === 0) return null
  const last = Math.min(job.received, job.kept) - 1
  const values: number[] = []
  let diverged = 0
  for (let s = 0; s < job.starts; s++) {
    const r = o * job.starts + s
    const v = job.loss[r * job.kept + last]
    if (job.divergedAt ? job.divergedAt[r] >= 0 : !Number.isFinite(v)) diverged++
    else if (Number.isFinite(v)) values.push(v)
  }
  values.sort((a, b) => a - b)
  return { median: values.length ? values[Math.floor((values.length - 1) / 2)] : NaN, diverged, runs: job.starts }
}

export function Legend() {
  useJobVersion()
  const optimizers = useUi((s) => s.scenario.optimizers)
  const info = useUi((s) => s.info)
  const hidden = useUi((s) => s.view.hidden)
  const sameJob = job.optimizers === optimizers.length
  return (
    <div className="legend card" data-testid="legend">
      <div className="card-title">
        Optimizers <span className="muted">{job.done ? 'final loss (median)' : 'loss (median)'}</span>
      </div>
      <ul>
        {optimizers.map((o, i) => {
          const s = sameJob ? summarize(i) : null
          const off = hidden.includes(i)
          return (
            <li key={i} className={off ? 'off' : ''}>
              <button type="button" onClick={() => toggleHidden(i)} title={off ? 'Show' : 'Hide'} aria-pressed={!off}>
                <span className="legend-line" style={{ background: optimizerColor(i) }} />
                <span className="legend-name">{optimizerLabel(o, info)}</span>
                <span className="legend-value mono">
                  {s ? (Number.isFinite(s.median) ? formatNumber(s.median, 3) : '—') : '…'}
                  {s && s.diverged > 0 && <span className="diverged" title={`${s.diverged} of ${s.runs} runs diverged`}> · {s.diverged} div.</span>}
                </span>
              </button>
            </li>
          )
        })}
      </ul>
      {job.flows.length > 0 && (
        <div className="legend-flow" title="The central flow of each plain GD / RMSprop run: where the oscillating iterates drift on average">
          <span className="legend-line" style={{ background: FLOW_COLOR }} />
          <span>central flow · {job.flows.length} run{job.flows.length === 1 ? '' : 's'}</span>
        </div>
      )}
    </div>
  )
}
